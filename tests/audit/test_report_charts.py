"""The report's charts beside the findings: rule by month, authorization and lifetime-cap use,
and training compliance over time."""

from __future__ import annotations

import datetime as dt

from caseledger.audit.engine import run_audit
from caseledger.audit.html import render_html
from caseledger.audit.utilization import report_extras
from caseledger.facts.columnar import facts_from_dataset
from tests.rules.scenario import Scenario, policy


def test_an_authorization_drawn_down_and_sst_half_days_show_with_their_limits() -> None:
    s = Scenario()
    for day in (dt.date(2025, 1, 10), dt.date(2025, 1, 17)):
        s.encounter("sst", day)
    pol = policy()
    facts = facts_from_dataset(s.dataset())
    result = run_audit(facts, pol, as_of=dt.date(2025, 3, 31))
    extras = report_extras(facts, pol, dt.date(2025, 3, 31), result.findings)
    with_units = [a for a in s.dataset().rows("authorizations") if a.get("units")]
    assert len(extras.authorizations) == min(len(with_units), 15)
    for u in extras.authorizations:
        assert u.limit > 0 and u.used >= 0
    assert [(u.used, u.limit) for u in extras.lifetime] == [(2.0, 26.0)]
    sst = [u for u in extras.authorizations if u.label.startswith("AU-SST")]
    assert sst and sst[0].used == 2.0
    page = render_html(result, extras=extras)
    for label in (
        "Findings by rule and month",
        "Authorizations: units drawn",
        "SST lifetime cap",
        "Staff training compliance",
    ):
        assert f"<figcaption>{label}" in page


def test_a_training_finding_lowers_that_month_s_compliance() -> None:
    s = Scenario()
    s.encounter("cpr", dt.date(2025, 2, 12))
    pol = policy()
    facts = facts_from_dataset(s.dataset())
    clean = run_audit(facts, pol, as_of=dt.date(2025, 3, 31))
    before = dict(report_extras(facts, pol, dt.date(2025, 3, 31), clean.findings).training)
    assert before and all(v == 1.0 for v in before.values())
    s.remove("staff_trainings", staff_id="S-LPC")
    facts = facts_from_dataset(s.dataset())
    lacking = run_audit(facts, pol, as_of=dt.date(2025, 3, 31))
    assert any(
        f.rule == "PSR-SIX-MONTH-TRAINING" or f.rule == "PSR-INITIAL-TRAINING"
        for f in lacking.findings
    )
    after = dict(report_extras(facts, pol, dt.date(2025, 3, 31), lacking.findings).training)
    assert any(after[m] < before[m] for m in before)
