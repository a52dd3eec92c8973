"""Values are looked up as they stood on the date of service, to the day."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from caseledger.policy import Cited, Policy
from caseledger.policy.defs import History
from caseledger.policy.walk import iter_timelines

D = dt.date
REPLACEMENTS = ("97153", "97154", "97155", "97156", "97157", "97158", "0373T")
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))


def test_0372t_is_in_force_on_its_last_day(policy: Policy) -> None:
    on = D(2018, 12, 31)
    status = policy.code_status("0372T", on)
    assert status.known and status.in_force and not status.deleted
    assert status.replaced_by == ()
    service = policy.service("0372T", [], on)
    assert service is not None and service.untimed
    assert service.max_units_per_session is not None
    assert service.max_units_per_session.value == 1


def test_0372t_is_deleted_from_2019_and_names_its_replacements(policy: Policy) -> None:
    on = D(2019, 1, 1)
    status = policy.code_status("0372T", on)
    assert status.known and not status.in_force and status.deleted
    assert status.deleted_on == on
    assert status.replaced_by == REPLACEMENTS
    assert "003_0576cd0998e3bd03.txt" in status.cite
    assert policy.service("0372T", [], on) is None
    for code in REPLACEMENTS:
        assert policy.code_status(code, on).in_force, code


def test_0372t_before_it_was_added(policy: Policy) -> None:
    status = policy.code_status("0372T", D(2014, 6, 30))
    assert status.not_yet and not status.in_force and not status.deleted


def test_the_2019_codes_are_not_in_force_in_2018(policy: Policy) -> None:
    status = policy.code_status("97153", D(2018, 12, 31))
    assert status.known and status.not_yet
    assert policy.service("97153", [], D(2018, 12, 31)) is None


def test_an_unknown_code(policy: Policy) -> None:
    status = policy.code_status("99999", D(2020, 1, 1))
    assert not status.known and not status.in_force and not status.deleted


def test_0362t_changes_from_untimed_to_15_minute_units(policy: Policy) -> None:
    before = policy.service("0362T", [], D(2018, 12, 31))
    after = policy.service("0362T", [], D(2019, 1, 1))
    assert before is not None and after is not None
    assert before.untimed and before.unit_minutes is None
    assert before.rounding is not None and before.rounding.value == "untimed"
    assert after.unit_minutes == 15 and not after.untimed
    assert after.rounding is not None and after.rounding.value == "cpt_midpoint"
    assert after.max_units_per_session is None
    assert before.daily_max is None and after.daily_max is not None


def test_the_note_deadline_changed_in_august_2017(policy: Policy) -> None:
    old = policy.param("mo_healthnet", "note_signature_deadline", D(2017, 7, 31))
    new = policy.param("mo_healthnet", "note_signature_deadline", D(2017, 8, 1))
    assert (old.value, old.unit, old.end) == (72, "hours", D(2017, 7, 31))
    assert (new.value, new.unit, new.end) == (5, "business_days", None)
    assert old.cite != new.cite


def test_text_contact_rule_values_start_in_june_2014(policy: Policy) -> None:
    assert policy.find_param("sud", "nonverbal_places", D(2014, 5, 31)) is None
    assert policy.find_param("sud", "nonverbal_places", D(2014, 6, 1)) is not None


@given(on=dates)
def test_exactly_one_version_of_each_value_is_in_force_within_its_coverage(
    policy: Policy, on: dt.date
) -> None:
    for lp in policy.packs.values():
        for path, versions in iter_timelines(lp.pack):
            first = min(v.from_ for v in versions)
            ends = [v.to for v in versions]
            last = None if None in ends else max(e for e in ends if e is not None)
            covered = first <= on and (last is None or on <= last)
            in_force = [v for v in versions if v.from_ <= on and (v.to is None or on <= v.to)]
            assert len(in_force) == (1 if covered else 0), (lp.id, path, on)


@given(on=dates)
def test_a_service_lookup_agrees_with_its_dated_versions(policy: Policy, on: dt.date) -> None:
    for lp in policy.packs.values():
        for key, spec in lp.pack.services.items():
            assert spec.from_ is not None
            found = policy.service(spec.code or key, spec.modifiers, on)
            in_force = spec.from_ <= on and (spec.to is None or on <= spec.to)
            assert (found is not None) == in_force, (key, on)
            if found is None:
                continue
            assert found.start <= on and (found.end is None or on <= found.end)
            rates = [v for v in spec.rates or () if v.from_ <= on and (v.to is None or on <= v.to)]
            assert (found.rate.value if found.rate else "absent") == (
                rates[0].value if rates else "absent"
            )


@st.composite
def contiguous(draw: st.DrawFn) -> list[Cited[int]]:
    """Versions that follow each other day after day; the last may stay open."""
    start = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2010, 1, 1)))
    lengths = draw(st.lists(st.integers(min_value=1, max_value=900), min_size=1, max_size=6))
    items = []
    for i, length in enumerate(lengths):
        end = start + dt.timedelta(days=length - 1)
        is_last = i == len(lengths) - 1
        open_end = is_last and draw(st.booleans())
        items.append(Cited(i, f"cite {i}", start, None if open_end else end))
        start = end + dt.timedelta(days=1)
    return items


@given(items=contiguous(), on=st.dates(min_value=D(1999, 1, 1), max_value=D(2030, 1, 1)))
def test_history_at_finds_the_version_a_scan_finds(items: list[Cited[int]], on: dt.date) -> None:
    scan = [c for c in items if c.in_force(on)]
    assert len(scan) <= 1
    found = History(list(reversed(items))).at(on)
    assert found == (scan[0] if scan else None)
