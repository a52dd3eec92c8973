"""The single-encounter check: the same rules, on the slice of facts one encounter touches.

A checker is long-lived (a server keeps one). For each "today" (``as_of``) it builds the rules
once, compiles them to SQL once and has DuckDB prepare the statements once; a check then only
puts the slice's rows behind the table names the statements read and runs them. The cost of a
check is the cost of its data, not of building, compiling and planning sixty rules.

The findings an encounter *causes* on others (a ninth group member makes the group too large)
are the findings on other subjects with the encounter that are not there without it. Only the
rules that found something on another subject run a second time, on the slice without the
encounter. Note-text rules read one note, and the rules that read only an encounter's own line
(``RuleDef.one_line``: its code, times, units, note, staff, client and plan, never another
encounter), so they run on the encounter's line alone and cause nothing on others. The rules
that read one date's lines at a time (``RuleDef.one_day``: overlaps, duplicates, the daily
maximum) run on the slice's lines of the encounter's date, not on the client's whole history.
A rule that reads no encounter at all (a plan's elements) does not run: it finds the same with
the encounter and without it.

The two kinds run at once, in two "lanes" that read the same rows. The history lane, an
in-process DuckDB database, runs the rules that read other encounters; of those, the one-day
rules run on the day's few lines on SQLite, and, once the client's history has been met before,
most of the others on SQLite too, where the history is written once (``_pieces``). The line
lane runs the one-line rules, then the note rules, in a worker thread: the one-line rules on an
in-memory SQLite database (``facts.sqlite_rows``), because DuckDB's cost for a statement is
setting up its operators whatever the rows, some 25 ms for these rules on one line, and
SQLite's is microseconds. What SQLite cannot write, and the note rules' queries, run on a
DuckDB database of the lane's own. DuckDB and SQLite let go of Python while they execute, so on
two cores a check takes about as long as the history lane.
A table of reference data the rules join with (the
ICD-10-CM code set: ``rules.registry.Reference``) holds, at each check, only the rows the slice
can join; a check would otherwise read the whole of it.

The structured rules ask of free text only whether it holds something (see
``facts.columnar.text_presence``). So their findings are remembered by a digest of the slice with
every text cell reduced to that: while a user types a note, which is when the web form sends most
checks, only the note rules run again. Any other change to the slice (a time, a code, a row
another user saved) changes the digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from caseledger.audit.engine import (
    AuditResult,
    CompiledAudit,
    builtin_rules,
    select_rules,
    to_finding,
    union_all,
)
from caseledger.audit.findings import Finding, sort_key
from caseledger.facts.columnar import Facts, arrow_table
from caseledger.facts.dataset import Dataset, KnownRows
from caseledger.facts.engines import DuckDBEngine
from caseledger.facts.policy_frames import policy_frames
from caseledger.facts.schema import TABLES, Kind, Table
from caseledger.facts.services import service_of
from caseledger.facts.sqlite_rows import SQLiteRows, Statement
from caseledger.notes import default_analyzer
from caseledger.policy import Policy, RuleMeta
from caseledger.rules.context import NoteContext
from caseledger.rules.registry import RuleDef, references

#: how many days' compiled rules a checker keeps (a server checks against today, sometimes
#: against a date in the past)
KEEP_DAYS = 4
#: how many client histories a checker keeps as columns
KEEP_HISTORIES = 8
#: how many tables of rows (other than encounters) a checker keeps as columns
KEEP_TABLES = 256
#: how many slices' structured findings a checker remembers
KEEP_SLICES = 512
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: the name of the table holding the one encounter the note rules read
_NOTE_ENCOUNTER = "check_encounter"
#: the name of the table holding the slice's lines of the encounter's date (``RuleDef.one_day``)
_DAY_ENCOUNTERS = "check_day"
_names = itertools.count()
#: rules that read the client's history and stay on DuckDB although SQLite can run them:
#: GEN-DIAGNOSIS's joins take SQLite some 30 ms on 2,000 lines (DuckDB: 2-3 ms)
HISTORY_ON_DUCKDB = frozenset({"GEN-DIAGNOSIS"})


@dataclass
class CheckResult:
    encounter_id: str
    #: findings about the encounter itself
    own: list[Finding]
    #: findings on other subjects that this encounter brings about
    caused: list[Finding]

    @property
    def findings(self) -> list[Finding]:
        return self.own + self.caused

    @property
    def blocking(self) -> bool:
        """Whether an error stands in the way of billing the encounter."""
        return any(f.severity == "error" and not f.suppressed for f in self.findings)


class _Rows:
    """A table whose rows are replaced between runs.

    DuckDB reads an object with the Arrow stream interface afresh at every execution of a
    statement that names it, so statements prepared once read whatever rows it holds now. The
    schema never changes, which keeps their plans valid."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_schema__(self) -> Any:
        return self.table.schema.__arrow_c_schema__()

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.table.__arrow_c_stream__(requested_schema)


class Recent(Generic[K, V]):
    """Up to ``capacity`` values by key, least recently used forgotten first. Thread-safe."""

    def __init__(self, capacity: int) -> None:
        #: 0 keeps nothing
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


class Remembered(Recent[bytes, tuple[list[Finding], list[Finding]]]):
    """The structured rules' findings (on the encounter, and caused on others) by the digest of
    the slice they were found on. The checkers of one server share one, so a check finds what
    another checker found; a capacity of 0 remembers nothing, and every check runs every rule."""

    def __init__(self, capacity: int = KEEP_SLICES) -> None:
        super().__init__(capacity)


#: a table the rules derive of at least this many rows is reference data, not the policy's few
#: dated rows (the built-in one, the ICD-10-CM code set, is narrowed to the slice instead: see
#: ``Reference``)
REFERENCE_ROWS = 10_000


@dataclass
class _LaneEngine(DuckDBEngine):
    """A lane's database, with the policy's tables registered for plans that suit a slice.

    DuckDB cannot tell how many rows a slice's table holds (it is a stream, refilled at every
    check) and plans as if it held one. Against a policy table, whose size it does know, it then
    builds its hash table on the slice's side. On the history lane that side is the client's
    history: thousands of lines that share a service code, one chain of the hash table, which
    every probe walks whole. So with ``streamed``, the policy's tables are registered as streams
    too: with no size known on either side, DuckDB keeps the join as the rule writes it, the
    facts probing and the policy's few rows built. (The line lane's one line is as small as
    DuckDB takes it to be, and its plans stay as they are.) A table of reference data that is not
    registered as a ``Reference`` keeps its size known: it is the larger side of any join with a
    slice, and the slice's rows are built.

    (DuckDB's own tables are no help here: a statement prepared over one is planned again at
    every execution, which costs more than the scan it would spare.)"""

    streamed: bool = False

    def register(self, name: str, data: pa.Table) -> ir.Table:
        if self.streamed and data.num_rows < REFERENCE_ROWS:
            self.raw.register(name, _Rows(data))
            return self.backend.table(name)
        return super().register(name, data)


@dataclass
class _Lane:
    """One in-process DuckDB database: the slice's tables (behind the ``_Rows`` the checker
    fills), the policy as tables, and the tables the rules derive from the policy."""

    engine: _LaneEngine
    facts: Facts
    policy_tables: dict[str, ir.Table]
    derived: dict[str, ir.Table] = field(default_factory=dict)
    #: the same facts with the lines of one date as the encounters table
    day_facts: Facts | None = None

    def prepare(self, expr: ir.Table) -> str:
        """Compiles ``expr`` and has DuckDB prepare it; returns the statement's name."""
        name = f"caseledger_rule_{next(_names)}"
        # A slice is a few thousand rows: its shared expressions are cheap to keep, and the
        # checks measured slower with them inlined (p50 50 ms against 46).
        sql = self.engine.sql(expr, inline=False)
        self.engine.raw.execute(f"PREPARE {name} AS {sql}")
        return name

    def execute(self, name: str) -> list[dict[str, Any]]:
        cursor = self.engine.raw.execute(f"EXECUTE {name}")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def deallocate(self, names: list[str]) -> None:
        for name in names:
            self.engine.raw.execute(f"DEALLOCATE {name}")


@dataclass
class _Prepared:
    """The statements for one ``as_of``: on the history lane, every structured rule that reads
    other encounters together and each of them alone (for the second run); on the line lane,
    the one-line rules SQLite cannot run together and the note rules' queries by key; and the
    rules that run on SQLite, a statement each."""

    together: str | None
    alone: dict[str, str]
    one_line: str | None = None
    #: the one-line rules that run on SQLite, a statement each (``SQLiteRows``)
    one_line_small: list[Statement] = field(default_factory=list)
    #: the one-day rules that run on SQLite, by rule id
    on_day_small: dict[str, Statement] = field(default_factory=dict)
    #: the rules that read the client's history and run on SQLite when the history is one met
    #: before, by rule id; ``together`` is then the others, ``together_all`` every one
    history_small: dict[str, Statement] = field(default_factory=dict)
    together_all: str | None = None
    note_queries: dict[str, str] = field(default_factory=dict)


@dataclass
class EncounterChecker:
    """Keeps the lanes' databases and the prepared rules; check many encounters."""

    policy: Policy
    rules: Mapping[str, RuleDef] | None = None
    analyzer: Any = None
    #: the structured findings remembered by slice; checkers of one process may share it
    memory: Remembered = field(default_factory=Remembered)
    #: by day and by the program of the encounter checked ("" for any or unknown)
    _prepared: dict[tuple[dt.date, str], _Prepared] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.analyzer is None:
            # one analyzer for every check: it builds its phrase matchers once per program and day
            self.analyzer = default_analyzer(self.policy)
        defs = self.rules if self.rules is not None else builtin_rules()
        self._defs = select_rules(defs, self.policy)
        self._by_id = {d.id: d for d in self._defs}
        self._metas: dict[str, RuleMeta] = {m.id: m for m in self.policy.rules()}
        self._notes = [d for d in self._defs if d.kind == "note" and d.check is not None]
        self._sources: dict[str, _Rows] = {t.name: _Rows(arrow_table(t, ())) for t in TABLES}
        self._sources[_NOTE_ENCOUNTER] = _Rows(arrow_table(_encounters_table(), ()))
        self._sources[_DAY_ENCOUNTERS] = _Rows(arrow_table(_encounters_table(), ()))
        # reference tables hold, at each check, the rows the slice can join (``Reference``)
        self._references = references()
        for ref in self._references.values():
            self._sources[ref.name] = _Rows(ref.narrow(self.policy, Dataset({})))
        self._history = self._lane("encounters", day=_DAY_ENCOUNTERS, streamed=True)
        # the line lane's rules read the one encounter checked as their encounters table
        self._line = self._lane(_NOTE_ENCOUNTER)
        # most one-line rules run here rather than on the line lane's DuckDB (see the module
        # docstring), and the one-day rules on the history lane's
        self._small = SQLiteRows()
        self._small_day = SQLiteRows()
        # the client's history there is a kept history, filled once, less the encounter checked,
        # plus the slice's newer lines (``SQLiteRows.pieces``)
        self._small_history = SQLiteRows()
        schema = self._sources["encounters"].table.schema
        self._small_history.pieces("encounters", schema, "encounter_id")
        #: the slice's history met before and its newer lines (whole, newer), if it has one
        self._pieces: tuple[pa.Table, pa.Table] | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="caseledger-check")
        #: client histories as columns, by their key (``KnownRows.key``)
        self._histories: Recent[Hashable, pa.Table] = Recent(KEEP_HISTORIES)
        #: the slices' other tables as columns, by table and rows (``_columns``)
        self._tables: Recent[tuple[str, str], pa.Table] = Recent(KEEP_TABLES)
        #: how many checks ran the structured rules (the others found them remembered)
        self.structured_runs = 0

    def _lane(
        self,
        encounters: str,
        *,
        day: str | None = None,
        streamed: bool = False,
    ) -> _Lane:
        """A lane whose rules read the source ``encounters`` as the encounters table (and, with
        ``day``, whose one-day rules read that source). The policy as tables is the same whatever
        the day; it is registered once so that statements prepared for one day keep reading it
        while another day's are prepared, and with ``streamed`` as streams (see
        ``_LaneEngine``)."""
        engine = _LaneEngine(threads=1, streamed=streamed)

        def source(name: str) -> ir.Table:
            engine.raw.register(name, self._sources[name])
            return engine.backend.table(name)

        tables = {name: source(name) for name in {t.name for t in TABLES} - {"encounters"}}

        def facts(lines: str) -> Facts:
            read = {**tables, "encounters": source(lines)}
            return Facts(engine, read, frozenset(t.name for t in TABLES))

        policy_tables = {n: engine.register(n, t) for n, t in policy_frames(self.policy).items()}
        # ``RuleContext.derived`` finds these registered, and leaves the whole tables unread
        derived = {name: source(name) for name in self._references}
        day_facts = facts(day) if day is not None else None
        return _Lane(
            engine,
            facts(encounters),
            policy_tables,
            derived,
            day_facts=day_facts,
        )

    # ------------------------------------------------------------------------------ preparing

    def _program(self, encounter: Mapping[str, Any] | None) -> str:
        """The program of the encounter's service on its date ("" when the packs do not know
        the code, and every rule runs)."""
        service = service_of(self.policy, encounter) if encounter is not None else None
        return (service.program or "") if service is not None else ""

    def _prepared_for(self, as_of: dt.date, program: str = "") -> _Prepared:
        """The statements for ``as_of``. For an encounter of ``program``, the rules that read
        only other programs' encounters are left out: nothing this encounter is can change what
        they find (``RuleDef.programs``)."""
        key = (as_of, program)
        found = self._prepared.get(key)
        if found is not None:
            return found
        defs = [d for d in self._defs if not program or d.programs is None or program in d.programs]
        history, lane = self._history, self._line
        assert history.day_facts is not None
        audit = CompiledAudit(
            history.facts,
            self.policy,
            [d for d in defs if not d.one_line and not d.one_day],
            as_of,
            policy_tables=history.policy_tables,
            derived=history.derived,
        )
        # one-day rules read the encounter's date alone: a few lines, not the client's history
        on_day = CompiledAudit(
            history.day_facts,
            self.policy,
            [d for d in defs if d.one_day and not d.one_line],
            as_of,
            policy_tables=history.policy_tables,
            derived=history.derived,
        )
        # A rule that reads no encounter (a plan's elements, a staff member's supervision) finds
        # the same with the encounter as without it: nothing to say about the encounter, and
        # nothing it causes.
        encounters = {f["encounters"].op() for f in (history.facts, history.day_facts)}
        # the one-day rules read a few lines: on SQLite, where it can run them (see ``_on_sqlite``)
        on_day_small, on_day_rest = self._on_sqlite(
            self._small_day,
            history,
            {rule: e for rule, e in on_day.parts.items() if _reads(e, encounters)},
        )
        parts = {rule: e for rule, e in audit.parts.items() if _reads(e, encounters)}
        history_small, _ = self._on_sqlite(
            self._small_history,
            history,
            {rule: e for rule, e in parts.items() if rule not in HISTORY_ON_DUCKDB},
        )
        parts.update(on_day_rest)
        expr = union_all(parts.values())
        together_all = history.prepare(expr) if expr is not None else None
        rest = union_all(e for rule, e in parts.items() if rule not in history_small)
        together = history.prepare(rest) if rest is not None else None
        alone = {rule: history.prepare(e) for rule, e in parts.items()}
        line = CompiledAudit(
            lane.facts,
            self.policy,
            [d for d in defs if d.one_line],
            as_of,
            policy_tables=lane.policy_tables,
            derived=lane.derived,
        )
        small, on_duckdb = self._on_sqlite(self._small, lane, line.parts)
        rest = union_all(on_duckdb.values())
        one_line = lane.prepare(rest) if rest is not None else None
        found = _Prepared(
            together,
            alone,
            one_line,
            list(small.values()),
            on_day_small,
            history_small,
            together_all,
        )
        days = sorted({day for day, _ in self._prepared})
        if len(days) >= KEEP_DAYS and as_of not in days:
            for old in [k for k in self._prepared if k[0] == days[0]]:
                self._deallocate(self._prepared.pop(old))
        self._prepared[key] = found
        return found

    def _on_sqlite(
        self, small: SQLiteRows, lane: _Lane, parts: Mapping[str, ir.Table]
    ) -> tuple[dict[str, Statement], dict[str, ir.Table]]:
        """``parts`` (rules by id) split into those compiled for SQLite and those left to the
        lane's DuckDB, which SQLite cannot run. The slice's tables a SQLite statement reads are
        filled at each check, the policy's copied from the lane once."""
        raw = lane.engine.raw
        varying = {name: rows.table.schema for name, rows in self._sources.items()}
        on_sqlite: dict[str, Statement] = {}
        rest: dict[str, ir.Table] = {}
        for rule, expr in parts.items():
            statement = small.statement(
                expr,
                fixed=lambda name: raw.sql(f'SELECT * FROM "{name}"').to_arrow_table(),
                varying=varying,
            )
            if statement is not None:
                on_sqlite[rule] = statement
            else:
                rest[rule] = expr
        return on_sqlite, rest

    def _deallocate(self, prepared: _Prepared) -> None:
        together = [n for n in (prepared.together, prepared.together_all) if n]
        self._history.deallocate([*together, *prepared.alone.values()])
        self._line.deallocate(list(prepared.note_queries.values()))
        self._line.deallocate([prepared.one_line] if prepared.one_line else [])

    def prepare(self, as_of: dt.date) -> None:
        """Builds, compiles and prepares the rules for ``as_of`` ahead of the first check (a
        server does it at start, so no user waits for it): for every program, and for any."""
        for program in self.programs():
            self.prepare_program(as_of, program)

    def programs(self) -> list[str]:
        """The programs the statements are prepared apart for ("" for any)."""
        return ["", *sorted({p for d in self._defs for p in d.programs or ()})]

    def prepare_program(self, as_of: dt.date, program: str) -> None:
        self._prepared_for(as_of, program)

    # -------------------------------------------------------------------------------- running

    def _findings(self, rows: list[dict[str, Any]]) -> list[Finding]:
        return [to_finding(self._metas[r["rule"]], self._by_id[r["rule"]], r) for r in rows]

    def _note_findings(self, prepared: _Prepared, as_of: dt.date) -> list[Finding]:
        if not self._notes:
            return []

        def run(key: str, build: Callable[[], ir.Table]) -> list[dict[str, Any]]:
            name = prepared.note_queries.get(key)
            if name is None:
                name = lane.prepare(build())
                prepared.note_queries[key] = name
            return lane.execute(name)

        # on the line lane, whose encounters table is the one encounter checked: after its
        # one-line rules, while the history lane runs
        lane = self._line
        ctx = NoteContext(
            lane.facts, lane.policy_tables, as_of, self.policy, self.analyzer, runner=run
        )
        found: list[Finding] = []
        for d in self._notes:
            assert d.check is not None
            found.extend(to_finding(self._metas[d.id], d, r) for r in d.check(ctx))
        return found

    def _load(
        self,
        dataset: Dataset,
        encounter_id: str,
        this: list[dict[str, Any]],
        known: tuple[KnownRows, int] | None,
        *,
        encounters: bool = True,
    ) -> None:
        """Puts the slice behind the statements' table names. Without ``encounters``, the
        encounters table is left empty: the note rules read only the encounter checked, and
        converting the client's history is the larger part of loading a slice. A history the
        slice begins with (``known``) is converted once and kept."""
        for t in TABLES:
            if t.name != "encounters":
                self._sources[t.name].table = self._columns(t, dataset.rows(t.name))
        if encounters:  # only the structured rules join with reference data
            for ref in self._references.values():
                self._sources[ref.name].table = ref.narrow(self.policy, dataset)
        table = _encounters_table()
        rows = dataset.rows("encounters") if encounters else []
        self._pieces = None
        if encounters and known is not None:
            history, count = known
            # a history met for the first time is converted for DuckDB only; writing its rows
            # into SQLite too (some 30 ms for 2,000) pays from its second check on
            seen = self._histories.get(history.key) is not None
            whole = self._history_table(history)
            kept = _without(whole, encounter_id)
            newer = arrow_table(table, rows[count:])
            loaded = pa.concat_tables([kept, newer])
            self._pieces = (whole, newer) if seen else None
        else:
            loaded = arrow_table(table, rows)
        self._sources["encounters"].table = loaded
        day = this[0].get("date") if this else None
        if isinstance(day, dt.date):
            loaded = loaded.filter(pc.equal(loaded["date"], pa.scalar(day, pa.date32())))
        self._sources[_DAY_ENCOUNTERS].table = loaded
        self._sources[_NOTE_ENCOUNTER].table = arrow_table(table, this)

    def _columns(self, table: Table, rows: list[dict[str, Any]]) -> pa.Table:
        """A table's rows as columns; the rows of a recent check give its columns again. (While
        a user records, the client's, staff's and agency's rows seldom change from one check to
        the next, and converting them was a tenth of a check.)"""
        # repr tells every value apart, as in ``_digest``
        key = (table.name, repr(rows))
        found = self._tables.get(key)
        if found is None:
            found = arrow_table(table, rows)
            self._tables.put(key, found)
        return found

    def _history_table(self, history: KnownRows) -> pa.Table:
        """A client history's rows as columns, converted once per history."""
        found = self._histories.get(history.key)
        if found is None:
            found = arrow_table(_encounters_table(), list(history.rows))
            self._histories.put(history.key, found)
        return found

    def check(self, dataset: Dataset, encounter_id: str, *, as_of: dt.date) -> CheckResult:
        """Checks encounter ``encounter_id`` of the slice ``dataset`` (see
        ``caseledger.store.slices.encounter_slice``)."""
        everything = dataset.rows("encounters")
        this = [e for e in everything if e["encounter_id"] == encounter_id]
        program = self._program(this[0] if this else None)
        if (as_of, program) not in self._prepared and (as_of, "") in self._prepared:
            program = ""  # every rule, already prepared, rather than wait for a narrower plan
        prepared = self._prepared_for(as_of, program)
        known = _known_history(dataset, encounter_id)
        key = _digest(dataset, encounter_id, as_of, program, known)
        structured = self.memory.get(key)
        self._load(dataset, encounter_id, this, known, encounters=structured is None)
        if structured is None:
            # the line lane, then the note rules, in the worker thread; the history lane here
            small = self._filling(self._small)
            pending = self._pool.submit(self._line_and_notes, prepared, small, as_of)
            try:
                history = self._history_findings(prepared, encounter_id)
            finally:
                line, notes = pending.result()  # the line lane is done with the slice either way
            structured = _split([*history[0], *line], encounter_id, history[1])
            self.structured_runs += 1
            self.memory.put(key, structured)
        else:
            notes = self._note_findings(prepared, as_of)
        own = [f for f in notes if _about(f, encounter_id)] + structured[0]
        caused = [f for f in notes if not _about(f, encounter_id)] + structured[1]
        own.sort(key=sort_key)
        caused.sort(key=sort_key)
        return CheckResult(encounter_id, own, caused)

    def _filling(self, small: SQLiteRows) -> dict[str, pa.Table]:
        """The slice's rows for the tables ``small`` fills at each check."""
        return {name: self._sources[name].table for name in small.varying}

    @staticmethod
    def _run_small(
        small: SQLiteRows, statements: Iterable[Statement], tables: Mapping[str, pa.Table]
    ) -> list[dict[str, Any]]:
        """The rows of ``statements`` on ``small``, its tables filled with ``tables``."""
        rows: list[dict[str, Any]] = []
        for name, table in tables.items():
            small.fill(name, table)
        for statement in statements:
            rows.extend(small.run(statement))
        return rows

    def _history_small(
        self, statements: Iterable[Statement], encounter_id: str
    ) -> list[dict[str, Any]]:
        """The rows of ``statements`` on the history's SQLite: the kept history less the
        encounter checked, plus the slice's newer lines (``_pieces``), and the slice's other
        tables."""
        assert self._pieces is not None
        whole, newer = self._pieces
        out = pa.table({"encounter_id": pa.array([encounter_id], pa.string())})
        tables = {
            **self._filling(self._small_history),
            "encounters__kept": whole,
            "encounters__more": newer,
            "encounters__out": out,
        }
        return self._run_small(self._small_history, statements, tables)

    def _line_and_notes(
        self, prepared: _Prepared, small: dict[str, pa.Table], as_of: dt.date
    ) -> tuple[list[Finding], list[Finding]]:
        return self._line_findings(prepared, small), self._note_findings(prepared, as_of)

    def _line_findings(self, prepared: _Prepared, small: dict[str, pa.Table]) -> list[Finding]:
        """The line lane: the findings of the rules that read only the encounter's own line,
        those on SQLite (whose tables take the slice's rows ``small``) and the others."""
        rows = self._run_small(self._small, prepared.one_line_small, small)
        if prepared.one_line:
            rows.extend(self._line.execute(prepared.one_line))
        return self._findings(rows)

    def _history_findings(
        self, prepared: _Prepared, encounter_id: str
    ) -> tuple[list[Finding], set[tuple[str, str, str]]]:
        """The history lane: the findings of the rules that read other encounters, and of those
        on other subjects, the ones that stand without the encounter too (the slice is loaded)."""
        history = self._history
        on_small = self._pieces is not None and bool(prepared.history_small)
        whole_name = prepared.together if on_small else prepared.together_all
        rows = history.execute(whole_name) if whole_name else []
        if on_small:
            rows.extend(self._history_small(prepared.history_small.values(), encounter_id))
        day = self._small_day
        rows.extend(self._run_small(day, prepared.on_day_small.values(), self._filling(day)))
        found = self._findings(rows)
        others = {f.rule for f in found if not _about(f, encounter_id)}
        before: set[tuple[str, str, str]] = set()
        if not others:
            return found, before
        for source in (self._sources["encounters"], self._sources[_DAY_ENCOUNTERS]):
            source.table = _without(source.table, encounter_id)
        if self._pieces is not None:
            whole, newer = self._pieces
            self._pieces = (whole, _without(newer, encounter_id))
        for rule in sorted(others):
            if on_small and rule in prepared.history_small:
                statement = prepared.history_small[rule]
                again = self._history_small([statement], encounter_id)
            elif rule in prepared.on_day_small:
                again = self._run_small(day, [prepared.on_day_small[rule]], self._filling(day))
            elif rule in prepared.alone:
                again = history.execute(prepared.alone[rule])
            else:
                continue
            before.update((f.rule, f.subject_type, f.subject_id) for f in self._findings(again))
        return found, before

    def close(self) -> None:
        for prepared in self._prepared.values():
            self._deallocate(prepared)
        self._prepared.clear()
        self._pool.shutdown()
        self._history.engine.close()
        self._line.engine.close()
        self._small.close()
        self._small_day.close()
        self._small_history.close()


def _without(lines: pa.Table, encounter_id: str) -> pa.Table:
    """``lines`` less the encounter ``encounter_id``."""
    return lines.filter(pc.not_equal(lines["encounter_id"], pa.scalar(encounter_id)))


def _split(
    found: list[Finding], encounter_id: str, before: set[tuple[str, str, str]]
) -> tuple[list[Finding], list[Finding]]:
    """The findings on the encounter, and those on others that do not stand without it."""
    own = [f for f in found if _about(f, encounter_id)]
    caused = [
        f
        for f in found
        if not _about(f, encounter_id) and (f.rule, f.subject_type, f.subject_id) not in before
    ]
    return own, caused


def _reads(expr: ir.Table, tables: set[ops.Node]) -> bool:
    """Whether ``expr`` reads any of ``tables`` (tables of the engine)."""
    return not tables.isdisjoint(expr.op().find(ops.DatabaseTable))


def _about(finding: Finding, encounter_id: str) -> bool:
    return finding.subject_type == "encounter" and finding.subject_id == encounter_id


def _known_history(dataset: Dataset, encounter_id: str) -> tuple[KnownRows, int] | None:
    """The client history the slice's encounters begin with (``Dataset.history``, the
    encounter checked left out of it), and how many rows of the table it makes; None when the
    slice has none or does not begin with it."""
    history = dataset.history
    if history is None:
        return None
    kept = [r for r in history.rows if r["encounter_id"] != encounter_id]
    rows = dataset.rows("encounters")
    if len(rows) < len(kept) or any(a is not b for a, b in zip(kept, rows, strict=False)):
        return None
    return history, len(kept)


def _digest(
    dataset: Dataset,
    encounter_id: str,
    as_of: dt.date,
    program: str,
    known: tuple[KnownRows, int] | None = None,
) -> bytes:
    """What the structured rules' findings on ``encounter_id`` depend on: every row of the
    slice, the free text of the encounter checked reduced to whether it holds anything other than
    white space. (Other rows' text is kept whole: that makes the key no less safe, and it spares
    going through every cell of the client's history.) A client history the slice begins with
    counts by its key, which names exactly its rows."""
    out: list[Any] = [encounter_id, as_of, program]
    texts = [c.name for c in _encounters_table().columns if c.kind is Kind.TEXT]
    for table in TABLES:
        out.append(table.name)
        rows = dataset.rows(table.name)
        if table.name == "encounters" and known is not None:
            out.append(("history", known[0].key))
            rows = rows[known[1] :]
        names: tuple[str, ...] = ()
        for row in rows:
            if table.name == "encounters" and row.get("encounter_id") == encounter_id:
                row = _presence(row, texts)
            # a row's values in its columns' order, and the columns whenever they change
            if len(row) != len(names) or tuple(row) != names:
                names = tuple(row)
                out.append(names)
            out.append(tuple(row.values()))
    # repr writes every value unambiguously (text quoted, Decimal('2') apart from Decimal('2.0'))
    # and is several times faster than pickling dates and decimals
    return hashlib.blake2b(repr(out).encode(), digest_size=20).digest()


def _presence(row: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    out = dict(row)
    for name in texts:
        value = out.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = "x"
    return out


def _encounters_table() -> Any:
    return next(t for t in TABLES if t.name == "encounters")


def as_result(check: CheckResult, policy: Policy, as_of: dt.date) -> AuditResult:
    """The check's findings in the shape of an audit, for the same outputs."""
    return AuditResult(as_of, policy.versions(), check.findings, [])
