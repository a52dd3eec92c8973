"""GEN-NOTE-MISSING, GEN-NOTE-UNSIGNED and GEN-NOTE-LATE."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ibis
import pyarrow as pa

from caseledger.audit.findings import Finding
from caseledger.facts.engines import DuckDBEngine, SparkEngine
from caseledger.rules.documentation import business_days_between
from tests.rules.scenario import D, Scenario


def ids(found: list[Finding]) -> list[str]:
    return sorted(f.subject_id for f in found)


# -------------------------------------------------------------------------- GEN-NOTE-MISSING


def test_written_notes_are_clean() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    s.encounter("cpr", note_text="fv")  # short, but a note
    assert s.findings("GEN-NOTE-MISSING") == []


def test_empty_and_blank_notes_are_missing() -> None:
    s = Scenario()
    empty = s.encounter("cpr", note_text=None)
    blank = s.encounter("sst", note_text="  \n\t ")
    s.encounter("cpr", note_text=None, billable=False)
    found = s.findings("GEN-NOTE-MISSING")
    assert ids(found) == sorted([empty["encounter_id"], blank["encounter_id"]])
    by_id = {f.subject_id: f for f in found}
    assert by_id[empty["encounter_id"]].amount_at_risk == Decimal("40.72")
    assert by_id[blank["encounter_id"]].amount_at_risk == Decimal("69.00")
    assert by_id[empty["encounter_id"]].message == (
        "No progress note is documented for this billed service."
    )
    assert by_id[empty["encounter_id"]].carc == "16"


# ------------------------------------------------------------------------- GEN-NOTE-UNSIGNED


def test_notes_signed_by_the_rendering_staff_or_their_supervisor_are_clean() -> None:
    s = Scenario()
    s.encounter("sst")
    s.encounter("sst", note_signed_by="S-QHIP")  # S-DC1's supervisor
    s.encounter("cpr")
    s.encounter("cpr", note_text=None, note_signed_by=None)  # GEN-NOTE-MISSING's finding
    assert s.findings("GEN-NOTE-UNSIGNED") == []


def test_an_unsigned_note_and_an_undated_signature() -> None:
    s = Scenario()
    unsigned = s.encounter("cpr", note_signed_by=None, note_signed_on=None)
    undated = s.encounter("sud", note_signed_on=None)
    s.encounter("cpr", note_signed_by=None, billable=False)
    found = {f.subject_id: f for f in s.findings("GEN-NOTE-UNSIGNED")}
    assert sorted(found) == sorted([unsigned["encounter_id"], undated["encounter_id"]])
    assert found[unsigned["encounter_id"]].message == "The progress note is not signed."
    assert found[unsigned["encounter_id"]].amount_at_risk == Decimal("40.72")
    assert found[undated["encounter_id"]].message == ("The progress note's signature has no date.")
    assert found[undated["encounter_id"]].amount_at_risk is None


def test_a_note_signed_by_someone_else_names_the_signer() -> None:
    s = Scenario()
    other = s.encounter("sst", note_signed_by="S-LPC")
    # S-LPC has no supervisor, so S-QHIP may not sign for her
    boss = s.encounter("cpr", note_signed_by="S-QHIP")
    found = {f.subject_id: f.message for f in s.findings("GEN-NOTE-UNSIGNED")}
    assert found == {
        other["encounter_id"]: (
            "The progress note is signed by S-LPC, who is neither the rendering staff member "
            "nor their supervisor."
        ),
        boss["encounter_id"]: (
            "The progress note is signed by S-QHIP, who is neither the rendering staff member "
            "nor their supervisor."
        ),
    }


# ---------------------------------------------------------------------------- GEN-NOTE-LATE


def test_business_days_are_the_weekdays_after_the_first_date_through_the_second() -> None:
    start = dt.date(2024, 12, 23)
    pairs = [
        (start + dt.timedelta(days=i), start + dt.timedelta(days=i + n))
        for i in range(14)
        for n in range(0, 22)
    ]
    t = ibis.memtable(pa.table({"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]}))
    got = DuckDBEngine().execute(t.select(n=business_days_between(t.a, t.b)))["n"].to_pylist()
    expected = [
        sum((a + dt.timedelta(days=k)).weekday() < 5 for k in range(1, (b - a).days + 1))
        for a, b in pairs
    ]
    assert got == expected


def test_five_business_days_after_a_wednesday_is_the_next_wednesday() -> None:
    s = Scenario()
    s.encounter("cpr", D(2025, 1, 8), note_signed_on=D(2025, 1, 15))
    late = s.encounter("cpr", D(2025, 1, 8), note_signed_on=D(2025, 1, 16))
    (f,) = s.findings("GEN-NOTE-LATE")
    assert f.subject_id == late["encounter_id"]
    assert f.severity == "warning"
    assert f.message == (
        "The progress note was signed 6 business days after the date of service; notes are due "
        "within 5 business days."
    )
    assert f.amount_at_risk == Decimal("40.72")


def test_weekends_do_not_count() -> None:
    s = Scenario()
    friday, saturday = D(2025, 1, 10), D(2025, 1, 11)
    # Friday's note is due by the next Friday; signing on the weekend after is still in time
    s.encounter("cpr", friday, note_signed_on=D(2025, 1, 19))
    monday = s.encounter("cpr", friday, note_signed_on=D(2025, 1, 20))
    # a Saturday service: Monday is the first business day after it, Friday the fifth
    s.encounter("sst", saturday, note_signed_on=D(2025, 1, 17))
    sat_late = s.encounter("sst", saturday, note_signed_on=D(2025, 1, 20))
    s.encounter("sud", friday, note_signed_on=friday)
    s.encounter("sud", friday, note_signed_on=None)
    s.encounter("sud", friday, note_signed_on=D(2025, 3, 1), billable=False)
    found = {f.subject_id: f for f in s.findings("GEN-NOTE-LATE")}
    assert sorted(found) == sorted([monday["encounter_id"], sat_late["encounter_id"]])
    assert found[sat_late["encounter_id"]].message.startswith(
        "The progress note was signed 6 business days"
    )


def test_before_august_2017_the_time_frame_is_72_hours() -> None:
    s = Scenario()
    last_day = D(2017, 7, 31)  # a Monday, the last day of the 72-hour time frame
    s.encounter("cpr", last_day, note_signed_on=D(2017, 8, 3))
    late = s.encounter("cpr", last_day, note_signed_on=D(2017, 8, 4))
    # from 2017-08-01 the same four calendar days are only three business days
    s.encounter("cpr", D(2017, 8, 4), note_signed_on=D(2017, 8, 8))
    s.encounter("cpr", D(2017, 8, 1), note_signed_on=D(2017, 8, 8))
    new_late = s.encounter("cpr", D(2017, 8, 1), note_signed_on=D(2017, 8, 9))
    found = {f.subject_id: f.message for f in s.findings("GEN-NOTE-LATE")}
    assert sorted(found) == sorted([late["encounter_id"], new_late["encounter_id"]])
    assert found[late["encounter_id"]] == (
        "The progress note was signed 4 days after the date of service; notes are due within "
        "72 hours."
    )


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.encounter("cpr", note_text="fv")
    s.encounter("cpr", note_text=" \n")
    s.encounter("sst", note_signed_by="S-QHIP", note_signed_on=D(2025, 1, 20))
    s.encounter("sst", D(2025, 1, 11), note_signed_on=D(2025, 1, 17))
    s.encounter("sst", D(2025, 1, 11), note_signed_on=D(2025, 1, 20))
    s.encounter("cpr", D(2017, 7, 31), note_signed_on=D(2017, 8, 4))
    s.encounter("sud", note_signed_by="S-LPC")
    s.encounter("sud", note_signed_by=None)
    rules = ["GEN-NOTE-MISSING", "GEN-NOTE-UNSIGNED", "GEN-NOTE-LATE"]
    duck = s.audit(rules).findings
    spark = s.audit(rules, engine=spark_engine).findings
    assert [f.rule for f in duck].count("GEN-NOTE-LATE") == 3
    assert {f.rule for f in duck} == set(rules)
    assert [f.to_dict() for f in duck] == [f.to_dict() for f in spark]
