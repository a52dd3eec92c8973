"""The due list: the deadline rules as of today (late) and a few days ahead (coming due)."""

from __future__ import annotations

import datetime as dt

from caseledger.audit.due import due_items
from tests.rules.scenario import Scenario, policy
from tests.rules.test_community_support import contact, missed

AT = dt.datetime


def test_a_missed_appointment_comes_due_then_falls_late_then_leaves_the_list() -> None:
    s = Scenario()
    missed(s, "M1", AT(2025, 3, 10, 10, 0))
    pol = policy()
    # the day after: 48 hours have not passed, so it is coming due
    coming = [i for i in due_items(s.dataset(), pol, dt.date(2025, 3, 11)) if i.subject_id == "M1"]
    assert [(i.rule, i.overdue) for i in coming] == [("CSW-MISSED-FOLLOWUP", False)]
    # three days on, the 48 hours have passed without a contact: late
    late = [i for i in due_items(s.dataset(), pol, dt.date(2025, 3, 13)) if i.subject_id == "M1"]
    assert [(i.rule, i.overdue) for i in late] == [("CSW-MISSED-FOLLOWUP", True)]
    assert "48 hours" in late[0].message
    # months later it is the audit's business, not the due list's
    old = due_items(s.dataset(), pol, dt.date(2025, 8, 1))
    assert all(i.subject_id != "M1" for i in old)


def test_a_follow_up_in_time_takes_it_off_the_list() -> None:
    s = Scenario()
    missed(s, "M1", AT(2025, 3, 10, 10, 0))
    contact(s, "K1", AT(2025, 3, 11, 9, 0), missed_id="M1")
    for day in (dt.date(2025, 3, 11), dt.date(2025, 3, 13)):
        assert all(i.subject_id != "M1" for i in due_items(s.dataset(), policy(), day))
