"""835 reading speed: read_835 against pyx12 and edi-835-parser on one large remittance.

The run writes one synthetic 835 with write_835 (by default 20,000 claims of 5 service lines
each, 100,000 lines; made-up ids and names, no real people) under bench/out/remit/, then each
parser reads it in a fresh child process, so each one's time and peak memory are its own (the
writing happens in a child as well, leaving this process small):

- ours: read_835, which checks the envelopes, the codes and every balancing rule;
- pyx12: its context reader walking the 005010X221A1 map, collecting each claim's loop (2100);
- edi-835-parser: its parse() (warnings silenced, it warns on every LX, claim CAS and PLB).

The "parse s" column is timed inside the child around reading the file and parsing it; "wall s"
is the whole child, interpreter start and imports included. pyx12 is slow on a file this size:
--pyx12-claims N gives it a file of the first N claims instead, and the output says so.

    python bench/remit_parse.py
    python bench/remit_parse.py --claims 2000 --pyx12-claims 500
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import in_child

from caseledger.claims.remittance import (
    Address,
    Adjustment,
    ClaimPayment,
    Contact,
    Patient,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    write_835,
)

OURS = """
import json, time
from pathlib import Path
from caseledger.claims.remittance import read_835
start = time.perf_counter()
remittances = read_835(Path({path!r}).read_bytes())
parse = time.perf_counter() - start
print(json.dumps({{"parse_s": parse, "claims": sum(len(r.claims) for r in remittances),
                   "lines": sum(len(c.services) for r in remittances for c in r.claims)}}))
"""

PYX12 = """
import json, logging, time
import pyx12.error_handler, pyx12.params, pyx12.x12context
logging.getLogger("pyx12").setLevel(logging.CRITICAL)
start = time.perf_counter()
claims = lines = 0
with open({path!r}) as fd:
    reader = pyx12.x12context.X12ContextReader(
        pyx12.params.params(), pyx12.error_handler.errh_null(), fd
    )
    for node in reader.iter_segments("2100"):
        if node.id == "2100":  # the segments outside any claim come one by one
            claims += 1
            lines += sum(1 for _ in node.select("2110"))
parse = time.perf_counter() - start
print(json.dumps({{"parse_s": parse, "claims": claims, "lines": lines}}))
"""

EDI_835_PARSER = """
import json, time, warnings
warnings.simplefilter("ignore")
import edi_835_parser
start = time.perf_counter()
sets = edi_835_parser.parse({path!r})
parse = time.perf_counter() - start
print(json.dumps({{"parse_s": parse,
                   "claims": sum(len(t.claims) for t in sets.transaction_sets),
                   "lines": sum(len(c.services) for t in sets.transaction_sets
                                for c in t.claims)}}))
"""

GENERATE = """
import json, sys
sys.path.insert(0, {bench!r})
from pathlib import Path
from remit_parse import prefix_of, synthetic, write_file
full = synthetic({claims}, {lines})
seconds = write_file(Path({path!r}), full)
if {prefix!r} is not None:
    write_file(Path({prefix_path!r}), prefix_of(full, {prefix!r}))
print(json.dumps({{"write_s": seconds}}))
"""

PROCEDURES = [
    ("H0031", ()), ("H0032", ("HO",)), ("H2017", ("HE",)), ("H0004", ("HO", "U1")),
    ("90837", ()), ("H2019", ("HE", "UK")), ("T1017", ()), ("H0036", ("HE",)),
]  # fmt: skip
SURNAMES = ["ALDERWOOD", "BRIGHTWATER", "COPPERFIELD", "DUNMORE", "EVERGREEN", "FAIRWEATHER"]
GIVEN = ["ASTER", "BIRCH", "CEDAR", "DAHLIA", "ELM", "FERN", "GORSE", "HAZEL"]
CENT = Decimal("0.01")


def synthetic(claims: int, lines_per_claim: int, seed: int = 835) -> Remittance:
    """One payment of ``claims`` claims: lines paid in full, written down (CO 45), denied
    (CO 96 with a remark) or left partly to the patient (PR 2); every amount balances."""
    rng = random.Random(seed)
    first_day = dt.date(2024, 1, 1)
    out = []
    for n in range(claims):
        lines = []
        for k in range(lines_per_claim):
            code, modifiers = rng.choice(PROCEDURES)
            units = Decimal(rng.randint(1, 16))
            rate = Decimal(rng.randint(1500, 4800)) / 100
            charge = (units * rate).quantize(CENT)
            outcome = rng.random()
            adjustments: tuple[Adjustment, ...] = ()
            remarks: tuple[str, ...] = ()
            if outcome < 0.55:
                paid = charge
            elif outcome < 0.8:
                paid = (charge * Decimal("0.85")).quantize(CENT)
                adjustments = (Adjustment("CO", "45", charge - paid),)
            elif outcome < 0.92:
                paid = Decimal(0)
                adjustments = (Adjustment("CO", "96", charge, units),)
                remarks = ("N130",)
            else:
                copay = Decimal(rng.randint(1, 10))
                paid = charge - copay
                adjustments = (Adjustment("PR", "2", copay),)
            lines.append(
                ServicePayment(
                    procedure_code=code, modifiers=modifiers, charge=charge, paid=paid,
                    units_paid=units, service_date=first_day + dt.timedelta(rng.randint(0, 89)),
                    line_item_control_number=f"E{n:07d}{k:02d}", allowed_amount=paid,
                    adjustments=adjustments, remarks=remarks,
                )
            )  # fmt: skip
        charge = sum((ln.charge for ln in lines), Decimal(0))
        paid = sum((ln.paid for ln in lines), Decimal(0))
        days = [ln.service_date for ln in lines if ln.service_date]
        out.append(
            ClaimPayment(
                patient_control_number=f"C{n:08d}", status="1" if paid else "4",
                charge=charge, paid=paid, filing_indicator="MC",
                payer_claim_control_number=f"{2024000000000 + n}",
                patient=Patient(rng.choice(SURNAMES), rng.choice(GIVEN), "MI",
                                f"{rng.randint(10**7, 10**8 - 1)}"),
                patient_responsibility=sum(
                    (a.amount for ln in lines for a in ln.adjustments if a.group == "PR"),
                    Decimal(0),
                ),
                services=tuple(lines), statement_from=min(days), statement_to=max(days),
            )
        )  # fmt: skip
    plb = (ProviderAdjustment("1234567893", dt.date(2024, 12, 31), "WO", Decimal("125.00"), "R1"),)
    total = sum((c.paid for c in out), Decimal(0)) - plb[0].amount
    return Remittance(
        payer_name="SYNTHETIC STATE MEDICAID", payer_id="1999999999",
        payer_address=Address("PO BOX 1", "JEFFERSON CITY", "MO", "65102"),
        payer_contact=Contact("EDI SUPPORT", (("TE", "5735550100"),)),
        payee_name="SYNTHETIC BEHAVIORAL HEALTH", payee_npi="1234567893",
        payment_amount=total, payment_method="CHK", payment_date=dt.date(2024, 4, 15),
        trace_number="CHK0000001", claims=tuple(out), provider_adjustments=plb,
        production_date=dt.date(2024, 4, 12),
    )  # fmt: skip


def prefix_of(full: Remittance, claims: int) -> Remittance:
    """The same payment cut to its first ``claims`` claims, still balanced."""
    head = full.claims[:claims]
    paid = sum((c.paid for c in head), Decimal(0))
    plb = sum((p.amount for p in full.provider_adjustments), Decimal(0))
    return dataclasses.replace(full, claims=head, payment_amount=paid - plb)


def write_file(path: Path, remittance: Remittance) -> float:
    start = time.perf_counter()
    text = write_835(
        [remittance], sender="SYNTHPAYER", receiver="SYNTHAGENCY", control_number=1,
        when=dt.datetime(2024, 4, 12, 6, 0), newline=True,
    )  # fmt: skip
    path.write_text(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--lines-per-claim", type=int, default=5)
    parser.add_argument(
        "--pyx12-claims", type=int, default=None,
        help="give pyx12 a file of the first N claims only (it is slow on the full file)",
    )  # fmt: skip
    args = parser.parse_args()
    out = Path(__file__).resolve().parent / "out" / "remit"
    out.mkdir(parents=True, exist_ok=True)

    # The files are written in a child too: a child's peak memory counts what it shared with
    # this process when it started, so this one stays small.
    path = out / f"remit-{args.claims}x{args.lines_per_claim}.835"
    pyx12_path = path
    if args.pyx12_claims is not None and args.pyx12_claims < args.claims:
        pyx12_path = out / f"remit-{args.pyx12_claims}x{args.lines_per_claim}.835"
    made = in_child(
        GENERATE.format(
            bench=str(Path(__file__).resolve().parent), claims=args.claims,
            lines=args.lines_per_claim, path=str(path),
            prefix=args.pyx12_claims if pyx12_path != path else None, prefix_path=str(pyx12_path),
        )
    )  # fmt: skip
    lines = args.claims * args.lines_per_claim
    print(f"wrote {path.name}: {args.claims:,} claims, {lines:,} service lines, "
          f"{path.stat().st_size / 2**20:.1f} MiB, in {made['write_s']:.1f} s")  # fmt: skip
    if pyx12_path != path:
        print(f"pyx12 reads a file of the first {args.pyx12_claims:,} claims only "
              f"({pyx12_path.stat().st_size / 2**20:.1f} MiB)")  # fmt: skip

    runs = [
        ("ours (read_835)", OURS.format(path=str(path))),
        ("pyx12", PYX12.format(path=str(pyx12_path))),
        ("edi-835-parser", EDI_835_PARSER.format(path=str(path))),
    ]
    print(f"{'parser':18}{'claims':>9}{'lines':>10}{'parse s':>10}{'wall s':>9}{'claims/s':>11}"
          f"{'peak MiB':>10}")  # fmt: skip
    rates: dict[str, float] = {}
    for name, code in runs:
        m = in_child(code)
        rate = m["claims"] / m["parse_s"]
        rates[name] = rate
        counts = f"{m['claims']:>9,}{m['lines']:>10,}"
        speed = f"{m['parse_s']:>10.2f}{m['wall_s']:>9.2f}{rate:>11,.0f}{m['peak_rss_mib']:>10.0f}"
        print(f"{name:18}{counts}{speed}", flush=True)
    ours = rates["ours (read_835)"]
    print(
        f"ours vs pyx12: {ours / rates['pyx12']:.1f}x the claims per second"
        + (" (pyx12 on the smaller file)" if pyx12_path != path else "")
    )
    print(f"ours vs edi-835-parser: {ours / rates['edi-835-parser']:.1f}x the claims per second")


if __name__ == "__main__":
    main()
