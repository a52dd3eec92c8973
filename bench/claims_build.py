"""837P build throughput: claims and lines written per second, beside writing the same lines as CSV.

Synthetic clean lines (no audit: that is measured in audit_batch.py) for many clients are
grouped into claims and written as one 005010X222A1 interchange. The baseline, measured in the
same run, writes the same lines as CSV with the standard library: the floor of turning records
into text. Both run in their own child process, so each peak memory figure is its own.

    python bench/claims_build.py --lines 100000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import in_child

SETUP = """
import datetime as dt, json, random, time
from decimal import Decimal
from caseledger.claims.lines import BillingLine
from caseledger.facts.dataset import Dataset
rng = random.Random(7)
N, CLIENTS = {lines}, {clients}
codes = [("H2017", ()), ("H2017", ("HQ",)), ("H2017", ("HO",)), ("H0036", ())]
lines = []
for i in range(N):
    code, mods = codes[i % len(codes)]
    units = Decimal(rng.randint(1, 8))
    lines.append(BillingLine(
        encounter_id=f"E{{i:08d}}", client_id=f"C{{i % CLIENTS:05d}}", staff_id=f"S{{i % 40:03d}}",
        service_code=code, modifiers=mods, date=dt.date(2025, 1 + i % 12, 1 + i % 28),
        units=units, charge=units * Decimal("10.18"), place="community", program="cpr",
        funding="mo_healthnet", authorization_number=f"PA{{i % 997:06d}}"))
clients = [dict(client_id=f"C{{c:05d}}", first_name="Test", last_name=f"Client{{c}}",
                dob=dt.date(1980, 1, 1), sex="F", medicaid_id=f"{{10000000 + c}}",
                address_line="1 Main St", city="Columbia", state="MO", zip="65201")
           for c in range(CLIENTS)]
staff = [dict(staff_id=f"S{{s:03d}}", first_name="Staff", last_name=f"Member{{s}}",
              npi=f"{{1000000000 + s * 7919}}") for s in range(40)]
diagnoses = [dict(client_id=f"C{{c:05d}}", icd10="F20.9", rank=1, start_date=None, end_date=None)
             for c in range(CLIENTS)]
agency = [dict(agency_id="A1", name="Bench Agency", npi="1234567893", tax_id="12-3456789",
               address_line="1 Main St", city="Columbia", state="MO", zip="65201",
               phone="573-555-0199")]
dataset = Dataset({{"clients": clients, "staff": staff, "diagnoses": diagnoses, "agency": agency}})
"""

BUILD = (
    SETUP
    + """
from caseledger.claims import x12
from caseledger.claims.profile import load_profile
from caseledger.claims.x837 import group_claims, transaction
profile = load_profile()
t = time.perf_counter()
claims = group_claims(lines, profile, 1, "C1-")
when = dt.datetime(2026, 1, 31, 9, 0)
body = transaction(claims, dataset, profile, reference="000000001", created=when,
                   submitter_id="1234567893", contact={{}})
text = x12.interchange([x12.TransactionSet("837", "005010X222A1", body)], sender_id="1234567893",
                       receiver_id="MOHEALTHNET", control_number=1, functional_id="HC",
                       version="005010X222A1", when=when)
elapsed = time.perf_counter() - t
print(json.dumps({{"s": elapsed, "claims": len(claims), "bytes": len(text)}}))
"""
)

FLOOR = (
    SETUP
    + """
import csv, io
t = time.perf_counter()
out = io.StringIO()
w = csv.writer(out)
for ln in lines:
    w.writerow([ln.encounter_id, ln.client_id, ln.service_code, ":".join(ln.modifiers),
                ln.date.isoformat(), ln.units, ln.charge, ln.authorization_number])
elapsed = time.perf_counter() - t
print(json.dumps({{"s": elapsed, "bytes": len(out.getvalue())}}))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2_000)
    args = parser.parse_args()
    build = in_child(BUILD.format(lines=args.lines, clients=args.clients))
    floor = in_child(FLOOR.format(lines=args.lines, clients=args.clients))
    print(f"{args.lines:,} lines for {args.clients:,} clients")
    print(f"{'':28}{'seconds':>10}{'lines/s':>12}{'claims/s':>12}{'MiB out':>10}{'peak MiB':>10}")
    print(
        f"{'837P build':28}{build['s']:10.2f}{args.lines / build['s']:12,.0f}"
        f"{build['claims'] / build['s']:12,.0f}{build['bytes'] / 2**20:10.1f}"
        f"{build['peak_rss_mib']:10.0f}"
    )
    print(
        f"{'floor: the same lines as CSV':28}{floor['s']:10.2f}{args.lines / floor['s']:12,.0f}"
        f"{'':>12}{floor['bytes'] / 2**20:10.1f}{floor['peak_rss_mib']:10.0f}"
    )
    print(f"837P build takes {build['s'] / floor['s']:.1f}x the floor")


if __name__ == "__main__":
    main()
