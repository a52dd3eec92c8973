"""Every rule in the catalog finds its failing example and not its passing one.

The rule modules' own tests go deep; this table goes wide, so that a rule added to a pack without
an example, or a rule that stops firing at all, fails here by name."""

from __future__ import annotations

import pytest

from caseledger.audit.engine import FACTS_MISSING
from caseledger.audit.findings import Finding
from tests.rules.examples import EXAMPLES, Example
from tests.rules.scenario import AS_OF, Scenario, policy

RULE_IDS = [pytest.param(rule_id, id=rule_id) for rule_id in sorted(EXAMPLES)]


def audit(rule_id: str, example: Example, s: Scenario) -> list[Finding]:
    """The findings on ``s`` with only ``rule_id`` run; GEN-FACTS-MISSING is reported for the
    other rules, so for it they all run."""
    only = () if rule_id == FACTS_MISSING else (rule_id,)
    return s.audit(only, as_of=example.as_of or AS_OF).findings


def test_every_rule_in_the_catalog_has_examples() -> None:
    # the policy the scenarios are audited under: the built-in packs, not CASELEDGER_POLICY_PATH's
    catalog = {meta.id for meta in policy().rules()}
    missing = sorted(catalog - EXAMPLES.keys())
    unknown = sorted(EXAMPLES.keys() - catalog)
    assert not missing, f"rules without examples: {', '.join(missing)}"
    assert not unknown, f"examples of rules not in the catalog: {', '.join(unknown)}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_failing_example(rule_id: str) -> None:
    example = EXAMPLES[rule_id]
    found = [f for f in audit(rule_id, example, example.fails()) if f.rule == rule_id]
    assert found, f"{rule_id} finds nothing in its failing example"
    if example.subject is not None:
        reported = sorted(f.subject_id for f in found)
        assert example.subject in reported, f"{rule_id} reports {reported}, not {example.subject}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_passing_example(rule_id: str) -> None:
    example = EXAMPLES[rule_id]
    # a rule that could not run would be clean too, but that is no near-miss
    found = [
        f
        for f in audit(rule_id, example, example.passes())
        if f.rule == rule_id or (f.rule == FACTS_MISSING and f.subject_id == rule_id)
    ]
    assert not found, [f.message for f in found]
