"""The generated catalog is current, and the pack format is documented for administrators."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from caseledger.policy import Policy, docs
from caseledger.policy.schema import ParamUnit, Rounding
from caseledger.policy.walk import field_key, iter_models

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_docs_rules_md_is_current(policy: Policy) -> None:
    expected = docs.render_catalog(policy)
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `make docs` and commit the result"


def test_the_docs_module_prints_the_catalog(
    policy: Policy, capsys: pytest.CaptureFixture[str]
) -> None:
    docs.main()
    assert capsys.readouterr().out == docs.render_catalog(policy)


def test_the_catalog_names_every_rule_and_service_and_no_local_path(policy: Policy) -> None:
    text = docs.render_catalog(policy)
    for rule in policy.rules():
        assert f"### {rule.id}\n" in text, rule.id
    for lp in policy.packs.values():
        for key in lp.pack.services:
            assert f"| {key} |" in text, key
    assert not re.search(r"(^|\s)/(home|work|tmp|usr)/", text)
    assert "| SST | SST | Socialization skills training, one three-hour half-day | 180 |" in text
    assert "69.00 from 2008-01-01" in text


def _keys(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    keys = {field_key(model, name) for name in model.model_fields}
    for info in model.model_fields.values():
        for inner in _models(info.annotation):
            keys |= _keys(inner, seen)
    return keys


def _models(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in get_args(tp) for m in _models(arg)]


def test_every_key_of_the_pack_format_is_documented(policy: Policy) -> None:
    guide = (DOCS / "policy.md").read_text(encoding="utf-8")
    models = {type(model) for lp in policy.packs.values() for _, model in iter_models(lp.pack)}
    keys: set[str] = set()
    for model in models:
        keys |= _keys(model, set())
    missing = sorted(k for k in keys if f"`{k}`" not in guide and f"{k}:" not in guide)
    assert missing == [], f"docs/policy.md does not explain: {missing}"


def test_every_parameter_unit_and_rounding_mode_is_documented() -> None:
    guide = (DOCS / "policy.md").read_text(encoding="utf-8")
    for word in (*get_args(ParamUnit), *get_args(Rounding)):
        assert f"`{word}`" in guide, word
