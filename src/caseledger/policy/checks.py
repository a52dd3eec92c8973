"""Checks beyond the schema: names the dataset knows, references that resolve, entries complete.

Two passes. :func:`file_problems` looks at one file on its own (names it uses from the dataset
contract), so every problem has an exact line. :func:`policy_problems` looks at the merged packs
(an override may read a parameter that only its base defines): references resolve, new entries are
complete, rule ids and service codes are unique across packs, CARC codes and modifiers are known.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from caseledger.policy.errors import Problem
from caseledger.policy.known import KnownNames
from caseledger.policy.loader import PackFile
from caseledger.policy.schema import Dated, Pack, Param, Service, ServiceTerms
from caseledger.policy.walk import field_key
from caseledger.policy.yamlread import PathKey, format_path


def _unknown(what: str, name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
    return f"unknown {what} '{name}'{hint}"


class _FileCheck:
    def __init__(self, pf: PackFile, known: KnownNames) -> None:
        self.pf = pf
        self.known = known
        self.problems: list[Problem] = []

    def add(self, path: PathKey, message: str) -> None:
        line, key = self.pf.locate(path)
        self.problems.append(Problem(self.pf.display, line, key, message))

    def names(
        self,
        path: PathKey,
        versions: Sequence[Dated[Any]] | None,
        what: str,
        known: Collection[str],
    ) -> None:
        if not versions or not known:
            return
        for i, version in enumerate(versions):
            values = version.value if isinstance(version.value, list) else [version.value]
            for value in values:
                if value not in known:
                    self.add((*path, i, "value"), _unknown(what, str(value), known))

    def terms(self, path: PathKey, terms: ServiceTerms) -> None:
        k = self.known
        self.names((*path, "funding"), terms.funding, "funding stream", k.funding)
        self.names(
            (*path, "auth_kind"), terms.auth_kind, "authorization kind", k.authorization_kinds
        )

    def run(self) -> list[Problem]:
        pack, k = self.pf.pack, self.known
        if pack.program is not None and k.programs and pack.program not in k.programs:
            self.add(("program",), _unknown("program", pack.program, k.programs))
        if pack.service_defaults is not None:
            self.terms(("service_defaults",), pack.service_defaults)
        for key, service in pack.services.items():
            self.terms(("services", key), service)
        if pack.agency is not None:
            certs = k.certification_kinds
            where: PathKey = ("agency", "certifications")
            self.names(where, pack.agency.certifications, "certification kind", certs)
        for role_key, role in pack.staff.items():
            base = ("staff", role_key)
            creds = k.credential_kinds
            self.names((*base, "credentials_any"), role.credentials_any, "credential kind", creds)
            self.names((*base, "credentials_all"), role.credentials_all, "credential kind", creds)
            self.names((*base, "education"), role.education, "education level", k.education_levels)
            self.names((*base, "leads_activities"), role.leads_activities, "activity", k.activities)
        for group_key, group in pack.trainings.items():
            for topic in group.topics:
                if k.training_topics and topic not in k.training_topics:
                    where = ("trainings", group_key, "topics", topic)
                    self.add(where, _unknown("training topic", topic, k.training_topics))
        self.activities()
        self.params()
        self.documents()
        return self.problems

    def activities(self) -> None:
        known = self.known.activities
        spec = self.pf.pack.activities
        if spec is None or not known:
            return
        for section in ("billable", "nonbillable", "excluded"):
            for kind, versions in getattr(spec, section).items():
                for i, version in enumerate(versions):
                    for value in version.activities:
                        if value not in known:
                            where: PathKey = ("activities", section, kind, i, "activities")
                            self.add(where, _unknown("activity", value, known))

    def params(self) -> None:
        lists = {
            "places": ("place", self.known.places),
            "activities": ("activity", self.known.activities),
        }
        for name, params in self.pf.pack.params.items():
            for i, param in enumerate(params):
                what, allowed = lists.get(param.unit, ("", frozenset()))
                for value in param.value if allowed else ():
                    if value not in allowed:
                        self.add(("params", name, i, "value"), _unknown(what, value, allowed))

    def documents(self) -> None:
        known = self.known.columns
        for doc_key, doc in self.pf.pack.documents.items() if known else ():
            columns = known.get(doc.table)
            if columns is None:
                where: PathKey = ("documents", doc_key, "table")
                self.add(where, _unknown("dataset file", doc.table, known))
                continue
            for element, versions in doc.elements.items():
                for i, version in enumerate(versions):
                    if version.column not in columns:
                        where = ("documents", doc_key, "elements", element, i, "column")
                        what = f"column of {doc.table}.csv"
                        self.add(where, _unknown(what, version.column, columns))


def file_problems(pf: PackFile, known: KnownNames | None) -> list[Problem]:
    """Names one file uses that the dataset contract does not know."""
    if known is None:
        return []
    return _FileCheck(pf, known).run()


def _depth(pf: PackFile, path: PathKey) -> int:
    for depth in range(len(path), -1, -1):
        if pf.lines.has(path[:depth]):
            return depth
    return 0


class Locator:
    """Finds the file and line for a path in a merged pack: the layer that holds most of it."""

    def __init__(self, layers: Mapping[str, Sequence[PackFile]]) -> None:
        self._layers = layers

    def problem(self, pack: str, path: PathKey, message: str) -> Problem:
        best: PackFile | None = None
        best_depth = -1
        for pf in self._layers.get(pack, ()):
            depth = _depth(pf, path)
            if depth >= best_depth:  # later layers win ties: they are what changed last
                best, best_depth = pf, depth
        if best is None:
            return Problem(pack, 0, format_path(path), message)
        line, _ = best.locate(path)
        return Problem(best.display, line, format_path(path), message)


def resolve(node: Any, steps: Sequence[str]) -> Iterator[Any]:
    """Every value at a dotted path (``*`` matches every key of a mapping)."""
    if not steps:
        yield node
        return
    step, rest = steps[0], steps[1:]
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if field_key(type(node), name) == step:
                value = getattr(node, name)
                if value is not None:
                    yield from resolve(value, rest)
    elif isinstance(node, dict):
        if step == "*":
            for value in node.values():
                yield from resolve(value, rest)
        elif step in node:
            yield from resolve(node[step], rest)


def _required(
    pack_id: str, path: PathKey, model: BaseModel, names: Sequence[str]
) -> Iterator[tuple[str, PathKey, str]]:
    for name in names:
        if getattr(model, name) in (None, ""):
            key = field_key(type(model), name)
            yield pack_id, (*path, key), "required key is missing"


def policy_problems(packs: Mapping[str, Pack], locator: Locator) -> list[Problem]:
    """Problems of the merged packs as a whole."""
    found: list[tuple[str, PathKey, str]] = []
    all_codes: set[str] = set()
    service_keys: dict[str, str] = {}
    identities: dict[tuple[str, frozenset[str]], tuple[str, str]] = {}
    carcs: set[str] = set()
    modifiers: set[str] = set()
    rule_ids: dict[str, str] = {}
    for pack_id, pack in packs.items():
        carcs.update(pack.carc)
        modifiers.update(pack.modifiers)
        for key, service in pack.services.items():
            code = service.code or key
            all_codes.update((code, key))
            if key in service_keys and service_keys[key] != pack_id:
                found.append(
                    (
                        pack_id,
                        ("services", key),
                        f"service key also defined in pack '{service_keys[key]}'",
                    )
                )
            service_keys.setdefault(key, pack_id)
            ident = (code, frozenset(service.modifiers))
            if ident in identities:
                other_pack, other_key = identities[ident]
                same = f"code {code} with these modifiers is already service '{other_key}'"
                found.append((pack_id, ("services", key), f"{same} in pack '{other_pack}'"))
            identities.setdefault(ident, (pack_id, key))
        for rule_id in pack.rules:
            if rule_id in rule_ids and rule_ids[rule_id] != pack_id:
                found.append(
                    (
                        pack_id,
                        ("rules", rule_id),
                        f"rule id also defined in pack '{rule_ids[rule_id]}'",
                    )
                )
            rule_ids.setdefault(rule_id, pack_id)

    for pack_id, pack in packs.items():
        if not pack.title:
            found.append((pack_id, ("title",), "required key is missing"))
        for key, service in pack.services.items():
            path: PathKey = ("services", key)
            found.extend(_required(pack_id, path, service, ("name", "cite", "from_")))
            found.extend(_service_problems(pack_id, path, service, all_codes, modifiers))
        for rule_id, rule in pack.rules.items():
            path = ("rules", rule_id)
            found.extend(
                _required(
                    pack_id, path, rule, ("severity", "subject", "description", "cite", "from_")
                )
            )
            if rule.carc is not None and carcs and rule.carc not in carcs:
                found.append((pack_id, (*path, "carc"), _unknown("CARC code", rule.carc, carcs)))
            for ref in rule.reads:
                bad_ref = _reference_problem(pack_id, ref, packs)
                if bad_ref:
                    found.append((pack_id, (*path, "reads"), bad_ref))
        for name, params in pack.params.items():
            for param in params:
                if param.unit == "codes":
                    for code in _missing_codes(param, all_codes):
                        found.append(
                            (pack_id, ("params", name), _unknown("service code", code, all_codes))
                        )
        for group_key, group in pack.trainings.items():
            if group.role is not None and group.role not in pack.staff:
                found.append(
                    (
                        pack_id,
                        ("trainings", group_key, "role"),
                        _unknown("staff role", group.role, pack.staff),
                    )
                )
        for role_key, role in pack.staff.items():
            for version in role.supervised_by or ():
                if version.value not in pack.staff:
                    found.append(
                        (
                            pack_id,
                            ("staff", role_key, "supervised_by"),
                            _unknown("staff role", version.value, pack.staff),
                        )
                    )
        found.extend(_activity_problems(pack_id, pack))
    return [locator.problem(pack_id, path, message) for pack_id, path, message in found]


def _service_problems(
    pack_id: str, path: PathKey, service: Service, codes: set[str], modifiers: set[str]
) -> Iterator[tuple[str, PathKey, str]]:
    for modifier in service.modifiers:
        if modifiers and modifier not in modifiers:
            yield pack_id, (*path, "modifiers"), _unknown("modifier", modifier, modifiers)
    for version in service.replaced_by or ():
        for code in version.value:
            if code not in codes:
                yield pack_id, (*path, "replaced_by"), _unknown("service code", code, codes)
    if service.from_ is not None and service.to is not None and service.to < service.from_:
        yield pack_id, (*path, "to"), f"'to' ({service.to}) is before 'from' ({service.from_})"


def _missing_codes(param: Param, codes: set[str]) -> list[str]:
    return [code for code in param.value if code not in codes]


def _reference_problem(pack_id: str, ref: str, packs: Mapping[str, Pack]) -> str | None:
    target, _, path = ref.rpartition(":")
    target = target or pack_id
    if target != "*" and target not in packs:
        return f"'{ref}' names an unknown pack '{target}'"
    steps = path.split(".")
    candidates = packs.values() if target == "*" else [packs[target]]
    if not any(True for pack in candidates for _ in resolve(pack, steps)):
        where = "any pack" if target == "*" else f"pack '{target}'"
        return f"'{ref}' does not name anything in {where}"
    return None


def _activity_problems(pack_id: str, pack: Pack) -> Iterator[tuple[str, PathKey, str]]:
    if pack.activities is None:
        return
    owners: dict[str, list[str]] = defaultdict(list)
    for section in ("billable", "nonbillable", "excluded"):
        for kind, versions in getattr(pack.activities, section).items():
            values = {value for version in versions for value in version.activities}
            for value in sorted(values):
                owners[value].append(f"{section}.{kind}")
    for value, kinds in owners.items():
        if len(kinds) > 1:
            path: PathKey = ("activities", *kinds[-1].split("."))
            yield (
                pack_id,
                path,
                f"activity '{value}' is mapped to more than one kind: {', '.join(kinds)}",
            )
