"""Encounters loaded from Parquet for an audit carry their fee-schedule row and program
(``facts_from_parquet(..., policy=...)``): the audit finds exactly what it finds without them,
and a different policy is never judged by the rows worked out under another."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.audit.engine import AuditResult, run_audit
from caseledger.cli import app
from caseledger.facts.arrow import to_arrow
from caseledger.facts.columnar import facts_from_dataset, facts_from_folder, facts_from_parquet
from caseledger.facts.dataset import Dataset, read_dataset
from caseledger.facts.engines import DuckDBEngine
from caseledger.facts.policy_frames import services_frame
from caseledger.facts.schema import TABLES
from caseledger.policy import Policy, load_policy
from tests.rules.scenario import AS_OF, D, Scenario
from tests.rules.test_rates import NEW_RATE

Key = tuple[str, str, str, str, Decimal | None]


def write_parquet(dataset: Dataset, folder: Path) -> Path:
    """``dataset`` as a folder of Parquet files in the contract's Arrow form."""
    folder.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        if dataset.present(t.name):
            pq.write_table(to_arrow(t.name, dataset.rows(t.name)), folder / f"{t.name}.parquet")
    return folder


def keys(result: AuditResult) -> list[Key]:
    return sorted(
        (f.rule, f.subject_type, f.subject_id, f.message, f.amount_at_risk) for f in result.findings
    )


def audit_parquet(
    folder: Path, policy: Policy, as_of: dt.date, carried_under: Policy | None
) -> AuditResult:
    facts = facts_from_parquet(folder, DuckDBEngine(), policy=carried_under)
    try:
        return run_audit(facts, policy, as_of=as_of)
    finally:
        facts.engine.close()


def test_the_demo_agency_from_parquet_finds_what_its_csv_finds(tmp_path: Path) -> None:
    csv_folder = tmp_path / "csv"
    args = ["demo", "generate", str(csv_folder), "--clients", "40", "--months", "4", "--seed", "5"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    as_of = dt.date.fromisoformat(json.loads((csv_folder / "demo.json").read_text())["as_of"])
    read = read_dataset(csv_folder)
    assert read.ok
    parquet = write_parquet(read.dataset, tmp_path / "parquet")
    policy = load_policy(environ={})

    from_csv = keys(run_audit(facts_from_folder(csv_folder), policy, as_of=as_of))
    rules = {k[0] for k in from_csv}
    assert len(rules) > 30, f"the demo should break most rules, broke {sorted(rules)}"
    assert keys(audit_parquet(parquet, policy, as_of, None)) == from_csv
    assert keys(audit_parquet(parquet, policy, as_of, policy)) == from_csv


def test_terms_carried_under_one_policy_are_not_read_under_another(tmp_path: Path) -> None:
    pack = tmp_path / "acme-cpr.yaml"
    pack.write_text(NEW_RATE)
    builtin, override = load_policy(environ={}), load_policy([pack], environ={})
    s = Scenario()
    for day in (D(2025, 1, 31), D(2025, 2, 3), D(2025, 2, 4)):
        s.encounter("cpr", day)  # $40.72 each: right until 2025-01-31, wrong after it
    s.encounter("sst", D(2025, 2, 5))
    folder = write_parquet(s.dataset(), tmp_path / "parquet")

    expected = keys(run_audit(facts_from_dataset(s.dataset()), override, as_of=AS_OF))
    assert [k[0] for k in expected].count("GEN-RATE") == 2
    assert keys(audit_parquet(folder, override, AS_OF, builtin)) == expected


def _services(policy: Policy) -> list[tuple[str, tuple[str, ...]]]:
    frame = services_frame(policy).to_pylist()
    return sorted(
        {
            (r["code"], tuple(r["modifier_key"].split("+")) if r["modifier_key"] else ())
            for r in frame
        }
    )


POLICY = load_policy(environ={})
SERVICES = _services(POLICY)
line = st.tuples(
    st.one_of(st.sampled_from(SERVICES), st.just(("H9999", ())), st.just(("H2017", ("ZZ",)))),
    st.dates(min_value=D(2017, 1, 1), max_value=D(2027, 12, 31)),
    st.booleans(),
)


@settings(max_examples=25, deadline=None)
@given(lines=st.lists(line, min_size=1, max_size=12))
def test_each_line_carries_the_row_the_policy_gives_its_code_modifiers_and_date(
    lines: list[tuple[tuple[str, tuple[str, ...]], dt.date, bool]],
) -> None:
    import tempfile

    s = Scenario()
    wanted: dict[str, int | None] = {}
    frame = services_frame(POLICY).to_pylist()
    for (code, modifiers), day, reversed_ in lines:
        mods = tuple(reversed(modifiers)) if reversed_ else modifiers
        e = s.encounter("cpr", day, service_code=code, modifiers=mods)
        found = POLICY.service(code, mods, day)
        wanted[e["encounter_id"]] = (
            None
            if found is None
            else next(
                r["terms_id"] for r in frame if r["key"] == found.key and r["start"] == found.start
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_parquet(s.dataset(), Path(tmp))
        facts = facts_from_parquet(folder, DuckDBEngine(), policy=POLICY)
        try:
            got = facts.engine.execute(facts["encounters"].select("encounter_id", "terms_id"))
        finally:
            facts.engine.close()
    carried = dict(zip(got["encounter_id"].to_pylist(), got["terms_id"].to_pylist(), strict=True))
    assert {k: carried[k] for k in wanted} == wanted


def test_the_periods_of_one_code_and_modifiers_never_overlap() -> None:
    """What lets a line carry one row: were two rows of the same code and modifiers in force on
    one day, a line of that day would match both."""
    periods: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for r in services_frame(POLICY).to_pylist():
        periods.setdefault((r["code"], r["modifier_key"]), []).append((r["start"], r["end"]))
    for key, spans in periods.items():
        ordered = sorted(spans)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(ordered)), key
