"""FHIR R4 export: one Bundle of type ``collection`` per client (see docs/fhir.md).

The mapping functions are pure: each takes store rows and returns one resource, checked against
the ``fhir.resources`` models for FHIR 4.3 (R4B). R4B changed nothing in the resources exported
here from R4 (4.0.1), so the JSON is read by R4 systems as written. Each resource is built as
FHIR JSON and then validated by its model, so a mistake in the mapping fails at export time
instead of in the receiving system.

Resources name each other by ``urn:uuid:`` full URLs made with uuid5 from the table and the
record's key, so exporting the same records again gives the same URLs and ids.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.resource import Resource

from caseledger.facts.cells import Value
from caseledger.store import tables
from caseledger.store.access_log import AccessEntry
from caseledger.store.errors import StoreError
from caseledger.store.unit_of_work import Store, UnitOfWork

Row = dict[str, Value]
Json = dict[str, Any]

#: The FHIR version the models check against (R4B; the exported resources are R4-compatible).
FHIR_VERSION = "4.3.0"

# ------------------------------------------------------------------ identifier and code systems

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
#: The IRS employer identification number (HL7's registered OID for US EINs).
EIN_SYSTEM = "urn:oid:2.16.840.1.113883.4.4"
#: MO HealthNet (Missouri Medicaid) member ids, the DCN on the member's card.
#:
#: Missouri publishes no FHIR system URI or OID for these numbers, and an invented web address
#: would look official when it is not. So the system is a URN that says plainly it is caseledger's
#: own name for "Missouri Medicaid member id"; the identifier also carries the standard type code
#: ``MA`` (patient Medicaid number, HL7 v2 table 0203), which is what receivers match on.
MEDICAID_SYSTEM = "urn:caseledger:medicaid-id:MO"
IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
#: Agency-local service codes (a program's own billing code, e.g. an SST unit) that are neither
#: CPT nor HCPCS Level II: labelled as such rather than passed off as a national code.
LOCAL_SERVICE_SYSTEM = "urn:caseledger:service-code"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CLAIM_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/processpriority"
RELATED_CLAIM_SYSTEM = "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship"
UCUM = "http://unitsofmeasure.org"
PROGRAM_SYSTEM = "urn:caseledger:program"
PAYER_CLAIM_SYSTEM = "urn:caseledger:payer-claim-number"
#: Extensions for what FHIR's Encounter has no element for: the billing units and the
#: procedure modifiers of the service, and an 837 claim's frequency code (1, 7 or 8).
UNITS_EXTENSION = "urn:caseledger:fhir:extension:service-units"
MODIFIER_EXTENSION = "urn:caseledger:fhir:extension:service-modifier"
FREQUENCY_EXTENSION = "urn:caseledger:fhir:extension:claim-frequency"

#: Missouri keeps Central time: encounter times in the store are local wall-clock times, and a
#: FHIR dateTime with a time of day must carry its UTC offset.
LOCAL_ZONE = ZoneInfo("America/Chicago")

#: Where the service happened, as the v3 ActCode encounter class. Telehealth of every kind is
#: VR (virtual); a visit at the client's home is HH; anywhere else in the community is FLD
#: (field); at the agency, and when the place is not recorded, AMB (ambulatory).
ENCOUNTER_CLASS = {
    "facility": ("AMB", "ambulatory"),
    "home": ("HH", "home health"),
    "community": ("FLD", "field"),
    "telephone": ("VR", "virtual"),
    "video": ("VR", "virtual"),
    "text": ("VR", "virtual"),
    "email": ("VR", "virtual"),
}
DEFAULT_CLASS = ("AMB", "ambulatory")

GENDER = {"f": "female", "female": "female", "m": "male", "male": "male", "x": "other"}
GENDER |= {"o": "other", "other": "other", "u": "unknown", "unknown": "unknown"}

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:caseledger")
_CPT = re.compile(r"\d{5}|\d{4}T")
_HCPCS = re.compile(r"[A-V]\d{4}")


class ClientNotFound(StoreError):
    """The client asked for is not in the store."""


# ------------------------------------------------------------------ small helpers


def record_uuid(table: str, *key: object) -> str:
    """The stable uuid of one record: uuid5 of its table and key, the same on every export."""
    name = "/".join([table, *("" if k is None else str(k) for k in key)])
    return str(uuid.uuid5(_NAMESPACE, name))


def full_url(table: str, *key: object) -> str:
    """A Bundle entry's fullUrl: FHIR lets resources without a server address be named by a
    ``urn:uuid:``, and references inside the Bundle use that same string."""
    return f"urn:uuid:{record_uuid(table, *key)}"


def ref(table: str, *key: object) -> Json:
    return {"reference": full_url(table, *key)}


def internal_id(table: str, value: object) -> Json:
    """caseledger's own id of a record, under a system that names its table."""
    return {"system": f"urn:caseledger:{table}", "value": str(value)}


def _text(row: Row, column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(row: Row, column: str) -> dt.date | None:
    value = row.get(column)
    return value if isinstance(value, dt.date) else None


def _decimal(row: Row, column: str) -> Decimal | None:
    value = row.get(column)
    return value if isinstance(value, Decimal) else None


def _list(row: Row, column: str) -> tuple[str, ...]:
    value = row.get(column)
    if isinstance(value, tuple):
        return value
    if isinstance(value, str):
        return tuple(v for v in value.split(";") if v)
    return ()


def _drop_empty(data: Json) -> Json:
    """FHIR forbids empty elements ("" or [] or {}): leave out what the store does not have."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def service_system(code: str) -> str:
    """The code system of a service code: CPT when it is five digits or four digits and a T
    (Category III), HCPCS Level II when it is a letter and four digits, otherwise local."""
    if _CPT.fullmatch(code):
        return CPT_SYSTEM
    if _HCPCS.fullmatch(code):
        return HCPCS_SYSTEM
    return LOCAL_SERVICE_SYSTEM


def service_concept(code: str) -> Json:
    """A service code as a CodeableConcept: the code alone, no descriptor text (CPT's
    descriptors are the AMA's copyright)."""
    return {"coding": [{"system": service_system(code), "code": code}]}


def modifier_concept(modifier: str) -> Json:
    """Two-digit modifiers are CPT's; letter modifiers (HO, HN, GT...) are HCPCS Level II's."""
    system = CPT_SYSTEM if modifier.isdigit() else HCPCS_SYSTEM
    return {"coding": [{"system": system, "code": modifier}]}


def money(amount: Decimal) -> Json:
    return {"value": amount, "currency": "USD"}


def address(row: Row) -> Json | None:
    found = _drop_empty(
        {
            "line": [line] if (line := _text(row, "address_line")) else None,
            "city": _text(row, "city"),
            "state": _text(row, "state"),
            "postalCode": _text(row, "zip"),
        }
    )
    return found or None


def _local_datetime(day: dt.date, time: Value) -> dt.datetime | dt.date:
    """A date and a wall-clock time as an aware datetime in Missouri's zone (just the date
    when no time was recorded)."""
    if isinstance(time, dt.time):
        return dt.datetime.combine(day, time, tzinfo=LOCAL_ZONE)
    return day


def _period(start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None) -> Json | None:
    found = _drop_empty({"start": start, "end": end})
    return found or None


# ------------------------------------------------------------------ resources


def organization(agency: Row) -> Organization:
    """The agency as the Organization that provides the services and sends the claims."""
    agency_id = agency["agency_id"]
    identifiers = [internal_id("agency", agency_id)]
    if npi := _text(agency, "npi"):
        identifiers.append({"system": NPI_SYSTEM, "value": npi})
    if ein := _text(agency, "tax_id"):
        identifiers.append(
            {
                "type": {"coding": [{"system": IDENTIFIER_TYPE_SYSTEM, "code": "TAX"}]},
                "system": EIN_SYSTEM,
                "value": ein,
            }
        )
    data = {
        "resourceType": "Organization",
        "id": record_uuid("agency", agency_id),
        "identifier": identifiers,
        "active": True,
        "name": _text(agency, "name"),
        "address": [a] if (a := address(agency)) else None,
    }
    return Organization.model_validate(_drop_empty(data))


def practitioner(staff: Row) -> Practitioner:
    """A staff member who rendered a service or signed a plan."""
    staff_id = staff["staff_id"]
    identifiers = [internal_id("staff", staff_id)]
    if npi := _text(staff, "npi"):
        identifiers.append({"system": NPI_SYSTEM, "value": npi})
    given = _text(staff, "first_name")
    name = _drop_empty({"family": _text(staff, "last_name"), "given": [given] if given else None})
    data = {
        "resourceType": "Practitioner",
        "id": record_uuid("staff", staff_id),
        "identifier": identifiers,
        "name": [name] if name else None,
    }
    return Practitioner.model_validate(_drop_empty(data))


def medicaid_identifier(medicaid_id: str) -> Json:
    """The client's MO HealthNet id, typed ``MA`` so a receiver knows it is a Medicaid number
    whatever it makes of the system (see ``MEDICAID_SYSTEM``)."""
    return {
        "type": {
            "coding": [
                {
                    "system": IDENTIFIER_TYPE_SYSTEM,
                    "code": "MA",
                    "display": "Patient Medicaid number",
                }
            ]
        },
        "system": MEDICAID_SYSTEM,
        "value": medicaid_id,
        "assigner": {"display": "MO HealthNet"},
    }


def patient(client: Row) -> Patient:
    """The client. The sex recorded (F, M...) becomes FHIR's administrative gender; a value the
    store does not recognise is left out rather than guessed."""
    client_id = client["client_id"]
    identifiers = [internal_id("clients", client_id)]
    if medicaid_id := _text(client, "medicaid_id"):
        identifiers.append(medicaid_identifier(medicaid_id))
    given = _text(client, "first_name")
    name = _drop_empty(
        {
            "use": "official",
            "family": _text(client, "last_name"),
            "given": [given] if given else None,
        }
    )
    sex = _text(client, "sex")
    phone = _text(client, "phone")
    data = {
        "resourceType": "Patient",
        "id": record_uuid("clients", client_id),
        "identifier": identifiers,
        "name": [name] if len(name) > 1 else None,
        "gender": GENDER.get(sex.lower()) if sex else None,
        "birthDate": _date(client, "dob"),
        "telecom": [{"system": "phone", "value": phone}] if phone else None,
        "address": [a] if (a := address(client)) else None,
        "managingOrganization": ref("agency", client["agency_id"]),
    }
    return Patient.model_validate(_drop_empty(data))


def encounter_class(place: str | None) -> Json:
    code, display = ENCOUNTER_CLASS.get(place or "", DEFAULT_CLASS)
    return {"system": ACT_CODE_SYSTEM, "code": code, "display": display}


def _encounter_extensions(row: Row) -> list[Json]:
    found: list[Json] = []
    units = _decimal(row, "units")
    if units is not None:
        found.append({"url": UNITS_EXTENSION, "valueDecimal": units})
    found.extend({"url": MODIFIER_EXTENSION, "valueCode": m} for m in _list(row, "modifiers"))
    return found


def _length(row: Row) -> Json | None:
    """Minutes between start and end, when both are recorded and in order."""
    start, end = row.get("start_time"), row.get("end_time")
    if not (isinstance(start, dt.time) and isinstance(end, dt.time)) or end <= start:
        return None
    day = dt.date(2000, 1, 1)  # any day: only the difference counts
    minutes = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).seconds // 60
    return {"value": minutes, "unit": "min", "system": UCUM, "code": "min"}


def encounter(row: Row, *, staff_ids: Iterable[str] = ()) -> Encounter:
    """One service delivered. FHIR requires a status and a class: every stored encounter
    happened, so ``finished``; the class follows the place (see ``ENCOUNTER_CLASS``). The
    service code is the Encounter's type; its billing units and modifiers, which Encounter has
    no element for, travel as extensions. ``staff_ids``: the Practitioners in the Bundle."""
    encounter_id = row["encounter_id"]
    day = _date(row, "date")
    assert day is not None  # a required column
    code = _text(row, "service_code") or ""
    staff_id = _text(row, "staff_id")
    participant = None
    if staff_id and staff_id in set(staff_ids):
        participant = [
            {
                "type": [{"coding": [{"system": PARTICIPATION_SYSTEM, "code": "PPRF"}]}],
                "individual": ref("staff", staff_id),
            }
        ]
    data = {
        "resourceType": "Encounter",
        "id": record_uuid("encounters", encounter_id),
        "extension": _encounter_extensions(row),
        "identifier": [internal_id("encounters", encounter_id)],
        "status": "finished",
        "class": encounter_class(_text(row, "place")),
        "type": [service_concept(code)],
        "subject": ref("clients", row["client_id"]),
        "participant": participant,
        "period": _period(
            _local_datetime(day, row.get("start_time")),
            _local_datetime(day, row.get("end_time")) if row.get("end_time") else None,
        ),
        "length": _length(row),
    }
    return Encounter.model_validate(_drop_empty(data))


def _concept(system: str, code: str) -> Json:
    return {"coding": [{"system": system, "code": code}]}


def diagnosis_key(row: Row) -> tuple[object, ...]:
    """A diagnosis has no id of its own: its natural key (client, code, start) names it."""
    return (row["client_id"], row["icd10"], row.get("start_date"))


def condition(row: Row, *, as_of: dt.date) -> Condition:
    """One ICD-10-CM diagnosis. It is active unless it ended before ``as_of``, and confirmed:
    the store holds diagnoses as made, not as suspected. It is a problem-list item because it
    belongs to the client's record, not to one encounter."""
    end = _date(row, "end_date")
    clinical = "inactive" if end is not None and end < as_of else "active"
    data = {
        "resourceType": "Condition",
        "id": record_uuid("diagnoses", *diagnosis_key(row)),
        "clinicalStatus": _concept(CONDITION_CLINICAL, clinical),
        "verificationStatus": _concept(CONDITION_VERIFICATION, "confirmed"),
        "category": [_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": _concept(ICD10CM_SYSTEM, str(row["icd10"])),
        "subject": ref("clients", row["client_id"]),
        "onsetDateTime": _date(row, "start_date"),
        "abatementDateTime": end,
    }
    return Condition.model_validate(_drop_empty(data))


def plan_status(plan: Row, *, as_of: dt.date) -> str:
    """``draft`` until signed, ``completed`` once its end date has passed, else ``active``."""
    if plan.get("signed_on") is None:
        return "draft"
    end = _date(plan, "end_date")
    return "completed" if end is not None and end < as_of else "active"


GOAL_STATUS = {"draft": "proposed", "active": "active", "completed": "completed"}


def goal(plan: Row, row: Row, *, as_of: dt.date) -> Goal:
    """One goal of a plan. FHIR requires a lifecycle status, a description and a subject; the
    status follows the plan's (a draft plan's goals are proposed). Goal ids are unique within
    their plan only, so the identifier is ``plan_id/goal_id``."""
    plan_id, goal_id = plan["plan_id"], row["goal_id"]
    data = {
        "resourceType": "Goal",
        "id": record_uuid("plan_goals", plan_id, goal_id),
        "identifier": [internal_id("plan_goals", f"{plan_id}/{goal_id}")],
        "lifecycleStatus": GOAL_STATUS[plan_status(plan, as_of=as_of)],
        "description": {"text": _text(row, "text") or f"Goal {goal_id}"},
        "subject": ref("clients", plan["client_id"]),
        "startDate": _date(plan, "start_date"),
    }
    return Goal.model_validate(_drop_empty(data))


def care_plan(
    plan: Row, goals: Sequence[Row], *, as_of: dt.date, staff_ids: Iterable[str] = ()
) -> CarePlan:
    """One intervention, treatment or rehabilitation plan. FHIR requires a status, an intent
    (always ``plan``: it is the plan itself, not a proposal or an order) and a subject."""
    plan_id = plan["plan_id"]
    kind, program = _text(plan, "kind") or "", _text(plan, "program") or ""
    signer = _text(plan, "signed_by")
    data = {
        "resourceType": "CarePlan",
        "id": record_uuid("plans", plan_id),
        "identifier": [internal_id("plans", plan_id)],
        "status": plan_status(plan, as_of=as_of),
        "intent": "plan",
        "category": [{"coding": [{"system": PROGRAM_SYSTEM, "code": program}]}],
        "title": f"{kind.capitalize()} plan ({program.upper()})",
        "subject": ref("clients", plan["client_id"]),
        "period": _period(_date(plan, "start_date"), _date(plan, "end_date")),
        "created": _date(plan, "signed_on"),
        "author": ref("staff", signer) if signer and signer in set(staff_ids) else None,
        "goal": [ref("plan_goals", plan_id, g["goal_id"]) for g in goals],
    }
    return CarePlan.model_validate(_drop_empty(data))


@dataclass(frozen=True)
class SentClaim:
    """One claim sent (a 2300 loop of an 837P), its lines, and the file that carried it."""

    claim: Row
    lines: tuple[Row, ...]
    created_at: dt.datetime
    payer: str


def _claim_ref(claim_id: str, in_bundle: set[str]) -> Json:
    if claim_id in in_bundle:
        return ref("claims", claim_id)
    return {"identifier": internal_id("claims", claim_id)}


def _claim_item(line: Row, encounter_ids: set[str]) -> Json:
    encounter_id = str(line["encounter_id"])
    encounter_ref = (
        ref("encounters", encounter_id)
        if encounter_id in encounter_ids
        else {"identifier": internal_id("encounters", encounter_id)}  # purged since it was billed
    )
    units = _decimal(line, "units")
    charge = _decimal(line, "charge")
    return _drop_empty(
        {
            "sequence": line["line_number"],
            "productOrService": service_concept(str(line["service_code"])),
            "modifier": [modifier_concept(m) for m in _list(line, "modifiers")],
            "servicedDate": _date(line, "date"),
            "quantity": {"value": units} if units is not None else None,
            "net": money(charge) if charge is not None else None,
            "encounter": [encounter_ref],
        }
    )


def _coverage(client: Row, payer: str) -> Json:
    """Claim.insurance needs a Coverage reference; the store keeps no Coverage records, so it is
    a logical reference by the member's Medicaid id (or just the payer's name without one)."""
    medicaid_id = _text(client, "medicaid_id")
    if medicaid_id:
        return {"identifier": medicaid_identifier(medicaid_id), "display": payer}
    return {"display": payer}


def claim(
    sent: SentClaim,
    client: Row,
    *,
    encounter_ids: Iterable[str] = (),
    claim_ids: Iterable[str] = (),
) -> Claim:
    """One claim sent to a payer, as a professional claim. FHIR requires type, use, patient,
    created, provider, priority and at least one insurance; the frequency code of the 837
    (1 original, 7 replacement, 8 void) rides in an extension, and a replacement or void points
    at the claim it replaces through ``related`` (relationship ``prior``)."""
    row = sent.claim
    claim_id = str(row["claim_id"])
    identifiers = [internal_id("claims", claim_id)]
    if payer_number := _text(row, "payer_claim_number"):
        identifiers.append({"system": PAYER_CLAIM_SYSTEM, "value": payer_number})
    dates = [d for line in sent.lines if (d := _date(line, "date")) is not None]
    replaces = _text(row, "replaces")
    related = None
    if replaces:
        related = [
            {
                "claim": _claim_ref(replaces, set(claim_ids)),
                "relationship": _concept(RELATED_CLAIM_SYSTEM, "prior"),
            }
        ]
    total = _decimal(row, "total")
    encounters = set(encounter_ids)
    data = {
        "resourceType": "Claim",
        "id": record_uuid("claims", claim_id),
        "extension": [{"url": FREQUENCY_EXTENSION, "valueCode": str(row["frequency"])}],
        "identifier": identifiers,
        "status": "active",
        "type": _concept(CLAIM_TYPE_SYSTEM, "professional"),
        "use": "claim",
        "patient": ref("clients", client["client_id"]),
        "billablePeriod": _period(min(dates), max(dates)) if dates else None,
        "created": sent.created_at,
        "insurer": {"display": sent.payer},
        "provider": ref("agency", client["agency_id"]),
        "priority": _concept(PRIORITY_SYSTEM, "normal"),
        "related": related,
        "insurance": [{"sequence": 1, "focal": True, "coverage": _coverage(client, sent.payer)}],
        "item": [_claim_item(line, encounters) for line in sent.lines],
        "total": money(total) if total is not None else None,
    }
    return Claim.model_validate(_drop_empty(data))


# ------------------------------------------------------------------ one client's Bundle


@dataclass
class ClientRecords:
    """Everything of one client that goes into its Bundle."""

    client: Row
    agency: Row | None
    staff: list[Row] = field(default_factory=list)
    diagnoses: list[Row] = field(default_factory=list)
    plans: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)
    encounters: list[Row] = field(default_factory=list)
    claims: list[SentClaim] = field(default_factory=list)


def _entry(table: str, key: Sequence[object], resource: Resource) -> Json:
    return {"fullUrl": full_url(table, *key), "resource": resource}


def _encounter_order(row: Row) -> tuple[dt.date, str]:
    return (_date(row, "date") or dt.date.min, str(row["encounter_id"]))


def _resources(records: ClientRecords, as_of: dt.date) -> list[Json]:
    client = records.client
    staff_ids = {str(s["staff_id"]) for s in records.staff}
    entries = [_entry("clients", [client["client_id"]], patient(client))]
    if records.agency is not None:
        agency_id = records.agency["agency_id"]
        entries.append(_entry("agency", [agency_id], organization(records.agency)))
    for s in sorted(records.staff, key=lambda s: str(s["staff_id"])):
        entries.append(_entry("staff", [s["staff_id"]], practitioner(s)))
    for d in records.diagnoses:
        entries.append(_entry("diagnoses", diagnosis_key(d), condition(d, as_of=as_of)))
    goals_of: dict[object, list[Row]] = defaultdict(list)
    for g in records.goals:
        goals_of[g["plan_id"]].append(g)
    for p in records.plans:
        goals = goals_of[p["plan_id"]]
        plan = care_plan(p, goals, as_of=as_of, staff_ids=staff_ids)
        entries.append(_entry("plans", [p["plan_id"]], plan))
        for g in goals:
            entries.append(
                _entry("plan_goals", [p["plan_id"], g["goal_id"]], goal(p, g, as_of=as_of))
            )
    for e in sorted(records.encounters, key=_encounter_order):
        entries.append(_entry("encounters", [e["encounter_id"]], encounter(e, staff_ids=staff_ids)))
    encounter_ids = {str(e["encounter_id"]) for e in records.encounters}
    claim_ids = {str(c.claim["claim_id"]) for c in records.claims}
    for c in records.claims:
        resource = claim(c, client, encounter_ids=encounter_ids, claim_ids=claim_ids)
        entries.append(_entry("claims", [c.claim["claim_id"]], resource))
    return entries


def bundle(records: ClientRecords, *, as_of: dt.date) -> Bundle:
    """The client's Bundle: type ``collection`` (a set of resources kept together, with no
    processing asked of the receiver), each entry with its ``urn:uuid:`` fullUrl. No timestamp,
    so exporting unchanged records gives the same file."""
    client_id = records.client["client_id"]
    data = {
        "resourceType": "Bundle",
        "id": record_uuid("bundle", client_id),
        "type": "collection",
        "entry": _resources(records, as_of),
    }
    return Bundle.model_validate(data)


# ------------------------------------------------------------------ reading the store


def _claims_of(uow: UnitOfWork, client_ids: Sequence[str]) -> dict[str, list[SentClaim]]:
    """The claims sent for these clients, with their lines, oldest file first. These tables are
    not dataset tables, so the export's own access-log entry covers reading them."""
    c, f, cl = tables.claims, tables.claim_files, tables.claim_lines
    found: dict[str, list[SentClaim]] = defaultdict(list)
    for start in range(0, len(client_ids), 500):
        chunk = client_ids[start : start + 500]
        heads = uow.connection.execute(
            sa.select(c, f.c.created_at, f.c.profile)
            .join(f, f.c.id == c.c.file_id)
            .where(c.c.client_id.in_(chunk))
            .order_by(f.c.created_at, f.c.id, c.c.claim_id)
        ).mappings()
        heads_list = [dict(h) for h in heads]
        ids = [h["claim_id"] for h in heads_list]
        lines: dict[str, list[Row]] = defaultdict(list)
        if ids:
            for line in uow.connection.execute(
                sa.select(cl)
                .where(cl.c.claim_id.in_(ids))
                .order_by(cl.c.claim_id, cl.c.line_number)
            ).mappings():
                lines[line["claim_id"]].append(dict(line))
        for h in heads_list:
            created = h.pop("created_at")
            payer = h.pop("profile")
            sent = SentClaim(h, tuple(lines[h["claim_id"]]), _utc(created), str(payer))
            found[str(h["client_id"])].append(sent)
    return found


def _utc(value: dt.datetime) -> dt.datetime:
    """claim_files.created_at is stored as naive UTC; FHIR needs the offset spelled out."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def read_records(uow: UnitOfWork, clients: Sequence[Row]) -> list[ClientRecords]:
    """The records of ``clients`` that their Bundles hold, read through the repositories (so
    each read is in the access log, in this transaction)."""
    ids = [str(c["client_id"]) for c in clients]
    if not ids:
        return []
    by_client = {cid: ClientRecords(c, None) for cid, c in zip(ids, clients, strict=True)}
    agencies = {
        str(a["agency_id"]): a
        for a in uow.repo("agency").where_in("agency_id", {c["agency_id"] for c in clients})
    }
    for record in by_client.values():
        record.agency = agencies.get(str(record.client["agency_id"]))
    for d in uow.repo("diagnoses").where_in("client_id", ids):
        by_client[str(d["client_id"])].diagnoses.append(d)
    plans = uow.repo("plans").where_in("client_id", ids)
    owner = {p["plan_id"]: str(p["client_id"]) for p in plans}
    for p in plans:
        by_client[str(p["client_id"])].plans.append(p)
    for g in uow.repo("plan_goals").where_in("plan_id", list(owner)):
        by_client[owner[g["plan_id"]]].goals.append(g)
    for e in uow.repo("encounters").where_in("client_id", ids):
        by_client[str(e["client_id"])].encounters.append(e)
    for cid, sent in _claims_of(uow, ids).items():
        if cid in by_client:
            by_client[cid].claims = sent
    _attach_staff(uow, list(by_client.values()))
    return list(by_client.values())


def _attach_staff(uow: UnitOfWork, records: list[ClientRecords]) -> None:
    """Each client's Practitioners: whoever rendered one of their services or signed a plan."""
    wanted: dict[str, set[str]] = {}
    for r in records:
        ids = {str(e["staff_id"]) for e in r.encounters if e.get("staff_id")}
        ids |= {str(p["signed_by"]) for p in r.plans if p.get("signed_by")}
        wanted[str(r.client["client_id"])] = ids
    every = set().union(*wanted.values())
    staff = {str(s["staff_id"]): s for s in uow.repo("staff").where_in("staff_id", every)}
    for r in records:
        ids = wanted[str(r.client["client_id"])]
        r.staff = [staff[i] for i in sorted(ids) if i in staff]


def client_bundle(uow: UnitOfWork, client_id: str, *, as_of: dt.date) -> Bundle:
    """The Bundle of one client, read from the store in ``uow``."""
    (records,) = read_records(uow, _clients(uow, client_id))
    return bundle(records, as_of=as_of)


# ------------------------------------------------------------------ export to files


@dataclass
class FhirExport:
    folder: Path
    #: client id -> file written
    files: dict[str, Path]


def bundle_filename(client_id: str) -> str:
    """``<client_id>.json``, with any character that cannot be in a file name percent-encoded."""
    name = quote(client_id, safe="-_.~")
    if name.strip(".") == "":
        name = name.replace(".", "%2E")
    return f"{name}.json"


def _record_exports(uow: UnitOfWork, client_ids: Iterable[str]) -> None:
    """One access-log entry per client exported, committed with the reads."""
    uow.access.record_many(
        AccessEntry(
            "export",
            client_id=cid,
            record_type="fhir",
            record_id=None,
            detail="FHIR R4 bundle",
        )
        for cid in client_ids
    )


#: Clients read and written per batch by ``export_bundles``.
EXPORT_BATCH = 200


def _clients(uow: UnitOfWork, client_id: str | None) -> list[Row]:
    if client_id is None:
        return uow.repo("clients").all()
    client = uow.repo("clients").get(client_id)
    if client is None:
        raise ClientNotFound("no such client in the store", hint="check the client id")
    return [client]


def export_bundles(
    store: Store,
    folder: Path,
    *,
    client_id: str | None = None,
    as_of: dt.date | None = None,
    actor: str | None = None,
) -> FhirExport:
    """Writes ``folder/<client_id>.json`` for one client (``client_id``) or every client.

    The Bundles are written to a temporary folder while the records are read in one snapshot;
    the access-log entries commit with that read, and only then do the files move into place."""
    day = as_of or dt.date.today()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file; expected a folder to export into")
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".caseledger-fhir-", dir=folder))
    try:
        with store.unit_of_work(actor=actor, snapshot=True) as uow:
            clients = _clients(uow, client_id)
            written: dict[str, str] = {}
            # A batch of clients at a time: few queries, and memory bounded however many.
            for start in range(0, len(clients), EXPORT_BATCH):
                for records in read_records(uow, clients[start : start + EXPORT_BATCH]):
                    cid = str(records.client["client_id"])
                    name = bundle_filename(cid)
                    text = bundle(records, as_of=day).model_dump_json(indent=2)
                    (staging / name).write_text(text + "\n", encoding="utf-8")
                    written[cid] = name
            _record_exports(uow, written)
        files = {}
        for cid, name in written.items():
            os.replace(staging / name, folder / name)
            files[cid] = folder / name
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return FhirExport(folder, files)
