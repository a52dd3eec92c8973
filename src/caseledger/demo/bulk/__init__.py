"""Benchmark-sized demo data: ``generate_bulk`` streams an agency of about N encounters, with
proportionate clients, staff, plans, authorizations, groups and reports, in bounded memory.

The encounters are generated and written a block of business days at a time (numpy arrays turned
into Arrow record batches: a Parquet row group or a slice of CSV per block); per-client facts the
other tables need (first and last service day, authorized units used, months with SST services)
are kept as small numpy arrays indexed by client number, and those tables are written after the
encounters, in batches. Memory therefore depends on the block size and the number of clients, not
on the number of encounters.

The benchmark agency is simpler than the demo agency (one fixed weekly rhythm per client, short
templated notes; see ``layout``), is clean except for its planted faults, and plants the
row-level faults listed in ``encounters.PLANTS`` plus unanswered no-shows, at about 3% of lines.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from caseledger import __version__
from caseledger.demo import Generated, check_folder
from caseledger.demo.agency import build_agency, build_certifications
from caseledger.demo.bulk.encounters import Aggregates, Calendar, Grid
from caseledger.demo.bulk.layout import CPR_SLOTS, CSW_SLOTS, HALF_DAYS, Layout
from caseledger.demo.bulk.people import Clients, Staffing
from caseledger.demo.bulk.sinks import Sink
from caseledger.demo.calendar import Period
from caseledger.demo.identities import Identities
from caseledger.demo.model import rows
from caseledger.demo.options import DEFAULT_MONTHS, DEFAULT_SEED, DEFAULT_START, stream
from caseledger.demo.output import MANIFEST_FILE
from caseledger.facts.arrow import to_arrow
from caseledger.facts.schema import TABLES

__all__ = ["BulkOptions", "generate_bulk"]

#: encounters per block: large enough for efficient row groups, small enough for bounded memory
BLOCK_ROWS = 100_000
MIN_ENCOUNTERS = 2_000
PLANTED_SCHEMA = pa.schema([(name, pa.string()) for name in
                            ("rule", "subject_type", "subject_id", "detail")])  # fmt: skip


@dataclass(frozen=True)
class BulkOptions:
    encounters: int
    months: int = DEFAULT_MONTHS
    seed: int = DEFAULT_SEED
    start: dt.date = DEFAULT_START
    clean: bool = False
    format: str = "parquet"

    def problems(self) -> list[str]:
        out = []
        if self.encounters < MIN_ENCOUNTERS:
            out.append(f"--encounters must be at least {MIN_ENCOUNTERS:,}, got {self.encounters}")
        if not 1 <= self.months <= 36:
            out.append(f"--months must be from 1 to 36, got {self.months}")
        if self.format not in ("csv", "parquet"):
            out.append(f"--format must be csv or parquet, got {self.format!r}")
        return out


class _Planted:
    def __init__(self, folder: Path, fmt: str) -> None:
        self.counts: Counter[str] = Counter()
        self.fmt = fmt
        self.path = folder / f"planted.{fmt}"
        self._writer: Any
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(self.path, PLANTED_SCHEMA)
        else:
            options = pcsv.WriteOptions(include_header=True, quoting_style="needed")
            self._writer = pcsv.CSVWriter(str(self.path), PLANTED_SCHEMA, write_options=options)

    def write(self, table: Any) -> None:
        if table.num_rows:
            self.counts.update(table.column("rule").to_pylist())
            self._writer.write_table(table.cast(PLANTED_SCHEMA))

    def close(self) -> None:
        self._writer.close()


def generate_bulk(
    folder: Path,
    options: BulkOptions,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Writes a benchmark dataset of about ``options.encounters`` encounters to ``folder``."""
    problems = options.problems()
    if problems:
        raise ValueError("; ".join(problems))
    check_folder(folder, replace)
    folder.mkdir(parents=True, exist_ok=True)
    period = Period(options.start, options.months)
    calendar = Calendar(period.start, period.end, period.as_of)
    layout = Layout.for_encounters(options.encounters, len(calendar))
    sinks = {t.name: Sink(folder, t.name, options.format) for t in TABLES}
    planted = _Planted(folder, options.format)
    try:
        agency = build_agency(Identities(stream(options.seed, "identities")))
        sinks["agency"].write(to_arrow("agency", rows("agency", [agency])))
        certs = build_certifications(period)
        sinks["agency_certifications"].write(
            to_arrow("agency_certifications", rows("agency_certifications", certs))
        )
        for name, table in Staffing(layout, period).tables():
            sinks[name].write(table)
        agg = Aggregates.for_clients(layout.clients)
        grid = Grid(layout, calendar, options.seed, options.clean)
        per_day = (layout.cpr_staff * (len(CPR_SLOTS) + 3) + layout.csw_staff * len(CSW_SLOTS)
                   + (layout.direct_care + layout.technicians) * len(HALF_DAYS))  # fmt: skip
        step = max(1, BLOCK_ROWS // max(1, per_day))
        for index, first in enumerate(range(0, len(calendar), step)):
            out = grid.block(index, first, min(len(calendar), first + step), agg)
            for name in ("encounters", "group_sessions", "missed_appointments", "contacts"):
                sinks[name].write(out[name])
            planted.write(out["planted"])
            planted.write(out["planted_missed"])
            if progress is not None:
                progress(grid.next_encounter)
        months = np.unique(np.concatenate(agg.sst_months)) if agg.sst_months else np.zeros(0)
        clients = Clients(layout, period, agg.first_day, agg.last_day, agg.units,
                          months.astype(np.int64))  # fmt: skip
        for name, table in (*clients.tables(), *clients.reports()):
            sinks[name].write(table)
    finally:
        for sink in sinks.values():
            sink.close()
        planted.close()
    files = {sink.path.name: sink.rows for sink in sinks.values()}
    files[planted.path.name] = sum(planted.counts.values())
    manifest = {
        "generator": f"caseledger {__version__} demo generate --encounters",
        "arguments": {
            "encounters": options.encounters,
            "months": options.months,
            "seed": options.seed,
            "start": options.start.isoformat(),
            "clean": options.clean,
            "format": options.format,
        },
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": period.as_of.isoformat(),
        "layout": {
            "cpr_staff": layout.cpr_staff,
            "csw_staff": layout.csw_staff,
            "direct_care": layout.direct_care,
            "technicians": layout.technicians,
            "staff": layout.staff,
            "clients": layout.clients,
        },
        "files": files,
        "planted": dict(sorted(planted.counts.items())),
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (folder / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return Generated(folder, files, planted.counts, period.as_of.isoformat())
