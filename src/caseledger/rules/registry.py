"""Where rules register. Built-in rules use the same decorators an agency's own rule would.

A **structured rule** is a function ``(RuleContext) -> ibis Table`` that returns one row per
finding with some of the columns in :data:`FINDING_COLUMNS`; it is built once per audit and runs on
whichever engine holds the facts. A **note rule** reads note text in Python and yields the same
columns as dicts. The rule's severity, subject, citation and CARC come from the policy packs (the
``rules:`` section), so the catalog stays data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import ibis.expr.datatypes as dt

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from caseledger.facts.dataset import Dataset
    from caseledger.policy import Policy
    from caseledger.rules.context import NoteContext, RuleContext

#: The columns a rule may return, with their types. ``value`` and ``limit`` are the numbers the
#: message quotes; ``detail`` is a short text for it; ``amount`` is the dollars at risk.
FINDING_COLUMNS: Mapping[str, dt.DataType] = {
    "subject_id": dt.string,
    "client_id": dt.string,
    "staff_id": dt.string,
    "date": dt.date,
    "value": dt.float64,
    "limit": dt.float64,
    "detail": dt.string,
    "amount": dt.float64,
}

StructuredBuild = Callable[["RuleContext"], "ir.Table"]
NoteCheck = Callable[["NoteContext"], Iterable[Mapping[str, Any]]]


@dataclass(frozen=True)
class RuleDef:
    id: str
    kind: Literal["structured", "note"]
    #: message template; fields {value} {limit} {detail} {amount}, specs :int :ord :money :num
    message: str
    #: dataset tables whose absence means the rule cannot be checked (GEN-FACTS-MISSING)
    needs: tuple[str, ...]
    build: StructuredBuild | None = None
    check: NoteCheck | None = None
    #: the programs whose encounters are all the rule reads (None: any program's). An
    #: encounter of another program cannot change what the rule finds, so the single-encounter
    #: check leaves the rule out; ``tests/audit/test_check_scope.py`` holds every rule to it.
    programs: tuple[str, ...] | None = None
    #: whether what the rule finds on an encounter depends on that encounter's own line alone
    #: (with the client's, staff's and policy's other tables), never on other encounters. The
    #: single-encounter check then runs it on the one line, and it cannot cause a finding on
    #: another; ``tests/audit/test_check_scope.py`` holds every such rule to it.
    one_line: bool = False
    #: whether the rule reads one date's lines at a time: what it finds on a line, and on
    #: anything lines are part of, stands with only the lines of that line's date. The
    #: single-encounter check then runs it on the lines of the encounter's date;
    #: ``tests/audit/test_check_scope.py`` holds every such rule to it.
    one_day: bool = False


@dataclass(frozen=True)
class Reference:
    """A large table of reference data that rules join with (the ICD-10-CM code set), read
    through ``RuleContext.derived`` under ``name``.

    ``narrow`` gives the rows of it one slice of facts can join: the single-encounter check puts
    those behind ``name`` rather than the whole table, which every check would read through.
    Both are pure functions: ``build`` of the policy, ``narrow`` of the policy and the slice."""

    name: str
    build: Callable[[Policy], pa.Table]
    narrow: Callable[[Policy, Dataset], pa.Table]


_REGISTRY: dict[str, RuleDef] = {}
_REFERENCES: dict[str, Reference] = {}


def reference(
    name: str,
    build: Callable[[Policy], pa.Table],
    narrow: Callable[[Policy, Dataset], pa.Table],
) -> Reference:
    """Registers a reference table (see :class:`Reference`) and returns it."""
    if name in _REFERENCES:
        raise ValueError(f"reference table {name} is registered twice")
    found = _REFERENCES[name] = Reference(name, build, narrow)
    return found


def references() -> dict[str, Reference]:
    """Every registered reference table by name."""
    return dict(_REFERENCES)


def _register(definition: RuleDef) -> None:
    if definition.id in _REGISTRY:
        raise ValueError(f"rule {definition.id} is registered twice")
    _REGISTRY[definition.id] = definition


def rule(
    rule_id: str,
    *,
    message: str,
    needs: Iterable[str] = ("encounters",),
    programs: Iterable[str] | None = None,
    one_line: bool = False,
    one_day: bool = False,
) -> Callable[[StructuredBuild], StructuredBuild]:
    """Registers a structured rule (an Ibis expression builder)."""

    def decorate(build: StructuredBuild) -> StructuredBuild:
        scope = tuple(programs) if programs is not None else None
        _register(
            RuleDef(
                rule_id,
                "structured",
                message,
                tuple(needs),
                build=build,
                programs=scope,
                one_line=one_line,
                one_day=one_day,
            )
        )
        return build

    return decorate


def note_rule(
    rule_id: str, *, message: str, needs: Iterable[str] = ("encounters",)
) -> Callable[[NoteCheck], NoteCheck]:
    """Registers a rule that reads note text in Python."""

    def decorate(check: NoteCheck) -> NoteCheck:
        _register(RuleDef(rule_id, "note", message, tuple(needs), check=check))
        return check

    return decorate


def registered() -> dict[str, RuleDef]:
    """Every registered rule by id (the built-ins are imported by ``caseledger.rules``)."""
    return dict(_REGISTRY)
