"""The 835 reader and writer: write → read gives the same remittances, every structural problem is
an X12Error naming its segment (and nothing else ever escapes, whatever the damage), reading is
all or nothing, and pyx12 finds nothing wrong with what the writer produces."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.claims.remittance import (
    ADJUSTMENT_GROUPS,
    CLAIM_STATUSES,
    FILING_INDICATORS,
    Address,
    Adjustment,
    BankAccount,
    ClaimPayment,
    Contact,
    Patient,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    read_835,
    write_835,
)
from caseledger.claims.x12 import Delimiters, X12Error, tokenize
from tests.claims.pyx12_check import pyx12_errors

D = Decimal
WHEN = dt.datetime(2024, 2, 1, 9, 30)

# Synthetic people: these values must never appear in an error message.
PHI = ("ZEBULON", "QUINTESSA", "MBR99887766", "YARROW", "BARTHOLOMEW", "MBR11223344",
       "PCNA0001", "PCNB0002", "20240105", "20240107")  # fmt: skip


def sample(payee_npi: str | None = "1234567893") -> Remittance:
    line1 = ServicePayment(
        "H0031", D("120.00"), D("90.00"), modifiers=("HO",), units_paid=D("4"),
        service_date=dt.date(2024, 1, 5), line_item_control_number="ENC0001",
        allowed_amount=D("90"), adjustments=(Adjustment("CO", "45", D("30.00")),),
        remarks=("N381",),
    )  # fmt: skip
    line2 = ServicePayment(
        "H2017", D("50"), D("0"), modifiers=("HE", "U1"), units_paid=D("2"),
        original_procedure_code="H2017", original_modifiers=("HE",), original_units=D("3"),
        service_start=dt.date(2024, 1, 6), service_end=dt.date(2024, 1, 7),
        adjustments=(
            Adjustment("CO", "96", D("40"), D("1")),
            Adjustment("CO", "45", D("5")),
            Adjustment("PR", "2", D("5")),
        ),
    )  # fmt: skip
    first = ClaimPayment(
        "PCNA0001", "1", D("170"), D("85.00"), "MC", "ICN20240001",
        Patient("ZEBULON", "QUINTESSA", "MI", "MBR99887766"), patient_responsibility=D("5"),
        adjustments=(Adjustment("OA", "23", D("5")),), services=(line1, line2),
        statement_from=dt.date(2024, 1, 5), statement_to=dt.date(2024, 1, 7),
    )  # fmt: skip
    second = ClaimPayment(
        "PCNB0002", "4", D("75"), D("0"), "MC", "ICN20240002",
        Patient("YARROW", "BARTHOLOMEW", "MI", "MBR11223344"),
        adjustments=(Adjustment("CO", "29", D("75")),), received=dt.date(2024, 1, 20),
    )  # fmt: skip
    return Remittance(
        "MO HEALTHNET", "1436000000",
        Address("PO BOX 6500", "JEFFERSON CITY", "MO", "651026500"),
        Contact("EDI HELP DESK", (("TE", "5737514896"), ("EM", "EDI@EXAMPLE.ORG"))),
        "EXAMPLE BEHAVIORAL HEALTH", payee_npi, D("75.00"), "CHK", dt.date(2024, 2, 1),
        "CHK000123", claims=(first, second),
        provider_adjustments=(
            ProviderAdjustment("1234567893", dt.date(2024, 12, 31), "WO", D("10"), "OVERPAY1"),
        ),
        production_date=dt.date(2024, 1, 31), payee_tax_id="431234567",
    )  # fmt: skip


def write(*remittances: Remittance, **options: Any) -> str:
    return write_835(
        remittances, sender="MOHEALTHNET", receiver="AGENCY01", control_number=42, when=WHEN,
        **options,
    )  # fmt: skip


def segments_of(text: str) -> list[str]:
    return [s for s in text.split("~") if s]


def join(segments: list[str]) -> str:
    return "~".join(segments) + "~"


def error_of(text: str) -> X12Error:
    with pytest.raises(X12Error) as caught:
        read_835(text)
    err = caught.value
    assert not any(value in str(err) for value in PHI), str(err)
    return err


def recount(segments: list[str]) -> list[str]:
    """The segments with each SE01 counted again, after segments were taken out or put in."""
    out = list(segments)
    start = 0
    for i, seg in enumerate(out):
        if seg.startswith("ST*"):
            start = i
        elif seg.startswith("SE*"):
            out[i] = f"SE*{i - start + 1}*{seg.split('*')[2]}"
    return out


def position_of(segments: list[str], prefix: str, nth: int = 0) -> int:
    """The 1-based position of the nth segment starting with prefix."""
    hits = [i + 1 for i, s in enumerate(segments) if s.startswith(prefix)]
    return hits[nth]


# --- write, then read ------------------------------------------------------------------------


def test_write_then_read_gives_the_same_remittances() -> None:
    original = [sample(), sample(payee_npi=None)]
    assert read_835(write(*original)) == original
    assert read_835(write(*original, newline=True).encode()) == original
    odd = Delimiters(element="|", component="<", repetition="!", segment="\n")
    assert read_835(write(*original, delimiters=odd)) == original


def test_the_written_835_has_the_guide_s_layout() -> None:
    segs = segments_of(write(sample()))
    ids = [s.split("*")[0] for s in segs]
    assert ids[:13] == [
        "ISA", "GS", "ST", "BPR", "TRN", "DTM", "N1", "N3", "N4", "PER", "N1", "REF", "LX",
    ]  # fmt: skip
    assert segs[1].startswith("GS*HP*MOHEALTHNET*AGENCY01*20240201*0930*42*X*005010X221A1")
    assert segs[2] == "ST*835*0001"
    assert segs[3] == "BPR*I*75*C*CHK************20240201"
    assert "SVC*HC:H2017:HE:U1*50*0**2*HC:H2017:HE*3" in segs
    assert "CAS*CO*96*40*1*45*5" in segs
    assert "PLB*1234567893*20241231*WO:OVERPAY1*10" in segs
    assert segs[-3] == f"SE*{len(segs) - 4}*0001"


def test_one_cas_holds_six_triplets_and_the_reader_expands_them() -> None:
    r = sample()
    adjustments = tuple(Adjustment("CO", str(n), D("1")) for n in range(1, 9))
    line = dataclasses.replace(
        r.claims[1].services[0] if r.claims[1].services else r.claims[0].services[0],
        charge=D("8"), paid=D("0"), adjustments=adjustments,
    )  # fmt: skip
    claim = dataclasses.replace(
        r.claims[1], charge=D("8"), paid=D("0"), adjustments=(), services=(line,)
    )
    r = dataclasses.replace(r, claims=(claim,), payment_amount=D("-10"))
    text = write(r)
    cas = [s for s in segments_of(text) if s.startswith("CAS")]
    assert cas == ["CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1", "CAS*CO*7*1**8*1"]
    assert read_835(text)[0].claims[0].services[0].adjustments == adjustments


def test_an_ach_payment_keeps_its_bank_details() -> None:
    r = dataclasses.replace(
        sample(), payment_method="ACH", payment_format="CCP",
        sender_bank=BankAccount("01", "091000019", "DA", "1234567"),
        receiver_bank=BankAccount("01", "081000032", "DA", "7654321"),
    )  # fmt: skip
    text = write(r)
    assert (
        "BPR*I*75*C*ACH*CCP*01*091000019*DA*1234567*1436000000**01*081000032*DA*7654321*20240201"
        in text
    )
    assert read_835(text) == [r]


def test_a_handwritten_835_reads_as_the_guide_says() -> None:
    text = (
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*AGENCY         *240201*0930*^*"
        "00501*000000001*0*P*:~\n"
        "GS*HP*PAYER*AGENCY*20240201*0930*1*X*005010X221A1~\n"
        "ST*835*1001~BPR*I*55.5*C*NON************20240201~TRN*1*EFT1*1999999999~"
        "N1*PR*A PAYER~N3*1 MAIN ST~N4*ST LOUIS*MO*63101~PER*CX*CLAIMS*TE*3145550000~"
        "PER*BL*EDI*TE*3145550001*EX*12~N1*PE*AN AGENCY*FI*431234567~LX*1~"
        "CLP*P1*2*100*55.50*12.5*MC*ICN1~CAS*PR*1*12.5**2*10~"
        "NM1*QC*1*ZEBULON*QUINTESSA****MI*MBR99887766~NM1*82*1*DOC*A****XX*1234567893~"
        "SVC*HC:90837*100*78~DTM*472*20240105~CAS*CO*45*22.0~REF*6R*L1~LQ*HE*N381~"
        "LQ*HE*M15~SE*21*1001~GE*1*1~IEA*1*000000001~"
    )
    (r,) = read_835(text)
    assert r.payment_amount == D("55.50") and r.payment_method == "NON"
    assert r.payer_contact == Contact("EDI", (("TE", "3145550001"), ("EX", "12")))
    assert r.payee_npi is None and r.payee_tax_id == "431234567"
    (claim,) = r.claims
    assert claim.status == "2" and claim.patient_responsibility == D("12.5")
    assert claim.adjustments == (
        Adjustment("PR", "1", D("12.5")), Adjustment("PR", "2", D("10")),
    )  # fmt: skip
    assert claim.patient == Patient("ZEBULON", "QUINTESSA", "MI", "MBR99887766")
    (line,) = claim.services
    assert (line.qualifier, line.procedure_code, line.modifiers) == ("HC", "90837", ())
    assert line.units_paid is None and line.service_date == dt.date(2024, 1, 5)
    assert line.remarks == ("N381", "M15") and line.line_item_control_number == "L1"


# --- errors name their segment ---------------------------------------------------------------


def test_an_unknown_cas_group_is_its_cas_segment() -> None:
    segs = segments_of(write(sample()))
    at = position_of(segs, "CAS*CO*45*30")
    segs[at - 1] = "CAS*XX*45*30"
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (at, "CAS", "CAS01")
    assert "'XX'" in str(err) and "CO, OA, PI, PR" in str(err)


def test_an_unknown_claim_status_is_its_clp_segment() -> None:
    segs = segments_of(write(sample()))
    at = position_of(segs, "CLP*", 1)
    segs[at - 1] = segs[at - 1].replace("*4*", "*9*")
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (at, "CLP", "CLP02")


def test_a_claim_that_does_not_balance_is_its_clp_segment() -> None:
    segs = segments_of(write(sample()))
    at = position_of(segs, "CAS*OA*23*5")
    segs[at - 1] = "CAS*OA*23*6"
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (position_of(segs, "CLP*"), "CLP", "CLP04")
    assert "off by -1" in str(err)


def test_a_line_that_does_not_balance_is_its_svc_segment() -> None:
    segs = segments_of(write(sample()))
    at = position_of(segs, "CAS*CO*45*30")
    segs[at - 1] = "CAS*CO*45*31"
    err = error_of(join(segs))
    assert (err.segment, err.segment_id) == (position_of(segs, "SVC*"), "SVC")


def test_a_payment_that_does_not_balance_is_its_bpr_segment() -> None:
    segs = segments_of(write(sample()))
    segs[3] = segs[3].replace("BPR*I*75*", "BPR*I*76*")
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (4, "BPR", "BPR02")


def test_missing_bpr_trn_patient_and_bad_amounts() -> None:
    segs = segments_of(write(sample()))
    err = error_of(join(recount([*segs[:3], *segs[4:]])))  # no BPR: TRN stands first
    assert (err.segment, err.segment_id, err.expected) == (4, "TRN", "BPR")
    err = error_of(join(recount([*segs[:4], *segs[5:]])))
    assert (err.segment, err.expected) == (5, "TRN")
    at = position_of(segs, "NM1*QC", 1)
    err = error_of(join(recount(segs[: at - 1] + segs[at:])))
    assert (err.segment, err.expected) == (position_of(segs, "CLP*", 1), "NM1*QC")
    for bad in ("1E2", "NaN", "12,5", "+5", " 5", "1_0", "--1", "", "١٢"):
        broken = list(segs)
        broken[position_of(segs, "SVC*") - 1] = f"SVC*HC:H0031:HO*{bad}*90**4"
        err = error_of(join(broken))
        assert (err.segment, err.element) == (position_of(segs, "SVC*"), "SVC02")


def test_an_unknown_segment_id_is_not_quoted() -> None:
    segs = segments_of(write(sample()))
    at = position_of(segs, "NM1*QC")
    segs.insert(at, "DOE*JANE")
    err = error_of(join(recount(segs)))
    assert (err.segment, err.segment_id) == (at + 1, "?")
    assert "DOE" not in str(err)


def test_the_writer_refuses_what_the_guide_would_not_accept() -> None:
    r = sample()
    with pytest.raises(ValueError, match="payment does not balance"):
        write(dataclasses.replace(r, payment_amount=D("1")))
    bad_claim = dataclasses.replace(r.claims[1], paid=D("1"))
    with pytest.raises(ValueError, match="claim does not balance"):
        write(dataclasses.replace(r, claims=(r.claims[0], bad_claim)))
    with pytest.raises(ValueError, match="status"):
        write(dataclasses.replace(r, claims=(dataclasses.replace(r.claims[0], status="9"),)))
    with pytest.raises(ValueError, match="NPI or a tax id"):
        write(dataclasses.replace(r, payee_npi=None, payee_tax_id=None))
    with pytest.raises(X12Error):
        write(dataclasses.replace(r, payer_name="A*B"))
    too_long = dataclasses.replace(r.claims[1], patient_control_number="PCNB0002" * 5)
    with pytest.raises(ValueError, match="CLP01 is 40 characters long") as caught:
        write(dataclasses.replace(r, claims=(r.claims[0], too_long)))
    assert "PCNB0002" not in str(caught.value)
    with pytest.raises(ValueError, match="TRN03"):
        write(dataclasses.replace(r, payer_id="1234"))


# --- properties ------------------------------------------------------------------------------

WORD = st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=8)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
CODE = st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=2)
DAY = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
MONEY = st.integers(-(10**7), 10**7).map(lambda c: Decimal(c).scaleb(-2))
PLUS = st.integers(0, 10**7).map(lambda c: Decimal(c).scaleb(-2))
UNITS = st.integers(1, 9999).map(lambda c: Decimal(c).scaleb(-1))
REASONS = st.sampled_from(["1", "2", "3", "16", "23", "29", "45", "96", "97", "253", "B7"])
REMARKS = st.sampled_from(["N381", "MA130", "N130", "M15", "N362"])


@st.composite
def adjustments(draw: st.DrawFn, max_size: int = 8) -> tuple[Adjustment, ...]:
    return tuple(
        draw(
            st.lists(
                st.builds(
                    Adjustment, st.sampled_from(sorted(ADJUSTMENT_GROUPS)), REASONS, MONEY,
                    st.none() | UNITS,
                ),
                max_size=max_size,
            )
        )
    )  # fmt: skip


@st.composite
def service_lines(draw: st.DrawFn) -> ServicePayment:
    charge = draw(PLUS)
    adj = draw(adjustments())
    dates: dict[str, Any] = draw(
        st.sampled_from(["one", "range", "none"]).flatmap(
            lambda kind: st.fixed_dictionaries(
                {"service_date": DAY} if kind == "one"
                else {"service_start": DAY, "service_end": DAY} if kind == "range" else {}
            )
        )
    )  # fmt: skip
    original = draw(st.none() | st.tuples(WORD, st.lists(CODE, max_size=4).map(tuple), UNITS))
    return ServicePayment(
        procedure_code=draw(WORD),
        charge=charge,
        paid=charge - sum((a.amount for a in adj), Decimal(0)),
        modifiers=tuple(draw(st.lists(CODE, max_size=4))),
        units_paid=draw(st.none() | UNITS),
        original_procedure_code=original[0] if original else None,
        original_modifiers=original[1] if original else (),
        original_units=original[2] if original else None,
        line_item_control_number=draw(st.none() | WORD),
        allowed_amount=draw(st.none() | PLUS),
        adjustments=adj,
        remarks=tuple(draw(st.lists(REMARKS, max_size=3))),
        **dates,
    )


@st.composite
def claim_payments(draw: st.DrawFn) -> ClaimPayment:
    lines = tuple(draw(st.lists(service_lines(), max_size=3)))
    adj = draw(adjustments(max_size=3))
    charge = sum((ln.charge for ln in lines), Decimal(0)) if lines else draw(PLUS)
    adjusted = sum((a.amount for a in adj), Decimal(0)) + sum(
        (a.amount for ln in lines for a in ln.adjustments), Decimal(0)
    )
    member = draw(st.none() | WORD)
    patient = Patient(
        draw(st.none() | NAME), draw(st.none() | NAME), "MI" if member else None, member
    )
    return ClaimPayment(
        patient_control_number=draw(WORD),
        status=draw(st.sampled_from(sorted(CLAIM_STATUSES))),
        charge=charge,
        paid=charge - adjusted,
        filing_indicator=draw(st.sampled_from(sorted(FILING_INDICATORS))),
        payer_claim_control_number=draw(WORD),
        patient=patient,
        patient_responsibility=draw(st.none() | PLUS),
        adjustments=adj,
        services=lines,
        statement_from=draw(st.none() | DAY),
        statement_to=draw(st.none() | DAY),
        received=draw(st.none() | DAY),
    )


@st.composite
def remittances(draw: st.DrawFn, one_plb: bool = False) -> Remittance:
    """Balanced remittances. ``one_plb`` keeps the provider adjustments to what one PLB segment
    holds: the guide lets PLB repeat, but pyx12 4.0 counts a second PLB as a second footer loop
    and reports it."""
    claims = tuple(draw(st.lists(claim_payments(), max_size=3)))
    providers = ["1234567893"] if one_plb else ["1234567893", "1992999999"]
    periods = [dt.date(2024, 12, 31)] if one_plb else [dt.date(2024, 12, 31), dt.date(2025, 12, 31)]
    plb = tuple(
        draw(
            st.lists(
                st.builds(
                    ProviderAdjustment, st.sampled_from(providers), st.sampled_from(periods),
                    st.sampled_from(["WO", "FB", "L6", "72", "CS"]), MONEY, st.none() | WORD,
                ),
                max_size=6 if one_plb else 8,
            )
        )
    )  # fmt: skip
    paid = sum((c.paid for c in claims), Decimal(0)) - sum((p.amount for p in plb), Decimal(0))
    ach = draw(st.booleans())
    bank = st.builds(BankAccount, st.just("01"), st.just("091000019"), st.just("DA"), WORD)
    npi = draw(st.none() | st.just("1234567893"))
    return Remittance(
        payer_name=draw(NAME),
        payer_id="1" + draw(st.text(string.digits, min_size=9, max_size=9)),
        payer_address=Address(
            draw(NAME), draw(NAME), "MO", draw(st.text(string.digits, min_size=5, max_size=9)),
            draw(st.none() | NAME),
        ),
        payer_contact=Contact(draw(st.none() | NAME), (("TE", draw(WORD)),)),
        payee_name=draw(NAME),
        payee_npi=npi,
        payee_tax_id="431234567" if npi is None else draw(st.none() | st.just("431234567")),
        payment_amount=paid,
        payment_method="ACH" if ach else draw(st.sampled_from(["CHK", "NON", "BOP", "FWT"])),
        payment_format="CCP" if ach else None,
        sender_bank=draw(bank) if ach else None,
        receiver_bank=draw(bank) if ach else None,
        payment_date=draw(DAY),
        trace_number=draw(WORD),
        production_date=draw(st.none() | DAY),
        claims=claims,
        provider_adjustments=plb,
        handling_code=draw(st.sampled_from(["I", "H", "C"])),
    )  # fmt: skip


@given(st.lists(remittances(), min_size=1, max_size=3), st.booleans())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_balanced_remittance_round_trips(original: list[Remittance], newline: bool) -> None:
    assert read_835(write(*original, newline=newline)) == original


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A valid two-set 835, damaged one to three times."""
    segs = segments_of(write(sample(), sample(payee_npi=None)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["drop", "duplicate", "swap", "flip", "truncate"]))
        if kind in ("drop", "duplicate", "swap") and segs:
            k = draw(st.integers(0, len(segs) - 1))
            if kind == "drop":
                del segs[k]
            elif kind == "duplicate":
                segs.insert(k, segs[k])
            else:
                j = draw(st.integers(0, len(segs) - 1))
                segs[k], segs[j] = segs[j], segs[k]
            continue
        text = join(segs)
        if not text:
            break
        p = draw(st.integers(0, len(text) - 1))
        if kind == "flip":
            c = draw(st.sampled_from("*:^~\n\r 0-.9AZ" + "é\x00") | st.characters())
            text = text[:p] + c + text[p + 1 :]
        else:
            text = text[:p]
        return text  # a change of characters is the last one made
    return join(segs)


@given(damaged())
def test_damage_is_read_or_refused_with_an_x12_error_and_never_half_read(text: str) -> None:
    try:
        result = read_835(text)
    except X12Error as err:
        assert not any(value in str(err) for value in PHI), str(err)
        assert err.segment >= 1
        return
    # All or nothing: when it reads, every transaction set in the file is there.
    _, segs = tokenize(text)
    assert len(result) == sum(1 for s in segs if s[0] == "ST")
    assert all(isinstance(r, Remittance) for r in result)


@given(st.integers(0, 2), st.sampled_from(["payment", "claim", "line"]))
def test_one_bad_set_among_good_ones_yields_nothing(bad: int, what: str) -> None:
    sets = [sample(), sample(payee_npi=None), sample()]
    text = write(*sets)
    pieces = text.split("ST*835*")
    target = pieces[bad + 1]
    if what == "payment":
        target = target.replace("BPR*I*75*", "BPR*I*74*", 1)
    elif what == "claim":
        target = target.replace("CAS*OA*23*5~", "CAS*OA*23*4~", 1)
    else:
        target = target.replace("CAS*CO*45*30~", "CAS*CO*45*29~", 1)
    pieces[bad + 1] = target
    with pytest.raises(X12Error):
        read_835("ST*835*".join(pieces))
    assert len(read_835(text)) == 3


# --- pyx12 -----------------------------------------------------------------------------------


def test_pyx12_finds_nothing_wrong_with_the_written_835() -> None:
    assert pyx12_errors(write(sample(), sample(payee_npi=None))) == []


def test_pyx12_reports_a_deliberately_broken_835() -> None:
    segs = segments_of(write(sample()))
    segs[position_of(segs, "CLP*") - 1] = segs[position_of(segs, "CLP*") - 1].replace("*1*", "*9*")
    at = position_of(segs, "NM1*QC", 1)
    del segs[at - 1]
    errors = pyx12_errors(join(segs))
    assert any("Claim Status Code" in e for e in errors), errors
    assert any('Mandatory segment "Patient Name"' in e for e in errors), errors
    assert any("SE count" in e for e in errors), errors


@given(st.lists(remittances(one_plb=True), min_size=1, max_size=2))
@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow])
def test_pyx12_finds_nothing_wrong_with_any_written_835(original: list[Remittance]) -> None:
    assert pyx12_errors(write(*original)) == []
