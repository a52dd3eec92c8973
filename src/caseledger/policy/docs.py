"""The rule catalog as Markdown, generated from the built-in packs.

``python -m caseledger.policy.docs > docs/rules.md`` (``make docs``) writes it; a test fails when
the committed file no longer matches the packs. Only the built-in packs are used, so the output
does not depend on ``CASELEDGER_POLICY_PATH`` or on where the package is installed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from caseledger.policy.catalog import LoadedPack, Policy
from caseledger.policy.diff import describe, describe_value
from caseledger.policy.loader import span
from caseledger.policy.registry import load_policy
from caseledger.policy.schema import Service
from caseledger.policy.walk import field_key, is_timeline, iter_timelines
from caseledger.policy.yamlread import PathKey, format_path

#: A reference whose match holds more dated values than this is summarized, not listed.
_LIST_AT_MOST = 12
_SEVERITY = {"error": "E", "warning": "W", "info": "I"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _matches(node: Any, steps: Sequence[str], path: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Like :func:`caseledger.policy.checks.resolve`, with the path of each match."""
    if not steps:
        yield path, node
        return
    step, rest = steps[0], steps[1:]
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            key = field_key(type(node), name)
            if key == step and getattr(node, name) is not None:
                yield from _matches(getattr(node, name), rest, (*path, key))
    elif isinstance(node, dict):
        keys = list(node) if step == "*" else [step] if step in node else []
        for key in keys:
            yield from _matches(node[key], rest, (*path, key))


def _reads(policy: Policy, pack_id: str, ref: str) -> list[str]:
    target, _, dotted = ref.rpartition(":")
    targets = list(policy.packs) if target == "*" else [target or pack_id]
    lines: list[str] = []
    for tid in targets:
        for path, value in _matches(policy.packs[tid].pack, dotted.split(".")):
            where = f"{tid}:{format_path(path)}" if tid != pack_id else format_path(path)
            if is_timeline(value):
                lines += [f"  - `{where}`: {describe(v)}" for v in value]
                continue
            found = list(iter_timelines(value, path)) if isinstance(value, dict | BaseModel) else []
            if len(found) > _LIST_AT_MOST or not found:
                lines.append(f"  - `{where}`: see the tables of pack `{tid}` below")
                continue
            for sub, versions in found:
                shown = f"{tid}:{format_path(sub)}" if tid != pack_id else format_path(sub)
                lines += [f"  - `{shown}`: {describe(v)}" for v in versions]
    return lines


def _rules(policy: Policy, order: list[str]) -> list[str]:
    out = ["## Rules", ""]
    rules = sorted(policy.rules(), key=lambda r: order.index(r.pack))
    rows = [
        [f"[{r.id}](#{r.id.lower()})", _SEVERITY[r.severity], r.subject, r.carc or "—", r.pack]
        for r in rules
    ]
    out += _table(["id", "sev", "subject", "CARC", "pack"], rows)
    for rule in rules:
        out += [f"### {rule.id}", "", rule.description, ""]
        carc = f"{rule.carc} ({rule.carc_meaning})" if rule.carc else "none"
        out.append(f"- severity: {rule.severity}; subject: {rule.subject}; CARC: {carc}")
        end = f" to {rule.end.isoformat()}" if rule.end else " onward"
        out.append(f"- in force: {rule.start.isoformat()}{end}")
        out.append(f"- source: {rule.cite}")
        if rule.note:
            out.append(f"- note: {rule.note}")
        if rule.reads:
            out.append("- reads:")
            for ref in rule.reads:
                out += _reads(policy, rule.pack, ref)
        out.append("")
    return out


def _service_rows(lp: LoadedPack) -> list[list[str]]:
    rows = []
    for key, s in lp.pack.services.items():
        assert s.from_ is not None
        span = s.from_.isoformat() + (f" to {s.to.isoformat()}" if s.to else " onward")
        code = (s.code or key) + (" " + "+".join(s.modifiers) if s.modifiers else "")
        unit = "; ".join(describe_value(v) for v in s.unit or ()) or "—"
        rate = "; ".join(f"{describe_value(v)} from {v.from_}" for v in s.rates or ()) or "—"
        rows.append([key, code, s.name or "", unit, rate, span])
    return rows


def _service_details(key: str, service: Service) -> list[str]:
    out = [f"- **{key}** ({service.cite})"]
    if service.note:
        out.append(f"  - note: {service.note}")
    for path, versions in iter_timelines(service):
        out += [f"  - {format_path(path)}: {describe(v)}" for v in versions]
    return out


def _section(title: str, node: Any, path: PathKey) -> list[str]:
    found = list(iter_timelines(node, path))
    if not found:
        return []
    out = [f"#### {title}", ""]
    for sub, versions in found:
        out += [f"- `{format_path(sub)}`: {describe(v)}" for v in versions]
    return [*out, ""]


def _pack(lp: LoadedPack) -> list[str]:
    pack = lp.pack
    out = [f"### Pack `{lp.id}`: {pack.title}", ""]
    if pack.authority:
        out += [f"Authority: {pack.authority}.", ""]
    for note in pack.notes:
        out.append(f"- {note.text} ({note.cite})")
    out.append("")
    if pack.services:
        out += ["#### Services", ""]
        out += _table(
            ["key", "code", "service", "unit (minutes)", "rate per unit (USD)", "in force"],
            _service_rows(lp),
        )
        for key, service in pack.services.items():
            out += _service_details(key, service)
        out.append("")
    if pack.params:
        out += ["#### Parameters", ""]
        rows = [
            [name, describe_value(v), span(v), v.cite, v.note or ""]
            for name, versions in pack.params.items()
            for v in versions
        ]
        out += _table(["name", "value", "in force", "source", "note"], rows)
    out += _section("Agency requirements", pack.agency, ("agency",))
    out += _section("Staff roles", pack.staff, ("staff",))
    out += _section("Trainings", pack.trainings, ("trainings",))
    out += _section("Documents", pack.documents, ("documents",))
    out += _section("Activity vocabulary", pack.activities, ("activities",))
    for title, table in (("CARC codes", pack.carc), ("Modifiers", pack.modifiers)):
        if table:
            rows = [[code, v.meaning, span(v), v.cite] for code, vs in table.items() for v in vs]
            out += [f"#### {title}", "", *_table(["code", "meaning", "in force", "source"], rows)]
    return out


def _general_first(policy: Policy) -> list[LoadedPack]:
    return sorted(policy.packs.values(), key=lambda lp: (lp.pack.program is not None, lp.id))


def render_catalog(policy: Policy) -> str:
    """The whole catalog as Markdown: the general pack first, then the programs by id."""
    packs = _general_first(policy)
    out = [
        "# Rule catalog and policy values",
        "",
        "<!-- Generated from the policy packs by `make docs` "
        "(python -m caseledger.policy.docs). Do not edit by hand. -->",
        "",
        "Every rule caseledger checks, and every value the rules read, as the built-in policy "
        "packs state them: each value with its source and the dates it is in force (inclusive; "
        "'onward' means no end date yet). An agency can change a value from a date of its own "
        "with an override pack (see policy.md). UNCONFIRMED marks a value kept from our source "
        "documents that no current public text confirms.",
        "",
        "## Packs",
        "",
    ]
    rows = [
        [f"`{lp.id}`", lp.pack.title or "", lp.version, str(lp.value_count), lp.files[0].display]
        for lp in packs
    ]
    out += _table(["pack", "title", "version", "dated values", "file"], rows)
    out += _rules(policy, [lp.id for lp in packs])
    out += ["## Packs in detail", ""]
    for lp in packs:
        out += _pack(lp)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main() -> None:
    sys.stdout.write(render_catalog(load_policy(environ={})))


if __name__ == "__main__":
    main()


__all__ = ["main", "render_catalog"]
