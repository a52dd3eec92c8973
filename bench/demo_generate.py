"""Demo generator speed and memory: the default demo agency, and a benchmark-sized dataset.

Each run happens in its own child process, so its wall time and peak memory are its own.

    python bench/demo_generate.py                      # default agency, then 10 M encounters
    python bench/demo_generate.py --encounters 200000  # default agency, then 200 k encounters
    python bench/demo_generate.py --only-bulk --format csv

Output folders go under bench/out/ and are replaced on every run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import in_child

DEMO = """
import json
from pathlib import Path
from caseledger.demo import DemoOptions, generate
written = generate(Path({folder!r}), DemoOptions(), replace=True)
print(json.dumps({{"encounters": written.files["encounters.csv"],
                   "rows": sum(written.files.values()),
                   "planted": sum(written.planted.values())}}))
"""

BULK = """
import json
from pathlib import Path
from caseledger.demo.bulk import BulkOptions, generate_bulk
written = generate_bulk(Path({folder!r}), BulkOptions(encounters={n}, format={fmt!r}),
                        replace=True)
print(json.dumps({{"encounters": written.files["encounters.{fmt}"],
                   "rows": sum(written.files.values()),
                   "planted": sum(written.planted.values())}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encounters", type=int, default=10_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    parser.add_argument("--only-bulk", action="store_true", help="skip the default agency")
    args = parser.parse_args()
    out = Path(__file__).resolve().parent / "out"
    runs = []
    if not args.only_bulk:
        runs.append(("default agency (CSV)", DEMO.format(folder=str(out / "demo"))))
    bulk = out / f"bulk-{args.encounters}-{args.format}"
    runs.append((f"{args.encounters:,} encounters ({args.format})",
                 BULK.format(folder=str(bulk), n=args.encounters, fmt=args.format)))  # fmt: skip
    print(f"{'run':32}{'encounters':>12}{'all rows':>12}{'planted':>9}{'wall s':>9}"
          f"{'rows/s':>11}{'peak MiB':>10}")  # fmt: skip
    for name, code in runs:
        m = in_child(code)
        rate = m["rows"] / m["wall_s"]
        counts = f"{m['encounters']:>12,}{m['rows']:>12,}{m['planted']:>9,}"
        speed = f"{m['wall_s']:>9.1f}{rate:>11,.0f}{m['peak_rss_mib']:>10.0f}"
        print(f"{name:32}{counts}{speed}", flush=True)


if __name__ == "__main__":
    main()
