"""CSW-DISCHARGE-CAP, CSW-MEETING-UNITS, CSW-MISSED-FOLLOWUP and CSW-NOT-VERBAL (seed 002)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from caseledger.facts.engines import Engine
from tests.rules.scenario import D, Scenario, T

CSW_RULES = ("CSW-DISCHARGE-CAP", "CSW-MEETING-UNITS", "CSW-MISSED-FOLLOWUP", "CSW-NOT-VERBAL")
AT = dt.datetime


def ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def discharge(s: Scenario, day: dt.date, quarters: str, **kw: Any) -> dict[str, Any]:
    """A CSW line of initial discharge planning claiming ``quarters`` units, with 15 minutes per
    unit documented from 13:00."""
    minutes = int(Decimal(quarters) * 15)
    end = (dt.datetime.combine(day, T(13, 0)) + dt.timedelta(minutes=minutes)).time()
    fields: dict[str, Any] = {
        "activity": "initial_discharge_planning",
        "units": Decimal(quarters),
        "end_time": end,
    }
    return s.encounter("sud", day, **(fields | kw))


def second_sud_client(s: Scenario, client: str = "C-SUD2") -> str:
    s.add("clients", client_id=client, agency_id="A1")
    s.add(
        "enrollments",
        client_id=client,
        program="sud",
        start_date=D(2024, 1, 1),
        end_date=None,
        funding="mo_healthnet",
    )
    return client


# ----------------------------------------------------------------------------- CSW-DISCHARGE-CAP


def test_four_units_of_initial_discharge_planning_pass_and_the_fifth_fails() -> None:
    s = Scenario()
    discharge(s, D(2025, 1, 8), "2")
    discharge(s, D(2025, 1, 15), "2")
    s.encounter("sud", D(2025, 1, 16))  # arranging services: not counted
    assert s.findings("CSW-DISCHARGE-CAP") == []
    fifth = discharge(s, D(2025, 1, 22), "1")
    found = s.findings("CSW-DISCHARGE-CAP")
    assert ids(found) == [fifth["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert (f.client_id, f.staff_id, f.date) == ("C-SUD", "S-CSW", D(2025, 1, 22))
    assert f.message == (
        "This line brings initial discharge planning in the client's episode to 5 units, more "
        "than the 4 that may be billed; 1 unit over the limit."
    )
    assert f.amount_at_risk is None  # CSW has no rate and the line no charge


def test_the_line_passing_the_cap_loses_only_its_excess_and_later_lines_all() -> None:
    s = Scenario()
    discharge(s, D(2025, 1, 8), "3", charge=Decimal("30"))
    passing = discharge(s, D(2025, 1, 9), "3", charge=Decimal("30"))
    later = discharge(s, D(2025, 1, 10), "1", charge=Decimal("10"))
    found = {f.subject_id: f for f in s.findings("CSW-DISCHARGE-CAP")}
    assert sorted(found) == sorted([passing["encounter_id"], later["encounter_id"]])
    assert found[passing["encounter_id"]].amount_at_risk == Decimal("20.00")
    assert "to 6 units" in found[passing["encounter_id"]].message
    assert "2 units over the limit" in found[passing["encounter_id"]].message
    assert found[later["encounter_id"]].amount_at_risk == Decimal("10.00")


def test_units_left_empty_are_counted_from_the_documented_time() -> None:
    s = Scenario()
    discharge(s, D(2025, 1, 8), "2", units=None)  # 30 minutes: 2 units
    discharge(s, D(2025, 1, 9), "2", units=None)
    bad = discharge(s, D(2025, 1, 10), "1", units=None)
    assert ids(s.findings("CSW-DISCHARGE-CAP")) == [bad["encounter_id"]]


def test_each_episode_has_its_own_cap() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-SUD")["end_date"] = D(2025, 1, 31)
    s.add(
        "enrollments",
        client_id="C-SUD",
        program="sud",
        start_date=D(2025, 2, 1),
        end_date=None,
        funding="mo_healthnet",
    )
    discharge(s, D(2025, 1, 8), "4")
    discharge(s, D(2025, 2, 3), "4")
    assert s.findings("CSW-DISCHARGE-CAP") == []
    extra = discharge(s, D(2025, 2, 4), "1")
    assert ids(s.findings("CSW-DISCHARGE-CAP")) == [extra["encounter_id"]]


def test_clients_not_billed_and_outside_enrollment_lines() -> None:
    s = Scenario()
    other = second_sud_client(s)
    discharge(s, D(2025, 1, 8), "4")
    discharge(s, D(2025, 1, 9), "4", client_id=other)
    discharge(s, D(2025, 1, 10), "2", billable=False)
    assert s.findings("CSW-DISCHARGE-CAP") == []
    # lines outside any sud enrollment still count, together per client
    discharge(s, D(2023, 6, 1), "3", client_id=other)
    bad = discharge(s, D(2023, 6, 2), "2", client_id=other)
    assert ids(s.findings("CSW-DISCHARGE-CAP")) == [bad["encounter_id"]]


# ----------------------------------------------------------------------------- CSW-MEETING-UNITS


def meeting_line(s: Scenario, units: str, **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "activity": "plan_review",
        "meeting_id": "MT1",
        "units": Decimal(units),
        "end_time": T(13, 15 * int(units)) if int(units) < 4 else T(14, 0),
    }
    return s.encounter("sud", D(2025, 1, 8), **(fields | kw))


def test_one_unit_per_client_per_meeting_passes_and_two_fail() -> None:
    s = Scenario()
    other = second_sud_client(s)
    meeting_line(s, "1")
    meeting_line(s, "1", client_id=other)
    assert s.findings("CSW-MEETING-UNITS") == []
    s = Scenario()
    bad = meeting_line(s, "2", charge=Decimal("24"))
    found = s.findings("CSW-MEETING-UNITS")
    assert ids(found) == [bad["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        "This line brings the client's units for one treatment plan meeting to 2, more than the "
        "1 allowed without documented unusual circumstances; 1 unit over the limit."
    )
    assert f.amount_at_risk == Decimal("12.00")


def test_second_line_for_the_same_meeting_is_the_one_over() -> None:
    s = Scenario()
    meeting_line(s, "1")
    second = meeting_line(s, "1", start_time=T(15, 0), end_time=T(15, 15))
    meeting_line(s, "1", meeting_id="MT2")
    meeting_line(s, "3", meeting_id=None)
    assert ids(s.findings("CSW-MEETING-UNITS")) == [second["encounter_id"]]


def test_documented_unusual_circumstances_allow_more_units() -> None:
    s = Scenario()
    meeting_line(s, "2", unusual_circumstances="Client in crisis; interpreter needed")
    meeting_line(s, "1", start_time=T(15, 0), end_time=T(15, 15))
    assert s.findings("CSW-MEETING-UNITS") == []
    s = Scenario()
    meeting_line(s, "2", unusual_circumstances="   ")
    assert len(s.findings("CSW-MEETING-UNITS")) == 1


# --------------------------------------------------------------------------- CSW-MISSED-FOLLOWUP


def missed(
    s: Scenario, mid: str, at: dt.datetime, *, client: str = "C-SUD", **kw: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {"service_code": "CSW", "excused": False}
    return s.add(
        "missed_appointments", missed_id=mid, client_id=client, scheduled_at=at, **(fields | kw)
    )


def contact(
    s: Scenario, cid: str, at: dt.datetime, *, client: str = "C-SUD", missed_id: str | None = None
) -> None:
    s.add(
        "contacts",
        contact_id=cid,
        client_id=client,
        staff_id="S-CSW",
        at=at,
        method="phone",
        missed_id=missed_id,
        note=None,
    )


def test_contact_at_exactly_48_hours_is_in_time_and_a_minute_later_is_not() -> None:
    s = Scenario()
    missed(s, "M1", AT(2025, 1, 8, 10, 0))
    contact(s, "K1", AT(2025, 1, 10, 10, 0), missed_id="M1")
    assert s.findings("CSW-MISSED-FOLLOWUP") == []
    s.row("contacts", contact_id="K1")["at"] = AT(2025, 1, 10, 10, 1)
    found = s.findings("CSW-MISSED-FOLLOWUP")
    assert [(f.subject_id, f.subject_type, f.client_id, f.date) for f in found] == [
        ("M1", "missed_appointment", "C-SUD", D(2025, 1, 8))
    ]
    f = found[0]
    assert f.severity == "error" and f.amount_at_risk is None and f.staff_id is None
    assert f.message == (
        "No documented effort to contact the client within 48 hours of the missed appointment "
        "(the first contact came 48 hours after it)."
    )


def test_no_contact_at_all_and_contacts_that_do_not_count() -> None:
    s = Scenario()
    other = second_sud_client(s)
    missed(s, "M1", AT(2025, 1, 8, 10, 0))
    contact(s, "K1", AT(2025, 1, 8, 9, 0), missed_id="M1")  # before the appointment
    contact(s, "K2", AT(2025, 1, 9, 9, 0), client=other)  # another client
    contact(s, "K3", AT(2025, 1, 9, 9, 0), missed_id="M-OTHER")  # about another absence
    (f,) = s.findings("CSW-MISSED-FOLLOWUP")
    assert f.message.endswith("(no later contact is recorded).")


def test_contact_without_missed_id_counts_for_the_same_client() -> None:
    s = Scenario()
    missed(s, "M1", AT(2025, 1, 8, 10, 0))
    contact(s, "K1", AT(2025, 1, 9, 16, 30))
    assert s.findings("CSW-MISSED-FOLLOWUP") == []


def test_excused_and_not_yet_due_appointments_are_not_flagged() -> None:
    s = Scenario()
    missed(s, "M-EXC", AT(2025, 1, 8, 10, 0), excused=True)
    missed(s, "M-DUE-TODAY", AT(2025, 3, 13, 10, 0))  # 48 h end on the as-of date
    missed(s, "M-DUE-BEFORE", AT(2025, 3, 12, 23, 0))  # 48 h ended the evening before
    assert ids(s.findings("CSW-MISSED-FOLLOWUP")) == ["M-DUE-BEFORE"]


def test_only_sud_appointments_are_judged() -> None:
    s = Scenario()
    missed(s, "M-CPR", AT(2025, 1, 8, 10, 0), client="C-CPR", service_code="H2017")
    missed(s, "M-CPR-NOCODE", AT(2025, 1, 8, 10, 0), client="C-CPR", service_code=None)
    missed(s, "M-SUD-NOCODE", AT(2025, 1, 8, 10, 0), service_code=None)
    missed(s, "M-SUD-OTHER", AT(2025, 1, 8, 10, 0), service_code="H0005")
    assert ids(s.findings("CSW-MISSED-FOLLOWUP")) == ["M-SUD-NOCODE", "M-SUD-OTHER"]


def test_missed_followup_needs_contacts() -> None:
    s = Scenario()
    missed(s, "M1", AT(2025, 1, 8, 10, 0))
    s.drop_file("contacts")
    found = s.audit(["CSW-MISSED-FOLLOWUP"]).findings
    assert [(f.rule, f.subject_id) for f in found] == [("GEN-FACTS-MISSING", "CSW-MISSED-FOLLOWUP")]


# -------------------------------------------------------------------------------- CSW-NOT-VERBAL


def test_text_and_email_are_flagged_and_verbal_contact_is_not() -> None:
    s = Scenario()
    text = s.encounter("sud", place="text", charge=Decimal("25.00"))
    email = s.encounter("sud", D(2025, 1, 9), place="email")
    for place in ("telephone", "community", "facility", "home", None):
        s.encounter("sud", D(2025, 1, 10), place=place)
    s.encounter("sud", D(2025, 1, 11), place="text", billable=False)
    s.encounter("cpr", D(2025, 1, 11), place="text")  # not community support
    found = {f.subject_id: f for f in s.findings("CSW-NOT-VERBAL")}
    assert sorted(found) == sorted([text["encounter_id"], email["encounter_id"]])
    f = found[text["encounter_id"]]
    assert f.severity == "error" and f.carc == "96" and f.staff_id == "S-CSW"
    assert f.message == (
        "Community support by text message was billed; only face-to-face or telephone contact "
        "is billable."
    )
    assert f.amount_at_risk == Decimal("25.00")
    assert "by e-mail" in found[email["encounter_id"]].message
    assert found[email["encounter_id"]].amount_at_risk is None


def test_not_verbal_applies_from_june_2014() -> None:
    s = Scenario()
    s.encounter("sud", D(2014, 5, 31), place="text")
    later = s.encounter("sud", D(2014, 6, 1), place="text")
    assert ids(s.findings("CSW-NOT-VERBAL")) == [later["encounter_id"]]


# ------------------------------------------------------------------------------------ on Spark


def test_spark_finds_what_duckdb_finds(spark_engine: Engine) -> None:
    s = Scenario()
    discharge(s, D(2025, 1, 8), "3", charge=Decimal("30"))
    discharge(s, D(2025, 1, 9), "3", charge=Decimal("30"))
    meeting_line(s, "1")
    meeting_line(s, "2", start_time=T(15, 0), end_time=T(15, 30))
    meeting_line(s, "3", meeting_id="MT2", unusual_circumstances="Family conflict at meeting")
    missed(s, "M1", AT(2025, 1, 8, 10, 0))
    contact(s, "K1", AT(2025, 1, 12, 8, 0), missed_id="M1")
    missed(s, "M2", AT(2025, 2, 3, 9, 0))
    contact(s, "K2", AT(2025, 2, 5, 9, 0))
    missed(s, "M3", AT(2025, 3, 12, 9, 0))
    s.encounter("sud", D(2025, 2, 10), place="email", charge=Decimal("12.00"))

    def key(found: list[Any]) -> list[tuple[Any, ...]]:
        return sorted((f.rule, f.subject_id, f.date, f.message, f.amount_at_risk) for f in found)

    duck = key(s.audit(CSW_RULES).findings)
    spark = key(s.audit(CSW_RULES, engine=spark_engine).findings)
    assert spark == duck
    assert [(rule, sid) for rule, sid, *_ in duck if rule == "CSW-MISSED-FOLLOWUP"] == [
        ("CSW-MISSED-FOLLOWUP", "M1"),
        ("CSW-MISSED-FOLLOWUP", "M3"),
    ]
    assert {rule for rule, *_ in duck} == set(CSW_RULES)
    assert any("first contact came 94 hours after it" in m for _, _, _, m, _ in duck)
