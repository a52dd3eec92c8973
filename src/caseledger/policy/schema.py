"""The policy pack format: what a pack file may say, checked by pydantic.

A pack is one YAML file per program. Every number or list a rule reads is a *dated version*: it
carries its value, the citation it comes from (``cite``), the first day it applies (``from``) and,
optionally, the last day (``to``, inclusive). A value that changed over time is a list of such
versions; a value that never changed may be written as a single mapping. Unknown keys are errors
everywhere, so a typo fails when the pack is loaded, not when a rule runs.

Entries that are not single values (a service, a rule) carry their own ``cite`` and dates too; in a
pack that *extends* another one they may be left out, because the extended pack already has them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

#: How minutes become units. See :mod:`caseledger.policy.rounding`.
Rounding = Literal["cms_8_minute", "cpt_midpoint", "whole_units", "untimed"]
ROUNDING_MODES: tuple[str, ...] = ("cms_8_minute", "cpt_midpoint", "whole_units", "untimed")

Severity = Literal["error", "warning", "info"]
#: The subject a finding is about (dataset.md, audit output); ``any`` for rules about any subject.
Subject = Literal[
    "encounter", "client", "staff", "plan", "report", "missed_appointment", "group", "agency", "any"
]

#: Units of a parameter, which also fix the type of its value.
WHOLE_NUMBER_UNITS = frozenset(
    {
        "count",
        "units",
        "half_days",
        "minutes",
        "days",
        "business_days",
        "months",
        "years",
        "staff",
        "consumers",
        "patients",
        "families",
    }
)
NUMBER_UNITS = frozenset({"hours", "usd"})
LIST_UNITS = frozenset({"phrases", "codes", "places", "activities", "names"})
ParamUnit = Literal[
    "count",
    "units",
    "half_days",
    "minutes",
    "days",
    "business_days",
    "months",
    "years",
    "staff",
    "consumers",
    "patients",
    "families",
    "hours",
    "usd",
    "flag",
    "text",
    "rounding",
    "phrases",
    "codes",
    "places",
    "activities",
    "names",
]

PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
RuleId = Annotated[str, Field(pattern=r"^[A-Z]+(-[A-Z0-9]+)+$")]
ServiceKey = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")]
Text = Annotated[str, Field(min_length=1)]

#: Human words for the key patterns above, used in error messages.
PATTERN_WORDS = {
    r"^[a-z][a-z0-9_-]*$": "a lower-case pack id such as 'sst' or 'acme-sst'",
    r"^[a-z][a-z0-9_]*$": "a lower-case name with underscores, such as 'lifetime_half_days'",
    r"^[A-Z]+(-[A-Z0-9]+)+$": "a rule id in capitals joined by '-', such as 'SST-LIFETIME-CAP'",
    r"^[A-Z0-9][A-Z0-9-]*$": "a service code or key in capitals, such as 'H2017HO' or '0372T'",
}


class Model(BaseModel):
    """Base of every pack model: unknown keys are errors, values are immutable."""

    # Numbers become text where text is expected, so that `code: 97153` needs no quotes.
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True
    )


class Note(Model):
    """A remark about the pack, e.g. where the seed and a newer public text differ."""

    text: Text
    cite: Text


class Version(Model):
    """One dated version of a value: where it comes from and when it applies (inclusive)."""

    cite: Text
    from_: dt.date = Field(alias="from")
    to: dt.date | None = None
    note: str | None = None
    #: the pack file this version was read from (set when the file is registered)
    _origin: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self


T = TypeVar("T")
V = TypeVar("V", bound=Version)


class Dated(Version, Generic[T]):
    """A dated version holding one value: ``{value: 26, cite: "...", from: 2008-01-01}``."""

    value: T


def _as_versions(raw: Any) -> Any:
    # A value that never changed may be written as one mapping instead of a list of one.
    return [raw] if isinstance(raw, dict) else raw


#: The dated versions of one value (one mapping, or a list of mappings).
Timeline = Annotated[list[V], BeforeValidator(_as_versions), Field(min_length=1)]


def _number(raw: Any, *, whole: bool) -> int | Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | float | str):
        raise ValueError
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    if whole:
        if number != number.to_integral_value():
            raise ValueError
        return int(number)
    return number


def _show(raw: Any) -> str:
    return str(raw) if isinstance(raw, Decimal) else repr(raw)


class Param(Version):
    """A named parameter: ``{value: 26, unit: half_days, cite: ..., from: ...}``.

    The unit says what the number counts and fixes the type of the value: whole numbers for
    counts, days, months and the like; exact decimals for hours and dollars; ``true``/``false``
    for ``flag``; a word for ``text`` and ``rounding``; a list of words for ``phrases``,
    ``codes``, ``places``, ``activities`` and ``names``.
    """

    unit: ParamUnit
    value: Any

    @field_validator("value", mode="before")
    @classmethod
    def _typed_by_unit(cls, raw: Any, info: ValidationInfo) -> Any:
        unit = info.data.get("unit")
        if unit is None:  # the unit itself is wrong; that error is reported on its own
            return raw
        if unit in WHOLE_NUMBER_UNITS or unit in NUMBER_UNITS:
            whole = unit in WHOLE_NUMBER_UNITS
            try:
                return _number(raw, whole=whole)
            except ValueError:
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"expected {kind} of {unit}, got {_show(raw)}") from None
        if unit == "flag":
            if not isinstance(raw, bool):
                raise ValueError(f"expected true or false, got {_show(raw)}")
            return raw
        if unit in ("text", "rounding"):
            if not isinstance(raw, str) or not raw.strip():
                raise ValueError(f"expected a word or sentence, got {_show(raw)}")
            if unit == "rounding" and raw.strip() not in ROUNDING_MODES:
                modes = ", ".join(ROUNDING_MODES)
                raise ValueError(f"expected one of {modes}, got {_show(raw)}")
            return raw.strip()
        if not isinstance(raw, list) or not raw:
            raise ValueError(f"expected a non-empty list of {unit}, got {_show(raw)}")
        items: list[str] = []
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
                raise ValueError(f"expected a list of {unit} (words), got the item {_show(item)}")
            items.append(str(item).strip())
        return tuple(items)


class UnitVersion(Version):
    """The length of one billing unit: minutes (``15``, ``180``), ``untimed`` (one per
    session), or empty (``null``) when the sources do not say."""

    value: int | Literal["untimed"] | None

    @field_validator("value", mode="before")
    @classmethod
    def _minutes_or_untimed(cls, raw: Any) -> Any:
        if raw is None or raw == "untimed":
            return raw
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            return raw
        raise ValueError(f"expected minutes per unit (a whole number) or 'untimed', got {raw!r}")


class GroupLimitVersion(Version):
    """The largest group: ``value`` people counted as ``counting``, for each leading
    professional (``per: professional``) or for the whole session (``per: session``)."""

    value: Annotated[int, Field(gt=0)]
    per: Literal["professional", "session"]
    counting: Literal["consumers", "patients", "families"]


class ServiceTerms(Model):
    """The terms of a service that may change over time (also usable as pack defaults)."""

    unit: Timeline[UnitVersion] | None = None
    rounding: Timeline[Dated[Rounding]] | None = None
    max_units_per_session: Timeline[Dated[Annotated[int, Field(gt=0)]]] | None = None
    #: the fee schedule amount per unit; ``null`` when the sources give no rate
    rates: Timeline[Dated[Annotated[Decimal, Field(ge=0)] | None]] | None = None
    #: what the payer pays the provider per unit, where it differs from the billed rate
    pay_rates: Timeline[Dated[Annotated[Decimal, Field(ge=0)]]] | None = None
    #: funding streams (enrollment ``funding``) this code may be billed under; absent = any
    funding: Timeline[Dated[list[str]]] | None = None
    prior_auth: Timeline[Dated[StrictBool]] | None = None
    #: which kind of authorization covers it (authorizations.csv ``kind``)
    auth_kind: Timeline[Dated[str]] | None = None
    group_limit: Timeline[GroupLimitVersion] | None = None
    #: most units per client per day (e.g. a Medically Unlikely Edit)
    daily_max: Timeline[Dated[Annotated[int, Field(gt=0)]]] | None = None
    #: codes to use instead once this one is deleted
    replaced_by: Timeline[Dated[list[str]]] | None = None


class ServiceDefaults(ServiceTerms):
    """Terms given once for every service of the pack that does not state its own."""


class Service(ServiceTerms):
    """A billable service: a code with its identifying modifiers, and its dated terms.

    ``cite``, ``from`` and ``to`` date the code itself (added / deleted)."""

    name: str | None = None
    code: ServiceKey | None = None
    modifiers: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2}$")]] = []
    group: StrictBool | None = None
    cite: Text | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    note: str | None = None


class Rule(Model):
    """A rule of the catalog (rules.md): how serious, about what, and which values it reads.

    ``reads`` lists paths into a pack: ``params.lifetime_half_days``, ``services.*.daily_max``,
    or with another pack first: ``mo_healthnet:params.retention_years``, ``*:services.*.rates``.
    """

    severity: Severity | None = None
    subject: Subject | None = None
    #: the 835 claim adjustment reason code a payer would likely use; absent when none fits
    carc: str | None = None
    description: str | None = None
    reads: list[Text] = []
    cite: Text | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    note: str | None = None


class StaffRole(Model):
    """Who may fill a role: credentials, education, degree fields, supervision."""

    label: Text
    #: at least one of these credential kinds (staff_credentials.csv ``kind``)
    credentials_any: Timeline[Dated[list[str]]] | None = None
    #: every one of these credential kinds
    credentials_all: Timeline[Dated[list[str]]] | None = None
    #: the state that issued the license
    license_state: Timeline[Dated[str]] | None = None
    #: accepted education levels (staff.csv ``education``)
    education: Timeline[Dated[list[str]]] | None = None
    #: accepted degree fields (staff.csv ``degree_field``, compared without case)
    degree_fields: Timeline[Dated[list[str]]] | None = None
    #: the role of the person who must supervise this one
    supervised_by: Timeline[Dated[Name]] | None = None
    #: most people of other roles this role may supervise on one date
    max_supervisees: Timeline[Dated[Annotated[int, Field(gt=0)]]] | None = None
    #: activities (encounters.csv ``activity``) only this role may deliver
    leads_activities: Timeline[Dated[list[str]]] | None = None


class TopicVersion(Version):
    """One required training topic (staff_trainings.csv ``topic``), with hours if stated."""

    label: Text
    hours: Annotated[Decimal, Field(gt=0)] | None = None


class TrainingGroup(Model):
    """Trainings required of a staff role, all due by the same deadline."""

    label: Text
    #: the staff role (a key of ``staff``) these trainings apply to
    role: Name | None = None
    #: deadline measured from the hire date (0 days = before the first service)
    due: Timeline[Param] | None = None
    #: a documented earlier training may stand in for a topic
    waiver_allowed: Timeline[Dated[StrictBool]] | None = None
    #: a recurring yearly requirement, in hours
    hours_per_year: Timeline[Dated[Annotated[Decimal, Field(gt=0)]]] | None = None
    #: when the recurring requirement starts, measured from the hire date
    starts_after: Timeline[Param] | None = None
    topics: dict[Name, Timeline[TopicVersion]] = {}


class ElementVersion(Version):
    """A required element of a document, and the dataset column that holds it."""

    column: Name
    label: Text


class DocumentSpec(Model):
    """A document a program requires (a plan, a monthly report) and its required elements."""

    label: Text
    #: the dataset file (without .csv) holding it
    table: Name
    #: the ``kind`` value of the row, where the file holds several kinds (plans.csv)
    kind: Name | None = None
    #: deadline, where there is one
    due: Timeline[Param] | None = None
    elements: dict[Name, Timeline[ElementVersion]] = {}


class ActivityVersion(Version):
    """A kind of activity and how a note reveals it.

    ``activities`` are the values of encounters.csv ``activity`` that mean this kind;
    ``phrases`` are words in a note that signal it (matched without case); ``exception`` says
    in plain words when it is billable after all, and ``exception_phrases`` signal that."""

    label: Text
    activities: list[Name] = []
    phrases: list[Text] = []
    exception: str | None = None
    exception_phrases: list[Text] = []


class Activities(Model):
    """The program's activity vocabulary, for the structured ``activity`` and the note text."""

    billable: dict[Name, Timeline[ActivityVersion]] = {}
    nonbillable: dict[Name, Timeline[ActivityVersion]] = {}
    excluded: dict[Name, Timeline[ActivityVersion]] = {}


class Agency(Model):
    """What the agency itself must hold to bill the program."""

    #: every one of these (agency_certifications.csv ``kind``)
    certifications: Timeline[Dated[list[str]]] | None = None
    #: a documented curriculum (agency.csv ``has_sst_curriculum``)
    curriculum_required: Timeline[Dated[StrictBool]] | None = None


class MeaningVersion(Version):
    """What a code means, in our own short words."""

    meaning: Text


class Pack(Model):
    """One pack file: a program's services, parameters, requirements, vocabulary and rules."""

    pack: PackId
    version: Text
    #: the pack this file adds to or changes (an agency's override); absent for a full pack
    extends: PackId | None = None
    title: str | None = None
    #: the enrollment program (enrollments.csv ``program``) the pack's services belong to
    program: Name | None = None
    authority: str | None = None
    notes: list[Note] = []
    service_defaults: ServiceDefaults | None = None
    services: dict[ServiceKey, Service] = {}
    params: dict[Name, Timeline[Param]] = {}
    agency: Agency | None = None
    staff: dict[Name, StaffRole] = {}
    trainings: dict[Name, TrainingGroup] = {}
    documents: dict[Name, DocumentSpec] = {}
    activities: Activities | None = None
    rules: dict[RuleId, Rule] = {}
    #: X12 claim adjustment reason codes the rules name
    carc: dict[Annotated[str, Field(pattern=r"^[A-Z0-9]{1,3}$")], Timeline[MeaningVersion]] = {}
    #: HCPCS modifiers the services use
    modifiers: dict[Annotated[str, Field(pattern=r"^[A-Z0-9]{2}$")], Timeline[MeaningVersion]] = {}


#: Fields that describe or name things rather than hold a rule's values; the generic
#: "every value is cited and dated" check accepts them outside a dated version.
DESCRIPTIVE_FIELDS = frozenset(
    {
        "pack",
        "version",
        "extends",
        "title",
        "program",
        "authority",
        "label",
        "text",
        "role",
        "table",
        "kind",
        "note",
    }
)
