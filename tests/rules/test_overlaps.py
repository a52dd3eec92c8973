"""GEN-DUPLICATE, GEN-CLIENT-OVERLAP and GEN-STAFF-OVERLAP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.facts.engines import SparkEngine
from tests.rules.scenario import D, Scenario, T

DUPLICATE = "GEN-DUPLICATE"
CLIENT = "GEN-CLIENT-OVERLAP"
STAFF = "GEN-STAFF-OVERLAP"
ALL = (DUPLICATE, CLIENT, STAFF)


def _ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def _group_line(s: Scenario, client: str, gid: str, start: T, end: T, **kw: Any) -> dict[str, Any]:
    return s.encounter(
        "cpr",
        client_id=client,
        modifiers=("HO", "HQ"),
        group_id=gid,
        start_time=start,
        end_time=end,
        charge=None,
        **kw,
    )


def test_the_clean_agency_has_no_duplicates_or_overlaps() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    assert s.audit(ALL).findings == []


# ---------------------------------------------------------------- GEN-DUPLICATE


def test_every_copy_after_the_first_is_a_duplicate() -> None:
    s = Scenario()
    first = s.encounter("cpr")
    second = s.encounter("cpr")
    third = s.encounter("cpr", charge=Decimal("20.36"))  # the charge is not part of the match
    found = s.findings(DUPLICATE)
    assert _ids(found) == sorted([second["encounter_id"], third["encounter_id"]])
    f = {x.subject_id: x for x in found}[third["encounter_id"]]
    assert f.severity == "error" and f.carc == "18"
    assert f.message == (
        f"Repeats encounter {first['encounter_id']}: same client, staff member, code, modifiers, "
        "date and times."
    )
    assert f.amount_at_risk == Decimal("20.36")
    assert (f.client_id, f.staff_id, f.date) == ("C-CPR", "S-LPC", D(2025, 1, 8))


def test_the_first_copy_is_the_smallest_encounter_id() -> None:
    s = Scenario()
    s.encounter("sst", encounter_id="B-2")
    s.encounter("sst", encounter_id="A-9")
    found = s.findings(DUPLICATE)
    assert _ids(found) == ["B-2"]
    assert "Repeats encounter A-9" in found[0].message


def test_lines_that_differ_in_any_part_of_the_key_are_not_duplicates() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr", staff_id="S-QHIP")
    s.encounter("cpr", modifiers=("HO", "HQ"))
    s.encounter("cpr", end_time=T(10, 31))
    s.encounter("cpr", date=D(2025, 1, 9))
    s.encounter("cpr", client_id="C-SUD")
    s.encounter("cpr", billable=False)
    assert s.findings(DUPLICATE) == []


def test_copies_without_times_are_duplicates_and_modifier_order_does_not_matter() -> None:
    s = Scenario()
    s.encounter("sst", service_code="SST-TRANSPORT", start_time=None, end_time=None, charge=None)
    copy = s.encounter(
        "sst", service_code="SST-TRANSPORT", start_time=None, end_time=None, charge=None
    )
    s.encounter("cpr", modifiers=("HO", "HQ"), group_id="GS1")
    swapped = s.encounter("cpr", modifiers=("HQ", "HO"), group_id="GS1")
    found = {f.subject_id: f for f in s.findings(DUPLICATE)}
    assert sorted(found) == sorted([copy["encounter_id"], swapped["encounter_id"]])
    assert found[copy["encounter_id"]].amount_at_risk is None  # no rate, no charge
    assert found[swapped["encounter_id"]].amount_at_risk == Decimal("40.72")


# ---------------------------------------------------------------- GEN-CLIENT-OVERLAP


def test_the_later_starting_of_two_overlapping_encounters_is_reported() -> None:
    s = Scenario()
    first = s.encounter("cpr")  # 10:00-10:30
    later = s.encounter("cpr", staff_id="S-QHIP", start_time=T(10, 15), end_time=T(10, 45))
    found = s.findings(CLIENT)
    assert _ids(found) == [later["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "18"
    assert f.message == (
        f"Starts at 10:15, before encounter {first['encounter_id']} of the same client ends at "
        "10:30."
    )
    assert f.amount_at_risk == Decimal("40.72")
    assert f.staff_id == "S-QHIP"


def test_touching_encounters_do_not_overlap_and_one_minute_more_does() -> None:
    s = Scenario()
    s.encounter("cpr")  # 10:00-10:30
    s.encounter("cpr", staff_id="S-QHIP", start_time=T(10, 30), end_time=T(11, 0))
    s.encounter("cpr", D(2025, 1, 9))
    late = s.encounter("cpr", D(2025, 1, 9), staff_id="S-QHIP", start_time=T(10, 29))
    assert _ids(s.findings(CLIENT)) == [late["encounter_id"]]


def test_same_start_reports_the_larger_id_and_a_long_encounter_covers_later_ones() -> None:
    s = Scenario()
    long = s.encounter("sst", encounter_id="E-1")  # 09:00-12:00
    s.encounter("cpr", encounter_id="E-2", client_id="C-SST", start_time=T(9, 0))
    s.encounter(
        "cpr", encounter_id="E-3", client_id="C-SST", start_time=T(11, 0), end_time=T(11, 30)
    )
    found = {f.subject_id: f for f in s.findings(CLIENT)}
    assert sorted(found) == ["E-2", "E-3"]
    # E-2 (09:00-09:30) ended before E-3 starts; E-1 still runs
    assert found["E-3"].message == (
        f"Starts at 11:00, before encounter {long['encounter_id']} of the same client ends at "
        "12:00."
    )


def test_exact_copies_unbilled_lines_and_lines_without_times_are_not_overlaps() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr")  # GEN-DUPLICATE's
    s.encounter("cpr", staff_id="S-QHIP", billable=False)
    s.encounter("cpr", staff_id="S-QHIP", start_time=None, end_time=None)
    s.encounter("cpr", staff_id="S-QHIP", start_time=T(10, 20), end_time=T(10, 10))
    # copies without a rendering staff member are copies all the same
    s.encounter("cpr", D(2025, 1, 9), staff_id=None)
    s.encounter("cpr", D(2025, 1, 9), staff_id=None)
    assert s.findings(CLIENT) == []
    assert _ids(s.findings(DUPLICATE)) == ["E2", "E7"]


# ---------------------------------------------------------------- GEN-STAFF-OVERLAP


def test_a_staff_member_with_two_clients_at_once_is_reported() -> None:
    s = Scenario()
    first = s.encounter("cpr")  # S-LPC 10:00-10:30
    later = s.encounter("cpr", client_id="C-SUD", start_time=T(10, 20), end_time=T(10, 50))
    s.encounter("cpr", client_id="C-ABA", start_time=T(10, 50), end_time=T(11, 20))  # touches
    found = s.findings(STAFF)
    assert _ids(found) == [later["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "151"
    assert f.message == (
        f"Starts at 10:20, before encounter {first['encounter_id']} of the same staff member "
        "ends at 10:30."
    )
    assert (f.client_id, f.staff_id) == ("C-SUD", "S-LPC")
    assert f.amount_at_risk == Decimal("40.72")


def test_one_group_session_serves_its_clients_at_once() -> None:
    s = Scenario()
    for client in ("C-CPR", "C-SUD", "C-ABA"):
        _group_line(s, client, "GS1", T(10, 0), T(11, 0))
    _group_line(s, "C-SST", "GS1", T(10, 15), T(11, 0))  # arrived late: same session
    assert s.findings(STAFF) == []


def test_an_individual_session_during_a_group_session_is_reported() -> None:
    s = Scenario()
    for client in ("C-CPR", "C-SUD"):
        _group_line(s, client, "GS1", T(10, 0), T(11, 0))
    during = s.encounter("cpr", client_id="C-ABA", start_time=T(10, 30), end_time=T(11, 0))
    found = s.findings(STAFF)
    assert _ids(found) == [during["encounter_id"]]
    assert found[0].message == (
        "Starts at 10:30, before group session GS1 of the same staff member ends at 11:00."
    )


def test_a_group_session_starting_during_another_session_reports_each_of_its_lines() -> None:
    s = Scenario()
    first = s.encounter("cpr", client_id="C-ABA", start_time=T(9, 30), end_time=T(10, 15))
    group = [_group_line(s, c, "GS1", T(10, 0), T(11, 0)) for c in ("C-CPR", "C-SUD")]
    other = [_group_line(s, c, "GS2", T(10, 45), T(11, 30)) for c in ("C-SST", "C-X")]
    found = {f.subject_id: f for f in s.findings(STAFF)}
    assert sorted(found) == sorted(e["encounter_id"] for e in group + other)
    assert found[group[0]["encounter_id"]].message == (
        f"Group session GS1 starts at 10:00, before encounter {first['encounter_id']} of the "
        "same staff member ends at 10:15."
    )
    assert found[other[1]["encounter_id"]].message == (
        "Group session GS2 starts at 10:45, before group session GS1 of the same staff member "
        "ends at 11:00."
    )
    assert found[other[1]["encounter_id"]].amount_at_risk == Decimal("10.18")


def test_different_staff_or_days_and_unbilled_lines_are_not_staff_overlaps() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr", client_id="C-SUD", staff_id="S-QHIP")
    s.encounter("cpr", D(2025, 1, 9), client_id="C-SUD")
    s.encounter("cpr", client_id="C-ABA", billable=False)
    s.encounter("cpr", client_id="C-SST", staff_id=None)
    assert s.findings(STAFF) == []


# ---------------------------------------------------------------- against a pairwise oracle


@settings(max_examples=25, deadline=None)
@given(
    spans=st.lists(
        st.tuples(
            st.sampled_from(["C-CPR", "C-SUD"]),
            st.sampled_from(["S-LPC", "S-QHIP"]),
            st.integers(min_value=480, max_value=600),
            st.integers(min_value=0, max_value=60),
        ),
        min_size=1,
        max_size=7,
    )
)
def test_overlaps_agree_with_comparing_every_pair(spans: list[tuple[str, str, int, int]]) -> None:
    s = Scenario()
    rows = []
    for client, staff, start, length in spans:
        end = start + length
        e = s.encounter(
            "cpr",
            client_id=client,
            staff_id=staff,
            start_time=T(start // 60, start % 60),
            end_time=T(end // 60, end % 60),
        )
        rows.append((e["encounter_id"], client, staff, start, end))

    def key(r: tuple[str, str, str, int, int]) -> tuple[int, str]:
        return (r[3], r[0])

    copies = {b[0] for a in rows for b in rows if a[1:] == b[1:] and a[0] < b[0]}
    live = [r for r in rows if r[0] not in copies and r[4] > r[3]]

    def later_of_overlapping(same: int) -> set[str]:
        return {
            b[0]
            for a in live
            for b in live
            if a is not b and a[same] == b[same] and key(a) < key(b) and a[3] < b[4] and b[3] < a[4]
        }

    def named_for(b: tuple[str, str, str, int, int], same: int) -> str:
        """The earlier timed line of the client's (or staff member's) day that ends last (the
        smallest id of a tie), copies included: the one the message names."""
        earlier = [a for a in rows if a[same] == b[same] and a[4] > a[3] and key(a) < key(b)]
        last = max(a[4] for a in earlier)
        return min(a[0] for a in earlier if a[4] == last)

    found = s.audit(ALL).findings
    assert {f.subject_id for f in found if f.rule == DUPLICATE} == copies
    assert {f.subject_id for f in found if f.rule == CLIENT} == later_of_overlapping(1)
    assert {f.subject_id for f in found if f.rule == STAFF} == later_of_overlapping(2)
    by_id = {r[0]: r for r in rows}
    for f in found:
        if f.rule == CLIENT:
            assert f"before encounter {named_for(by_id[f.subject_id], 1)} of" in f.message
        if f.rule == STAFF:
            assert f"before encounter {named_for(by_id[f.subject_id], 2)} of" in f.message


# ---------------------------------------------------------------- one rule code, any engine


def _findings(s: Scenario, engine: SparkEngine | None = None) -> list[tuple[Any, ...]]:
    return sorted(
        (f.rule, f.subject_id, f.message, f.amount_at_risk)
        for f in s.audit(ALL, engine=engine).findings
    )


def test_spark_finds_the_same_as_duckdb(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr")
    s.encounter("sst", service_code="SST-TRANSPORT", start_time=None, end_time=None)
    s.encounter("sst", service_code="SST-TRANSPORT", start_time=None, end_time=None)
    s.encounter("cpr", staff_id="S-QHIP", start_time=T(10, 15), end_time=T(10, 45))
    s.encounter("cpr", client_id="C-ABA", start_time=T(9, 30), end_time=T(10, 15))
    for c in ("C-SUD", "C-SST"):
        _group_line(s, c, "GS1", T(10, 0), T(11, 0))
    s.encounter("cpr", client_id="C-X", start_time=T(10, 30), end_time=T(11, 0))
    on_duckdb = _findings(s)
    assert {rule for rule, *_ in on_duckdb} == set(ALL)
    assert _findings(s, spark_engine) == on_duckdb
