"""``caseledger policy list|show|validate|diff`` through the real command line."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner, Result

from caseledger.cli import app
from caseledger.policy import builtin_pack_files
from tests.policy.conftest import WritePack

ENV = {"COLUMNS": "240", "CASELEDGER_POLICY_PATH": ""}

OVERRIDE = """
pack: acme-sst
version: "2027.1"
extends: sst
params:
  lifetime_half_days:
    value: 30
    unit: half_days
    cite: DHSS memo 2026-14
    from: 2027-01-01
"""


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["policy", *args], env={**ENV, **(env or {})})


def test_list_shows_every_pack_with_version_values_and_file() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    for pack in ("aba", "cpr", "mo_healthnet", "sst", "sud"):
        assert re.search(rf"│ {pack}\s+│", result.output), pack
        assert f"{pack}.yaml" in result.output
    assert re.search(r"1\.0 sha256:[0-9a-f]{12}", result.output)
    assert re.search(r"│ 17\s+│", result.output)  # the SST rules


def test_list_includes_override_files(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE, "acme.yaml")
    # wide enough that the temporary file's long path is not folded across lines
    result = run("list", "--with", str(path), env={"COLUMNS": "600"})
    assert result.exit_code == 0, result.output
    assert "acme-sst 2027.1" in result.output
    assert str(path) in result.output


def test_show_renders_services_values_rules_and_citations() -> None:
    result = run("show", "cpr")
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("H2017 HO+HQ", "20.36", "5.09", "17.72", "4.43", "8 consumers per professional"):
        assert text in out, text
    assert "PSR-GROUP-SIZE" in out and "motivational_interviewing" in out
    assert "001_31c59ab3e9157d03.txt" in out
    assert "2009-06-03.." in out


def test_show_on_a_date_picks_the_versions_in_force() -> None:
    before = run("show", "aba", "--on", "2018-12-31")
    after = run("show", "aba", "--on", "2019-01-01")
    assert before.exit_code == after.exit_code == 0
    assert "│ 0372T │" in before.output and "│ 97153 │" not in before.output
    assert "│ 0372T │" not in after.output and "│ 97153 │" in after.output
    assert "in force on 2019-01-01" in after.output
    # the group-size rule starts with the 2019 codes
    assert "ABA-GROUP-SIZE" not in before.output and "ABA-GROUP-SIZE" in after.output


def test_show_accepts_a_rule_or_program_and_refuses_unknown_names() -> None:
    assert run("show", "SST-LIFETIME-CAP").exit_code == 0
    result = run("show", "nope")
    assert result.exit_code == 2
    assert "unknown pack or program 'nope'" in result.output
    bad_date = run("show", "sst", "--on", "2024-02-30")
    assert bad_date.exit_code == 2
    assert "expected a date YYYY-MM-DD" in bad_date.output


def test_validate_a_good_override(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE)
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output and "extends sst" in result.output
    assert "1 parameters" in result.output
    assert "sst is now 1.0 + acme-sst 2027.1" in result.output


def test_validate_a_builtin_pack_file_replaces_the_builtin() -> None:
    sst = next(p for p in builtin_pack_files() if p.name == "sst.yaml")
    result = run("validate", str(sst))
    assert result.exit_code == 0, result.output
    assert "full pack" in result.output and "17 rules" in result.output


def test_validate_a_bad_file_lists_every_problem_and_exits_2(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE
        + """
services:
  SST:
    rates:
      - value: sixty-nine
        cite: Agency contract
        from: 2027-01-01
    rat: 3
"""
    )
    result = run("validate", str(path))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:14: services.SST.rates[0].value: expected a number, got 'sixty-nine'",
        f"{path}:17: services.SST.rat: unknown key 'rat'; did you mean 'rates'?",
    ]
    assert "2 problems" in result.output


def test_validate_reports_names_the_dataset_does_not_know(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE
        + """
agency:
  certifications: {value: [dmh_cpr, dhss_sst], cite: M, from: 2027-01-01}
"""
    )
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:12: agency.certifications.value: unknown certification kind" in result.output


def test_a_broken_override_in_the_environment_stops_list(write_pack: WritePack) -> None:
    path = write_pack("pack: x\nversion: '1'\nextends: nowhere\n")
    result = run("list", env={"CASELEDGER_POLICY_PATH": str(path)})
    assert result.exit_code == 2
    assert f"{path}:3: extends: extends unknown pack 'nowhere'" in result.output


def test_diff_of_a_pack_and_its_override(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE)
    result = run("diff", "sst", str(path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "~ params.lifetime_half_days" in out
    assert "+ 2027-01-01 onward: 30 half_days [DHSS memo 2026-14]" in out
    assert "- 2008-01-01 onward: 26 half_days" in out
    assert "+ 2008-01-01 to 2026-12-31: 26 half_days" in out
    assert "0 added, 0 removed, 1 changed" in out


def test_diff_of_two_pack_files_shows_added_and_removed_values(
    write_pack: WritePack, tmp_path: Path
) -> None:
    sst = next(p for p in builtin_pack_files() if p.name == "sst.yaml")
    text = sst.read_text(encoding="utf-8")
    newer = text.replace("value: 69.00", "value: 71.00").replace(
        "  report_recipient:",
        "  meal_allowance:\n    value: 5\n    unit: usd\n"
        "    cite: DHSS notice 2030\n    from: 2030-01-01\n  report_recipient:",
    )
    newer = newer.replace('version: "1.0"', 'version: "2.0"')
    path = write_pack(newer, "sst-2.yaml")
    result = run("diff", str(sst), str(path))
    assert result.exit_code == 0, result.output
    assert "~ version" in result.output
    assert "~ services.SST.rates" in result.output and "71.00" in result.output
    assert "+ params.meal_allowance" in result.output
    assert "1 added" in result.output


def test_diff_of_a_pack_with_itself_has_no_differences() -> None:
    result = run("diff", "cpr", "cpr")
    assert result.exit_code == 0 and "no differences" in result.output


def test_diff_of_an_unknown_name() -> None:
    result = run("diff", "sst", "nope")
    assert result.exit_code == 2
    assert "neither a pack file nor a loaded pack" in result.output
