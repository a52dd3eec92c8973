"""Where the facts live while the rules run: DuckDB (embedded, the default) or Spark.

The rules are Ibis expressions, so they do not care which; an engine only registers Arrow tables
and hands results back as Arrow.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot as sg
import sqlglot.expressions as sge

ENGINES = ("duckdb", "spark")


class LoadFailed(RuntimeError):
    """A table loaded in the background could not be filled. The message names the table and
    the kind of error, never the engine's own words, which may quote a cell; the engine's error
    is kept as the cause."""

    def __init__(self, table: str, error: BaseException) -> None:
        self.table = table
        #: the engine's error class (``ConversionException``), which quotes nothing
        self.kind = type(error).__name__
        super().__init__(f"the table {table} could not be loaded ({self.kind})")
        self.__cause__ = error


class Engine(Protocol):
    name: str

    def register(self, name: str, data: pa.Table) -> ir.Table: ...

    def execute(self, expr: ir.Table) -> pa.Table: ...

    def close(self) -> None: ...


@dataclass
class DuckDBEngine:
    """An in-process DuckDB database. Arrow tables are registered without copying."""

    threads: int | None = None
    name: str = "duckdb"
    backend: Any = field(init=False)
    #: the tables being filled in the background (``load``), if any
    _loading: threading.Thread | None = field(default=None, init=False, repr=False)
    _loader: Any = field(default=None, init=False, repr=False)
    _stop_loading: bool = field(default=False, init=False, repr=False)
    _load_error: LoadFailed | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        config: dict[str, Any] = {}
        if self.threads:
            config["threads"] = self.threads
        limit = os.environ.get("CASELEDGER_DUCKDB_MEMORY")
        if limit:
            config["memory_limit"] = limit
        self.backend = ibis.duckdb.connect(**config)

    @property
    def raw(self) -> Any:
        """The underlying ``duckdb`` connection (for views over Parquet files)."""
        return self.backend.con

    def register(self, name: str, data: pa.Table) -> ir.Table:
        self.raw.register(name, data)
        return self.backend.table(name)

    def keep(self, name: str, data: pa.Table) -> ir.Table:
        """``data`` copied into a table of the database: unlike a registered one, it is seen by
        every connection to the database, the background load's (``load``) included."""
        rows = f"{name}_rows"
        self.raw.register(rows, data)
        try:
            return self.materialize(name, f'SELECT * FROM "{rows}"')
        finally:
            self.raw.unregister(rows)

    def view(self, name: str, sql: str) -> ir.Table:
        self.raw.execute(f'CREATE OR REPLACE VIEW "{name}" AS {sql}')
        return self.backend.table(name)

    def materialize(self, name: str, sql: str) -> ir.Table:
        """A table computed once (rather than a view computed at every use)."""
        self.raw.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql}')
        return self.backend.table(name)

    def load(self, tables: Mapping[str, str]) -> dict[str, ir.Table]:
        """Tables computed once from ``tables`` (name: query), filled in the background.

        Each table is created empty at once, so that the rules can be built and compiled
        against it; its rows are computed on a second connection to the same database while
        that goes on. Compiling is Python and holds one core, loading is DuckDB's and releases
        the interpreter: on the batch audit the two overlap. Anything that reads the tables
        waits for them (``execute``), and an error in loading is raised there.
        """
        self.settle()
        found: dict[str, ir.Table] = {}
        for name, query in tables.items():
            found[name] = self.materialize(name, f"{query} LIMIT 0")
        cursor = self._loader = self.raw.cursor()
        # The facts' rows have no order that the rules read: a rule that needs one says so. Not
        # keeping the files' order lets DuckDB fill a table on every thread (on 10 million
        # encounters, 4.3-5.2 s against 6.5-8.0). The setting is the database's, so results
        # read after come in no set order either: the audit sorts its findings itself.
        cursor.execute("SET preserve_insertion_order = false")

        def fill() -> None:
            name = ""
            try:
                for name, query in tables.items():
                    if self._stop_loading:
                        break
                    cursor.execute(f'INSERT INTO "{name}" {query}')
            except BaseException as error:  # raised again where the rows are wanted
                self._load_error = LoadFailed(name, error)
            finally:
                cursor.close()
                self._loader = None

        self._loading = threading.Thread(target=fill, name="caseledger-load", daemon=True)
        self._loading.start()
        return found

    def settle(self) -> None:
        """Waits for the tables ``load`` is filling. If the load failed, raises
        :class:`LoadFailed`, and again at every later read: the tables are incomplete."""
        if self._loading is not None:
            self._loading.join()
            self._loading = None
        if self._load_error is not None:
            raise self._load_error

    def sql(self, expr: ir.Table, *, inline: bool = True) -> str:
        """``expr`` as DuckDB SQL; with ``inline``, its cheap common table expressions are
        inlined (see ``inline_cheap_ctes``)."""
        query = self.backend.compiler.to_sqlglot(expr)
        if inline:
            inline_cheap_ctes(query)
        return str(
            query.sql(
                dialect=self.backend.dialect, copy=False, unsupported_level=sg.ErrorLevel.RAISE
            )
        )

    def execute(self, expr: ir.Table) -> pa.Table:
        from ibis.backends.duckdb.converter import DuckDBPyArrowData

        # compiled before waiting: compiling is the part that overlaps a load
        query = self.sql(expr)
        self.settle()
        # what Ibis's own to_pyarrow does first: registers the in-memory tables ``expr`` reads
        self.backend._run_pre_execute_hooks(expr)
        table = self.raw.sql(query).to_arrow_table()
        return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)

    def close(self) -> None:
        if self._loading is not None:
            # A failed audit need not wait for the rest of its facts. An interrupt sent just
            # before a statement starts is lost, so it is sent until the loading stops.
            self._stop_loading = True
            while self._loading.is_alive():
                loader = self._loader
                if loader is not None:
                    loader.interrupt()
                self._loading.join(0.05)
            self._loading = None
        self.backend.disconnect()


#: what makes a common table expression worth computing once: rows grouped, ranked or made
#: distinct, or values aggregated
_WORTH_KEEPING = (sge.Window, sge.Group, sge.Distinct, sge.AggFunc)


def inline_cheap_ctes(query: sge.Expression) -> None:
    """Marks ``NOT MATERIALIZED`` every common table expression of ``query`` that only
    filters, projects or joins.

    DuckDB computes a common table expression read more than once into a buffer first, and
    then cannot push a reader's filter into it. The rules share such expressions (a rule's
    billable lines, the lines with their service), and each reader keeps only a few rows:
    computing the whole buffer costs more than reading the base tables again, and at 10
    million lines the buffers spill to disk. Grouped, ranked and aggregated expressions stay
    computed once: reading them again would redo the work.
    """
    for cte in query.find_all(sge.CTE):
        body = cte.this
        if body.find(*_WORTH_KEEPING) is not None:
            continue
        if any(u.args.get("distinct") for u in body.find_all(sge.Union)):
            continue
        cte.set("materialized", False)


@dataclass
class SparkEngine:
    """A local Spark session (``local[*]``) or whatever master ``CASELEDGER_SPARK_MASTER`` names."""

    master: str | None = None
    name: str = "spark"
    backend: Any = field(init=False)
    session: Any = field(init=False)

    def __post_init__(self) -> None:
        from pyspark.sql import SparkSession

        master = self.master or os.environ.get("CASELEDGER_SPARK_MASTER", "local[*]")
        self.session = (
            SparkSession.builder.master(master)
            .appName("caseledger-audit")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        self.session.sparkContext.setLogLevel("ERROR")
        self.backend = ibis.pyspark.connect(self.session)

    def register(self, name: str, data: pa.Table) -> ir.Table:
        frame = self.session.createDataFrame(data.to_pandas(), schema=_spark_schema(data.schema))
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)

    def execute(self, expr: ir.Table) -> pa.Table:
        return self.backend.to_pyarrow(expr)

    def close(self) -> None:
        # The session is shared by the process (getOrCreate); stopping it here would break the
        # next audit in the same process, so it is left for the interpreter to end.
        pass


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types as T

    def convert(t: pa.DataType) -> Any:
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return T.StringType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_int32(t):
            return T.IntegerType()
        if pa.types.is_integer(t):
            return T.LongType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_date(t):
            return T.DateType()
        if pa.types.is_timestamp(t):
            return T.TimestampNTZType()
        if pa.types.is_list(t):
            return T.ArrayType(convert(t.value_type))
        raise TypeError(f"no Spark type for {t}")

    return T.StructType([T.StructField(f.name, convert(f.type), True) for f in schema])


def make_engine(name: str = "duckdb") -> Engine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of: {', '.join(ENGINES)}")
