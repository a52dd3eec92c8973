"""SST-MONTHLY-REPORT and SST-REPORT-ELEMENTS."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from caseledger.audit.engine import run_audit
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.engines import SparkEngine
from caseledger.policy import load_policy
from tests.rules.scenario import AS_OF, D, Scenario

MONTHLY = "SST-MONTHLY-REPORT"
ELEMENTS = "SST-REPORT-ELEMENTS"

ELEMENT_TEXT = {
    "barriers": "Still interrupts peers in groups of more than three",
    "progress": "Waited for a pause before speaking in four of six tries",
    "family_education": "Sister practiced the pause cue with the client at home",
    "family_response": "Sister uses the cue daily and finds it helpful",
    "effective_techniques": "Role-play before outings and a hand cue",
    "next_priorities": "Ending conversations politely",
    "expected_duration": "Two more months",
    "expected_outcome": "Joins a peer group conversation without prompts",
}


def _report(
    s: Scenario, month: dt.date, sent_on: dt.date | None, report_id: str = "R1", **kw: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "report_id": report_id,
        "client_id": "C-SST",
        "month": month,
        "sent_on": sent_on,
        "sent_to": "AHI Service Coordinator",
        **ELEMENT_TEXT,
    }
    row.update(kw)
    return s.add("progress_reports", **row)


def _january(s: Scenario) -> None:
    s.encounter("sst", D(2025, 1, 8))
    s.encounter("sst", D(2025, 1, 15))


# ---------------------------------------------------------------- SST-MONTHLY-REPORT


def test_a_month_with_a_timely_report_is_clean() -> None:
    s = Scenario()
    _january(s)
    s.encounter("sst", D(2025, 2, 5))  # February's report is not due until 2025-03-31
    _report(s, D(2025, 1, 1), D(2025, 2, 10))
    assert s.audit([MONTHLY, ELEMENTS]).findings == []


def test_a_month_without_a_report_is_flagged_on_its_deadline() -> None:
    s = Scenario()
    _january(s)
    _report(s, D(2024, 12, 1), D(2025, 1, 10))  # another month's report does not count
    found = s.findings(MONTHLY)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.client_id) == ("client", "C-SST", "C-SST")
    assert f.date == D(2025, 2, 28)
    assert f.message == (
        "The monthly progress report for January 2025 was not sent by its deadline, 2025-02-28."
    )
    assert f.amount_at_risk == Decimal("138.00")
    assert f.severity == "error"
    assert f.carc == "16"


def test_sent_on_the_deadline_passes_and_the_day_after_is_late() -> None:
    s = Scenario()
    _january(s)
    report = _report(s, D(2025, 1, 1), D(2025, 2, 28))
    assert s.findings(MONTHLY) == []
    report["sent_on"] = D(2025, 3, 1)
    found = s.findings(MONTHLY)
    assert [f.message for f in found] == [
        "The monthly progress report for January 2025 was sent on 2025-03-01, after its "
        "deadline of 2025-02-28."
    ]
    assert found[0].date == D(2025, 2, 28)


def test_an_unsent_report_is_missing_but_an_earlier_copy_sent_in_time_is_enough() -> None:
    s = Scenario()
    _january(s)
    _report(s, D(2025, 1, 1), None)
    assert len(s.findings(MONTHLY)) == 1
    _report(s, D(2025, 1, 1), D(2025, 2, 3), report_id="R2")
    _report(s, D(2025, 1, 1), D(2025, 3, 3), report_id="R3")
    assert s.findings(MONTHLY) == []


def test_a_deadline_is_judged_only_once_it_has_passed_by_the_as_of_date() -> None:
    s = Scenario()
    _january(s)
    assert len(s.findings(MONTHLY, as_of=D(2025, 2, 28))) == 1
    assert s.findings(MONTHLY, as_of=D(2025, 2, 27)) == []


def test_december_is_due_at_the_end_of_january() -> None:
    s = Scenario()
    s.encounter("sst", D(2024, 12, 4))
    found = s.findings(MONTHLY)
    assert [(f.date, f.message) for f in found] == [
        (
            D(2025, 1, 31),
            "The monthly progress report for December 2024 was not sent by its deadline, "
            "2025-01-31.",
        )
    ]
    assert found[0].amount_at_risk == Decimal("69.00")


def test_a_longer_deadline_applies_to_months_served_after_its_date(tmp_path: Path) -> None:
    path = tmp_path / "acme-sst.yaml"
    path.write_text(
        'pack: acme-sst\nversion: "1"\nextends: sst\ndocuments:\n  monthly_report:\n'
        "    label: Monthly progress report\n    table: progress_reports\n"
        "    due: {value: 2, unit: months, cite: Agency contract, from: 2025-01-01}\n"
    )
    policy = load_policy([path], environ={})
    s = Scenario()
    s.encounter("sst", D(2024, 12, 4))
    _january(s)
    result = run_audit(facts_from_dataset(s.dataset()), policy, as_of=AS_OF, only=[MONTHLY])
    # December keeps the one-month deadline; January's is now 2025-03-31, after the as-of date
    assert [f.date for f in result.findings] == [D(2025, 1, 31)]


def test_months_without_billable_sst_need_no_report() -> None:
    s = Scenario()
    s.encounter("sst", D(2025, 1, 8), billable=False)
    s.encounter("cpr", D(2025, 1, 8))
    assert s.findings(MONTHLY) == []


def test_without_the_reports_file_the_rule_cannot_be_checked() -> None:
    s = Scenario()
    _january(s)
    s.drop_file("progress_reports")
    found = s.audit([MONTHLY, ELEMENTS]).findings
    assert sorted((f.rule, f.subject_id) for f in found) == [
        ("GEN-FACTS-MISSING", MONTHLY),
        ("GEN-FACTS-MISSING", ELEMENTS),
    ]


# ---------------------------------------------------------------- SST-REPORT-ELEMENTS


def test_a_report_lacking_elements_lists_their_labels() -> None:
    s = Scenario()
    _report(s, D(2025, 1, 1), D(2025, 2, 10), family_response=None, expected_outcome="  ")
    found = s.findings(ELEMENTS)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.client_id, f.date) == (
        "report",
        "R1",
        "C-SST",
        D(2025, 2, 10),
    )
    assert f.severity == "warning"
    assert f.message == (
        "The monthly progress report lacks 2 of its 8 required elements: How the family or "
        "significant others responded; Expected outcome."
    )


def test_a_complete_report_is_clean_and_an_unsent_one_is_dated_at_its_month_end() -> None:
    s = Scenario()
    _report(s, D(2025, 1, 1), D(2025, 2, 10))
    assert s.findings(ELEMENTS) == []
    _report(s, D(2025, 2, 1), None, report_id="R2", progress=None)
    found = s.findings(ELEMENTS)
    assert [(f.subject_id, f.date) for f in found] == [("R2", D(2025, 2, 28))]
    assert found[0].message.endswith("elements: Progress on those barriers during the month.")


# ---------------------------------------------------------------- Spark


def _key(f: Any) -> tuple[Any, ...]:
    return (f.rule, f.subject_id, f.date, f.message, f.amount_at_risk)


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.encounter("sst", D(2024, 11, 6))
    s.encounter("sst", D(2024, 12, 4))
    _january(s)
    _report(s, D(2024, 11, 1), D(2024, 12, 20), report_id="R-NOV", barriers="")
    _report(s, D(2024, 12, 1), D(2025, 2, 1), report_id="R-DEC")
    rules = [MONTHLY, ELEMENTS]
    duck = sorted(map(_key, s.audit(rules).findings))
    spark = sorted(map(_key, s.audit(rules, engine=spark_engine).findings))
    assert [k[:2] for k in duck] == [(MONTHLY, "C-SST"), (MONTHLY, "C-SST"), (ELEMENTS, "R-NOV")]
    assert duck == spark
