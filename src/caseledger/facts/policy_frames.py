"""The policy as small tables, so that rules can join each service line to the terms in force on
its own date of service, on any engine.

- ``policy_services``: the fee schedule, one row per service per period over which none of its
  terms changes (unit, rounding, rate, funding, prior authorization, group limit, daily maximum).
- ``policy_params``: every dated version of every parameter (caps, hours, deadlines, phrase lists).
- ``policy_codes``: each billing code with each period it is in force, and its replacements.

Each fee-schedule row has a number (``terms_id``), so that a line can carry the row in force on
its date (see ``facts.columnar.facts_from_parquet``) and be joined with it on that one number.

An open end date is stored as 9999-12-31 so that ``date BETWEEN start AND end`` needs no null test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from caseledger.policy import Policy, ServiceDef

OPEN_END = dt.date(9999, 12, 31)
ONE_DAY = dt.timedelta(days=1)

SERVICES_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        #: the row's number in the frame
        ("terms_id", pa.int32()),
        ("code", pa.string()),
        ("modifier_key", pa.string()),
        ("pack", pa.string()),
        ("program", pa.string()),
        ("is_group", pa.bool_()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("unit_minutes", pa.int32()),
        ("untimed", pa.bool_()),
        ("rounding", pa.string()),
        ("max_units_per_session", pa.int32()),
        ("rate", pa.float64()),
        ("funding", pa.list_(pa.string())),
        ("prior_auth", pa.bool_()),
        ("auth_kind", pa.string()),
        ("group_max", pa.int32()),
        ("group_per", pa.string()),
        ("group_counting", pa.string()),
        ("daily_max", pa.int32()),
    ]
)
PARAMS_SCHEMA = pa.schema(
    [
        ("pack", pa.string()),
        ("name", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        ("unit", pa.string()),
        ("num", pa.float64()),
        ("text", pa.string()),
        ("items", pa.list_(pa.string())),
    ]
)
PROGRAMS_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("program", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
    ]
)
CODES_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("start", pa.date32()),
        ("end", pa.date32()),
        #: the first day the code is no longer in force (null while it still is)
        ("deleted_on", pa.date32()),
        ("replaced_by", pa.string()),
    ]
)


def _v(cited: Any) -> Any:
    return None if cited is None else cited.value


def _table(schema: pa.Schema, rows: Iterable[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def services_frame(policy: Policy) -> pa.Table:
    rows = []
    for number, d in enumerate(policy.service_timeline()):
        limit = _v(d.group_limit)
        rate = d.rate_amount
        rows.append(
            {
                "key": d.key,
                "terms_id": number,
                "code": d.code,
                "modifier_key": "+".join(sorted(d.modifiers)),
                "pack": d.pack,
                "program": d.program,
                "is_group": d.group,
                "start": d.start,
                "end": d.end or OPEN_END,
                "unit_minutes": d.unit_minutes,
                "untimed": d.untimed,
                "rounding": _v(d.rounding),
                "max_units_per_session": _v(d.max_units_per_session),
                "rate": None if rate is None else float(rate),
                "funding": list(_v(d.funding) or []) or None,
                "prior_auth": d.needs_prior_auth,
                "auth_kind": _v(d.auth_kind),
                "group_max": None if limit is None else limit.max,
                "group_per": None if limit is None else limit.per,
                "group_counting": None if limit is None else limit.counting,
                "daily_max": _v(d.daily_max),
            }
        )
    return _table(SERVICES_SCHEMA, rows)


def terms_in_force(lines: ir.Table, terms: ir.Table, prefix: str = "") -> list[ir.BooleanValue]:
    """How a line finds its fee-schedule row (``terms`` is ``policy_services``, its columns
    named with ``prefix``): the same code, the same modifiers in any order, and a period that
    holds the date of service. The periods of one code and modifiers do not overlap, so a line
    finds one row at most."""
    return [
        lines.service_code == terms[f"{prefix}code"],
        lines.modifier_key == terms[f"{prefix}modifier_key"],
        lines.date >= terms[f"{prefix}start"],
        lines.date <= terms[f"{prefix}end"],
    ]


def programs_frame(policy: Policy) -> pa.Table:
    """The program of each billing code, one row per code and period over which its fee-schedule
    entries do not change. A code belongs to the program of its fee-schedule entries whatever
    its modifiers (were two programs to share a code, the first pack's would be taken)."""
    by_code: dict[str, list[ServiceDef]] = {}
    for d in policy.service_timeline():
        by_code.setdefault(d.code, []).append(d)
    rows = []
    for code, defs in by_code.items():
        cuts = sorted({d.start for d in defs} | {d.end + ONE_DAY for d in defs if d.end})
        for i, start in enumerate(cuts):
            end = cuts[i + 1] - ONE_DAY if i + 1 < len(cuts) else OPEN_END
            live = [d for d in defs if d.start <= start and (d.end is None or start <= d.end)]
            if live and live[0].program:
                rows.append({"code": code, "program": live[0].program, "start": start, "end": end})
    return _table(PROGRAMS_SCHEMA, rows)


def program_in_force(lines: ir.Table, programs: ir.Table) -> list[ir.BooleanValue]:
    """How a line finds the program of its code (``programs`` is ``programs_frame``): the same
    code and a period that holds the date of service (one row at most)."""
    return [
        lines.service_code == programs.code,
        lines.date >= programs.start,
        lines.date <= programs.end,
    ]


def params_frame(policy: Policy) -> pa.Table:
    rows = []
    for pack, name, version in policy.param_timeline():
        value = version.value
        num = float(value) if isinstance(value, int | float | Decimal) else None
        if isinstance(value, bool):
            num = 1.0 if value else 0.0
        rows.append(
            {
                "pack": pack,
                "name": name,
                "start": version.start,
                "end": version.end or OPEN_END,
                "unit": version.unit,
                "num": num,
                "text": value if isinstance(value, str) else None,
                "items": list(value) if isinstance(value, tuple | list) else None,
            }
        )
    return _table(PARAMS_SCHEMA, rows)


def codes_frame(policy: Policy) -> pa.Table:
    rows = []
    for code, periods in policy.code_statuses():
        for start, end in periods:
            after = end + dt.timedelta(days=1) if end else None
            replaced = policy.code_status(code, after).replaced_by if after else ()
            rows.append(
                {
                    "code": code,
                    "start": start,
                    "end": end or OPEN_END,
                    "deleted_on": after,
                    "replaced_by": ", ".join(replaced) or None,
                }
            )
    return _table(CODES_SCHEMA, rows)


def policy_frames(policy: Policy) -> dict[str, pa.Table]:
    return {
        "policy_services": services_frame(policy),
        "policy_params": params_frame(policy),
        "policy_codes": codes_frame(policy),
    }
