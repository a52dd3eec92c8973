"""SST-LIFETIME-CAP, SST-LIFETIME-NEAR, SST-SIMILAR-SERVICE, SST-REFERRAL and SST-CURRICULUM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from caseledger.audit.engine import run_audit
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.engines import SparkEngine
from caseledger.facts.policy_frames import OPEN_END
from caseledger.policy import load_policy
from caseledger.rules.sst import pack_model, policy_periods
from tests.rules.scenario import AS_OF, D, Scenario, T
from tests.rules.scenario import policy as policy_of

CAP = "SST-LIFETIME-CAP"
NEAR = "SST-LIFETIME-NEAR"
SIMILAR = "SST-SIMILAR-SERVICE"
REFERRAL = "SST-REFERRAL"
CURRICULUM = "SST-CURRICULUM"
ALL = (CAP, NEAR, SIMILAR, REFERRAL, CURRICULUM)


def _ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def _other(s: Scenario, service: str = "socialization_skills_training", **kw: Any) -> None:
    row: dict[str, Any] = {
        "client_id": "C-SST",
        "service": service,
        "provided_through": "another AHI service",
        "start_date": D(2024, 6, 1),
        "end_date": D(2024, 6, 30),
    }
    row.update(kw)
    s.add("other_services", **row)


def test_policy_periods_split_a_pack_part_where_its_values_change() -> None:
    policy = policy_of()
    staff = pack_model(policy).staff
    assert policy_periods(policy, staff) == [(D(2008, 1, 1), OPEN_END)]
    assert policy_periods(policy) == []


def test_the_clean_agency_has_no_findings_from_these_rules() -> None:
    s = Scenario()
    s.weekly("sst", 10)
    found = s.audit(ALL).findings
    assert found == []


# ---------------------------------------------------------------- SST-LIFETIME-CAP


def test_the_26th_half_day_passes_and_the_27th_fails() -> None:
    s = Scenario()
    lines = s.weekly("sst", 27)
    assert len(s.audit([CAP], as_of=D(2025, 3, 15)).findings) == 1
    found = s.findings(CAP)
    assert _ids(found) == [lines[26]["encounter_id"]]
    f = found[0]
    assert f.message == (
        "27th half-day of socialization skills training for this client; "
        "the lifetime maximum is 26."
    )
    assert f.severity == "error"
    assert f.subject_type == "encounter"
    assert f.carc == "149"
    assert f.amount_at_risk == Decimal("69.00")
    assert (f.client_id, f.staff_id, f.date) == ("C-SST", "S-DC1", lines[26]["date"])
    assert "000_970f1571fa3cbd2e.txt" in f.citation


def test_exactly_26_half_days_is_clean() -> None:
    s = Scenario()
    s.weekly("sst", 26)
    assert s.findings(CAP) == []


def test_a_two_unit_line_crossing_the_cap_is_flagged_for_the_unit_beyond_it() -> None:
    s = Scenario()
    s.weekly("sst", 25)
    crossing = s.encounter(
        "sst", D(2025, 1, 8), end_time=T(15, 0), units=Decimal(2), charge=Decimal("138.00")
    )
    after = s.encounter(
        "sst", D(2025, 1, 15), end_time=T(15, 0), units=Decimal(2), charge=Decimal("138.00")
    )
    found = {f.subject_id: f for f in s.findings(CAP)}
    assert set(found) == {crossing["encounter_id"], after["encounter_id"]}
    assert found[crossing["encounter_id"]].message.startswith("27th half-day")
    assert found[crossing["encounter_id"]].amount_at_risk == Decimal("69.00")
    assert found[after["encounter_id"]].message.startswith("28th half-day")
    assert found[after["encounter_id"]].amount_at_risk == Decimal("138.00")


def test_half_days_count_in_date_order_across_providers_not_in_file_order() -> None:
    s = Scenario()
    s.add("staff", **{**s.row("staff", staff_id="S-DC1"), "staff_id": "S-DC2"})
    late = s.encounter("sst", D(2025, 2, 5))
    s.weekly("sst", 13, D(2024, 1, 3))
    s.weekly("sst", 13, D(2024, 6, 5), staff_id="S-DC2")
    # 27 half-days from two workers: the February 2025 one, written first, is the 27th
    assert _ids(s.findings(CAP)) == [late["encounter_id"]]


def test_on_one_day_the_later_start_time_comes_second() -> None:
    s = Scenario()
    s.weekly("sst", 25)
    afternoon = s.encounter("sst", D(2025, 1, 8), start_time=T(13, 0), end_time=T(16, 0))
    morning = s.encounter("sst", D(2025, 1, 8))
    found = s.findings(CAP)
    assert _ids(found) == [afternoon["encounter_id"]]
    assert morning["encounter_id"] not in _ids(found)


def test_unbilled_half_days_do_not_count_toward_the_cap() -> None:
    s = Scenario()
    s.weekly("sst", 26)
    s.encounter("sst", D(2025, 1, 8), billable=False)
    assert s.findings(CAP) == []


def test_units_come_from_documented_time_when_empty() -> None:
    s = Scenario()
    s.weekly("sst", 25)
    line = s.encounter("sst", D(2025, 1, 8), end_time=T(15, 0), units=None, charge=None)
    found = s.findings(CAP)
    assert _ids(found) == [line["encounter_id"]]
    # 360 minutes support two half-days at $69.00; one of them is beyond the cap
    assert found[0].amount_at_risk == Decimal("69.00")


def test_a_raised_cap_applies_to_services_on_and_after_its_date(tmp_path: Path) -> None:
    path = tmp_path / "acme-sst.yaml"
    path.write_text(
        'pack: acme-sst\nversion: "1"\nextends: sst\nparams:\n  lifetime_half_days:\n'
        "    {value: 30, unit: half_days, cite: DHSS memo, from: 2025-01-01}\n"
    )
    policy = load_policy([path], environ={})
    s = Scenario()
    in_2024 = s.weekly("sst", 27, D(2024, 1, 3))[26]
    in_2025 = s.weekly("sst", 4, D(2025, 1, 8))
    result = run_audit(facts_from_dataset(s.dataset()), policy, as_of=AS_OF, only=[CAP])
    # the 27th (2024, cap 26) is over; the 28th to 31st (2025, cap 30) only the 31st
    assert [(f.subject_id, f.message.split(";")[1]) for f in result.findings] == [
        (in_2024["encounter_id"], " the lifetime maximum is 26."),
        (in_2025[3]["encounter_id"], " the lifetime maximum is 30."),
    ]


# ---------------------------------------------------------------- SST-LIFETIME-NEAR


def test_three_half_days_left_is_reported_on_the_latest_service() -> None:
    s = Scenario()
    lines = s.weekly("sst", 23)
    found = s.findings(NEAR)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.client_id) == ("client", "C-SST", "C-SST")
    assert f.date == lines[-1]["date"]
    assert f.severity == "info"
    assert f.message == (
        "Only 3 of the client's 26 lifetime half-days of socialization skills training remain "
        "after the latest service."
    )


def test_four_left_is_quiet_none_left_is_reported_and_over_the_cap_is_not() -> None:
    s = Scenario()
    s.weekly("sst", 22)
    assert s.findings(NEAR) == []
    s.weekly("sst", 4, D(2025, 1, 8))
    found = s.findings(NEAR)
    assert [f.message.split(" of ")[0] for f in found] == ["Only 0"]
    s.encounter("sst", D(2025, 2, 12))
    assert s.findings(NEAR) == []


# ---------------------------------------------------------------- SST-SIMILAR-SERVICE


def test_training_received_elsewhere_on_the_date_is_flagged() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["units"] = 40
    _other(s)
    inside = s.encounter("sst", D(2024, 6, 5))
    first_day = s.encounter("sst", D(2024, 6, 1))
    s.encounter("sst", D(2024, 5, 31))
    s.encounter("sst", D(2024, 7, 1))
    found = s.findings(SIMILAR)
    assert _ids(found) == sorted([inside["encounter_id"], first_day["encounter_id"]])
    f = found[0]
    assert f.message == (
        "The client already receives socialization skills training through another AHI service "
        "on this date, so it cannot be billed here as well."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert f.carc == "204"


def test_open_ended_similar_service_in_other_case_counts_and_other_services_do_not() -> None:
    s = Scenario()
    _other(s, service=" Socialization_Skills_Training ", end_date=None, provided_through=None)
    _other(s, service="personal_care", start_date=D(2024, 1, 1), end_date=None)
    line = s.encounter("sst", D(2025, 1, 8))
    found = s.findings(SIMILAR)
    assert _ids(found) == [line["encounter_id"]]
    assert "through another program" in found[0].message


def test_two_matching_rows_give_one_finding() -> None:
    s = Scenario()
    _other(s)
    _other(s, provided_through="state agency", start_date=D(2024, 6, 3))
    s.encounter("sst", D(2024, 6, 5))
    assert len(s.findings(SIMILAR)) == 1


def test_without_other_services_the_rule_cannot_be_checked() -> None:
    s = Scenario()
    s.encounter("sst")
    s.drop_file("other_services")
    result = s.audit([SIMILAR])
    assert [(f.rule, f.subject_id) for f in result.findings] == [("GEN-FACTS-MISSING", SIMILAR)]


# ---------------------------------------------------------------- SST-REFERRAL


def test_an_enrollment_missing_indicators_lists_them() -> None:
    s = Scenario()
    enrollment = s.row("enrollments", client_id="C-SST")
    enrollment["referral_behaviors"] = "  "
    enrollment["referral_interest"] = None
    found = s.findings(REFERRAL)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.date) == ("client", "C-SST", D(2024, 1, 1))
    assert f.severity == "warning"
    assert f.message.startswith("The SST enrollment documents 1 of the 3 referral indicators; ")
    assert "Interpersonal behaviors" in f.message
    assert "interest" in f.message
    assert "able to learn" not in f.message


def test_an_indicator_answered_no_is_missing_and_other_programs_are_not_checked() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SST")["referral_ability"] = False
    found = s.findings(REFERRAL)
    assert len(found) == 1
    assert found[0].message.endswith(
        "missing: Client able to learn and change behaviors when given strategies."
    )


# ---------------------------------------------------------------- SST-CURRICULUM


def test_an_agency_billing_sst_without_a_curriculum_is_warned_once() -> None:
    s = Scenario()
    s.row("agency", agency_id="A1")["has_sst_curriculum"] = None
    first = s.encounter("sst", D(2025, 1, 8))
    s.encounter("sst", D(2025, 1, 15))
    found = s.findings(CURRICULUM)
    assert len(found) == 1
    f = found[0]
    assert (f.subject_type, f.subject_id, f.date) == ("agency", "A1", first["date"])
    assert f.severity == "warning"
    assert f.message == (
        "The agency billed 2 half-days of socialization skills training without a documented "
        "SST curriculum."
    )


def test_no_curriculum_is_fine_when_no_sst_is_billed() -> None:
    s = Scenario()
    s.row("agency", agency_id="A1")["has_sst_curriculum"] = False
    s.encounter("cpr")
    s.encounter("sst", billable=False)
    assert s.findings(CURRICULUM) == []
    s.row("agency", agency_id="A1")["has_sst_curriculum"] = True
    s.encounter("sst")
    assert s.findings(CURRICULUM) == []


# ---------------------------------------------------------------- Spark


def _key(f: Any) -> tuple[Any, ...]:
    return (f.rule, f.subject_id, f.date, f.message, f.amount_at_risk)


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.row("agency", agency_id="A1")["has_sst_curriculum"] = False
    s.row("enrollments", client_id="C-SST")["referral_interest"] = False
    _other(s)
    s.weekly("sst", 25)
    s.encounter("sst", D(2025, 1, 8), end_time=T(15, 0), units=Decimal(2), charge=None)
    s.encounter("sst", D(2025, 1, 8) - dt.timedelta(days=1))
    duck = sorted(map(_key, s.audit(ALL).findings))
    spark = sorted(map(_key, s.audit(ALL, engine=spark_engine).findings))
    assert {k[0] for k in duck} == {CAP, SIMILAR, REFERRAL, CURRICULUM}
    assert duck == spark
