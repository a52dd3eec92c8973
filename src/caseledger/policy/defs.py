"""What the rules receive: plain, immutable values resolved for one date, each with its source.

These are built once when the policy is loaded; a rule never sees YAML or pydantic.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Cited(Generic[T_co]):
    """A value with its citation and the dates (inclusive) it is in force."""

    value: T_co
    cite: str
    start: dt.date
    end: dt.date | None = None
    note: str | None = None
    #: the parameter's unit (``half_days``, ``hours`` ...), for parameters
    unit: str | None = None
    #: the pack file this version came from (an override's, when it changed the value)
    origin: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    @property
    def span(self) -> str:
        """``2008-01-01 to 2018-12-31`` or ``2008-01-01 onward``."""
        end = f" to {self.end.isoformat()}" if self.end else " onward"
        return self.start.isoformat() + end


class History(Generic[T]):
    """The versions of one value in date order; :meth:`at` finds the one in force by bisection."""

    __slots__ = ("_items", "_starts")

    def __init__(self, items: Sequence[Cited[T]]) -> None:
        self._items = tuple(sorted(items, key=lambda c: c.start))
        self._starts = [c.start for c in self._items]

    def at(self, on: dt.date) -> Cited[T] | None:
        i = bisect_right(self._starts, on) - 1
        if i < 0:
            return None
        item = self._items[i]
        return item if item.end is None or on <= item.end else None

    @property
    def versions(self) -> tuple[Cited[T], ...]:
        return self._items

    def __bool__(self) -> bool:
        return bool(self._items)


@dataclass(frozen=True, slots=True)
class GroupLimit:
    """At most ``max`` people (counted as ``counting``) per professional or per session."""

    max: int
    per: Literal["professional", "session"]
    counting: Literal["consumers", "patients", "families"]


#: ``untimed`` for codes reported once per session whatever the time.
UNTIMED = "untimed"


@dataclass(frozen=True, slots=True)
class ServiceDef:
    """A service as it stands on one date. Unset terms are ``None`` (the packs do not say)."""

    key: str
    code: str
    modifiers: tuple[str, ...]
    pack: str
    program: str | None
    name: str
    group: bool
    cite: str
    #: the first and last day these terms hold (a service changes terms over time)
    start: dt.date
    end: dt.date | None
    #: minutes per unit, ``"untimed"``, or ``None`` when the sources give no unit
    unit: Cited[int | str | None] | None
    rounding: Cited[str] | None
    max_units_per_session: Cited[int] | None
    #: the fee schedule amount per unit; a value of ``None`` means the sources give no rate
    rate: Cited[Decimal | None] | None
    pay_rate: Cited[Decimal] | None
    funding: Cited[tuple[str, ...]] | None
    prior_auth: Cited[bool] | None
    auth_kind: Cited[str] | None
    group_limit: Cited[GroupLimit] | None
    daily_max: Cited[int] | None

    @property
    def untimed(self) -> bool:
        return self.unit is not None and self.unit.value == UNTIMED

    @property
    def unit_minutes(self) -> int | None:
        """Minutes in one unit; ``None`` for untimed codes or when unknown."""
        value = self.unit.value if self.unit else None
        return value if isinstance(value, int) else None

    @property
    def rate_amount(self) -> Decimal | None:
        return self.rate.value if self.rate else None

    @property
    def needs_prior_auth(self) -> bool:
        return bool(self.prior_auth and self.prior_auth.value)

    @property
    def label(self) -> str:
        """``H2017 HO+HQ`` style: the code with its modifiers."""
        return self.code + (" " + "+".join(self.modifiers) if self.modifiers else "")


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """Whether a billing code is in force on a date, and what replaced it once deleted."""

    code: str
    on: dt.date
    known: bool
    in_force: bool
    #: first day the code was in force, and the last (``None`` while it is still in force)
    added: dt.date | None = None
    last_day: dt.date | None = None
    replaced_by: tuple[str, ...] = ()
    cite: str = ""

    @property
    def deleted(self) -> bool:
        return self.known and self.last_day is not None and self.on > self.last_day

    @property
    def not_yet(self) -> bool:
        return self.known and self.added is not None and self.on < self.added

    @property
    def deleted_on(self) -> dt.date | None:
        """The first day the code is no longer in force (e.g. 2019-01-01 for 0372T)."""
        return self.last_day + dt.timedelta(days=1) if self.last_day else None


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule of the catalog as the packs describe it."""

    id: str
    pack: str
    program: str | None
    severity: Literal["error", "warning", "info"]
    subject: str
    carc: str | None
    carc_meaning: str | None
    description: str
    reads: tuple[str, ...]
    cite: str
    start: dt.date
    end: dt.date | None
    note: str | None

    def in_force(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class ActivityKind:
    """A kind of activity (billable function, non-billable activity or excluded service)."""

    kind: str
    section: Literal["billable", "nonbillable", "excluded"]
    pack: str
    label: str
    #: encounters.csv ``activity`` values that mean this kind
    activities: tuple[str, ...]
    #: words in a note that signal it (lower case)
    phrases: tuple[str, ...]
    exception: str | None
    exception_phrases: tuple[str, ...]
    cite: str
    start: dt.date
    end: dt.date | None

    @property
    def billable(self) -> bool:
        return self.section == "billable"


@dataclass(frozen=True, slots=True)
class StaffRoleDef:
    """Who may fill a staff role on one date."""

    role: str
    pack: str
    label: str
    credentials_any: Cited[tuple[str, ...]] | None
    credentials_all: Cited[tuple[str, ...]] | None
    license_state: Cited[str] | None
    education: Cited[tuple[str, ...]] | None
    degree_fields: Cited[tuple[str, ...]] | None
    supervised_by: Cited[str] | None
    max_supervisees: Cited[int] | None
    leads_activities: Cited[tuple[str, ...]] | None


@dataclass(frozen=True, slots=True)
class TrainingTopic:
    topic: str
    label: str
    hours: Decimal | None
    cite: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class TrainingGroupDef:
    """Trainings a role needs, all due by one deadline, as they stand on one date."""

    group: str
    pack: str
    label: str
    role: str | None
    #: deadline from the hire date; its ``unit`` is ``days``, ``months`` or ``years``
    due: Cited[int] | None
    waiver_allowed: Cited[bool] | None
    hours_per_year: Cited[Decimal] | None
    starts_after: Cited[int] | None
    topics: tuple[TrainingTopic, ...]


@dataclass(frozen=True, slots=True)
class DocumentElement:
    element: str
    column: str
    label: str
    cite: str


@dataclass(frozen=True, slots=True)
class DocumentDef:
    """A required document and its required elements on one date."""

    name: str
    pack: str
    label: str
    table: str
    kind: str | None
    due: Cited[int] | None
    elements: tuple[DocumentElement, ...]


@dataclass(frozen=True, slots=True)
class AgencyDef:
    """What an agency must hold to bill a program on one date."""

    pack: str
    certifications: Cited[tuple[str, ...]] | None
    curriculum_required: Cited[bool] | None
