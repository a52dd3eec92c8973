"""Findings come out in one order, whatever order the engine found them in: the batch audit's
engine keeps no row order, so two findings alike in rule, date and subject must still sort
the same way every time."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from caseledger.audit.findings import Finding, sort_key


def _finding(subject: str, message: str, staff: str | None) -> Finding:
    return Finding(
        rule="GEN-DAILY-MAX",
        severity="error",
        subject_type="client",
        subject_id=subject,
        client_id=subject,
        staff_id=staff,
        date=dt.date(2025, 3, 4),
        message=message,
        citation="",
        amount_at_risk=None,
    )


@given(
    st.lists(
        st.builds(
            _finding,
            st.sampled_from(["C1", "C2"]),
            st.sampled_from(["H0036: 9 units", "H0036: 10 units", "H2017: 5 units"]),
            st.sampled_from([None, "S1", "S2"]),
        ),
        max_size=8,
    ),
    st.randoms(),
)
def test_the_order_does_not_depend_on_the_order_found(
    findings: list[Finding], shuffler: object
) -> None:
    shuffled = list(findings)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert sorted(shuffled, key=sort_key) == sorted(findings, key=sort_key)
