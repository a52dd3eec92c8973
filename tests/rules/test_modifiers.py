"""GEN-MODIFIER-MISMATCH and GEN-FUNDING-CODE."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from caseledger.facts.engines import SparkEngine
from tests.rules.scenario import D, Scenario, T

MISMATCH = "GEN-MODIFIER-MISMATCH"
FUNDING = "GEN-FUNDING-CODE"


def _group(s: Scenario, group_id: str = "GS1", code: str = "H2017") -> str:
    s.add(
        "group_sessions",
        group_id=group_id,
        service_code=code,
        date=D(2025, 1, 8),
        start_time=T(10, 0),
        end_time=T(10, 30),
        staff_ids=("S-LPC",),
        place="facility",
    )
    return group_id


def _ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


# ---------------------------------------------------------------- GEN-MODIFIER-MISMATCH


def test_the_clean_agency_has_no_modifier_or_funding_findings() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert s.findings(MISMATCH) == []
    assert s.findings(FUNDING) == []


def test_group_encounter_billed_without_hq_is_a_mismatch() -> None:
    s = Scenario()
    bad = s.encounter("cpr", group_id=_group(s))
    found = s.findings(MISMATCH)
    assert _ids(found) == [bad["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "4"
    assert f.message == (
        "H2017 HO is an individual service, but the encounter belongs to group session GS1; "
        "bill H2017 HO HQ."
    )
    assert f.amount_at_risk == Decimal("40.72")
    assert (f.client_id, f.staff_id, f.date) == ("C-CPR", "S-LPC", D(2025, 1, 8))


def test_group_encounter_with_hq_passes_whatever_the_modifier_order() -> None:
    s = Scenario()
    gid = _group(s)
    s.encounter("cpr", modifiers=("HO", "HQ"), group_id=gid, charge=Decimal("10.18"))
    s.encounter("cpr", modifiers=("HQ", "HO"), group_id=gid, charge=Decimal("10.18"))
    assert s.findings(MISMATCH) == []


def test_individual_encounter_billed_with_hq_is_a_mismatch() -> None:
    s = Scenario()
    bad = s.encounter("cpr", modifiers=("HO", "HQ"), charge=Decimal("10.18"))
    found = s.findings(MISMATCH)
    assert _ids(found) == [bad["encounter_id"]]
    assert found[0].message == (
        "H2017 HO HQ is a group service, but the encounter belongs to no group session; "
        "bill H2017 HO."
    )
    assert found[0].amount_at_risk == Decimal("10.18")


def test_h2017_without_ho_matches_no_service() -> None:
    s = Scenario()
    bare = s.encounter("cpr", modifiers=(), charge=None)
    only_hq = s.encounter("cpr", modifiers=("HQ",), group_id=_group(s), charge=None)
    found = {f.subject_id: f for f in s.findings(MISMATCH)}
    assert sorted(found) == sorted([bare["encounter_id"], only_hq["encounter_id"]])
    assert found[bare["encounter_id"]].message == (
        "H2017 with no modifier matches no service in force on the date of service; "
        "an individual line is billed as H2017 HO."
    )
    assert found[only_hq["encounter_id"]].message == (
        "H2017 HQ matches no service in force on the date of service; "
        "a group line is billed as H2017 HO HQ."
    )
    # no rate for a combination that is no service, and no charge on the line
    assert found[bare["encounter_id"]].amount_at_risk is None


def test_individual_aba_group_code_is_a_mismatch_and_an_individual_code_in_a_group_too() -> None:
    s = Scenario()
    group_code = s.encounter("aba", service_code="97154", charge=Decimal("40"))
    in_group = s.encounter("aba", group_id=_group(s, "GS2", "97153"), start_time=T(16, 0))
    found = {f.subject_id: f for f in s.findings(MISMATCH)}
    assert sorted(found) == sorted([group_code["encounter_id"], in_group["encounter_id"]])
    # 97154 has no individual counterpart under the same code: no advice
    assert found[group_code["encounter_id"]].message == (
        "97154 is a group service, but the encounter belongs to no group session."
    )
    assert found[in_group["encounter_id"]].message == (
        "97153 is an individual service, but the encounter belongs to group session GS2."
    )


def test_unknown_codes_and_codes_not_in_force_are_left_to_the_code_rules() -> None:
    s = Scenario()
    s.encounter("cpr", service_code="H9999", modifiers=("HQ",))
    # 0372T is a group code, deleted on 2019-01-01: an individual line in 2019 is not reported here
    s.encounter("aba", D(2019, 1, 2), service_code="0372T", units=Decimal(1))
    assert s.findings(MISMATCH) == []


def test_0372t_in_force_on_an_individual_line_is_a_mismatch() -> None:
    s = Scenario()
    line = s.encounter("aba", D(2018, 12, 31), service_code="0372T", units=Decimal(1))
    found = s.findings(MISMATCH)
    assert _ids(found) == [line["encounter_id"]]
    assert "0372T is a group service" in found[0].message


def test_lines_not_billed_are_not_reported() -> None:
    s = Scenario()
    s.encounter("cpr", modifiers=(), billable=False)
    s.encounter("cpr", modifiers=("HO", "HQ"), billable=False)
    assert s.findings(MISMATCH) == []


# ---------------------------------------------------------------- GEN-FUNDING-CODE


def test_mhd_code_for_a_purchase_of_service_client_is_an_error() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-CPR")["funding"] = "dmh_pos"
    bad = s.encounter("cpr")
    found = s.findings(FUNDING)
    assert _ids(found) == [bad["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "16"
    assert f.message == (
        "H2017 HO is billed only for MO HealthNet clients, but the client's CPR enrollment is "
        "funded by DMH purchase of service; bill H2017P instead."
    )
    assert f.amount_at_risk == Decimal("40.72")


def test_pos_code_for_a_purchase_of_service_client_passes() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-CPR")["funding"] = "dmh_pos"
    s.encounter("cpr", service_code="H2017P", modifiers=(), charge=Decimal("35.44"))
    assert s.findings(FUNDING) == []


def test_pos_codes_for_a_mo_healthnet_client_are_errors() -> None:
    s = Scenario()
    individual = s.encounter("cpr", service_code="H2017P", modifiers=(), charge=None)
    group = s.encounter("cpr", service_code="H2017S", modifiers=(), group_id=_group(s), charge=None)
    found = {f.subject_id: f for f in s.findings(FUNDING)}
    assert sorted(found) == sorted([individual["encounter_id"], group["encounter_id"]])
    assert found[individual["encounter_id"]].message == (
        "H2017P is billed only for DMH purchase of service clients, but the client's CPR "
        "enrollment is funded by MO HealthNet; bill H2017 HO instead."
    )
    assert found[group["encounter_id"]].message.endswith("bill H2017 HO HQ instead.")
    # rate in force x units claimed: 2 x $17.72 and 2 x $4.43
    assert found[individual["encounter_id"]].amount_at_risk == Decimal("35.44")
    assert found[group["encounter_id"]].amount_at_risk == Decimal("8.86")


def test_funding_is_read_from_the_enrollment_in_force_on_the_date() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-CPR")["end_date"] = D(2025, 1, 31)
    s.add(
        "enrollments",
        client_id="C-CPR",
        program="cpr",
        start_date=D(2025, 2, 1),
        end_date=None,
        funding="dmh_pos",
    )
    s.encounter("cpr", D(2025, 1, 31))
    after = s.encounter("cpr", D(2025, 2, 1))
    assert _ids(s.findings(FUNDING)) == [after["encounter_id"]]


def test_services_open_to_any_funding_and_enrollments_without_funding_pass() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SUD")["funding"] = "dmh_pos"  # CSW names no funding
    s.row("enrollments", client_id="C-CPR")["funding"] = None
    s.encounter("sud")
    s.encounter("cpr")
    s.encounter("cpr", service_code="H2017P", modifiers=(), billable=False)
    assert s.findings(FUNDING) == []


def test_without_enrollments_the_funding_rule_cannot_be_checked() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.drop_file("enrollments")
    result = s.audit([FUNDING])
    assert [(f.rule, f.subject_id) for f in result.findings] == [("GEN-FACTS-MISSING", FUNDING)]


def _findings(s: Scenario, rule: str, engine: SparkEngine | None = None) -> list[tuple[Any, ...]]:
    return sorted(
        (f.rule, f.subject_id, f.message, f.amount_at_risk)
        for f in s.audit([rule], engine=engine).findings
    )


def test_spark_finds_the_same_as_duckdb(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SUD")["funding"] = "dmh_pos"
    gid = _group(s)
    s.encounter("cpr", group_id=gid)
    s.encounter("cpr", modifiers=("HO", "HQ"))
    s.encounter("cpr", modifiers=())
    s.encounter("cpr", service_code="H2017S", modifiers=(), group_id=gid)
    s.encounter("cpr", service_code="H2017P", modifiers=())
    s.encounter("aba", service_code="97154")
    for rule in (MISMATCH, FUNDING):
        on_duckdb = _findings(s, rule)
        assert on_duckdb
        assert _findings(s, rule, spark_engine) == on_duckdb
