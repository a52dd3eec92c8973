"""The built-in packs load, cover the whole rule catalog, and cite and date every value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from caseledger.policy import Policy, builtin_pack_files
from caseledger.policy.schema import DESCRIPTIVE_FIELDS, Version
from caseledger.policy.walk import field_key, is_timeline, iter_models, iter_timelines

REPO = Path(__file__).resolve().parents[2]
RULES_MD = REPO.parent / "shared" / "spec" / "rules.md"

#: The rule catalog (rules.md): id → (severity letter, subject, CARC or "—"). Kept here so the
#: check works in a clone without the spec folder; when the spec is present it must agree.
CATALOG: dict[str, tuple[str, str, str]] = {
    "GEN-CODE-UNKNOWN": ("E", "encounter", "181"),
    "GEN-CODE-NOT-EFFECTIVE": ("E", "encounter", "181"),
    "GEN-MODIFIER-MISMATCH": ("E", "encounter", "4"),
    "GEN-ENROLLMENT": ("E", "encounter", "204"),
    "GEN-AGENCY-CERT": ("E", "encounter", "B7"),
    "GEN-FUNDING-CODE": ("E", "encounter", "16"),
    "GEN-TIME-MISSING": ("E", "encounter", "16"),
    "GEN-UNITS-EXCEED-TIME": ("E", "encounter", "151"),
    "GEN-UNITS-UNDER-TIME": ("I", "encounter", "—"),
    "GEN-UNTIMED-UNITS": ("E", "encounter", "151"),
    "GEN-DAILY-MAX": ("E", "encounter", "151"),
    "GEN-RATE": ("W", "encounter", "45"),
    "GEN-DUPLICATE": ("E", "encounter", "18"),
    "GEN-CLIENT-OVERLAP": ("E", "encounter", "18"),
    "GEN-STAFF-OVERLAP": ("E", "encounter", "151"),
    "GEN-AUTH-MISSING": ("E", "encounter", "197"),
    "GEN-AUTH-EXCEEDED": ("E", "encounter", "198"),
    "GEN-AUTH-MISMATCH": ("E", "encounter", "284"),
    "GEN-NOTE-MISSING": ("E", "encounter", "16"),
    "GEN-NOTE-UNSIGNED": ("E", "encounter", "16"),
    "GEN-NOTE-LATE": ("W", "encounter", "—"),
    "GEN-PLAN-MISSING": ("E", "encounter", "16"),
    "GEN-PLAN-GOAL-LINK": ("W", "encounter", "151"),
    "GEN-DIAGNOSIS": ("E", "client", "16"),
    "GEN-FACTS-MISSING": ("I", "subject", "—"),
    "SST-UNIT-HALF-DAY": ("E", "encounter", "151"),
    "SST-LIFETIME-CAP": ("E", "encounter", "149"),
    "SST-LIFETIME-NEAR": ("I", "client", "—"),
    "SST-SIMILAR-SERVICE": ("E", "encounter", "204"),
    "SST-PLAN-SCHEDULE": ("E", "plan", "16"),
    "SST-PLAN-ELEMENTS": ("E", "plan", "16"),
    "SST-MONTHLY-REPORT": ("E", "client", "16"),
    "SST-REPORT-ELEMENTS": ("W", "report", "16"),
    "SST-SUPERVISOR-QHIP": ("E", "staff", "185"),
    "SST-SUPERVISION-RATIO": ("E", "staff", "—"),
    "SST-DIDACTIC-QHIP": ("E", "encounter", "185"),
    "SST-DIRECT-CARE-EDUCATION": ("E", "encounter", "185"),
    "SST-PRIMARY-SKILLS": ("E", "encounter", "185"),
    "SST-ANNUAL-CE": ("E", "encounter", "185"),
    "SST-TRANSPORT-PA": ("E", "encounter", "197"),
    "SST-REFERRAL": ("W", "client", "—"),
    "SST-CURRICULUM": ("W", "agency", "—"),
    "PSR-STAFF-LICENSE": ("E", "encounter", "185"),
    "PSR-INITIAL-TRAINING": ("E", "encounter", "185"),
    "PSR-SIX-MONTH-TRAINING": ("E", "encounter", "185"),
    "PSR-TRAINING-DUE": ("I", "staff", "—"),
    "PSR-GROUP-SIZE": ("E", "group", "151"),
    "CSW-NONBILLABLE": ("E", "encounter", "96"),
    "CSW-EXCLUDED-SERVICE": ("E", "encounter", "96"),
    "CSW-MIXED-NOTE": ("E", "encounter", "16"),
    "CSW-DISCHARGE-CAP": ("E", "encounter", "151"),
    "CSW-DISCHARGE-HEADING": ("E", "encounter", "16"),
    "CSW-MEETING-UNITS": ("E", "encounter", "151"),
    "CSW-MISSED-FOLLOWUP": ("E", "missed_appointment", "—"),
    "CSW-VAGUE-TERMS": ("W", "encounter", "—"),
    "CSW-GOAL-TIE": ("E", "encounter", "151"),
    "CSW-NOT-VERBAL": ("E", "encounter", "96"),
    "CSW-SELF-RELIANCE": ("W", "encounter", "—"),
    "CSW-GROUP-SUITABLE": ("I", "encounter", "—"),
    "CSW-EMPLOYMENT": ("I", "plan", "—"),
    "ABA-GROUP-SIZE": ("E", "group", "151"),
}
SEVERITY = {"E": "error", "W": "warning", "I": "info"}
#: rules.md calls GEN-FACTS-MISSING's subject "subject"; the packs say "any".
SUBJECT = {"subject": "any"}
#: where each family of rules lives
HOME = {"GEN": "mo_healthnet", "SST": "sst", "PSR": "cpr", "CSW": "sud", "ABA": "aba"}


def _spec_rows() -> dict[str, tuple[str, str, str]]:
    rows: dict[str, tuple[str, str, str]] = {}
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", cells[0]):
            rows[cells[0]] = (cells[1], cells[2], cells[-1])
    return rows


def test_every_builtin_pack_loads(policy: Policy) -> None:
    assert set(policy.packs) == {"aba", "cpr", "mo_healthnet", "sst", "sud"}
    assert len(builtin_pack_files()) == 5
    for lp in policy.packs.values():
        assert lp.pack.title and lp.pack.version
        assert lp.value_count > 10


def test_versions_name_the_version_and_a_content_hash(policy: Policy) -> None:
    versions = policy.versions()
    assert set(versions) == set(policy.packs)
    for value in versions.values():
        assert re.fullmatch(r"1\.0 sha256:[0-9a-f]{12}", value), value


@pytest.mark.skipif(not RULES_MD.exists(), reason="the spec folder is not beside this clone")
def test_the_catalog_constant_matches_rules_md() -> None:
    assert _spec_rows() == CATALOG


def test_every_catalog_rule_is_in_its_pack_with_severity_subject_and_carc(policy: Policy) -> None:
    for rule_id, (sev, subject, carc) in CATALOG.items():
        rule = policy.rule(rule_id)
        assert rule.pack == HOME[rule_id.split("-")[0]], rule_id
        assert rule.severity == SEVERITY[sev], rule_id
        assert rule.subject == SUBJECT.get(subject, subject), rule_id
        assert rule.carc == (None if carc == "—" else carc), rule_id
    assert {r.id for r in policy.rules()} == set(CATALOG)


def test_every_rule_has_a_citation_a_description_and_a_meaning_for_its_carc(
    policy: Policy,
) -> None:
    for rule in policy.rules():
        assert rule.cite.strip(), rule.id
        assert len(rule.description) > 20, rule.id
        if rule.carc:
            assert rule.carc_meaning, rule.id


def _check_model(path: tuple[Any, ...], model: BaseModel) -> list[str]:
    """Problems of one model: dated models need cite and from; other models may hold only
    descriptive fields outside dated versions."""
    problems = []
    fields = {
        field_key(type(model), name): getattr(model, name) for name in type(model).model_fields
    }
    if "cite" in fields and not (isinstance(fields["cite"], str) and fields["cite"].strip()):
        problems.append(f"{path}: no citation")
    if "from" in fields and fields["from"] is None:
        problems.append(f"{path}: no 'from' date")
    if "cite" in fields:
        return problems  # the model's own citation covers its plain fields
    for key, value in fields.items():
        structural = isinstance(value, BaseModel) or is_timeline(value)
        if isinstance(value, dict | list):
            structural = all(isinstance(v, BaseModel) or is_timeline(v) for v in _items(value))
        if value is not None and not structural and key not in DESCRIPTIVE_FIELDS:
            problems.append(f"{path}.{key}: a value outside a cited, dated version")
    return problems


def _items(value: dict[Any, Any] | list[Any]) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value


def test_every_value_carries_a_citation_and_effective_dates(policy: Policy) -> None:
    problems: list[str] = []
    walked = 0
    for lp in policy.packs.values():
        for path, model in iter_models(lp.pack, (lp.id,)):
            walked += 1
            problems += _check_model(path, model)
        for path, versions in iter_timelines(lp.pack, (lp.id,)):
            for version in versions:
                assert isinstance(version, Version)
                if not version.cite.strip() or version.from_ is None:
                    problems.append(f"{path}: a version without citation or date")
    assert walked > 300
    assert problems == []


def test_the_generic_walk_would_catch_an_uncited_value(policy: Policy) -> None:
    pack = policy.packs["sst"].pack
    service = pack.services["SST"].model_copy(update={"cite": " "})
    assert _check_model(("SST",), service) == ["('SST',): no citation"]
    undated = pack.rules["SST-LIFETIME-CAP"].model_copy(update={"from_": None})
    assert _check_model(("R",), undated) == ["('R',): no 'from' date"]
    notes_as_value = pack.model_copy(update={"notes": ["a bare sentence"]})
    assert _check_model(("sst",), notes_as_value) == [
        "('sst',).notes: a value outside a cited, dated version"
    ]
