"""The single-encounter check reads only the encounter's slice and finds what the batch finds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from caseledger.audit.check import EncounterChecker, Remembered
from caseledger.audit.engine import builtin_rules, run_audit
from caseledger.cli import app
from caseledger.facts.columnar import facts_from_dataset
from caseledger.facts.dataset import Dataset, write_dataset
from caseledger.store import Store
from caseledger.store.slices import encounter_slice
from tests.rules.scenario import AS_OF, D, Scenario, policy

runner = CliRunner()


def _store(tmp_path: Path, s: Scenario) -> str:
    folder = tmp_path / "data"
    write_dataset(s.dataset(), folder)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(app, ["--db", db, "import", str(folder)])
    assert result.exit_code == 0, result.output
    return db


def test_slice_holds_the_client_record_and_not_other_clients(tmp_path: Path) -> None:
    s = Scenario()
    mine = s.encounter("cpr")
    s.encounter("sud")
    db = _store(tmp_path, s)
    with Store.open(db) as store, store.unit_of_work() as uow:
        dataset, row = encounter_slice(uow, mine["encounter_id"])
    assert row["encounter_id"] == mine["encounter_id"]
    assert {c["client_id"] for c in dataset.rows("clients")} == {"C-CPR"}
    assert {e["client_id"] for e in dataset.rows("encounters")} == {"C-CPR"}
    assert {p["plan_id"] for p in dataset.rows("plans")} == {"P-CPR"}
    assert "S-LPC" in {st["staff_id"] for st in dataset.rows("staff")}


def test_check_reports_the_encounter_own_findings(tmp_path: Path) -> None:
    s = Scenario()
    good = s.encounter("cpr")
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    db = _store(tmp_path, s)
    codes = {k: v for k, v in builtin_rules().items() if k.startswith("GEN-CODE-")}
    checker = EncounterChecker(policy(), rules=codes)
    with Store.open(db) as store, store.unit_of_work() as uow:
        bad_slice, _ = encounter_slice(uow, bad["encounter_id"])
        good_slice, _ = encounter_slice(uow, good["encounter_id"])
    found = checker.check(bad_slice, bad["encounter_id"], as_of=AS_OF)
    assert "GEN-CODE-UNKNOWN" in {f.rule for f in found.own}
    assert found.blocking
    clean = checker.check(good_slice, good["encounter_id"], as_of=AS_OF)
    assert "GEN-CODE-UNKNOWN" not in {f.rule for f in clean.findings}


def test_check_command_exit_status(tmp_path: Path) -> None:
    s = Scenario()
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    db = _store(tmp_path, s)
    result = runner.invoke(
        app, ["--db", db, "check", bad["encounter_id"], "--as-of", "2025-03-15", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    assert "GEN-CODE-UNKNOWN" in result.output
    missing = runner.invoke(app, ["--db", db, "check", "NOPE", "--as-of", "2025-03-15"])
    assert missing.exit_code == 2
    assert "no encounter NOPE" in missing.output


def _checked(tmp_path: Path, s: Scenario, encounter_id: str, rules: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    db = _store(tmp_path, s)
    chosen = {k: v for k, v in builtin_rules().items() if not rules or k in rules}
    checker = EncounterChecker(policy(), rules=chosen)
    try:
        with Store.open(db) as store, store.unit_of_work() as uow:
            dataset, _ = encounter_slice(uow, encounter_id)
        return checker.check(dataset, encounter_id, as_of=AS_OF)
    finally:
        checker.close()


def test_the_27th_sst_half_day_makes_the_lifetime_cap_fire_on_itself(tmp_path: Path) -> None:
    s = Scenario()
    lines = s.weekly("sst", 27)
    found = _checked(tmp_path, s, lines[26]["encounter_id"], ("SST-LIFETIME-CAP",))
    assert [(f.rule, f.subject_id) for f in found.own] == [
        ("SST-LIFETIME-CAP", lines[26]["encounter_id"])
    ]
    assert found.caused == []
    assert found.blocking


def test_the_26th_sst_half_day_is_clean(tmp_path: Path) -> None:
    s = Scenario()
    lines = s.weekly("sst", 26)
    found = _checked(tmp_path, s, lines[25]["encounter_id"], ("SST-LIFETIME-CAP",))
    assert found.findings == []


def _group(s: Scenario, group_id: str, members: int) -> list[dict[str, Any]]:
    from tests.rules.test_groups import aba_group

    s.add("group_sessions", group_id=group_id, service_code="97154", date=D(2025, 1, 15),
          staff_ids=("S-BT",))  # fmt: skip
    return aba_group(s, group_id, "97154", members)


def test_a_ninth_group_member_makes_the_group_fire(tmp_path: Path) -> None:
    s = Scenario()
    lines = _group(s, "A9", 9)
    found = _checked(tmp_path, s, lines[8]["encounter_id"], ("ABA-GROUP-SIZE",))
    assert found.own == []
    assert [(f.rule, f.subject_type, f.subject_id) for f in found.caused] == [
        ("ABA-GROUP-SIZE", "group", "A9")
    ]


def test_a_finding_already_there_without_the_encounter_is_not_caused_by_it(
    tmp_path: Path,
) -> None:
    s = Scenario()
    lines = _group(s, "A10", 10)
    found = _checked(tmp_path, s, lines[9]["encounter_id"], ("ABA-GROUP-SIZE",))
    assert found.caused == []


def test_one_checker_reads_each_slice_afresh(tmp_path: Path) -> None:
    """The statements are prepared once; the rows behind them change with every check."""
    s = Scenario()
    lines = s.weekly("sst", 27)
    other = s.encounter("cpr", service_code="H9999", modifiers=())
    db = _store(tmp_path, s)
    checker = EncounterChecker(policy())
    try:
        results = []
        for eid in (lines[26]["encounter_id"], lines[0]["encounter_id"], other["encounter_id"]):
            with Store.open(db) as store, store.unit_of_work() as uow:
                dataset, _ = encounter_slice(uow, eid)
            results.append({f.rule for f in checker.check(dataset, eid, as_of=AS_OF).own})
    finally:
        checker.close()
    assert "SST-LIFETIME-CAP" in results[0]
    assert "SST-LIFETIME-CAP" not in results[1]
    assert "GEN-CODE-UNKNOWN" in results[2] and "SST-LIFETIME-CAP" not in results[2]


def test_the_columns_kept_for_a_table_are_those_of_its_rows(tmp_path: Path) -> None:
    """A checker keeps the columns of the slice's tables by their rows: a changed row is read
    afresh, the same rows again give the same findings."""
    s = Scenario()
    line = s.encounter("cpr")
    db = _store(tmp_path, s)
    checker = EncounterChecker(policy(), memory=Remembered(0))
    try:
        found = []
        for trained in (True, False, True):
            with Store.open(db) as store, store.unit_of_work() as uow:
                dataset, _ = encounter_slice(uow, line["encounter_id"])
            if not trained:
                for row in dataset.rows("staff_trainings"):
                    row["completed_on"] = None
            result = checker.check(dataset, line["encounter_id"], as_of=AS_OF)
            found.append("PSR-INITIAL-TRAINING" in {f.rule for f in result.own})
    finally:
        checker.close()
    assert found == [False, True, False]


def test_typing_a_note_reruns_the_note_rules_and_reuses_the_structured_findings(
    tmp_path: Path,
) -> None:
    """The structured findings are remembered by the slice with text reduced to its presence:
    a new note changes the note rules' findings at once; a blank note, or any other change to
    the slice, runs the structured rules again. Every answer equals a fresh checker's."""
    s = Scenario()
    line = s.encounter("sud", charge=Decimal(25))
    db = _store(tmp_path, s)
    with Store.open(db) as store, store.unit_of_work() as uow:
        dataset, _ = encounter_slice(uow, line["encounter_id"])
    eid = line["encounter_id"]

    def typed(**changes: Any) -> Dataset:
        rows = [
            {**e, **changes} if e["encounter_id"] == eid else e for e in dataset.rows("encounters")
        ]
        return Dataset({**dataset.tables, "encounters": rows})

    versions = [
        typed(note_text="CSW drove client to the AA meeting at the church hall."),
        typed(note_text="Client called the clinic herself to book the intake; CSW coached."),
        typed(note_text="   "),
        typed(note_text="Client called the clinic herself to book the intake; CSW coached."),
        typed(note_text="Client called the clinic herself.", service_code="H9999"),
    ]
    chosen = {
        k: v
        for k, v in builtin_rules().items()
        if k in {"CSW-NONBILLABLE", "GEN-NOTE-MISSING", "GEN-CODE-UNKNOWN", "GEN-NOTE-UNSIGNED"}
    }
    kept = EncounterChecker(policy(), rules=chosen)
    fresh = EncounterChecker(policy(), rules=chosen, memory=Remembered(capacity=0))
    try:
        seen = [kept.check(v, eid, as_of=AS_OF).findings for v in versions]
        assert seen == [fresh.check(v, eid, as_of=AS_OF).findings for v in versions]
    finally:
        kept.close()
        fresh.close()
    assert (kept.structured_runs, fresh.structured_runs) == (3, 5)
    rules = [{f.rule for f in found} for found in seen]
    assert "CSW-NONBILLABLE" in rules[0] and "CSW-NONBILLABLE" not in rules[1]
    assert "GEN-NOTE-MISSING" in rules[2] and "GEN-NOTE-MISSING" not in rules[3]
    assert "GEN-CODE-UNKNOWN" in rules[4] and "GEN-CODE-UNKNOWN" not in rules[3]


def test_a_kept_client_history_finds_what_a_fresh_read_finds(tmp_path: Path) -> None:
    """One store serves the checks, so from the second check of a client on, its history is the
    one kept (``Dataset.history``), converted once. Every answer equals a checker's that is
    given the same rows with no history and remembers nothing; and a write to the store, made
    in plain SQL, is seen by the next check."""
    s = Scenario()
    lines = s.weekly("sst", 27)
    lines += _group(s, "A9", 9)
    db = _store(tmp_path, s)
    kept = EncounterChecker(policy())
    fresh = EncounterChecker(policy(), memory=Remembered(capacity=0))
    sst = [line["encounter_id"] for line in lines[:27]]
    order = [sst[26], sst[0], sst[26], lines[-1]["encounter_id"], sst[5], sst[26]]
    try:
        with Store.open(db) as store:
            seen = []
            for eid in order:
                with store.unit_of_work() as uow:
                    dataset, _ = encounter_slice(uow, eid)
                assert dataset.history is not None
                plain = Dataset(dataset.tables)
                found = kept.check(dataset, eid, as_of=AS_OF).findings
                assert found == fresh.check(plain, eid, as_of=AS_OF).findings
                seen.append({f.rule for f in found})
            # the 27th line made into a billing-free line: the cap no longer counts it
            with store.engine.begin() as conn:
                conn.exec_driver_sql(
                    "UPDATE encounters SET billable = false WHERE encounter_id = ?", (sst[25],)
                )
            with store.unit_of_work() as uow:
                dataset, _ = encounter_slice(uow, sst[26])
            after = kept.check(dataset, sst[26], as_of=AS_OF).findings
            assert after == fresh.check(Dataset(dataset.tables), sst[26], as_of=AS_OF).findings
    finally:
        kept.close()
        fresh.close()
    assert "SST-LIFETIME-CAP" in seen[0]
    assert seen[2] == seen[0] and seen[5] == seen[0]
    assert "SST-LIFETIME-CAP" not in {f.rule for f in after}


def test_rules_that_read_no_encounter_are_left_out_of_the_check() -> None:
    """A rule that reads no encounter finds the same with the encounter as without it, so it has
    nothing to say about it and causes nothing: the check does not run it. Whether a rule reads
    encounters is read from its expression, not from the tables it ``needs`` (PSR-TRAINING-DUE
    needs only staff tables, yet counts who rendered CPR lines)."""
    checker = EncounterChecker(policy())
    try:
        prepared = checker._prepared_for(AS_OF)
    finally:
        checker.close()
    assert "PSR-TRAINING-DUE" in prepared.alone and "GEN-DIAGNOSIS" in prepared.alone
    for plan_only in ("SST-PLAN-ELEMENTS", "SST-PLAN-SCHEDULE", "CSW-EMPLOYMENT", "SST-REFERRAL"):
        assert plan_only not in prepared.alone


def _estimate(engine: Any, name: str) -> str:
    """DuckDB's estimate of ``name``'s rows, as its plan prints it (``~1 row`` when unknown)."""
    plan = engine.raw.execute(f'EXPLAIN SELECT * FROM "{name}"').fetchall()[0][1]
    return next(line.strip("│ ") for line in plan.splitlines() if "~" in line)


def test_the_history_lane_plans_joins_with_the_policy_as_the_rules_write_them() -> None:
    """DuckDB takes a slice's table (refilled at every check) to hold one row. On the history
    lane, where that table is a client's whole history, a policy table of known size would then
    be probed against a hash table of the history; so there the policy's tables have no known
    size either, and the written join stands. The line lane, whose one line DuckDB takes rightly
    to be small, keeps every size."""
    checker = EncounterChecker(policy())
    try:
        checker._prepared_for(AS_OF)
        history, line = checker._history.engine, checker._line.engine
        assert _estimate(history, "encounters") == "~1 row"
        assert _estimate(history, "policy_services") == "~1 row"
        assert _estimate(line, "policy_services") != "~1 row"
    finally:
        checker.close()


def test_the_check_reads_of_the_code_set_the_codes_of_the_slice(tmp_path: Path) -> None:
    """The ICD-10-CM code set is some 98,000 rows; a check puts behind its name the rows of the
    slice's diagnoses (``Reference.narrow``), and finds on them what the audit finds on the
    whole code set: a written-loosely code that is billable is clean, a category and a code
    that does not exist are not."""
    s = Scenario()
    line = s.encounter("cpr")
    s.row("diagnoses", client_id="C-CPR")["icd10"] = "f331"
    db = _store(tmp_path, s)
    rules = {"GEN-DIAGNOSIS": builtin_rules()["GEN-DIAGNOSIS"]}
    checker = EncounterChecker(policy(), rules=rules)
    cases = {
        "f331": ("F33.1", None),
        "F33": ("F33", "F33 is not a billable code"),
        "Q99.99X": (None, "Q99.99X is not an ICD-10-CM code"),
    }
    try:
        for written, (row, said) in cases.items():
            with Store.open(db) as store, store.unit_of_work() as uow:
                slice_, _ = encounter_slice(uow, line["encounter_id"])
            slice_.rows("diagnoses")[0]["icd10"] = written
            found = checker.check(slice_, line["encounter_id"], as_of=AS_OF).findings
            behind = checker._history.engine.raw.execute("SELECT code FROM icd10_codes")
            assert [r[0] for r in behind.fetchall()] == ([row] if row else [])
            audited = run_audit(facts_from_dataset(slice_), policy(), as_of=AS_OF, rules=rules)
            assert [f.message for f in found] == [f.message for f in audited.findings]
            assert [said in f.message for f in found] == ([True] if said else [])
    finally:
        checker.close()
