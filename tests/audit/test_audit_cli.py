"""``caseledger audit``: exit status, output formats and bad input, as the dataset contract says."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.facts.dataset import write_dataset
from tests.rules.scenario import D, Scenario

runner = CliRunner()


def _folder(tmp_path: Path, s: Scenario, name: str = "data") -> Path:
    folder = tmp_path / name
    write_dataset(s.dataset(), folder)
    return folder


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr", service_code="H9999", modifiers=())  # GEN-CODE-UNKNOWN (error)
    return _folder(tmp_path, s, "broken")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    s = Scenario()
    s.encounter("cpr")
    return _folder(tmp_path, s, "clean")


def _audit(*args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["audit", *args, "--as-of", "2025-03-15", "--rule", "GEN-CODE-UNKNOWN"]
    )
    return result.exit_code, result.output


def test_json_output_follows_the_contract(broken: Path) -> None:
    code, out = _audit(str(broken), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["as_of"] == "2025-03-15"
    assert set(doc["policy"]) >= {"sst", "cpr", "sud", "aba", "mo_healthnet"}
    [finding] = doc["findings"]
    for key in (
        "rule",
        "severity",
        "subject_type",
        "subject_id",
        "client_id",
        "staff_id",
        "message",
        "citation",
        "amount_at_risk",
    ):
        assert key in finding
    assert finding["rule"] == "GEN-CODE-UNKNOWN"
    assert finding["severity"] == "error"
    assert finding["subject_type"] == "encounter"
    assert finding["client_id"] == "C-CPR"
    assert doc["summary"]["by_severity"]["error"] == 1


def test_exit_status_zero_when_nothing_reaches_fail_on(clean: Path, broken: Path) -> None:
    assert _audit(str(clean))[0] == 0
    assert _audit(str(broken), "--fail-on", "none")[0] == 0
    assert _audit(str(broken), "--fail-on", "warning")[0] == 1


def test_csv_output_has_one_row_per_finding(broken: Path) -> None:
    code, out = _audit(str(broken), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1
    assert [r["rule"] for r in rows] == ["GEN-CODE-UNKNOWN"]


def test_html_report_is_self_contained(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _ = _audit(str(broken), "--format", "html", "--output", str(target))
    html = target.read_text(encoding="utf-8")
    assert code == 1
    assert "GEN-CODE-UNKNOWN" in html and "<svg" in html
    for fetch in ("<script src", "<link ", "@import", "url("):
        assert fetch not in html
    # the only URL is the SVG namespace, which is never fetched
    assert html.count("http") == html.count("http://www.w3.org/2000/svg")


def test_invalid_dataset_exits_2_naming_file_line_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "encounters.csv").write_text(
        "encounter_id,client_id,service_code,date\nE1,C1,H2017,2025-13-01\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["audit", str(folder), "--as-of", "2025-03-15"])
    assert result.exit_code == 2
    assert "encounters.csv:2:date" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pdf"],
        ["--fail-on", "fatal"],
        ["--rule", "NO-SUCH-RULE"],
        ["--from", "2025-02-01", "--to", "2025-01-01"],
        ["--as-of", "yesterday"],
    ],
)
def test_invalid_options_exit_2(clean: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["audit", str(clean), *args])
    assert result.exit_code == 2, result.output


def test_missing_folder_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path / "nowhere"), "--as-of", "2025-03-15"])
    assert result.exit_code == 2
    assert "no dataset folder" in result.output


def test_period_filters_findings_by_date(tmp_path: Path) -> None:
    s = Scenario()
    s.encounter("cpr", D(2025, 1, 8), service_code="H9999", modifiers=())
    late = s.encounter("cpr", D(2025, 2, 12), service_code="H9999", modifiers=())
    folder = _folder(tmp_path, s)
    code, out = _audit(str(folder), "--format", "json", "--from", "2025-02-01")
    assert [f["subject_id"] for f in json.loads(out)["findings"]] == [late["encounter_id"]]
    assert code == 1


def test_notes_embeddings_reads_a_tie_to_the_goal_that_shares_no_word(tmp_path: Path) -> None:
    """``--notes embeddings``: a note that works on the plan goal in other words is tied; the
    packs' words alone do not see it (CSW-GOAL-TIE)."""
    s = Scenario()
    s.row("plan_goals", plan_id="P-SUD")["text"] = (
        "Get a part-time job with daytime hours with help from Vocational Rehabilitation."
    )
    line = s.encounter(
        "sud",
        note_text="Looked for work with client: found two employers hiring for day shifts and "
        "client submitted applications.",
    )
    folder = _folder(tmp_path, s)
    found = {}
    for reading in ("words", "embeddings"):
        result = runner.invoke(
            app,
            ["audit", str(folder), "--as-of", "2025-03-15", "--rule", "CSW-GOAL-TIE",
             "--notes", reading, "--format", "json", "--fail-on", "none"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        found[reading] = {f["subject_id"] for f in json.loads(result.output)["findings"]}
    assert found == {"words": {line["encounter_id"]}, "embeddings": set()}
    bad = runner.invoke(app, ["audit", str(folder), "--notes", "vibes"])
    assert bad.exit_code == 2 and "--notes must be one of words, embeddings" in bad.output


def test_a_parquet_file_that_cannot_be_read_exits_2_naming_it_and_no_cell(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from caseledger.demo.bulk import BulkOptions, generate_bulk

    folder = tmp_path / "bulk"
    generate_bulk(folder, BulkOptions(encounters=2_000, format="parquet"))
    # units as text, one cell of it no number: readable as a file, failing only on its rows
    path = folder / "encounters.parquet"
    table = pq.read_table(path)
    units = pa.array(["Jane Roe"] + ["1"] * (table.num_rows - 1), pa.string())
    pq.write_table(table.set_column(table.schema.get_field_index("units"), "units", units), path)
    result = runner.invoke(app, ["audit", str(folder), "--as-of", "2025-03-15"])
    assert result.exit_code == 2, result.output
    assert "encounters.parquet could not be read" in result.output
    assert "nothing was audited" in result.output
    assert "Jane Roe" not in result.output
