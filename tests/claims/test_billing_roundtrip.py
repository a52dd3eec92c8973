"""Claims end to end on a demo agency in a SQLite store: clean lines out as an 837P that pyx12
accepts, the simulated payer's 835 back in, every line accounted for, the totals reconciled to
the cent, and every denial traced to the rule that predicted it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from caseledger.audit.findings import Finding
from caseledger.claims.billing import (
    BuildResult,
    ClaimsError,
    build,
    read_dataset,
    resubmit,
    sorted_lines,
)
from caseledger.claims.denials import trace
from caseledger.claims.invoice import invoice, to_csv, to_pdf
from caseledger.claims.lines import reasons_by_line
from caseledger.claims.posting import PostResult, post, posted_lines
from caseledger.claims.profile import load_profile
from caseledger.claims.reconcile import summary
from caseledger.claims.simulator import payer_edits, simulate
from caseledger.claims.x12 import X12Error
from caseledger.demo import DemoOptions, generate
from caseledger.policy import Policy, load_policy
from caseledger.store import Store
from caseledger.store.importer import import_dataset
from caseledger.store.suppressions import suppress
from caseledger.store.tables import claim_lines, claims, remittance_lines, remittances
from tests.claims.pyx12_check import pyx12_errors

# The tests share one store and build on each other's claims and payments: one worker, in order.
pytestmark = pytest.mark.xdist_group("claims-store")


@dataclass
class Agency:
    store: Store
    policy: Policy
    as_of: dt.date
    first: BuildResult
    suppressed: str

    @property
    def built_at(self) -> dt.datetime:
        """The file is sent the day after the audit's today, well within the filing limit."""
        return dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time(9, 30), dt.UTC)

    @property
    def paid_on(self) -> dt.date:
        return self.as_of + dt.timedelta(days=20)


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agency]:
    folder = tmp_path_factory.mktemp("claims")
    made = generate(folder / "demo", DemoOptions(clients=40, months=3))
    as_of = dt.date.fromisoformat(made.as_of)
    policy = load_policy()
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    assert import_dataset(store, folder / "demo", actor="test").committed
    # Billing accepts one duplicate line's finding: the line is billed, and the payer denies it.
    with store.unit_of_work(actor="test") as uow:
        _, _result, billing = sorted_lines(uow, policy, as_of=as_of, start=None, end=None)
        dup = next(
            h
            for h in billing.held
            if [r.rule for r in h.reasons] == ["GEN-DUPLICATE"] and h.line.funding == "mo_healthnet"
        )
        suppress(uow, "GEN-DUPLICATE", "encounter", dup.line.encounter_id, "billed on purpose")
    sent = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(9, 30), dt.UTC)
    first = build(store, policy, load_profile(), as_of=as_of, actor="test", now=lambda: sent)
    yield Agency(store, policy, as_of, first, dup.line.encounter_id)
    store.close()


def test_the_837_validates_in_pyx12(agency: Agency) -> None:
    assert agency.first.text is not None and agency.first.lines > 100
    errors = pyx12_errors(agency.first.text)
    assert errors == [], errors[:20]


def test_pyx12_rejects_a_broken_837(agency: Agency) -> None:
    assert agency.first.text is not None
    broken = agency.first.text.replace("~HI*", "~HX*", 1)
    assert pyx12_errors(broken)


def test_held_lines_are_not_billed_and_say_why(agency: Agency) -> None:
    billed = {line.encounter_id for c in agency.first.claims for line in c.lines}
    assert agency.first.held
    for h in agency.first.held:
        assert h.line.encounter_id not in billed
        assert h.reasons and all(r.message for r in h.reasons)
    assert agency.suppressed in billed


def test_claims_group_one_client_and_month_within_the_line_limit(agency: Agency) -> None:
    for c in agency.first.claims:
        assert len(c.lines) <= 50
        assert {line.client_id for line in c.lines} == {c.client_id}
        assert len({line.month for line in c.lines}) == 1


def test_a_second_build_bills_nothing_twice_and_never_reuses_a_control_number(
    agency: Agency,
) -> None:
    def files() -> list[int]:
        with agency.store.unit_of_work() as uow:
            rows = uow.connection.execute(sa.text("SELECT control_number FROM claim_files"))
            return sorted(r[0] for r in rows)

    before = files()
    again = build(
        agency.store,
        agency.policy,
        load_profile(),
        as_of=agency.as_of,
        actor="test",
        now=lambda: agency.built_at,
    )
    assert again.text is None and again.already_billed == agency.first.lines
    assert files() == before and len(set(before)) == len(before)
    with agency.store.unit_of_work() as uow:
        with pytest.raises(sa.exc.IntegrityError):
            uow.connection.execute(
                sa.text(
                    "INSERT INTO claim_files (control_number, kind, profile, created_at, "
                    "created_by, sha256, claims, lines, total) VALUES "
                    f"({agency.first.control_number}, '837P', 'x', '2026-01-01', 't', 'x', 0, 0, 0)"
                )
            )
        uow.discard()


@dataclass
class Answered:
    text: str
    posted: PostResult
    findings: list[Finding]


@pytest.fixture(scope="module")
def answered(agency: Agency) -> Answered:
    """The simulated payer's 835 for the first file, posted."""
    store, policy, text = agency.store, agency.policy, agency.first.text
    assert text is not None
    with store.unit_of_work(actor="payer") as uow:
        dataset, result, _ = sorted_lines(uow, policy, as_of=agency.as_of, start=None, end=None)
    edits = payer_edits(dataset, result.findings, policy)
    answer = simulate(text, policy, load_profile(), edits, paid_on=agency.paid_on, control_number=7)
    return Answered(answer, post(store, answer.encode(), actor="test"), result.findings)


def test_round_trip_accounts_for_every_line_and_traces_every_denial(
    agency: Agency, answered: Answered
) -> None:
    store, policy, answer = agency.store, agency.policy, answered.text
    errors = pyx12_errors(answer)
    assert errors == [], errors[:20]

    posted = answered.posted
    assert posted.lines == agency.first.lines and not posted.unknown_claims
    assert posted.unmatched_lines == 0
    assert post(store, answer.encode(), actor="test").duplicate

    with store.unit_of_work() as uow:
        totals = summary(uow.connection)
        rows = posted_lines(uow.connection)
        dataset = read_dataset(uow)
        icns = uow.connection.execute(
            sa.select(sa.func.count()).where(claims.c.payer_claim_number.is_not(None))
        ).scalar_one()
    assert icns == len(agency.first.claims)
    assert totals["lines_answered"] == totals["lines_sent"] == agency.first.lines
    billed = Decimal(totals["billed"])
    assert billed == agency.first.total
    assert billed == (
        Decimal(totals["paid"])
        + Decimal(totals["contractual_write_down"])
        + Decimal(totals["denied"])
        + Decimal(totals["patient_responsibility"])
    )
    denied = [r for r in rows if r["paid"] == 0]
    assert [r["encounter_id"] for r in denied] == [agency.suppressed]

    standing = {
        k: [r.rule for r in v if r.rule]
        for k, v in reasons_by_line(dataset, answered.findings, policy).items()
    }
    traces = trace(rows, standing, policy)
    assert [(t.encounter_id, t.carc, t.verdict, t.rules) for t in traces] == [
        (agency.suppressed, "18", "predicted", ("GEN-DUPLICATE",))
    ]


def test_a_late_claim_is_denied_for_timely_filing_and_reported_as_a_missing_rule(
    agency: Agency,
) -> None:
    assert agency.first.text is not None
    late = agency.first.text
    profile = load_profile()
    # The payer receives the file two years after the dates of service.
    answer = simulate(
        late,
        agency.policy,
        profile.model_copy(update={"timely_filing_days": 1}),
        {},
        paid_on=agency.paid_on,
        control_number=8,
    )
    from caseledger.claims.remittance import read_835

    lines = [s for c in read_835(answer)[0].claims for s in c.services]
    assert lines and all(s.paid == 0 for s in lines)
    rows = [
        {
            "claim_id": "x",
            "line_number": 1,
            "encounter_id": s.line_item_control_number,
            "adjustments": [
                {"group": a.group, "reason": a.reason, "amount": str(a.amount)}
                for a in s.adjustments
            ],
        }
        for s in lines[:3]
    ]
    traces = trace(rows, {}, agency.policy)
    assert {t.verdict for t in traces} == {"no rule"} and {t.carc for t in traces} == {"29"}


def test_a_malformed_835_posts_nothing(agency: Agency, tmp_path: Path) -> None:
    with agency.store.unit_of_work() as uow:
        before = uow.connection.execute(sa.select(sa.func.count()).select_from(remittances))
        count = before.scalar_one()
    bad = b"ISA*00*          *00*          *ZZ*X              *ZZ*Y              *260101*0000*^*00501*000000001*0*T*:~GS*HP*X*Y*20260101*0000*1*X*005010X221A1~ST*835*0001~BPR*I*1*C*CHK************20260101~SE*9*0001~GE*1*1~IEA*1*000000001~"  # noqa: E501
    with pytest.raises(X12Error):
        post(agency.store, bad, actor="test")
    with agency.store.unit_of_work() as uow:
        after = uow.connection.execute(sa.select(sa.func.count()).select_from(remittances))
        assert after.scalar_one() == count


def test_replace_and_void_carry_the_payer_claim_number(agency: Agency, answered: Answered) -> None:
    # the posted 835 gave every claim its payer number
    assert not answered.posted.duplicate
    with agency.store.unit_of_work() as uow:
        answered = uow.connection.execute(
            sa.select(claims.c.claim_id, claims.c.payer_claim_number)
            .where(claims.c.payer_claim_number.is_not(None), claims.c.frequency == "1")
            .order_by(claims.c.claim_id)
        ).all()
    assert len(answered) >= 2
    (first, icn1), (second, icn2) = answered[0], answered[1]
    policy, profile = agency.policy, load_profile()
    replaced = resubmit(
        agency.store,
        policy,
        profile,
        first,
        frequency="7",
        as_of=agency.as_of,
        now=lambda: agency.built_at,
    )
    voided = resubmit(
        agency.store,
        policy,
        profile,
        second,
        frequency="8",
        as_of=agency.as_of,
        now=lambda: agency.built_at,
    )
    for result, icn, freq in ((replaced, icn1, "7"), (voided, icn2, "8")):
        assert result.text is not None
        assert f":B:{freq}*" in result.text and f"~REF*F8*{icn}~" in result.text
        errors = pyx12_errors(result.text)
        assert errors == [], errors[:20]
    assert replaced.control_number != voided.control_number
    assert agency.first.control_number not in (replaced.control_number, voided.control_number)


def test_a_claim_the_payer_has_not_answered_cannot_be_replaced(agency: Agency) -> None:
    with pytest.raises(ClaimsError, match="no claim"):
        resubmit(
            agency.store,
            agency.policy,
            load_profile(),
            "C999-000001",
            frequency="7",
            as_of=agency.as_of,
        )


def test_the_sst_invoice_lists_the_clean_dhss_lines_as_csv_and_pdf(agency: Agency) -> None:
    with agency.store.unit_of_work() as uow:
        dataset, _result, billing = sorted_lines(
            uow, agency.policy, as_of=agency.as_of, start=None, end=None
        )
    lines = billing.clean_for(["dhss"])
    assert lines, "the demo agency bills SST"
    inv = invoice(lines, dataset, number="SST-1", created=agency.as_of)
    rows = list(csv.DictReader(io.StringIO(to_csv(inv))))
    assert {r["encounter_id"] for r in rows} == {ln.encounter_id for ln in lines}
    assert sum(Decimal(r["amount"]) for r in rows) == sum(ln.charge for ln in lines)
    assert all(ln.funding == "dhss" for ln in lines)
    pdf = to_pdf(inv)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:
        text = subprocess.run(
            [pdftotext, "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert f"total ${inv.total:,.2f}" in text and "Signature" in text
        assert lines[0].client_id in text


def test_claims_build_on_the_command_line(agency: Agency, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from caseledger.cli import app

    url = str(agency.store.engine.url)
    out = tmp_path / "none.837"
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "--db",
            url,
            "claims",
            "build",
            "--as-of",
            agency.as_of.isoformat(),
            "--out",
            str(out),
            "--show",
            "0",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Nothing new to bill" in done.output and not out.exists()
    missing = runner.invoke(app, ["--db", url, "claims", "build"])
    assert missing.exit_code != 0 and "--out" in missing.output
    bad = runner.invoke(app, ["--db", url, "claims", "build", "--payer", "nobody", "--out", "x"])
    assert bad.exit_code != 0 and "no payer profile" in bad.output


def _answer_without_line_numbers(agency: Agency, claim_index: int) -> tuple[str, list[str]]:
    """An 835 for one sent claim whose lines come back without REF 6R, modifiers reordered
    and the last one dropped, as some payers do."""
    from caseledger.claims.remittance import (
        Address,
        ClaimPayment,
        Contact,
        Patient,
        Remittance,
        ServicePayment,
        write_835,
    )

    claim = next(
        c for c in agency.first.claims[claim_index:] if any(len(ln.modifiers) > 1 for ln in c.lines)
    )
    services = tuple(
        ServicePayment(
            procedure_code=ln.service_code,
            modifiers=tuple(reversed(ln.modifiers))[:-1] if len(ln.modifiers) > 1 else ln.modifiers,
            charge=ln.charge,
            paid=ln.charge,
            units_paid=ln.units,
            service_date=ln.date,
        )
        for ln in claim.lines
    )
    advice = Remittance(
        payer_name="MO HEALTHNET",
        payer_id="1000000000",
        payer_address=Address("PO BOX 1", "JEFFERSON CITY", "MO", "65102"),
        payer_contact=Contact(numbers=(("TE", "5735550100"),)),
        payee_name="AGENCY",
        payee_npi="1234567893",
        payment_amount=claim.total,
        payment_method="CHK",
        payment_date=agency.paid_on,
        trace_number="REORDERED1",
        claims=(
            ClaimPayment(
                patient_control_number=claim.claim_id,
                status="1",
                charge=claim.total,
                paid=claim.total,
                filing_indicator="MC",
                payer_claim_control_number="ICN-REORDERED",
                patient=Patient(id_qualifier="MI", identifier="00000000"),
                services=services,
            ),
        ),
    )
    text = write_835(
        [advice],
        sender="MOHEALTHNET",
        receiver="AGENCY",
        control_number=99,
        when=dt.datetime(2026, 1, 1, 8, 0),
    )
    return text, [ln.encounter_id for ln in claim.lines]


def test_lines_match_when_the_payer_reorders_or_drops_modifiers(agency: Agency) -> None:
    text, encounters = _answer_without_line_numbers(agency, 0)
    posted = post(agency.store, text.encode(), actor="test")
    assert posted.unmatched_lines == 0 and posted.lines == len(encounters)
    with agency.store.unit_of_work() as uow:
        got = uow.connection.execute(
            sa.select(remittance_lines.c.encounter_id)
            .where(
                remittance_lines.c.payer_claim_number == "ICN-REORDERED",
                remittance_lines.c.procedure.is_not(None),
            )
            .order_by(remittance_lines.c.id)
        ).all()
    assert [g[0] for g in got] == encounters


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_damaged_835_posts_all_or_nothing(agency: Agency, data: st.DataObject) -> None:
    text, _ = _answer_without_line_numbers(agency, 1)
    segments = text.split("~")
    cut = data.draw(st.integers(0, len(segments) - 1))
    how = data.draw(st.sampled_from(["drop", "duplicate", "garble"]))
    if how == "drop":
        del segments[cut]
    elif how == "duplicate":
        segments.insert(cut, segments[cut])
    else:
        segments[cut] = segments[cut][::-1]
    damaged = "~".join(segments).encode()
    with agency.store.unit_of_work() as uow:
        before = uow.connection.execute(
            sa.select(sa.func.count()).select_from(remittance_lines)
        ).scalar_one()
    try:
        result = post(agency.store, damaged, actor="test")
    except X12Error:
        result = None
    with agency.store.unit_of_work() as uow:
        after = uow.connection.execute(
            sa.select(sa.func.count()).select_from(remittance_lines)
        ).scalar_one()
    if result is None or result.duplicate:
        assert after == before
    else:
        assert after == before + result.claims + result.lines


def test_a_claim_file_needs_the_agency_phone(tmp_path: Path) -> None:
    from caseledger.facts.dataset import write_dataset
    from tests.rules.scenario import Scenario

    s = Scenario()
    s.encounter("cpr", dt.date(2025, 1, 8))
    s.row("agency", agency_id="A1")["phone"] = None
    write_dataset(s.dataset(), tmp_path / "data")
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert import_dataset(store, tmp_path / "data", actor="test").committed
        with pytest.raises(ClaimsError, match="phone"):
            build(store, load_policy(), load_profile(), as_of=dt.date(2025, 2, 1), actor="test")
        with store.unit_of_work() as uow:
            files = uow.connection.execute(sa.select(sa.func.count()).select_from(claim_lines))
            assert files.scalar_one() == 0  # nothing recorded


def test_remit_report_on_the_command_line(agency: Agency, answered: Answered) -> None:
    import json

    from typer.testing import CliRunner

    from caseledger.cli import app

    assert not answered.posted.duplicate
    url = str(agency.store.engine.url)
    done = CliRunner().invoke(
        app,
        ["--db", url, "remit", "report", "--as-of", agency.as_of.isoformat(), "--format", "json"],
    )
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["totals"]["lines_answered"] >= agency.first.lines
    predicted = [d for d in body["denials"] if d["encounter_id"] == agency.suppressed]
    assert [(d["carc"], d["verdict"], d["rules"]) for d in predicted] == [
        ("18", "predicted", ["GEN-DUPLICATE"])
    ]
