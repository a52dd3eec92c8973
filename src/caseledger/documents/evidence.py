"""Evidence packages: everything an auditor asks for about one client's services, in one zip.

A package covers one client (optionally narrowed to one claim or one encounter) over a period of
dates of service. It holds the encounters and their notes with every amendment, the plans, goals
and authorizations in force, what each staff member held and had completed on each date of
service, the audit's findings about those services, and the policy versions applied. A
``manifest.json`` lists every other file with its SHA-256 and size and says what the package is
for; :func:`verify_package` recomputes every hash.

Every file is written in a fixed order with a fixed timestamp, so the same records give the same
bytes (only the manifest's ``created_at`` differs between two builds).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from caseledger.audit.engine import run_audit
from caseledger.audit.findings import Finding
from caseledger.audit.suppressions import apply_suppressions
from caseledger.facts import csvio
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset, Row, canonical
from caseledger.facts.periods import in_force, overlaps
from caseledger.facts.schema import table as contract
from caseledger.policy import Policy
from caseledger.store.amendments import Amendment
from caseledger.store.slices import agency_dataset
from caseledger.store.suppressions import active
from caseledger.store.tables import claim_lines, claims, note_amendments
from caseledger.store.unit_of_work import Store, UnitOfWork

FORMAT = "caseledger-evidence/1"
MANIFEST = "manifest.json"
#: every member's timestamp (the earliest a zip can hold), so the bytes depend on content only
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SNAPSHOT_COLUMNS = (
    "staff_id",
    "date_of_service",
    "record",
    "what",
    "number",
    "state",
    "start_date",
    "end_date",
    "hours",
    "completed_on",
    "waived",
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_IN_CHUNK = 500


class EvidenceError(ValueError):
    """A package that cannot be built as asked; the message says why (ids only, no PHI)."""


@dataclass(frozen=True)
class Scope:
    """What a package is for: one client's services from ``start`` to ``end`` (inclusive),
    optionally only those on one claim, or one encounter."""

    client_id: str
    start: dt.date
    end: dt.date
    claim_id: str | None = None
    encounter_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "claim_id": self.claim_id,
            "encounter_id": self.encounter_id,
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
        }


@dataclass(frozen=True)
class Package:
    """The files of a package (name → bytes, manifest last) and what it holds."""

    scope: Scope
    members: tuple[tuple[str, bytes], ...]
    encounters: tuple[str, ...]
    findings: int

    def zip_bytes(self) -> bytes:
        """The zip: members in order, each with the fixed timestamp and permissions."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in self.members:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # the same bytes whichever system builds it
                info.external_attr = 0o644 << 16
                archive.writestr(info, data, compresslevel=9)
        return buffer.getvalue()


@dataclass(frozen=True)
class ExportReport:
    path: Path
    encounters: int
    findings: int
    files: int
    #: of the whole zip, to keep apart from the package (see docs/evidence.md)
    sha256: str


@dataclass(frozen=True)
class Verdict:
    """What verifying a package found: ``ok``, or the first file that is wrong and how."""

    ok: bool
    files: int = 0
    name: str | None = None
    problem: str | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return f"OK: {self.files} files match the manifest"
        return f"{self.name}: {self.problem}" if self.name else str(self.problem)


# ------------------------------------------------------------------------ in force on a date


def credential_in_force(row: Mapping[str, Any], day: dt.date) -> bool:
    """A credential counts from its start date to its end date; an empty date is open."""
    return in_force(day, row)


def training_completed(row: Mapping[str, Any], day: dt.date) -> bool:
    """A training counts once completed on or before ``day`` (never without a date)."""
    done = row.get("completed_on")
    return isinstance(done, dt.date) and done <= day


# ------------------------------------------------------------------------ building


def export_package(
    store: Store,
    policy: Policy,
    scope: Scope,
    out: Path,
    *,
    as_of: dt.date,
    actor: str | None = None,
) -> ExportReport:
    """Builds the package and writes it to ``out`` whole or not at all.

    The reads and the access-log entry commit together; the zip is written to a temporary file
    beside ``out`` first and renamed into place only after that commit, so a crash leaves either
    the old file or the new one, never half of one."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle, store.unit_of_work(actor=actor, snapshot=True) as uow:
            package = build_package(uow, policy, scope, as_of=as_of)
            data = package.zip_bytes()
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the rename makes it the package
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportReport(
        out,
        len(package.encounters),
        package.findings,
        len(package.members),
        hashlib.sha256(data).hexdigest(),
    )


def build_package(uow: UnitOfWork, policy: Policy, scope: Scope, *, as_of: dt.date) -> Package:
    """Reads what ``scope`` covers, audits the agency, and records the export in the access log
    (in ``uow``'s transaction, with the reads)."""
    if scope.start > scope.end:
        raise EvidenceError(f"the period starts ({scope.start}) after it ends ({scope.end})")
    client = uow.repo("clients").get(scope.client_id)
    if client is None:
        raise EvidenceError(f"no client {scope.client_id} in the store")
    dataset = agency_dataset(uow, str(client["agency_id"]))
    encounters, not_included = _encounters(uow, dataset, scope)
    ids = [str(e["encounter_id"]) for e in encounters]
    findings = _findings(uow, dataset, policy, scope, ids, as_of)
    files = _files(uow, dataset, scope, encounters, findings, policy, as_of)
    manifest = _manifest(uow, scope, as_of, ids, not_included, files)
    uow.access.record(
        "export",
        client_id=scope.client_id,
        record_type="evidence",
        record_id=None,
        detail="evidence package",
    )
    return Package(scope, (*files, (MANIFEST, manifest)), tuple(ids), len(findings))


def _encounters(uow: UnitOfWork, dataset: Dataset, scope: Scope) -> tuple[list[Row], list[str]]:
    """The client's encounters in the period, narrowed to the claim's lines or the one encounter
    asked for; and, for a claim, the ids on its lines that are not in the package."""
    found = [
        e
        for e in dataset.rows("encounters")
        if e["client_id"] == scope.client_id and _in_period(e["date"], scope)
    ]
    not_included: list[str] = []
    if scope.claim_id is not None:
        on_claim = _claim_encounters(uow, scope)
        found = [e for e in found if e["encounter_id"] in on_claim]
        kept = {e["encounter_id"] for e in found}
        not_included = [eid for eid in on_claim if eid not in kept]
        if not found:
            raise EvidenceError(f"no encounter of claim {scope.claim_id} falls in the period")
    if scope.encounter_id is not None:
        found = [e for e in found if e["encounter_id"] == scope.encounter_id]
        if not found:
            raise EvidenceError(
                f"encounter {scope.encounter_id} is not one of client {scope.client_id}'s "
                "in the period" + (f" on claim {scope.claim_id}" if scope.claim_id else "")
            )
    found.sort(key=lambda e: (e["date"], str(e["encounter_id"])))
    return found, not_included


def _in_period(day: Any, scope: Scope) -> bool:
    return isinstance(day, dt.date) and scope.start <= day <= scope.end


def _claim_encounters(uow: UnitOfWork, scope: Scope) -> list[str]:
    """The encounters on the claim's lines, in line order; the claim must be the client's."""
    owner = uow.connection.execute(
        sa.select(claims.c.client_id).where(claims.c.claim_id == scope.claim_id)
    ).scalar_one_or_none()
    if owner is None:
        raise EvidenceError(f"no claim {scope.claim_id} in the store")
    if owner != scope.client_id:
        raise EvidenceError(f"claim {scope.claim_id} is not client {scope.client_id}'s")
    lines = uow.connection.execute(
        sa.select(claim_lines.c.encounter_id)
        .where(claim_lines.c.claim_id == scope.claim_id)
        .order_by(claim_lines.c.line_number)
    )
    return list(dict.fromkeys(str(r[0]) for r in lines))


def _findings(
    uow: UnitOfWork,
    dataset: Dataset,
    policy: Policy,
    scope: Scope,
    ids: Sequence[str],
    as_of: dt.date,
) -> list[Finding]:
    """The audit of the whole agency (caps, overlaps and supervision need everyone's records),
    kept to the package: findings on its encounters, and the client's findings about anything
    other than an encounter (plans, authorizations...). Suppressions are marked."""
    facts = facts_from_dataset(dataset)
    try:
        result = run_audit(facts, policy, as_of=as_of, start=scope.start, end=scope.end)
    finally:
        facts.engine.close()
    apply_suppressions(result, active(uow))
    wanted = set(ids)
    return [
        f
        for f in result.findings
        if (f.subject_type == "encounter" and f.subject_id in wanted)
        or (f.subject_type != "encounter" and f.client_id == scope.client_id)
    ]


# ------------------------------------------------------------------------ the files


def _files(
    uow: UnitOfWork,
    dataset: Dataset,
    scope: Scope,
    encounters: list[Row],
    findings: list[Finding],
    policy: Policy,
    as_of: dt.date,
) -> list[tuple[str, bytes]]:
    """Every member but the manifest, sorted by name."""
    plans = [
        p
        for p in dataset.rows("plans")
        if p["client_id"] == scope.client_id and overlaps(p, scope.start, scope.end)
    ]
    plan_ids = {p["plan_id"] for p in plans}
    goals = [g for g in dataset.rows("plan_goals") if g["plan_id"] in plan_ids]
    named = {e.get("authorization_id") for e in encounters} - {None}
    authorizations = [
        a
        for a in dataset.rows("authorizations")
        if a["client_id"] == scope.client_id
        and (overlaps(a, scope.start, scope.end) or a["authorization_id"] in named)
    ]
    pairs = _staff_days(dataset, encounters)
    staff_ids = {sid for sid, _ in pairs}
    staff = [s for s in dataset.rows("staff") if s["staff_id"] in staff_ids]
    history = _amendments(uow, [str(e["encounter_id"]) for e in encounters])
    files: dict[str, bytes] = {
        "encounters.csv": _csv("encounters", encounters),
        "plans.csv": _csv("plans", plans),
        "plan_goals.csv": _csv("plan_goals", goals),
        "authorizations.csv": _csv("authorizations", authorizations),
        "staff.csv": _csv("staff", staff),
        "staff_snapshot.csv": _snapshot(dataset, pairs),
        "findings.json": _json([f.to_dict() for f in findings]),
        "policy.json": _json({"as_of": as_of.isoformat(), "versions": policy.versions()}),
    }
    for name, encounter in zip(_note_names(encounters), encounters, strict=True):
        files[name] = _note(encounter, history.get(str(encounter["encounter_id"]), []))
    return sorted(files.items())


def _csv(name: str, rows: list[Row]) -> bytes:
    """``rows`` as the dataset file of table ``name``, in its canonical form."""
    ordered = canonical(Dataset({name: rows})).rows(name)
    out = io.StringIO(newline="")
    csvio.write_rows(out, contract(name), ordered)
    return out.getvalue().encode("utf-8")


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _staff_days(dataset: Dataset, encounters: list[Row]) -> list[tuple[str, dt.date]]:
    """Each (staff member, date of service): who rendered, who signed, who led the group."""
    leaders = {g["group_id"]: g.get("staff_ids") for g in dataset.rows("group_sessions")}
    pairs: set[tuple[str, dt.date]] = set()
    for e in encounters:
        day = e["date"]
        assert isinstance(day, dt.date)
        people = {e.get("staff_id"), e.get("note_signed_by")}
        group = leaders.get(e.get("group_id")) if e.get("group_id") else None
        people.update(group if isinstance(group, tuple) else ())
        pairs.update((str(p), day) for p in people if p)
    return sorted(pairs)


def _snapshot(dataset: Dataset, pairs: list[tuple[str, dt.date]]) -> bytes:
    """For each (staff member, date of service), the credentials in force and the trainings
    completed that day; a pair with neither gets one ``none`` row, so it is still shown."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, _SNAPSHOT_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    credentials = canonical(Dataset({"staff_credentials": dataset.rows("staff_credentials")}))
    trainings = canonical(Dataset({"staff_trainings": dataset.rows("staff_trainings")}))
    for staff_id, day in pairs:
        lead = {"staff_id": staff_id, "date_of_service": day.isoformat()}
        rows = [
            {**lead, **_credential_cells(r)}
            for r in credentials.rows("staff_credentials")
            if r["staff_id"] == staff_id and credential_in_force(r, day)
        ]
        rows += [
            {**lead, **_training_cells(r)}
            for r in trainings.rows("staff_trainings")
            if r["staff_id"] == staff_id and training_completed(r, day)
        ]
        writer.writerows(rows or [{**lead, "record": "none"}])
    return out.getvalue().encode("utf-8")


def _credential_cells(row: Row) -> dict[str, str]:
    return {
        "record": "credential",
        "what": _text(row["kind"]),
        "number": _text(row.get("number")),
        "state": _text(row.get("state")),
        "start_date": _text(row.get("start_date")),
        "end_date": _text(row.get("end_date")),
    }


def _training_cells(row: Row) -> dict[str, str]:
    return {
        "record": "training",
        "what": _text(row["topic"]),
        "hours": _text(row.get("hours")),
        "completed_on": _text(row.get("completed_on")),
        "waived": _text(row.get("waived")),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _amendments(uow: UnitOfWork, ids: Sequence[str]) -> dict[str, list[Amendment]]:
    """Every amendment of these encounters' notes, oldest first. Read directly in one query per
    chunk rather than one per note; the package's export entry records the disclosure."""
    found: dict[str, list[Amendment]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        rows = uow.connection.execute(
            sa.select(note_amendments)
            .where(note_amendments.c.encounter_id.in_(chunk))
            .order_by(note_amendments.c.id)
        )
        for a in rows:
            found.setdefault(a.encounter_id, []).append(
                Amendment(a.id, a.text, a.reason, a.author, a.at)
            )
    return found


def _note_names(encounters: Iterable[Row]) -> list[str]:
    """``notes/<encounter id>.txt``, the id made safe for any file system (and kept unique)."""
    names: list[str] = []
    taken: set[str] = set()
    for e in encounters:
        stem = _UNSAFE.sub("_", str(e["encounter_id"])) or "encounter"
        name, n = f"notes/{stem}.txt", 1
        while name in taken:
            n += 1
            name = f"notes/{stem}-{n}.txt"
        taken.add(name)
        names.append(name)
    return names


def _note(encounter: Row, amendments: list[Amendment]) -> bytes:
    """The note as signed, then each amendment with its author, time and reason."""
    modifiers = encounter.get("modifiers")
    mods = ";".join(modifiers) if isinstance(modifiers, tuple) and modifiers else ""
    signer = encounter.get("note_signed_by")
    signed = (
        f"Signed by: {signer} on {_text(encounter.get('note_signed_on'))}"
        if signer
        else "Signed by: (not signed)"
    )
    lines = [
        f"Encounter: {encounter['encounter_id']}",
        f"Date of service: {_text(encounter['date'])}",
        f"Service: {encounter['service_code']}" + (f" ({mods})" if mods else ""),
        f"Staff: {encounter.get('staff_id') or ''}",
        signed,
        f"Amendments: {len(amendments)}",
        "",
        "--- Note as signed ---" if signer else "--- Note (not signed) ---",
        str(encounter.get("note_text") or ""),
    ]
    for a in amendments:
        lines += [
            "",
            f"--- Amendment {a.number} ---",
            f"Author: {a.author}",
            f"At (UTC): {a.at.isoformat(timespec='seconds')}",
            f"Reason: {a.reason}",
            "",
            a.text,
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# ------------------------------------------------------------------------ the manifest


def _manifest(
    uow: UnitOfWork,
    scope: Scope,
    as_of: dt.date,
    ids: list[str],
    not_included: list[str],
    files: list[tuple[str, bytes]],
) -> bytes:
    now = uow.access.clock.now().astimezone(dt.UTC).replace(tzinfo=None)
    body: dict[str, Any] = {
        "format": FORMAT,
        "purpose": scope.to_dict(),
        "as_of": as_of.isoformat(),
        "created_at": now.isoformat(timespec="seconds") + "Z",
        "created_by": uow.actor,
        "encounters": ids,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        ],
    }
    if scope.claim_id is not None:
        body["claim_encounters_not_included"] = not_included
    return _seal(body)


def _self_hash(body: dict[str, Any]) -> str:
    compact = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(compact.encode("utf-8")).hexdigest()


def _seal(body: dict[str, Any]) -> bytes:
    """The manifest with a hash of its own content, so a change to the manifest itself (not only
    to the files it lists) is caught too."""
    sealed = {**body, "manifest_sha256": _self_hash(body)}
    return (json.dumps(sealed, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


# ------------------------------------------------------------------------ verifying


def verify_package(path: Path) -> Verdict:
    """Recomputes every hash: the first file that differs from the manifest, is missing, or is
    not listed in it makes the package fail."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _verify(archive)
    except (zipfile.BadZipFile, OSError) as error:
        return Verdict(False, problem=f"{Path(path).name} is not a readable zip file ({error})")


def _verify(archive: zipfile.ZipFile) -> Verdict:
    names = [i.filename for i in archive.infolist()]
    if MANIFEST not in names:
        return Verdict(False, name=MANIFEST, problem="missing")
    try:
        listed = _read_manifest(_read(archive, MANIFEST))
    except ValueError as error:
        return Verdict(False, name=MANIFEST, problem=str(error))
    for entry in listed:
        name = entry["name"]
        if name not in names:
            return Verdict(False, name=name, problem="missing")
        try:
            data = _read(archive, name)
        except (zipfile.BadZipFile, ValueError):
            return Verdict(False, name=name, problem="differs from the manifest (unreadable)")
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return Verdict(False, name=name, problem="differs from the manifest")
    expected = {e["name"] for e in listed} | {MANIFEST}
    seen: set[str] = set()
    for name in names:
        if name not in expected or name in seen:
            return Verdict(False, name=name, problem="is not listed in the manifest")
        seen.add(name)
    return Verdict(True, files=len(listed))


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read()


def _read_manifest(data: bytes) -> list[dict[str, Any]]:
    """The files the manifest lists; ``ValueError`` when the manifest itself was changed."""
    try:
        sealed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("damaged (not valid JSON)") from None
    if not isinstance(sealed, dict) or sealed.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} manifest")
    body = {k: v for k, v in sealed.items() if k != "manifest_sha256"}
    if sealed.get("manifest_sha256") != _self_hash(body) or _seal(body) != data:
        raise ValueError("differs from what it was (its own hash does not match)")
    files = body.get("files")
    if not isinstance(files, list) or not all(_is_entry(e) for e in files):
        raise ValueError("damaged (the file list is malformed)")
    return files


def _is_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("size"), int)
    )
