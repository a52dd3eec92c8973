"""The loaded policy: every pack merged, validated and indexed for fast, pure lookups.

Everything a rule asks for is precomputed when the policy is built: a service is split into the
periods over which none of its terms changes, so ``service(code, modifiers, on)`` is one dict
lookup and one bisection. Nothing here reads a clock or a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

from caseledger.policy.defs import (
    UNTIMED,
    ActivityKind,
    AgencyDef,
    Cited,
    CodeStatus,
    DocumentDef,
    DocumentElement,
    GroupLimit,
    History,
    RuleMeta,
    ServiceDef,
    StaffRoleDef,
    TrainingGroupDef,
    TrainingTopic,
)
from caseledger.policy.errors import PackError, PolicyLookupError, Problem
from caseledger.policy.loader import PackFile
from caseledger.policy.schema import (
    ActivityVersion,
    Dated,
    Pack,
    Param,
    Service,
    StaffRole,
    TrainingGroup,
    Version,
)
from caseledger.policy.walk import iter_timelines

T = TypeVar("T")
V = TypeVar("V", bound=Version)
ONE_DAY = dt.timedelta(days=1)
#: the parameter that gives the rounding mode for timed services that do not state their own
DEFAULT_ROUNDING = "default_rounding"


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def cited(version: Version, value: T, unit: str | None = None) -> Cited[T]:
    return Cited(
        value=value,
        cite=version.cite,
        start=version.from_,
        end=version.to,
        note=version.note,
        unit=unit,
        origin=version._origin,
    )


def history(versions: Sequence[V] | None, convert: Callable[[V], T]) -> History[T]:
    return History([cited(v, convert(v)) for v in versions or ()])


def _value(version: Dated[Any]) -> Any:
    return _plain(version.value)


def param_history(versions: Sequence[Param]) -> History[Any]:
    return History([cited(v, _plain(v.value), unit=v.unit) for v in versions])


@dataclass(frozen=True)
class LoadedPack:
    """A pack as loaded: the merged content and the files it was built from, in order."""

    id: str
    pack: Pack
    files: tuple[PackFile, ...]

    @property
    def version(self) -> str:
        """``1.0`` or, with overrides, ``1.0 + acme-sst 2027.1``."""
        parts = [self.files[0].pack.version]
        parts += [f"{pf.pack.pack} {pf.pack.version}" for pf in self.files[1:]]
        return " + ".join(parts)

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for pf in self.files:
            digest.update(pf.sha256.encode())
        return digest.hexdigest()[:12]

    @property
    def value_count(self) -> int:
        """How many dated versions the merged pack holds."""
        return sum(len(versions) for _, versions in iter_timelines(self.pack))


class _ServiceIndex:
    __slots__ = ("defs", "starts")

    def __init__(self, defs: Sequence[ServiceDef]) -> None:
        self.defs = tuple(defs)
        self.starts = [d.start for d in self.defs]

    def at(self, on: dt.date) -> ServiceDef | None:
        i = bisect_right(self.starts, on) - 1
        if i < 0:
            return None
        found = self.defs[i]
        return found if found.end is None or on <= found.end else None


@dataclass(frozen=True)
class _CodeInfo:
    periods: tuple[tuple[dt.date, dt.date | None], ...]
    replaced_by: History[tuple[str, ...]]
    cite: str


class Policy:
    """All loaded packs, merged and indexed. Build it with :func:`caseledger.policy.load_policy`."""

    def __init__(self, loaded: Mapping[str, LoadedPack]) -> None:
        self.packs: Mapping[str, LoadedPack] = dict(loaded)
        self._owner: dict[str, str] = {}
        self._params: dict[tuple[str, str], History[Any]] = {}
        self._rules: dict[str, RuleMeta] = {}
        self._services: dict[tuple[str, frozenset[str]], _ServiceIndex] = {}
        self._by_code: dict[str, list[_ServiceIndex]] = {}
        self._codes: dict[str, _CodeInfo] = {}
        self._kinds: dict[str, list[tuple[str, str, History[ActivityKind]]]] = {}
        self._kind_cache: dict[tuple[str, dt.date], tuple[ActivityKind, ...]] = {}
        self._status_cache: dict[tuple[str, dt.date], CodeStatus] = {}
        problems: list[Problem] = []
        for pack_id, lp in self.packs.items():
            self._owner[pack_id] = pack_id
            if lp.pack.program:
                self._owner.setdefault(lp.pack.program, pack_id)
            for name, versions in lp.pack.params.items():
                self._params[(pack_id, name)] = param_history(versions)
        default_rounding = self._default_rounding()
        for pack_id, lp in self.packs.items():
            self._index_rules(pack_id, lp.pack)
            self._index_kinds(pack_id, lp.pack)
            for key, service in lp.pack.services.items():
                problems.extend(self._index_service(lp, key, service, default_rounding))
        if problems:
            raise PackError(problems)

    # ----------------------------------------------------------------- building the indexes

    def _default_rounding(self) -> History[Any]:
        for (_, name), found in self._params.items():
            if name == DEFAULT_ROUNDING:
                return found
        return History([])

    def _index_rules(self, pack_id: str, pack: Pack) -> None:
        carc_meaning = {
            code: versions[-1].meaning
            for lp in self.packs.values()
            for code, versions in lp.pack.carc.items()
        }
        for rule_id, rule in pack.rules.items():
            assert rule.severity and rule.subject and rule.cite and rule.from_
            self._owner[rule_id] = pack_id
            self._rules[rule_id] = RuleMeta(
                id=rule_id,
                pack=pack_id,
                program=pack.program,
                severity=rule.severity,
                subject=rule.subject,
                carc=rule.carc,
                carc_meaning=carc_meaning.get(rule.carc) if rule.carc else None,
                description=rule.description or "",
                reads=tuple(rule.reads),
                cite=rule.cite,
                start=rule.from_,
                end=rule.to,
                note=rule.note,
            )

    def _index_kinds(self, pack_id: str, pack: Pack) -> None:
        if pack.activities is None:
            return
        kinds: list[tuple[str, str, History[ActivityKind]]] = []
        for section in ("billable", "nonbillable", "excluded"):
            entries: dict[str, list[ActivityVersion]] = getattr(pack.activities, section)
            for kind, versions in entries.items():

                def convert(
                    v: ActivityVersion, kind: str = kind, section: str = section
                ) -> ActivityKind:
                    return ActivityKind(
                        kind=kind,
                        section=cast(Any, section),
                        pack=pack_id,
                        label=v.label,
                        activities=tuple(v.activities),
                        phrases=tuple(p.lower() for p in v.phrases),
                        exception=v.exception,
                        exception_phrases=tuple(p.lower() for p in v.exception_phrases),
                        cite=v.cite,
                        start=v.from_,
                        end=v.to,
                    )

                kinds.append((kind, section, history(versions, convert)))
        self._kinds[pack_id] = kinds

    def _index_service(
        self, lp: LoadedPack, key: str, service: Service, default_rounding: History[Any]
    ) -> list[Problem]:
        assert service.from_ is not None and service.cite is not None
        unit = history(service.unit, lambda v: v.value)
        rounding = history(service.rounding, _value)
        parts: dict[str, History[Any]] = {
            "max_units_per_session": history(service.max_units_per_session, _value),
            "rate": history(service.rates, _value),
            "pay_rate": history(service.pay_rates, _value),
            "funding": history(service.funding, _value),
            "prior_auth": history(service.prior_auth, _value),
            "auth_kind": history(service.auth_kind, _value),
            "group_limit": history(
                service.group_limit,
                lambda v: GroupLimit(max=v.value, per=v.per, counting=v.counting),
            ),
            "daily_max": history(service.daily_max, _value),
        }
        first, last = service.from_, service.to
        cuts = {first}
        for part in [unit, rounding, default_rounding, *parts.values()]:
            for version in part.versions:
                cuts.add(version.start)
                if version.end is not None and version.end < dt.date.max:
                    cuts.add(version.end + ONE_DAY)
        starts = sorted(c for c in cuts if c >= first and (last is None or c <= last))
        code = service.code or key
        defs: list[ServiceDef] = []
        problems: list[Problem] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - ONE_DAY if i + 1 < len(starts) else last
            unit_now = unit.at(start)
            rounding_now: Cited[Any] | None = rounding.at(start)
            if unit_now is not None and unit_now.value == UNTIMED:
                rounding_now = Cited(
                    UNTIMED, unit_now.cite, unit_now.start, unit_now.end, origin=unit_now.origin
                )
            elif unit_now is not None and isinstance(unit_now.value, int) and rounding_now is None:
                rounding_now = default_rounding.at(start)
                if rounding_now is None:
                    line, shown = lp.files[0].locate(("services", key, "rounding"))
                    problems.append(
                        Problem(
                            lp.files[0].display,
                            line,
                            shown,
                            f"on {start.isoformat()} the unit is {unit_now.value} minutes but no "
                            f"rounding mode is in force and no '{DEFAULT_ROUNDING}' parameter "
                            "applies",
                        )
                    )
            defs.append(
                ServiceDef(
                    key=key,
                    code=code,
                    modifiers=tuple(service.modifiers),
                    pack=lp.id,
                    program=lp.pack.program,
                    name=service.name or key,
                    group=bool(service.group),
                    cite=service.cite,
                    start=start,
                    end=end,
                    unit=unit_now,
                    rounding=rounding_now,
                    **{name: part.at(start) for name, part in parts.items()},
                )
            )
        index = _ServiceIndex(defs)
        self._services[(code, frozenset(service.modifiers))] = index
        self._by_code.setdefault(code, []).append(index)
        old = self._codes.get(code)
        replaced = history(service.replaced_by, _value)
        periods = (*(old.periods if old else ()), (first, last))
        self._codes[code] = _CodeInfo(
            periods=periods,
            replaced_by=replaced if replaced else (old.replaced_by if old else replaced),
            cite=old.cite if old else service.cite,
        )
        return problems

    # ----------------------------------------------------------------------- the public API

    def versions(self) -> dict[str, str]:
        """Pack id → ``version sha256:hash`` of the files it was built from, for audit output."""
        return {pid: f"{lp.version} sha256:{lp.content_hash}" for pid, lp in self.packs.items()}

    def service(self, code: str, modifiers: Iterable[str], on: dt.date) -> ServiceDef | None:
        """The service billed as ``code`` with exactly these modifiers (in any order), as it
        stands on ``on``; ``None`` when no pack defines it or it is not in force that day."""
        mods = frozenset(modifiers)
        index = self._services.get((code, mods))
        if index is None:
            norm = (code.strip().upper(), frozenset(m.strip().upper() for m in mods if m.strip()))
            index = self._services.get(norm)
            if index is None:
                return None
        return index.at(on)

    def service_timeline(self) -> tuple[ServiceDef, ...]:
        """Every service in every period over which its terms hold: the whole fee schedule as
        rows, for engines that join encounters to it by date instead of calling :meth:`service`."""
        return tuple(d for index in self._services.values() for d in index.defs)

    def param_timeline(self) -> tuple[tuple[str, str, Cited[Any]], ...]:
        """Every dated version of every parameter, as ``(pack id, name, version)``."""
        return tuple(
            (pack_id, name, version)
            for (pack_id, name), found in self._params.items()
            for version in found.versions
        )

    def code_statuses(self) -> tuple[tuple[str, tuple[tuple[dt.date, dt.date | None], ...]], ...]:
        """Each billing code with the periods it is in force (first day, last day or ``None``)."""
        return tuple((code, info.periods) for code, info in self._codes.items())

    def service_variants(self, code: str, on: dt.date) -> tuple[ServiceDef, ...]:
        """Every service billed with ``code`` (any modifiers) in force on ``on``, e.g. to tell
        a modifier mismatch (H2017 without HO) from an unknown code."""
        indexes = self._by_code.get(code) or self._by_code.get(code.strip().upper(), [])
        return tuple(d for d in (i.at(on) for i in indexes) if d is not None)

    def code_status(self, code: str, on: dt.date) -> CodeStatus:
        """Whether ``code`` is in force on ``on``; once deleted, the codes that replace it."""
        cached = self._status_cache.get((code, on))
        if cached is not None:
            return cached
        info = self._codes.get(code) or self._codes.get(code.strip().upper())
        if info is None:
            return CodeStatus(code=code, on=on, known=False, in_force=False)
        status = self._status(code, info, on)
        # Only known codes are kept, so the cache is bounded by codes times dates of service.
        self._status_cache[(code, on)] = status
        return status

    @staticmethod
    def _status(code: str, info: _CodeInfo, on: dt.date) -> CodeStatus:
        in_force = any(start <= on and (end is None or on <= end) for start, end in info.periods)
        ends = [end for _, end in info.periods]
        last_day = None if any(end is None for end in ends) else max(e for e in ends if e)
        replaced_by: tuple[str, ...] = ()
        cite = info.cite
        if not in_force and last_day is not None and on > last_day and info.replaced_by:
            found = info.replaced_by.at(on) or info.replaced_by.versions[-1]
            replaced_by, cite = found.value, found.cite
        return CodeStatus(
            code=code,
            on=on,
            known=True,
            in_force=in_force,
            added=min(start for start, _ in info.periods),
            last_day=last_day,
            replaced_by=replaced_by,
            cite=cite,
        )

    def pack_of(self, owner: str) -> str:
        """The pack id for a pack id, a program or a rule id."""
        try:
            return self._owner[owner]
        except KeyError:
            raise PolicyLookupError(f"no pack, program or rule is called '{owner}'") from None

    def find_param(self, owner: str, name: str, on: dt.date) -> Cited[Any] | None:
        """Like :meth:`param`, but ``None`` when nothing is in force on that date."""
        pack_id, _, bare = name.rpartition(":")
        found = self._params.get((pack_id or self.pack_of(owner), bare))
        if found is None:
            raise PolicyLookupError(
                f"pack '{pack_id or self.pack_of(owner)}' has no parameter '{bare}'"
            )
        return found.at(on)

    @overload
    def param(self, owner: str, name: str, on: dt.date) -> Cited[Any]: ...
    @overload
    def param(self, owner: str, name: str, on: dt.date, type_: type[T]) -> Cited[T]: ...
    def param(self, owner: str, name: str, on: dt.date, type_: type[Any] = object) -> Cited[Any]:
        """The parameter ``name`` in force on ``on``, with its citation and dates.

        ``owner`` is a pack id, a program or a rule id (the rule's pack is used); ``name`` may
        name another pack as ``pack:name``. ``type_`` checks the value's type."""
        found = self.find_param(owner, name, on)
        if found is None:
            raise PolicyLookupError(f"parameter '{name}' of '{owner}' is not in force on {on}")
        if not isinstance(found.value, type_):
            raise PolicyLookupError(
                f"parameter '{name}' of '{owner}' is {type(found.value).__name__}, "
                f"not {type_.__name__}"
            )
        return found

    def rule(self, rule_id: str) -> RuleMeta:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise PolicyLookupError(f"no rule '{rule_id}' in the loaded packs") from None

    def rules(self) -> list[RuleMeta]:
        """Every rule, pack by pack in load order, in the order each pack lists them."""
        return list(self._rules.values())

    def activity_kinds(self, owner: str, on: dt.date) -> tuple[ActivityKind, ...]:
        """The activity vocabulary of a pack (or program, or rule's pack) in force on ``on``."""
        pack_id = self.pack_of(owner)
        key = (pack_id, on)
        found = self._kind_cache.get(key)
        if found is None:
            found = tuple(
                k for _, _, h in self._kinds.get(pack_id, ()) if (k := _value_at(h, on)) is not None
            )
            self._kind_cache[key] = found
        return found

    def activity_kind(self, owner: str, activity: str, on: dt.date) -> ActivityKind | None:
        """The kind that the structured ``activity`` value stands for, if any."""
        for kind in self.activity_kinds(owner, on):
            if activity in kind.activities:
                return kind
        return None

    def staff_role(self, owner: str, role: str, on: dt.date) -> StaffRoleDef | None:
        pack_id = self.pack_of(owner)
        spec = self.packs[pack_id].pack.staff.get(role)
        return None if spec is None else _role_at(pack_id, role, spec, on)

    def trainings(self, owner: str, on: dt.date) -> tuple[TrainingGroupDef, ...]:
        pack_id = self.pack_of(owner)
        groups = self.packs[pack_id].pack.trainings.items()
        return tuple(_training_at(pack_id, name, group, on) for name, group in groups)

    def document(self, owner: str, name: str, on: dt.date) -> DocumentDef | None:
        pack_id = self.pack_of(owner)
        spec = self.packs[pack_id].pack.documents.get(name)
        if spec is None:
            return None
        elements = []
        for element, versions in spec.elements.items():
            v = _version_at(versions, on)
            if v is not None:
                elements.append(DocumentElement(element, v.column, v.label, v.cite))
        return DocumentDef(
            name=name,
            pack=pack_id,
            label=spec.label,
            table=spec.table,
            kind=spec.kind,
            due=_param_at(spec.due, on),
            elements=tuple(elements),
        )

    def agency(self, owner: str, on: dt.date) -> AgencyDef:
        pack_id = self.pack_of(owner)
        spec = self.packs[pack_id].pack.agency
        if spec is None:
            return AgencyDef(pack_id, None, None)
        return AgencyDef(
            pack=pack_id,
            certifications=_dated_at(spec.certifications, on),
            curriculum_required=_dated_at(spec.curriculum_required, on),
        )

    def carc_meaning(self, code: str) -> str | None:
        for lp in self.packs.values():
            versions = lp.pack.carc.get(code)
            if versions:
                return versions[-1].meaning
        return None


def _value_at(found: History[T], on: dt.date) -> T | None:
    item = found.at(on)
    return None if item is None else item.value


def _version_at(versions: Sequence[V] | None, on: dt.date) -> V | None:
    for version in versions or ():
        if version.from_ <= on and (version.to is None or on <= version.to):
            return version
    return None


def _dated_at(versions: Sequence[Dated[Any]] | None, on: dt.date) -> Cited[Any] | None:
    version = _version_at(versions, on)
    return None if version is None else cited(version, _plain(version.value))


def _param_at(versions: Sequence[Param] | None, on: dt.date) -> Cited[Any] | None:
    version = _version_at(versions, on)
    return None if version is None else cited(version, _plain(version.value), unit=version.unit)


def _role_at(pack_id: str, role: str, spec: StaffRole, on: dt.date) -> StaffRoleDef:
    return StaffRoleDef(
        role=role,
        pack=pack_id,
        label=spec.label,
        credentials_any=_dated_at(spec.credentials_any, on),
        credentials_all=_dated_at(spec.credentials_all, on),
        license_state=_dated_at(spec.license_state, on),
        education=_dated_at(spec.education, on),
        degree_fields=_dated_at(spec.degree_fields, on),
        supervised_by=_dated_at(spec.supervised_by, on),
        max_supervisees=_dated_at(spec.max_supervisees, on),
        leads_activities=_dated_at(spec.leads_activities, on),
    )


def _training_at(pack_id: str, name: str, group: TrainingGroup, on: dt.date) -> TrainingGroupDef:
    topics = []
    for topic, versions in group.topics.items():
        v = _version_at(versions, on)
        if v is not None:
            topics.append(TrainingTopic(topic, v.label, v.hours, v.cite, v.from_, v.to))
    return TrainingGroupDef(
        group=name,
        pack=pack_id,
        label=group.label,
        role=group.role,
        due=_param_at(group.due, on),
        waiver_allowed=_dated_at(group.waiver_allowed, on),
        hours_per_year=_dated_at(group.hours_per_year, on),
        starts_after=_param_at(group.starts_after, on),
        topics=tuple(topics),
    )


__all__ = ["LoadedPack", "Policy"]
