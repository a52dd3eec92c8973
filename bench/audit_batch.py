"""Batch audit throughput: every structured rule over a benchmark-sized dataset, beside the floor.

The floor is one DuckDB window-function pass over the same Parquet data (a running sum of units
per client in date order, the shape of the lifetime-cap rule): no audit can read the data faster
than that. Both run in their own child process, so each peak memory figure is its own.

    python bench/audit_batch.py --encounters 10000000

The dataset is generated on first use with ``caseledger demo generate DIR --encounters N
--format parquet`` and kept under bench/out/; it is made again when a file of it lacks a column
the dataset format now has (one kept from an earlier version).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import in_child

AUDIT = """
import datetime as dt, json, os, time
os.environ.setdefault("CASELEDGER_DUCKDB_MEMORY", {memory!r})
from pathlib import Path
from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.facts.columnar import facts_from_parquet
from caseledger.facts.engines import DuckDBEngine
from caseledger.policy import load_policy
policy = load_policy()
structured = [r for r, d in builtin_rules().items() if d.kind == "structured"]
t = time.perf_counter()
facts = facts_from_parquet(Path({folder!r}), DuckDBEngine(), texts=False, policy=policy)
result = run_audit(facts, policy, as_of=dt.date.fromisoformat({as_of!r}), only=structured)
elapsed = time.perf_counter() - t
print(json.dumps({{"findings": len(result.findings), "rules": len(result.rules_checked),
                  "audit_s": elapsed}}))
"""

FLOOR = """
import json, time, duckdb
con = duckdb.connect()
t = time.perf_counter()
n = con.execute('''
  SELECT count(*), sum(running) FROM (
    SELECT sum(units) OVER (PARTITION BY client_id ORDER BY date, start_time, encounter_id
                            ROWS UNBOUNDED PRECEDING) AS running
    FROM read_parquet({path!r}))''').fetchone()
print(json.dumps({{"rows": n[0], "audit_s": time.perf_counter() - t}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encounters", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="Parquet dataset folder")
    parser.add_argument("--as-of", default="2026-01-31")
    parser.add_argument(
        "--memory", default="7GB", help="DuckDB memory limit for the audit (it spills beyond it)"
    )
    args = parser.parse_args()
    folder = args.dir or Path(__file__).resolve().parent / "out" / f"bulk-{args.encounters}"
    if _stale(folder):
        print(f"generating {args.encounters:,} encounters into {folder} …", flush=True)
        subprocess.run(
            [
                sys.executable, "-m", "caseledger", "demo", "generate", str(folder),
                "--encounters", str(args.encounters), "--format", "parquet", "--force",
            ],
            check=True,
        )  # fmt: skip
    floor = in_child(FLOOR.format(path=str(folder / "encounters.parquet")))
    audit = in_child(AUDIT.format(folder=str(folder), as_of=args.as_of, memory=args.memory))
    n = floor["rows"]
    print(f"encounters: {n:,}")
    print(f"{'':24}{'wall s':>10}{'query s':>10}{'enc/s':>14}{'peak MiB':>10}")
    for name, m in (("floor (1 window pass)", floor), ("audit (all structured)", audit)):
        rate = n / m["audit_s"] if m["audit_s"] else float("nan")
        print(
            f"{name:24}{m['wall_s']:10.2f}{m['audit_s']:10.2f}{rate:14,.0f}{m['peak_rss_mib']:10.0f}"
        )
    print(f"audit / floor: {audit['audit_s'] / floor['audit_s']:.1f}x "
          f"({audit['rules']} rules, {audit['findings']:,} findings)")  # fmt: skip


def _stale(folder: Path) -> bool:
    """Whether ``folder`` holds no dataset, or one made before a column was added to the
    dataset format (the audit would fail to read it)."""
    import pyarrow.parquet as pq

    from caseledger.facts.schema import TABLES

    if not (folder / "encounters.parquet").exists():
        return True
    for table in TABLES:
        path = folder / f"{table.name}.parquet"
        if path.exists():
            have = set(pq.read_schema(path).names)
            if any(c.name not in have for c in table.columns):
                return True
    return False


if __name__ == "__main__":
    main()
