"""GEN-ENROLLMENT and GEN-AGENCY-CERT."""

from __future__ import annotations

from decimal import Decimal

from caseledger.facts.engines import SparkEngine
from caseledger.facts.policy_frames import OPEN_END, programs_frame
from tests.rules.scenario import D, Scenario, policy


def ids(found: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(f.subject_id for f in found)


# ---------------------------------------------------------------------------- GEN-ENROLLMENT


def test_every_program_of_the_clean_agency_is_enrolled() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert s.findings("GEN-ENROLLMENT") == []


def test_a_service_outside_the_enrollment_period_is_flagged_with_the_line_amount() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SST")["end_date"] = D(2025, 1, 31)
    last_day = s.encounter("sst", D(2025, 1, 31))
    after = s.encounter("sst", D(2025, 2, 1))
    found = s.findings("GEN-ENROLLMENT")
    assert ids(found) == [after["encounter_id"]]
    assert last_day["encounter_id"] not in ids(found)
    f = found[0]
    assert f.severity == "error"
    assert f.client_id == "C-SST" and f.staff_id == "S-DC1" and f.date == D(2025, 2, 1)
    assert f.message == "The client is not enrolled in the SST program on the date of service."
    assert f.amount_at_risk == Decimal("69.00")
    assert f.carc == "204"


def test_the_first_day_of_enrollment_is_covered_and_the_day_before_is_not() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-CPR")["start_date"] = D(2025, 1, 8)
    before = s.encounter("cpr", D(2025, 1, 7))
    s.encounter("cpr", D(2025, 1, 8))
    found = s.findings("GEN-ENROLLMENT")
    assert ids(found) == [before["encounter_id"]]
    assert found[0].amount_at_risk == Decimal("40.72")


def test_enrollment_in_another_program_does_not_count() -> None:
    s = Scenario()
    # the CPR client receives community support, a SUD service
    wrong = s.encounter("sud", client_id="C-CPR", charge=Decimal("30.00"))
    found = s.findings("GEN-ENROLLMENT")
    assert ids(found) == [wrong["encounter_id"]]
    assert "SUD program" in found[0].message
    assert found[0].amount_at_risk == Decimal("30.00")


def test_without_a_charge_or_rate_the_amount_is_unknown() -> None:
    s = Scenario()
    s.remove("enrollments", client_id="C-SUD")
    s.encounter("sud")
    (f,) = s.findings("GEN-ENROLLMENT")
    assert f.amount_at_risk is None


def test_a_line_not_billed_and_an_unknown_code_are_not_enrollment_findings() -> None:
    s = Scenario()
    s.remove("enrollments", client_id="C-SST")
    s.encounter("sst", billable=False)
    s.encounter("sst", service_code="XYZ")
    assert s.findings("GEN-ENROLLMENT") == []


def test_each_code_belongs_to_its_program_over_its_periods() -> None:
    rows = {(r["code"], r["start"]): r for r in programs_frame(policy()).to_pylist()}
    assert rows[("H2017", D(2009, 6, 3))] == {
        "code": "H2017",
        "program": "cpr",
        "start": D(2009, 6, 3),
        "end": OPEN_END,
    }
    assert rows[("0362T", D(2014, 7, 1))]["end"] == D(2018, 12, 31)
    assert rows[("0362T", D(2019, 1, 1))]["program"] == "aba"
    assert rows[("SST-TRANSPORT", D(2008, 1, 1))]["program"] == "sst"


def test_a_known_code_under_unexpected_modifiers_is_still_checked() -> None:
    s = Scenario()
    s.remove("enrollments", client_id="C-CPR")
    odd = s.encounter("cpr", modifiers=("GT", "HO"))
    (f,) = s.findings("GEN-ENROLLMENT")
    assert f.subject_id == odd["encounter_id"]
    assert "CPR program" in f.message
    assert f.amount_at_risk == Decimal("40.72")


def test_without_enrollments_the_rule_cannot_be_checked() -> None:
    s = Scenario()
    s.encounter("sst")
    s.drop_file("enrollments")
    result = s.audit(["GEN-ENROLLMENT"])
    assert [(f.rule, f.subject_id) for f in result.findings] == [
        ("GEN-FACTS-MISSING", "GEN-ENROLLMENT")
    ]


# --------------------------------------------------------------------------- GEN-AGENCY-CERT


def test_a_clean_agency_holds_every_certification() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert s.findings("GEN-AGENCY-CERT") == []


def test_an_expired_sst_agreement_is_named_and_the_last_day_is_covered() -> None:
    s = Scenario()
    s.row("agency_certifications", kind="dhss_sst_agreement")["end_date"] = D(2025, 1, 8)
    s.encounter("sst", D(2025, 1, 8))
    late = s.encounter("sst", D(2025, 1, 15))
    s.encounter("cpr", D(2025, 1, 15))
    found = s.findings("GEN-AGENCY-CERT")
    assert ids(found) == [late["encounter_id"]]
    f = found[0]
    assert f.message == (
        "On the date of service the agency does not hold what the program requires: "
        "dhss_sst_agreement."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert f.client_id == "C-SST" and f.date == D(2025, 1, 15)
    assert f.carc == "B7"


def test_every_missing_kind_is_listed_once_per_line() -> None:
    s = Scenario()
    s.remove("agency_certifications", kind="dhss_sst_agreement")
    s.remove("agency_certifications", kind="brain_injury_agency")
    a = s.encounter("sst", D(2025, 1, 8))
    b = s.encounter("sst", D(2025, 1, 8), start_time=None, end_time=None)
    found = s.findings("GEN-AGENCY-CERT")
    assert ids(found) == sorted([a["encounter_id"], b["encounter_id"]])
    assert all(f.message.endswith(": brain_injury_agency, dhss_sst_agreement.") for f in found)


def test_a_certification_starting_after_the_date_of_service_does_not_count() -> None:
    s = Scenario()
    s.row("agency_certifications", kind="dmh_sud")["start_date"] = D(2025, 2, 1)
    early = s.encounter("sud", D(2025, 1, 31))
    s.encounter("sud", D(2025, 2, 1))
    found = s.findings("GEN-AGENCY-CERT")
    assert ids(found) == [early["encounter_id"]]
    assert found[0].message.endswith(": dmh_sud.")
    assert found[0].amount_at_risk is None


def test_aba_requires_no_certification_and_unbilled_lines_are_ignored() -> None:
    s = Scenario()
    s.tables["agency_certifications"] = []
    s.encounter("aba")
    s.encounter("cpr", billable=False)
    assert s.findings("GEN-AGENCY-CERT") == []


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SST")["end_date"] = D(2025, 1, 31)
    s.row("agency_certifications", kind="dmh_cpr")["end_date"] = D(2025, 1, 10)
    s.remove("agency_certifications", kind="brain_injury_agency")
    for day in (D(2025, 1, 8), D(2025, 2, 5)):
        for program in ("sst", "cpr", "sud", "aba"):
            s.encounter(program, day)
    s.encounter("sud", client_id="C-CPR")
    rules = ["GEN-ENROLLMENT", "GEN-AGENCY-CERT"]
    duck = s.audit(rules).findings
    spark = s.audit(rules, engine=spark_engine).findings
    assert len(duck) == 5
    assert [f.to_dict() for f in duck] == [f.to_dict() for f in spark]
