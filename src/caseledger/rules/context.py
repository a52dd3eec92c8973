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

if TYPE_CHECKING:
    from caseledger.policy import Policy


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
        """A dataset table (empty when the dataset did not have the file)."""
        return self.facts[name]

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
        joined = enc.left_join(
            renamed,
            [
                enc.service_code == renamed[f"{prefix}code"],
                enc.modifier_key == renamed[f"{prefix}modifier_key"],
                enc.date >= renamed[f"{prefix}start"],
                enc.date <= renamed[f"{prefix}end"],
            ],
        )
        return joined.select(
            *enc.columns,
            *[c for c in renamed.columns if c not in (f"{prefix}code", f"{prefix}modifier_key")],
        )


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
