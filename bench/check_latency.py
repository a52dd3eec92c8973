"""Single-encounter check latency, with a client holding 2,000 prior encounters in a SQLite store.

Each timed check reads the encounter's slice from the store (through the repositories, so the reads
are access-logged) and runs every rule on it with the rules compiled once. From the second check
on, the client's history is the one the store keeps while its encounters are unchanged; the
second row measures checks with nothing kept, as the first check of a client after a change is.
The baseline is the plain batch path on the same slice: build every rule and run them, per call.

    python bench/check_latency.py --prior 2000 --checks 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import percentile
from tests.rules.scenario import Scenario, policy

from caseledger.audit.check import EncounterChecker
from caseledger.audit.engine import run_audit
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from caseledger.store.histories import Histories
from caseledger.store.importer import import_dataset
from caseledger.store.slices import encounter_slice

AS_OF = dt.date(2025, 3, 15)


def build_store(folder: Path, prior: int) -> tuple[str, list[str]]:
    s = Scenario()
    s.row("enrollments", client_id="C-CPR")["start_date"] = dt.date(2018, 1, 1)
    s.row("plans", plan_id="P-CPR")["start_date"] = dt.date(2018, 1, 1)
    s.row("plans", plan_id="P-CPR")["signed_on"] = dt.date(2018, 1, 1)
    s.row("diagnoses", client_id="C-CPR")["start_date"] = dt.date(2018, 1, 1)
    first = AS_OF - dt.timedelta(days=prior + 10)
    ids = [s.encounter("cpr", first + dt.timedelta(days=i))["encounter_id"] for i in range(prior)]
    write_dataset(s.dataset(), folder / "data")
    url = f"sqlite:///{folder / 'store.db'}"
    with Store.open(url) as store:
        report = import_dataset(store, folder / "data", actor="bench")
        assert report.committed, [str(p) for p in report.problems[:5]]
    return url, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prior", type=int, default=2000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--baseline-checks", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url, ids = build_store(Path(tmp), args.prior)
        pol = policy()
        checker = EncounterChecker(pol)
        with Store.open(url) as store:
            warm, _ = _slice(store, ids[0])
            checker.check(warm, ids[0], as_of=AS_OF)  # compile once, as a long-lived server would
            timings, load = [], []
            for _ in range(args.checks):
                eid = rng.choice(ids)
                t0 = time.perf_counter()
                dataset, _ = _slice(store, eid)
                t1 = time.perf_counter()
                checker.check(dataset, eid, as_of=AS_OF)
                timings.append(time.perf_counter() - t0)
                load.append(t1 - t0)
            cold = []
            store.histories = Histories(capacity=0)
            for _ in range(args.checks // 2):
                eid = rng.choice(ids)
                t0 = time.perf_counter()
                dataset, _ = _slice(store, eid)
                checker.check(dataset, eid, as_of=AS_OF)
                cold.append(time.perf_counter() - t0)
            base = []
            for _ in range(args.baseline_checks):
                eid = rng.choice(ids)
                t0 = time.perf_counter()
                dataset, _ = _slice(store, eid)
                run_audit(facts_from_dataset(dataset), pol, as_of=AS_OF)
                base.append(time.perf_counter() - t0)
    print(f"client with {args.prior:,} prior encounters; SQLite store")
    print(f"{'':34}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, xs in (
        ("check (rules compiled once)", timings),
        ("  of which: reading the slice", load),
        ("check, no history kept", cold),
        ("baseline (build rules per call)", base),
    ):
        ms = [x * 1000 for x in xs]
        if not ms:
            continue
        print(
            f"{name:34}{len(ms):6}{percentile(ms, 0.5):10.1f}{percentile(ms, 0.95):10.1f}"
            f"{max(ms):10.1f}"
        )


def _slice(store: Store, eid: str):  # type: ignore[no-untyped-def]
    with store.unit_of_work(actor="bench") as uow:
        return encounter_slice(uow, eid)


if __name__ == "__main__":
    main()
