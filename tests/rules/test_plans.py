"""GEN-PLAN-MISSING, GEN-DIAGNOSIS, SST-PLAN-SCHEDULE, SST-PLAN-ELEMENTS and CSW-EMPLOYMENT."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.audit.findings import Finding
from caseledger.facts import icd10
from caseledger.facts.engines import DuckDBEngine, SparkEngine
from caseledger.rules.plans import ICD10_CODES, document_segments, normalized_icd10
from tests.rules.scenario import D, Scenario, policy


def ids(found: list[Finding]) -> list[str]:
    return sorted(f.subject_id for f in found)


def plan(s: Scenario, plan_id: str, program: str = "sst", **row: Any) -> dict[str, Any]:
    """A copy of the program's clean plan under another id."""
    base = dict(s.row("plans", plan_id=f"P-{program.upper()}"))
    base.update(plan_id=plan_id, **row)
    return s.add("plans", **base)


# -------------------------------------------------------------------------- GEN-PLAN-MISSING


def test_every_program_of_the_clean_agency_has_a_signed_plan() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert s.findings("GEN-PLAN-MISSING") == []


def test_a_service_after_the_plan_ends_is_flagged_with_the_line_amount() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-SST")["end_date"] = D(2025, 1, 8)
    s.encounter("sst", D(2025, 1, 8))
    after = s.encounter("sst", D(2025, 1, 9))
    s.encounter("sst", D(2025, 1, 10), billable=False)
    (f,) = s.findings("GEN-PLAN-MISSING")
    assert f.subject_id == after["encounter_id"]
    assert f.message == "No signed SST plan is in effect for the client on the date of service."
    assert f.amount_at_risk == Decimal("69.00")
    assert (f.client_id, f.staff_id, f.date, f.carc) == ("C-SST", "S-DC1", D(2025, 1, 9), "16")


def test_an_unsigned_plan_or_one_signed_after_the_service_does_not_count() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-CPR")["signed_by"] = None
    s.row("plans", plan_id="P-SUD")["signed_on"] = D(2025, 1, 9)
    cpr = s.encounter("cpr", D(2025, 1, 8))
    sud = s.encounter("sud", D(2025, 1, 8))
    s.encounter("sud", D(2025, 1, 9))
    assert ids(s.findings("GEN-PLAN-MISSING")) == sorted([cpr["encounter_id"], sud["encounter_id"]])


def test_a_plan_of_another_program_does_not_count_and_an_undated_plan_starts_when_signed() -> None:
    s = Scenario()
    s.remove("plans", plan_id="P-ABA")
    plan(s, "P-X", "cpr", client_id="C-ABA")  # the ABA client's CPR plan
    aba = s.encounter("aba")
    s.row("plans", plan_id="P-SUD").update(start_date=None, signed_on=D(2025, 1, 8))
    s.encounter("sud", D(2025, 1, 8))
    early = s.encounter("sud", D(2025, 1, 7))
    found = s.findings("GEN-PLAN-MISSING")
    assert ids(found) == sorted([aba["encounter_id"], early["encounter_id"]])
    assert {f.message.split()[2] for f in found} == {"ABA", "SUD"}


# ----------------------------------------------------------------------------- GEN-DIAGNOSIS


def test_the_expression_normalizes_as_python_does(spark_engine: SparkEngine) -> None:
    raw = ["f331", " s062x9s ", "F33.1", "F33", "fv1", "Z 00.00", "ab", ""]
    expected = [icd10.normalize(r) for r in raw]
    for engine in (DuckDBEngine(), spark_engine):
        table = engine.register("icd_raw", pa.table({"raw": raw}))
        got = engine.execute(table.select(code=normalized_icd10(table.raw)))["code"].to_pylist()
        assert got == expected, engine.name


_LOOKUP = DuckDBEngine()
#: codes as people write them: real ones in any case, spaced or without their dot, and others
_WRITTEN = st.one_of(
    st.sampled_from(["F33.1", "F33", "S06.2X9S", "S06.2X9", "F10.20", "Z00.00", "F01-F99", "5"]),
    st.text(alphabet="fFsSzZ0123.9xX \t", max_size=9),
    st.text(max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WRITTEN, max_size=5))
def test_the_narrowed_code_set_joins_as_the_whole_one_does(written: list[str]) -> None:
    """What a check puts behind the code set (``ICD10_CODES.narrow``: the rows of the slice's
    diagnoses) gives every diagnosis, normalized as the rule normalizes it, the same row as the
    whole code set: or none, when the code set has none."""
    raw = _LOOKUP.register("dx_raw", pa.table({"raw": pa.array(written, type=pa.string())}))
    keys = raw.select(key=normalized_icd10(raw.raw))
    slice_ = Scenario().dataset()
    slice_.tables["diagnoses"] = [{"icd10": w} for w in written]
    answers = []
    for name, table in (
        ("whole", ICD10_CODES.build(policy())),
        ("narrow", ICD10_CODES.narrow(policy(), slice_)),
    ):
        codes = _LOOKUP.register(f"codes_{name}", table)
        joined = keys.left_join(codes, keys.key == codes.code).select("key", "valid", "billable")
        answers.append(sorted(map(repr, _LOOKUP.execute(joined).to_pylist())))
    assert answers[0] == answers[1]


def test_billable_diagnoses_in_effect_are_clean() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "f331"  # written loosely, still billable
    assert s.findings("GEN-DIAGNOSIS") == []


def test_a_category_is_not_billable() -> None:
    s = Scenario()
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "F33"
    s.encounter("cpr", D(2025, 1, 15))
    s.encounter("cpr", D(2025, 1, 8))
    s.encounter("cpr", D(2025, 1, 22), billable=False)
    (f,) = s.findings("GEN-DIAGNOSIS")
    assert (f.subject_type, f.subject_id, f.client_id, f.date) == (
        "client",
        "C-CPR",
        "C-CPR",
        D(2025, 1, 8),
    )
    assert f.message == (
        "On 2025-01-08 the client's diagnosis F33 is not a billable code (a more specific code "
        "is needed); 2 billed service(s) lack a valid, billable diagnosis."
    )
    assert f.amount_at_risk == Decimal("81.44")


def test_a_category_that_is_also_a_block_is_quoted_once() -> None:
    # the code set names C50 twice, as a block and as the category within it
    s = Scenario()
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "C50"
    s.encounter("cpr", D(2025, 1, 8))
    (f,) = s.findings("GEN-DIAGNOSIS")
    assert f.message.startswith(
        "On 2025-01-08 the client's diagnosis C50 is not a billable code (a more specific code "
        "is needed); 1 billed"
    )


def test_an_invalid_code_is_quoted_and_a_billable_second_diagnosis_is_enough() -> None:
    s = Scenario()
    s.row("diagnoses", client_id="C-SST")["icd10"] = "ZZZ"
    s.encounter("sst")
    s.row("diagnoses", client_id="C-SUD")["icd10"] = "ZZZ"
    s.add("diagnoses", client_id="C-SUD", icd10="F10.20", rank=2, start_date=None, end_date=None)
    s.encounter("sud")
    (f,) = s.findings("GEN-DIAGNOSIS")
    assert f.subject_id == "C-SST"
    assert f.message.startswith(
        "On 2025-01-08 the client's diagnosis ZZZ is not an ICD-10-CM code;"
    )


def test_no_diagnosis_in_effect_from_the_first_day_it_lapses() -> None:
    s = Scenario()
    s.row("diagnoses", client_id="C-ABA")["end_date"] = D(2025, 1, 10)
    s.encounter("aba", D(2025, 1, 10))
    s.encounter("aba", D(2025, 1, 17))
    s.encounter("aba", D(2025, 1, 24))
    (f,) = s.findings("GEN-DIAGNOSIS")
    assert f.date == D(2025, 1, 17)
    assert f.message == (
        "The client has no diagnosis in effect on 2025-01-17; 2 billed service(s) lack a valid, "
        "billable diagnosis."
    )
    assert f.amount_at_risk is None  # the pack has no 97153 rate and no charge was given


def test_several_codes_in_effect_are_all_quoted() -> None:
    s = Scenario()
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "F33"
    s.add("diagnoses", client_id="C-CPR", icd10="QQ1", rank=2, start_date=None, end_date=None)
    s.encounter("cpr")
    (f,) = s.findings("GEN-DIAGNOSIS")
    assert "diagnosis F33 is not a billable code (a more specific code is needed), QQ1 is not" in (
        f.message
    )


def test_without_diagnoses_the_rule_cannot_be_checked() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.drop_file("diagnoses")
    (f,) = s.audit(["GEN-DIAGNOSIS"]).findings
    assert (f.rule, f.subject_id) == ("GEN-FACTS-MISSING", "GEN-DIAGNOSIS")


# ------------------------------------------------------------------------ SST-PLAN-SCHEDULE


def test_the_elements_come_from_the_sst_documents() -> None:
    (seg,) = document_segments(policy(), "sst", "intervention_plan")
    assert seg.start == D(2008, 1, 1)
    assert [e.column for e in seg.document.elements] == [
        "barriers",
        "skills_taught",
        "strategies",
        "practice_environment",
        "feedback_mechanism",
        "frequency_duration",
        "expected_achievement",
    ]
    assert document_segments(policy(), "sst", "no_such_document") == []


def test_an_initial_plan_with_a_schedule_is_clean() -> None:
    s = Scenario()
    plan(s, "P-SST2", start_date=D(2025, 1, 1), recommended_schedule=None)  # a later plan
    assert s.findings("SST-PLAN-SCHEDULE") == []


def test_an_initial_plan_without_a_schedule_is_an_error() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-SST")["recommended_schedule"] = "  "
    plan(s, "P-SST2", start_date=D(2025, 1, 1))
    s.row("plans", plan_id="P-CPR")["recommended_schedule"] = None  # not an SST plan
    (f,) = s.findings("SST-PLAN-SCHEDULE")
    assert (f.subject_type, f.subject_id, f.client_id, f.staff_id, f.date) == (
        "plan",
        "P-SST",
        "C-SST",
        "S-QHIP",
        D(2024, 1, 1),
    )
    assert f.message == (
        "The client's initial plan lacks: Recommended schedule of training sessions."
    )
    assert f.amount_at_risk is None


def test_the_initial_plan_is_the_earliest_by_start_date() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-SST")["recommended_schedule"] = None
    plan(s, "P-SST0", start_date=D(2023, 6, 1), recommended_schedule="Weekly")
    assert s.findings("SST-PLAN-SCHEDULE") == []


# ------------------------------------------------------------------------ SST-PLAN-ELEMENTS


def test_a_complete_intervention_plan_is_clean() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-CPR")["barriers"] = None  # CPR plans are not judged here
    assert s.findings("SST-PLAN-ELEMENTS") == []


def test_missing_elements_are_listed_in_the_documents_order() -> None:
    s = Scenario()
    later = plan(s, "P-SST2", start_date=D(2025, 1, 1), expected_achievement=" \n")
    s.row("plans", plan_id="P-SST").update(strategies="", barriers=None)
    found = {f.subject_id: f for f in s.findings("SST-PLAN-ELEMENTS")}
    assert sorted(found) == ["P-SST", later["plan_id"]]
    assert found["P-SST"].message == (
        "The intervention plan lacks: Barriers in socialization skills that keep the client from "
        "community participation; Strategies for the barriers identified."
    )
    assert found["P-SST2"].message == (
        "The intervention plan lacks: Expected maximum level of achievement."
    )
    assert found["P-SST2"].date == D(2025, 1, 1)
    assert found["P-SST2"].carc == "16"


def test_a_plan_of_another_kind_is_not_an_intervention_plan() -> None:
    s = Scenario()
    plan(s, "P-SST-T", kind="treatment", barriers=None)
    assert s.findings("SST-PLAN-ELEMENTS") == []


# --------------------------------------------------------------------------- CSW-EMPLOYMENT


def test_a_sud_plan_that_considered_employment_is_clean() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-CPR")["employment_considered"] = False  # not a SUD plan
    assert s.findings("CSW-EMPLOYMENT") == []


def test_a_sud_plan_without_employment_considered_is_noted() -> None:
    s = Scenario()
    s.row("plans", plan_id="P-SUD")["employment_considered"] = None
    plan(s, "P-SUD2", "sud", start_date=D(2025, 1, 1), employment_considered=False)
    found = s.findings("CSW-EMPLOYMENT")
    assert ids(found) == ["P-SUD", "P-SUD2"]
    f = found[0]
    assert f.severity == "info"
    assert f.message == "The plan does not show that employment goals were considered."
    assert (f.client_id, f.staff_id) == ("C-SUD", "S-CSW")


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.row("plans", plan_id="P-SST").update(recommended_schedule=None, barriers="")
    s.row("plans", plan_id="P-CPR")["end_date"] = D(2025, 1, 10)
    s.row("plans", plan_id="P-SUD")["employment_considered"] = False
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "f33"
    s.row("diagnoses", client_id="C-ABA")["icd10"] = "zzz1"
    for day in (D(2025, 1, 8), D(2025, 1, 15)):
        for program in ("sst", "cpr", "sud", "aba"):
            s.encounter(program, day)
    rules = [
        "GEN-PLAN-MISSING",
        "GEN-DIAGNOSIS",
        "SST-PLAN-SCHEDULE",
        "SST-PLAN-ELEMENTS",
        "CSW-EMPLOYMENT",
    ]
    duck = s.audit(rules).findings
    spark = s.audit(rules, engine=spark_engine).findings
    assert {f.rule for f in duck} == set(rules)
    assert [f.to_dict() for f in duck] == [f.to_dict() for f in spark]
