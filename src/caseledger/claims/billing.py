"""Billing from the store: audit, sort the lines, write the claims, and remember them.

``build`` reads the store (every read access-logged), audits it as of the given day with the
store's suppressions, keeps the clean lines the payer profile receives and that no earlier claim
carries, and writes one 837P interchange. The file's control number, its claims and their lines
are recorded in the same transaction as the access-log entries saying whose records left; a
failure leaves neither a file nor a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from caseledger.audit.engine import AuditResult, run_audit
from caseledger.audit.suppressions import apply_suppressions
from caseledger.claims import x12
from caseledger.claims.denials import DenialTrace, trace
from caseledger.claims.lines import Billing, HeldLine, reasons_by_line, sort_lines
from caseledger.claims.posting import posted_lines
from caseledger.claims.profile import PayerProfile
from caseledger.claims.x837 import VERSION_837P, Claim, group_claims, transaction
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset
from caseledger.facts.schema import TABLES
from caseledger.policy import Policy
from caseledger.store import Store
from caseledger.store.access_log import AccessEntry
from caseledger.store.slices import agency_dataset
from caseledger.store.suppressions import active
from caseledger.store.tables import claim_files, claim_lines, claims
from caseledger.store.unit_of_work import UnitOfWork


@dataclass
class BuildResult:
    profile: PayerProfile
    claims: list[Claim]
    held: list[HeldLine]
    #: clean lines that an earlier claim already carries
    already_billed: int
    #: clean lines for other payers (another profile, or the SST invoice)
    other_payers: int
    control_number: int | None = None
    text: str | None = None
    audit: AuditResult | None = field(default=None, repr=False)

    @property
    def lines(self) -> int:
        return sum(len(c.lines) for c in self.claims)

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.claims), Decimal(0))


class ClaimsError(ValueError):
    """A claim that cannot be built as asked; the message says why and what to do."""


def read_dataset(uow: UnitOfWork, agency_id: str | None = None) -> Dataset:
    """Every record of one agency (the repositories record the reads): the one named, or the
    store's only agency. A claim file bills for one agency, its billing provider."""
    if agency_id is None:
        found = [str(a["agency_id"]) for a in uow.repo("agency").all()]
        if len(found) > 1:
            raise ClaimsError(
                f"the store holds {len(found)} agencies ({', '.join(sorted(found))}); "
                "name the one to bill for with --agency"
            )
        if not found:
            return Dataset({t.name: [] for t in TABLES})
        agency_id = found[0]
    return agency_dataset(uow, agency_id)


def audited(uow: UnitOfWork, dataset: Dataset, policy: Policy, as_of: dt.date) -> AuditResult:
    result = run_audit(facts_from_dataset(dataset), policy, as_of=as_of)
    apply_suppressions(result, active(uow))
    return result


def billed_encounters(connection: sa.Connection) -> set[str]:
    """Encounters some claim already carries (a replacement carries them again on purpose)."""
    return {str(r[0]) for r in connection.execute(sa.select(claim_lines.c.encounter_id))}


def next_control_number(connection: sa.Connection) -> int:
    top = connection.execute(sa.select(sa.func.max(claim_files.c.control_number))).scalar()
    return int(top or 0) + 1


def sorted_lines(
    uow: UnitOfWork,
    policy: Policy,
    *,
    as_of: dt.date,
    start: dt.date | None,
    end: dt.date | None,
    agency_id: str | None = None,
) -> tuple[Dataset, AuditResult, Billing]:
    """The agency's records, their audit, and the lines sorted into clean and held."""
    dataset = read_dataset(uow, agency_id)
    result = audited(uow, dataset, policy, as_of)
    return dataset, result, sort_lines(dataset, result.findings, policy, start=start, end=end)


def build(
    store: Store,
    policy: Policy,
    profile: PayerProfile,
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    actor: str | None = None,
    agency_id: str | None = None,
    now: Callable[[], dt.datetime] | None = None,
    dry_run: bool = False,
) -> BuildResult:
    """Builds one 837P of the clean, not yet billed lines dated ``start``..``end`` that
    ``profile`` receives. With ``dry_run`` nothing is recorded and no file text is made."""
    with store.unit_of_work(actor=actor, snapshot=True) as uow:
        return build_in(
            uow,
            policy,
            profile,
            as_of=as_of,
            start=start,
            end=end,
            agency_id=agency_id,
            now=now,
            dry_run=dry_run,
        )


def build_in(
    uow: UnitOfWork,
    policy: Policy,
    profile: PayerProfile,
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    agency_id: str | None = None,
    now: Callable[[], dt.datetime] | None = None,
    dry_run: bool = False,
) -> BuildResult:
    """:func:`build` within a unit of work the caller holds (the web app's)."""
    dataset, result, billing = sorted_lines(
        uow, policy, as_of=as_of, start=start, end=end, agency_id=agency_id
    )
    done = billed_encounters(uow.connection)
    mine = billing.clean_for(profile.funding)
    fresh = [line for line in mine if line.encounter_id not in done]
    out = BuildResult(
        profile=profile,
        claims=[],
        held=[h for h in billing.held if h.line.funding in (*profile.funding, None)],
        already_billed=len(mine) - len(fresh),
        other_payers=len(billing.clean) - len(mine),
        audit=result,
    )
    if dry_run or not fresh:
        # The reads stay logged: they happened, whether or not a file is written.
        out.claims = group_claims(fresh, profile, 1, "DRAFT-")
        return out
    control = next_control_number(uow.connection)
    out.claims = group_claims(fresh, profile, 1, f"C{control}-")
    _write(uow, dataset, out, control, (now or _utc_now)())
    return out


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write(
    uow: UnitOfWork, dataset: Dataset, out: BuildResult, control: int, created: dt.datetime
) -> None:
    """Writes ``out.claims`` as interchange ``control`` and records it."""
    profile = out.profile
    agency = dataset.rows("agency")
    phone = "".join(
        ch for ch in str((agency[0].get("phone") if agency else None) or "") if ch.isdigit()
    )
    if len(phone) < 10:
        raise ClaimsError(
            "the agency has no phone number with area code on record, and the claim file must "
            "name a contact number: add it to agency.csv (column phone) and import again"
        )
    out.control_number = control
    submitter = str((agency[0].get("npi") if agency else None) or "CASELEDGER")
    body = transaction(
        out.claims,
        dataset,
        profile,
        reference=f"{control:09d}",
        created=created,
        submitter_id=submitter,
        contact={"phone": phone},
    )
    out.text = x12.interchange(
        [x12.TransactionSet("837", VERSION_837P, body)],
        sender_qualifier=profile.interchange.sender_qualifier,
        sender_id=submitter,
        receiver_qualifier=profile.interchange.receiver_qualifier,
        receiver_id=profile.interchange.receiver_id,
        control_number=control,
        functional_id="HC",
        version=VERSION_837P,
        when=created,
        usage=profile.usage,
    )
    _record(uow, out, out.text, created)


def resubmit(
    store: Store,
    policy: Policy,
    profile: PayerProfile,
    claim_id: str,
    *,
    frequency: str,
    as_of: dt.date,
    actor: str | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> BuildResult:
    """Replaces (frequency 7) or voids (8) a claim the payer has answered, in a new file.

    A replacement carries the claim's encounters as they stand now, so each must be clean
    again; a void carries them as they were sent. Both carry the payer's claim number (REF F8),
    which the payer's 835 gave."""
    with store.unit_of_work(actor=actor, snapshot=True) as uow:
        return resubmit_in(
            uow, policy, profile, claim_id, frequency=frequency, as_of=as_of, now=now
        )


def resubmit_in(
    uow: UnitOfWork,
    policy: Policy,
    profile: PayerProfile,
    claim_id: str,
    *,
    frequency: str,
    as_of: dt.date,
    now: Callable[[], dt.datetime] | None = None,
) -> BuildResult:
    """:func:`resubmit` within a unit of work the caller holds."""
    if frequency not in ("7", "8"):
        raise ClaimsError("frequency is 7 (replacement) or 8 (void)")
    conn = uow.connection
    sent = conn.execute(sa.select(claims).where(claims.c.claim_id == claim_id)).first()
    if sent is None:
        raise ClaimsError(f"no claim {claim_id} was sent (see caseledger claims list)")
    if not sent.payer_claim_number:
        raise ClaimsError(
            f"the payer has not answered claim {claim_id} yet, so there is no payer claim "
            "number to replace or void; load its 835 first (caseledger remit load)"
        )
    wanted = [
        str(r[0])
        for r in conn.execute(
            sa.select(claim_lines.c.encounter_id)
            .where(claim_lines.c.claim_id == claim_id)
            .order_by(claim_lines.c.line_number)
        )
    ]
    client = uow.repo("clients").get(str(sent.client_id))
    agency = str(client["agency_id"]) if client else None
    dataset, result, billing = sorted_lines(
        uow, policy, as_of=as_of, start=None, end=None, agency_id=agency
    )
    clean = {ln.encounter_id: ln for ln in billing.clean}
    held = {h.line.encounter_id: h for h in billing.held}
    lines = []
    for eid in wanted:
        if eid in clean:
            lines.append(clean[eid])
        elif frequency == "8" and eid in held:
            lines.append(held[eid].line)
        elif eid in held:
            why = "; ".join(r.message for r in held[eid].reasons)
            raise ClaimsError(f"encounter {eid} is not clean now: {why}")
        else:
            raise ClaimsError(f"encounter {eid} of claim {claim_id} is no longer billable")
    control = next_control_number(conn)
    replacement = Claim(
        f"C{control}-000001",
        str(sent.client_id),
        tuple(lines),
        frequency=frequency,
        payer_claim_number=str(sent.payer_claim_number),
    )
    out = BuildResult(profile, [replacement], [], 0, 0, audit=result)
    _write(uow, dataset, out, control, (now or _utc_now)())
    conn.execute(
        claims.update().where(claims.c.claim_id == replacement.claim_id).values(replaces=claim_id)
    )
    return out


def _record(uow: UnitOfWork, out: BuildResult, text: str, created: dt.datetime) -> None:
    assert out.control_number is not None
    conn = uow.connection
    file_id = conn.execute(
        claim_files.insert().values(
            control_number=out.control_number,
            kind="837P",
            profile=out.profile.id,
            created_at=created.astimezone(dt.UTC).replace(tzinfo=None),
            created_by=uow.actor,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            claims=len(out.claims),
            lines=out.lines,
            total=out.total,
        )
    ).inserted_primary_key
    assert file_id is not None
    conn.execute(
        claims.insert(),
        [
            {
                "claim_id": c.claim_id,
                "file_id": int(file_id[0]),
                "client_id": c.client_id,
                "frequency": c.frequency,
                "replaces": None,
                "total": c.total,
                "payer_claim_number": c.payer_claim_number,
            }
            for c in out.claims
        ],
    )
    conn.execute(
        claim_lines.insert(),
        [
            {
                "claim_id": c.claim_id,
                "line_number": n,
                "encounter_id": line.encounter_id,
                "service_code": line.service_code,
                "modifiers": ";".join(line.modifiers) or None,
                "date": line.date,
                "units": line.units,
                "charge": line.charge,
            }
            for c in out.claims
            for n, line in enumerate(c.lines, start=1)
        ],
    )
    uow.access.record_many(
        AccessEntry(
            "export",
            c.client_id,
            "claim",
            c.claim_id,
            f"837P interchange {out.control_number} to {out.profile.id}",
        )
        for c in out.claims
    )


def traced_denials(
    uow: UnitOfWork, policy: Policy, *, as_of: dt.date, agency_id: str | None = None
) -> list[DenialTrace]:
    """Every denial posted so far, traced through the rules whose errors stand against each
    line in an audit of the agency's records as of ``as_of`` (see ``claims.denials``)."""
    dataset = read_dataset(uow, agency_id)
    findings = run_audit(facts_from_dataset(dataset), policy, as_of=as_of).findings
    standing = {
        eid: [r.rule for r in reasons if r.rule]
        for eid, reasons in reasons_by_line(dataset, findings, policy).items()
    }
    return trace(posted_lines(uow.connection), standing, policy)
