"""What a rule is given: the facts, the policy as tables, and the day the audit is judged on.

Rules never read a clock: ``as_of`` is the audit's "today" (for deadlines), passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caseledger.facts.columnar import Facts
from caseledger.facts.policy_frames import terms_in_force

if TYPE_CHECKING:
    from caseledger.policy import Policy


#: What encounters loaded for an audit may carry from its policy: the fee-schedule row in force
#: on the date of service and the program of the code (``facts.columnar.facts_from_parquet``).
CARRIED_COLUMNS = ("terms_id", "program")


@dataclass(frozen=True)
class RuleContext:
    facts: Facts
    #: policy_services, policy_params, policy_codes (see facts.policy_frames)
    policy_tables: Mapping[str, ir.Table]
    as_of: dt.date
    policy: Policy
    _derived: dict[str, ir.Table] = field(default_factory=dict, compare=False, repr=False)
    #: ``with_service`` by what it was given: rules ask for the same lines' terms many times
    _with_service: dict[tuple[Any, str], ir.Table] = field(
        default_factory=dict, compare=False, repr=False
    )

    def derived(self, name: str, build: Callable[[Policy], pa.Table]) -> ir.Table:
        """A small table a rule module derives from the policy (say, the trainings each role
        needs, one row per dated version), registered on the facts' engine once per audit.
        ``build`` must be a pure function of the policy."""
        found = self._derived.get(name)
        if found is None:
            found = self.facts.engine.register(name, build(self.policy))
            self._derived[name] = found
        return found

    def t(self, name: str) -> ir.Table:
        """A dataset table (empty when the dataset did not have the file). Encounters that
        carry terms worked out under another policy are given without them."""
        table = self.facts[name]
        if name == "encounters" and self.facts.terms is not None and not self.carried:
            table = table.drop(*CARRIED_COLUMNS)
        return table

    @property
    def services(self) -> ir.Table:
        return self.policy_tables["policy_services"]

    @property
    def codes(self) -> ir.Table:
        return self.policy_tables["policy_codes"]

    @property
    def params(self) -> ir.Table:
        return self.policy_tables["policy_params"]

    @property
    def carried(self) -> bool:
        """Whether the encounters carry their fee-schedule row (``terms_id``) and ``program``
        under this audit's policy, worked out when they were loaded (``Facts.terms``): a rule
        then reads them instead of joining each line with the policy."""
        return self.facts.terms is self.policy

    def carried_columns(self, enc: ir.Table) -> list[str]:
        """The columns of ``enc`` that it carries from the policy (none unless ``carried``), for
        a rule that narrows the encounters to a few columns and joins the terms later."""
        return [c for c in CARRIED_COLUMNS if self.carried and c in enc.columns]

    @property
    def today(self) -> ir.DateScalar:
        return ibis.literal(self.as_of, type="date")

    def param(self, pack: str, name: str) -> ir.Table:
        """The dated versions of one parameter: columns start, end, num, text, items, unit."""
        p = self.params
        return p.filter((p.pack == pack) & (p.name == name)).select(
            "start", "end", "num", "text", "items", "unit"
        )

    def with_param(
        self,
        t: ir.Table,
        pack: str,
        name: str,
        *,
        on: str = "date",
        field: str = "num",
        as_: str | None = None,
    ) -> ir.Table:
        """``t`` with the parameter's value in force on each row's ``on`` date, as column ``as_``
        (default: the parameter's name). Rows on dates the parameter does not cover are dropped:
        a rule does not apply where its parameter is not in force."""
        p = self.param(pack, name)
        joined = t.join(p, [t[on] >= p.start, t[on] <= p.end])
        return joined.select(*t.columns, **{as_ or name: joined[field]})

    def with_service(self, enc: ir.Table, *, prefix: str = "svc_") -> ir.Table:
        """Encounters with the fee-schedule terms in force on their date of service for their
        code and modifiers (left join: an unknown code keeps its row with null terms).

        Built once per ``enc`` (Ibis expressions compare by structure), which saves building
        the same join again for each rule that asks."""
        key = (enc.op(), prefix)
        found = self._with_service.get(key)
        if found is None:
            found = self._with_service[key] = self._join_services(enc, prefix)
        return found

    def _join_services(self, enc: ir.Table, prefix: str) -> ir.Table:
        s = self.services
        renamed = s.rename({f"{prefix}{c}": c for c in s.columns})
        number = f"{prefix}terms_id"
        if self.carried and "terms_id" in enc.columns:
            # one small integer to match instead of two strings and a period
            joined = enc.left_join(renamed, enc.terms_id == renamed[number])
        else:
            joined = enc.left_join(renamed, terms_in_force(enc, renamed, prefix))
        keys = (f"{prefix}code", f"{prefix}modifier_key", number)
        return joined.select(*enc.columns, *[c for c in renamed.columns if c not in keys])


@dataclass
class NoteContext:
    """For rules that read note text in Python: the same facts, fetched as rows on demand."""

    facts: Facts
    policy_tables: Mapping[str, ir.Table]
    as_of: dt.date
    policy: Policy
    analyzer: Any
    #: runs the query ``build`` makes, known by its key; by default it is built and executed on
    #: the facts' engine (the single-encounter check passes one that keeps it prepared)
    runner: Callable[[str, Callable[[], ir.Table]], list[dict[str, Any]]] | None = None
    _cache: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def rows(self, key: str, build: Callable[[], ir.Table]) -> list[dict[str, Any]]:
        """The rows of the query ``build`` makes, run once per context and shared under
        ``key`` by every rule that asks for it."""
        found = self._cache.get(key)
        if found is None:
            if self.runner is not None:
                found = self.runner(key, build)
            else:
                found = self.facts.engine.execute(build()).to_pylist()
            self._cache[key] = found
        return found

    def t(self, name: str) -> ir.Table:
        return self.facts[name]
