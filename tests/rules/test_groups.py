"""ABA-GROUP-SIZE: adaptive behavior group sessions against their per-session limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from caseledger.facts.engines import Engine
from tests.rules.scenario import D, Scenario


def aba_group(
    s: Scenario,
    group_id: str,
    code: str,
    clients: int,
    *,
    day: dt.date = D(2025, 1, 15),
    charge: str | None = None,
    **kw: Any,
) -> list[dict[str, Any]]:
    """An ABA group session of ``code`` with ``clients`` clients, each arriving a minute after
    the one before."""
    lines = []
    for n in range(clients):
        client = f"C-{group_id}-{n + 1}"
        s.add("clients", client_id=client, agency_id="A1")
        lines.append(
            s.encounter(
                "aba",
                day,
                client_id=client,
                service_code=code,
                group_id=group_id,
                start_time=dt.time(14, n),
                end_time=dt.time(15, 0),
                charge=None if charge is None else Decimal(charge),
                authorization_id=None,
                **kw,
            )
        )
    return lines


def test_eight_patients_pass_and_nine_fail_for_97154_and_97158() -> None:
    s = Scenario()
    aba_group(s, "A8", "97154", 8)
    aba_group(s, "A9", "97154", 9)
    aba_group(s, "B8", "97158", 8)
    aba_group(s, "B9", "97158", 9)
    found = s.findings("ABA-GROUP-SIZE")
    assert sorted(f.subject_id for f in found) == ["A9", "B9"]
    for f in found:
        assert f.subject_type == "group" and f.severity == "error" and f.carc == "151"
        assert f.date == D(2025, 1, 15)
        assert f.message == "The group session has 9 patients, more than the 8 allowed."


def test_97157_counts_families() -> None:
    s = Scenario()
    aba_group(s, "F8", "97157", 8)
    aba_group(s, "F9", "97157", 9)
    (f,) = s.findings("ABA-GROUP-SIZE")
    assert f.subject_id == "F9"
    assert f.message == "The group session has 9 families, more than the 8 allowed."


def test_amount_is_the_lines_of_the_patients_beyond_the_limit() -> None:
    s = Scenario()
    lines = aba_group(s, "A11", "97154", 11, charge="12.50")
    # the tenth patient also had a second line in the same session
    s.encounter(
        "aba",
        D(2025, 1, 15),
        client_id=lines[9]["client_id"],
        service_code="97154",
        group_id="A11",
        start_time=dt.time(14, 30),
        charge=Decimal("5.00"),
    )
    (f,) = s.findings("ABA-GROUP-SIZE")
    assert f.message.startswith("The group session has 11 patients")
    assert f.amount_at_risk == Decimal("42.50")


def test_amount_is_unknown_without_charges_or_rates() -> None:
    s = Scenario()
    aba_group(s, "A9", "97154", 9)
    (f,) = s.findings("ABA-GROUP-SIZE")
    assert f.amount_at_risk is None


def test_only_billable_lines_of_aba_group_codes_count() -> None:
    s = Scenario()
    aba_group(s, "A", "97154", 8)
    aba_group(s, "A", "97154", 1, billable=False)  # a ninth client, not billed
    aba_group(s, "I", "97153", 9)  # an individual code carrying a group id
    assert s.findings("ABA-GROUP-SIZE") == []


def test_group_sessions_file_is_not_needed() -> None:
    s = Scenario()
    aba_group(s, "A9", "97158", 9)
    s.drop_file("group_sessions")
    found = s.audit(["ABA-GROUP-SIZE"]).findings
    assert [(f.rule, f.subject_id) for f in found] == [("ABA-GROUP-SIZE", "A9")]


def test_group_codes_before_2019_are_not_judged() -> None:
    s = Scenario()
    aba_group(s, "OLD", "97154", 9, day=D(2018, 6, 1))
    assert s.findings("ABA-GROUP-SIZE") == []


def test_spark_finds_what_duckdb_finds(spark_engine: Engine) -> None:
    s = Scenario()
    aba_group(s, "A8", "97154", 8, charge="10")
    aba_group(s, "A10", "97154", 10, charge="10")
    aba_group(s, "F9", "97157", 9)
    lines = aba_group(s, "B9", "97158", 9, charge="7.25")
    lines[0]["start_time"] = None  # no start time: counted as the last to arrive

    def key(found: list[Any]) -> list[tuple[Any, ...]]:
        return sorted((f.subject_id, f.date, f.message, f.amount_at_risk) for f in found)

    duck = key(s.findings("ABA-GROUP-SIZE"))
    spark = key(s.findings("ABA-GROUP-SIZE", engine=spark_engine))
    assert spark == duck
    assert [(sid, amount) for sid, _, _, amount in duck] == [
        ("A10", Decimal("20.00")),
        ("B9", Decimal("7.25")),
        ("F9", None),
    ]
