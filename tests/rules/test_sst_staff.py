"""SST-SUPERVISOR-QHIP, SST-SUPERVISION-RATIO, SST-DIDACTIC-QHIP, SST-DIRECT-CARE-EDUCATION,
SST-PRIMARY-SKILLS and SST-ANNUAL-CE."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from caseledger.audit.engine import run_audit
from caseledger.audit.findings import Finding
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.engines import SparkEngine
from caseledger.policy import load_policy
from tests.rules.scenario import AS_OF, PRIMARY_SKILLS, D, Scenario

SUPERVISOR = "SST-SUPERVISOR-QHIP"
RATIO = "SST-SUPERVISION-RATIO"
DIDACTIC = "SST-DIDACTIC-QHIP"
EDUCATION = "SST-DIRECT-CARE-EDUCATION"
PRIMARY = "SST-PRIMARY-SKILLS"
CE = "SST-ANNUAL-CE"
ALL = (SUPERVISOR, RATIO, DIDACTIC, EDUCATION, PRIMARY, CE)


def _worker(s: Scenario, sid: str, **kw: Any) -> dict[str, Any]:
    """A direct-care worker like S-DC1 (supervised by S-QHIP), without any training."""
    row = {**s.row("staff", staff_id="S-DC1"), "staff_id": sid, "first_name": sid}
    row.update(kw)
    return s.add("staff", **row)


def _training(s: Scenario, sid: str, topic: str, on: dt.date, hours: str = "4", **kw: Any) -> None:
    s.add(
        "staff_trainings",
        staff_id=sid,
        topic=topic,
        hours=Decimal(hours),
        completed_on=on,
        waived=kw.get("waived", False),
        waiver_note=kw.get("waiver_note"),
    )


def _trained(s: Scenario, sid: str, on: dt.date = D(2020, 3, 2)) -> None:
    for topic in PRIMARY_SKILLS:
        _training(s, sid, topic, on)


def _ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def test_the_clean_agency_has_no_staff_findings() -> None:
    s = Scenario()
    s.weekly("sst", 8, D(2024, 11, 6))
    s.encounter("sst", D(2025, 1, 8), activity="didactic", staff_id="S-QHIP")
    assert s.audit(ALL).findings == []


# ---------------------------------------------------------------- SST-SUPERVISOR-QHIP


def test_a_supervisor_without_a_qhip_credential_is_reported_once_per_worker() -> None:
    s = Scenario()
    s.remove("staff_credentials", staff_id="S-QHIP")
    first = s.encounter("sst", D(2025, 1, 8))
    s.encounter("sst", D(2025, 1, 15))
    found = s.findings(SUPERVISOR)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.staff_id, f.date) == (
        "staff",
        "S-DC1",
        "S-DC1",
        first["date"],
    )
    assert f.message == (
        "This direct-care worker renders socialization skills training, but their supervisor "
        "S-QHIP holds no QHIP credential on that date."
    )
    assert f.carc == "185"


def test_a_lapsed_credential_is_reported_from_the_first_day_after_it() -> None:
    s = Scenario()
    s.row("staff_credentials", staff_id="S-QHIP")["end_date"] = D(2025, 1, 10)
    s.encounter("sst", D(2025, 1, 8))
    later = s.encounter("sst", D(2025, 1, 15))
    assert [f.date for f in s.findings(SUPERVISOR)] == [later["date"]]


def test_degree_fields_compare_without_case_and_must_be_listed() -> None:
    s = Scenario()
    s.encounter("sst")
    supervisor = s.row("staff", staff_id="S-QHIP")
    supervisor["degree_field"] = "  SOCIAL   work "
    supervisor["education"] = "master"
    assert s.findings(SUPERVISOR) == []
    supervisor["degree_field"] = "Counseling"
    found = s.findings(SUPERVISOR)
    assert len(found) == 1
    assert "their supervisor S-QHIP lacks a QHIP supervisor's degree" in found[0].message
    assert "recorded: master in Counseling" in found[0].message


def test_a_supervisor_below_a_bachelors_degree_fails() -> None:
    s = Scenario()
    s.encounter("sst")
    s.row("staff", staff_id="S-QHIP")["education"] = "associate"
    found = s.findings(SUPERVISOR)
    assert len(found) == 1
    assert "recorded: associate in Psychology" in found[0].message


def test_no_supervisor_is_reported_and_a_qhip_needs_none() -> None:
    s = Scenario()
    s.row("staff", staff_id="S-DC1")["supervisor_id"] = None
    s.encounter("sst")
    s.encounter("sst", staff_id="S-QHIP", start_time=dt.time(13, 0), end_time=dt.time(16, 0))
    found = s.findings(SUPERVISOR)
    assert [(f.subject_id, f.message.split(", but ")[1]) for f in found] == [
        ("S-DC1", "no supervisor is on record.")
    ]


# ---------------------------------------------------------------- SST-SUPERVISION-RATIO


def _team(s: Scenario, size: int, start: dt.date = D(2024, 1, 1)) -> list[str]:
    """``size`` direct-care workers under S-QHIP, S-DC1 first, the others hired a day apart,
    each with one SST half-day."""
    ids = ["S-DC1"]
    for i in range(1, size):
        sid = f"S-W{i:02d}"
        _worker(s, sid, hire_date=start + dt.timedelta(days=i))
        ids.append(sid)
    for i, sid in enumerate(ids):
        s.encounter("sst", D(2024, 3, 1) + dt.timedelta(days=i), staff_id=sid)
    return ids


def test_exactly_twelve_supervisees_pass() -> None:
    s = Scenario()
    _team(s, 12)
    assert s.findings(RATIO) == []


def test_the_thirteenth_active_supervisee_is_reported_on_their_hire_date() -> None:
    s = Scenario()
    _team(s, 14)  # the 13th is hired on 2024-01-13, the 14th the day after
    found = s.findings(RATIO)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.staff_id) == ("staff", "S-QHIP", "S-QHIP")
    assert f.date == D(2024, 1, 13)
    assert f.message == (
        "This supervisor has 13 direct-care staff active on this date; a QHIP may supervise at "
        "most 12."
    )


def test_ended_qhip_and_non_sst_supervisees_do_not_count() -> None:
    s = Scenario()
    _team(s, 12)
    _worker(s, "S-GONE", hire_date=D(2020, 1, 6), end_date=D(2024, 1, 5))
    s.encounter("sst", D(2023, 6, 7), staff_id="S-GONE")
    _worker(s, "S-Q2", hire_date=D(2024, 2, 1))
    s.add(
        "staff_credentials", **{**s.row("staff_credentials", staff_id="S-QHIP"), "staff_id": "S-Q2"}
    )
    s.encounter("sst", D(2024, 3, 20), staff_id="S-Q2")
    _worker(s, "S-CPR", hire_date=D(2024, 2, 1))
    assert s.findings(RATIO) == []


# ---------------------------------------------------------------- SST-DIDACTIC-QHIP


def test_didactic_instruction_by_a_direct_care_worker_is_flagged() -> None:
    s = Scenario()
    bad = s.encounter("sst", D(2025, 1, 8), activity="didactic")
    nobody = s.encounter("sst", D(2025, 1, 15), activity="didactic", staff_id=None)
    s.encounter("sst", D(2025, 1, 22), activity="didactic", staff_id="S-QHIP")
    s.encounter("sst", D(2025, 1, 29), activity="community_practice")
    s.encounter("sst", D(2025, 2, 5), activity="didactic", billable=False)
    found = s.findings(DIDACTIC)
    assert _ids(found) == sorted([bad["encounter_id"], nobody["encounter_id"]])
    f = next(f for f in found if f.subject_id == bad["encounter_id"])
    assert f.message == (
        "Didactic instruction must be led by a QHIP, but the rendering staff holds no QHIP "
        "credential on this date."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert (f.staff_id, f.client_id) == ("S-DC1", "C-SST")


# ---------------------------------------------------------------- SST-DIRECT-CARE-EDUCATION


def test_a_direct_care_worker_without_high_school_is_flagged() -> None:
    s = Scenario()
    worker = s.row("staff", staff_id="S-DC1")
    line = s.encounter("sst")
    worker["education"] = "ged"
    assert s.findings(EDUCATION) == []
    worker["education"] = "none"
    found = s.findings(EDUCATION)
    assert _ids(found) == [line["encounter_id"]]
    assert found[0].message == (
        "The rendering direct-care worker's education is recorded as none; direct-care staff "
        "need a high school diploma or equivalent."
    )
    assert found[0].amount_at_risk == Decimal("69.00")
    worker["education"] = None
    assert "education is not recorded;" in s.findings(EDUCATION)[0].message


def test_the_direct_care_requirements_do_not_apply_to_a_qhip() -> None:
    s = Scenario()
    s.row("staff", staff_id="S-QHIP")["hire_date"] = D(2024, 6, 3)
    s.row("staff", staff_id="S-QHIP")["education"] = None
    s.encounter("sst", staff_id="S-QHIP")
    assert s.audit([EDUCATION, PRIMARY, CE]).findings == []


# ---------------------------------------------------------------- SST-PRIMARY-SKILLS


def test_six_months_after_hire_exactly_passes_and_the_day_after_fails() -> None:
    s = Scenario()
    _worker(s, "S-NEW", hire_date=D(2024, 7, 8))
    s.encounter("sst", D(2025, 1, 8), staff_id="S-NEW")
    late = s.encounter("sst", D(2025, 1, 9), staff_id="S-NEW")
    found = s.findings(PRIMARY)
    assert _ids(found) == [late["encounter_id"]]
    f = found[0]
    assert f.message == (
        "The rendering direct-care worker is more than 6 months past the hire date and is "
        "missing 6 of the 6 Primary Skills topics."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert f.staff_id == "S-NEW"


def test_the_deadline_from_a_month_end_hire_is_the_last_day_six_months_on() -> None:
    s = Scenario()
    _worker(s, "S-NEW", hire_date=D(2024, 8, 31))
    s.encounter("sst", D(2025, 2, 28), staff_id="S-NEW")
    late = s.encounter("sst", D(2025, 3, 1), staff_id="S-NEW")
    assert _ids(s.findings(PRIMARY)) == [late["encounter_id"]]


def test_a_topic_completed_after_the_date_does_not_count() -> None:
    s = Scenario()
    s.row("staff_trainings", staff_id="S-DC1", topic=PRIMARY_SKILLS[0])["completed_on"] = D(
        2025, 1, 10
    )
    before = s.encounter("sst", D(2025, 1, 8))
    s.encounter("sst", D(2025, 1, 10))
    found = s.findings(PRIMARY)
    assert _ids(found) == [before["encounter_id"]]
    assert "missing 1 of the 6 Primary Skills topics" in found[0].message


def test_a_waived_topic_does_not_count_and_an_unknown_hire_date_is_past_the_deadline() -> None:
    s = Scenario()
    _worker(s, "S-NEW", hire_date=None)
    _trained(s, "S-NEW", D(2024, 9, 2))
    s.row("staff_trainings", staff_id="S-NEW", topic=PRIMARY_SKILLS[5])["waived"] = True
    line = s.encounter("sst", D(2025, 1, 8), staff_id="S-NEW")
    found = s.findings(PRIMARY)
    assert _ids(found) == [line["encounter_id"]]
    assert "missing 1 of the 6" in found[0].message


# ---------------------------------------------------------------- SST-ANNUAL-CE
# Employment years of a worker hired 2022-03-01: the first to 2023-02-28, the second to
# 2024-02-29, the third from 2024-03-01. Services in the third year need the second year's hours.


def _ce_worker(s: Scenario) -> None:
    _worker(s, "S-CE", hire_date=D(2022, 3, 1))
    _trained(s, "S-CE", D(2022, 4, 1))


def test_the_second_year_is_not_judged_until_it_is_over() -> None:
    s = Scenario()
    _ce_worker(s)
    s.encounter("sst", D(2024, 2, 29), staff_id="S-CE")
    third = s.encounter("sst", D(2024, 3, 1), staff_id="S-CE")
    found = s.findings(CE)
    assert _ids(found) == [third["encounter_id"]]
    f = found[0]
    assert f.message == (
        "The rendering direct-care worker completed 0 hours of continuing education in the last "
        "full employment year before this service; at least 5 are required each year after the "
        "first."
    )
    assert f.amount_at_risk == Decimal("69.00")


def test_hours_count_in_the_employment_year_they_were_completed() -> None:
    s = Scenario()
    _ce_worker(s)
    _training(s, "S-CE", "continuing_education", D(2023, 2, 28), hours="5")  # first year
    s.encounter("sst", D(2024, 3, 1), staff_id="S-CE")
    assert len(s.findings(CE)) == 1
    _training(s, "S-CE", "continuing_education", D(2023, 3, 1), hours="5")  # second year
    assert s.findings(CE) == []


def test_fewer_than_five_hours_fail_and_hours_of_several_trainings_add_up() -> None:
    s = Scenario()
    _ce_worker(s)
    _training(s, "S-CE", "continuing_education", D(2023, 5, 1), hours="2.5")
    _training(s, "S-CE", "continuing_education", D(2023, 9, 1), hours="2")
    s.encounter("sst", D(2024, 6, 5), staff_id="S-CE")
    found = s.findings(CE)
    assert len(found) == 1
    assert "completed 4.5 hours" in found[0].message
    _training(s, "S-CE", "continuing_education", D(2024, 2, 1), hours="0.5")
    assert s.findings(CE) == []


def test_catching_up_in_the_current_year_does_not_mend_the_last_one() -> None:
    s = Scenario()
    _ce_worker(s)
    _training(s, "S-CE", "continuing_education", D(2024, 3, 4), hours="6")
    line = s.encounter("sst", D(2024, 3, 5), staff_id="S-CE")
    assert _ids(s.findings(CE)) == [line["encounter_id"]]
    # ...but it does count for the year after
    s.encounter("sst", D(2025, 3, 5), staff_id="S-CE")
    assert _ids(s.findings(CE)) == [line["encounter_id"]]


def test_without_a_hire_date_continuing_education_is_not_checked() -> None:
    s = Scenario()
    _ce_worker(s)
    s.row("staff", staff_id="S-CE")["hire_date"] = None
    s.encounter("sst", D(2025, 1, 8), staff_id="S-CE")
    assert s.findings(CE) == []


# ---------------------------------------------------------------- effective dating


def _with_override(s: Scenario, tmp_path: Path, body: str, rule: str) -> list[Finding]:
    """The findings of ``rule`` under the built-in packs plus an agency override of ``sst``."""
    path = tmp_path / "acme-sst.yaml"
    path.write_text('pack: acme-sst\nversion: "1"\nextends: sst\n' + body)
    policy = load_policy([path], environ={})
    result = run_audit(facts_from_dataset(s.dataset()), policy, as_of=AS_OF, only=[rule])
    return [f for f in result.findings if f.rule == rule]


def test_a_raised_supervision_maximum_applies_from_its_own_date(tmp_path: Path) -> None:
    s = Scenario()
    _team(s, 13)
    staff = """staff:
  qhip_supervisor:
    label: QHIP in the supervisor role
    max_supervisees: {{value: 13, cite: Agency waiver, from: {start}}}
"""
    assert _with_override(s, tmp_path, staff.format(start="2024-01-01"), RATIO) == []
    found = _with_override(s, tmp_path, staff.format(start="2024-02-01"), RATIO)
    assert [(f.date, f.message.split(";")[1]) for f in found] == [
        (D(2024, 1, 13), " a QHIP may supervise at most 12.")
    ]


def test_a_shorter_primary_skills_deadline_applies_to_later_services(tmp_path: Path) -> None:
    s = Scenario()
    _worker(s, "S-NEW", hire_date=D(2024, 7, 8))
    before = s.encounter("sst", D(2024, 12, 31), staff_id="S-NEW")
    after = s.encounter("sst", D(2025, 1, 2), staff_id="S-NEW")
    trainings = """trainings:
  primary_skills:
    label: Primary Skills
    due: {value: 3, unit: months, cite: Agency policy, from: 2025-01-01}
"""
    found = _with_override(s, tmp_path, trainings, PRIMARY)
    assert _ids(found) == [after["encounter_id"]]
    assert before["encounter_id"] not in _ids(found)
    assert "more than 3 months past the hire date" in found[0].message


# ---------------------------------------------------------------- missing files and Spark


def test_without_trainings_the_training_rules_cannot_be_checked() -> None:
    s = Scenario()
    s.encounter("sst")
    s.drop_file("staff_trainings")
    found = s.audit([PRIMARY, CE, EDUCATION]).findings
    assert sorted((f.rule, f.subject_id) for f in found) == [
        ("GEN-FACTS-MISSING", CE),
        ("GEN-FACTS-MISSING", PRIMARY),
    ]


def _key(f: Any) -> tuple[Any, ...]:
    return (f.rule, f.subject_id, f.date, f.message, f.amount_at_risk)


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    _team(s, 13)
    _ce_worker(s)
    _training(s, "S-CE", "continuing_education", D(2023, 5, 1), hours="2.5")
    s.encounter("sst", D(2024, 6, 5), staff_id="S-CE")
    _worker(s, "S-LOW", education="none", supervisor_id="S-LPC", hire_date=D(2024, 8, 30))
    s.encounter("sst", D(2025, 3, 3), staff_id="S-LOW", activity="didactic")
    duck = sorted(map(_key, s.audit(ALL).findings))
    spark = sorted(map(_key, s.audit(ALL, engine=spark_engine).findings))
    assert {k[0] for k in duck} == set(ALL)
    assert duck == spark
