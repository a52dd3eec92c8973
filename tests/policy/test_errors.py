"""A bad pack fails at load, naming the file, the line and the key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseledger.policy import PackError, Problem, load_policy
from caseledger.policy.loader import read_pack_file
from tests.policy.conftest import KNOWN, WritePack


def problems_of(path: Path, *, known: bool = True) -> list[Problem]:
    with pytest.raises(PackError) as caught:
        load_policy([path], environ={}, known=KNOWN if known else None)
    assert all(p.file == str(path) for p in caught.value.problems), caught.value
    return list(caught.value.problems)


def only(path: Path) -> Problem:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


OVERRIDE_HEAD = """
pack: acme
version: "1"
extends: sst
"""


def test_a_wrong_type_names_file_line_and_key(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
services:
  SST:
    rates:
      - value: sixty-nine
        cite: Agency contract
        from: 2027-01-01
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (8, "services.SST.rates[0].value")
    assert problem.message == "expected a number, got 'sixty-nine'"
    assert str(problem) == (
        f"{path}:8: services.SST.rates[0].value: expected a number, got 'sixty-nine'"
    )


def test_a_typo_in_a_key_is_an_unknown_key_with_a_suggestion(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days:
    value: 30
    unit: half_days
    cite: Agency memo
    form: 2027-01-01
"""
    )
    found = problems_of(path)
    keys = {(p.line, p.key): p.message for p in found}
    assert (
        keys[(10, "params.lifetime_half_days.form")] == "unknown key 'form'; did you mean 'from'?"
    )
    # the key it meant to write is then missing, reported at the mapping's line
    assert keys[(6, "params.lifetime_half_days.from")] == "required key is missing"


def test_an_unknown_top_level_key_lists_the_keys_allowed(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE_HEAD + "colour: blue\n")
    problem = only(path)
    assert (problem.line, problem.key) == (4, "colour")
    assert problem.message.startswith("unknown key 'colour'; expected one of: pack, version")


def test_a_typo_in_a_choice_suggests_the_right_word(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
rules:
  SST-LIFETIME-CAP:
    severity: eror
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (7, "rules.SST-LIFETIME-CAP.severity")
    assert problem.message.endswith("got 'eror'; did you mean 'error'?")


def test_a_parameter_value_must_fit_its_unit(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  near_cap_remaining: {value: 2.5, unit: half_days, cite: Agency memo, from: 2027-01-01}
  transport_only_without_other_means: {value: "yes", unit: flag, cite: Memo, from: 2027-01-01}
"""
    )
    found = {(p.line, p.key): p.message for p in problems_of(path)}
    assert found == {
        (6, "params.near_cap_remaining.value"): "expected a whole number of half_days, got 2.5",
        (7, "params.transport_only_without_other_means.value"): "expected true or false, got 'yes'",
    }


def test_overlapping_dates_name_the_later_version(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days:
    - value: 28
      unit: half_days
      cite: Agency memo 1
      from: 2026-01-01
    - value: 30
      unit: half_days
      cite: Agency memo 2
      from: 2026-06-01
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (11, "params.lifetime_half_days[1]")
    assert "dates overlap" in problem.message
    assert "to: 2026-05-31" in problem.message


def test_a_gap_between_versions_is_an_error(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days:
    - {value: 28, unit: half_days, cite: Memo 1, from: 2026-01-01, to: 2026-03-31}
    - {value: 30, unit: half_days, cite: Memo 2, from: 2026-05-01}
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (8, "params.lifetime_half_days[1]")
    assert "gap" in problem.message and "2026-04-01 to 2026-04-30" in problem.message


def test_an_end_before_the_start_is_an_error(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days: {value: 28, unit: half_days, cite: M, from: 2026-01-01, to: 2025-01-01}
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (6, "params.lifetime_half_days")
    assert "'to' (2025-01-01) is before 'from' (2026-01-01)" in problem.message


def test_an_impossible_date_names_its_key(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days: {value: 28, unit: half_days, cite: M, from: 2026-13-01}
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (6, "params.lifetime_half_days.from")
    assert problem.message == "expected a date YYYY-MM-DD, got '2026-13-01'"


def test_an_empty_citation_is_an_error(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days: {value: 28, unit: half_days, cite: "  ", from: 2026-01-01}
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (6, "params.lifetime_half_days.cite")
    assert problem.message == "must not be empty"


def test_a_duplicate_key_names_both_lines(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days: {value: 28, unit: half_days, cite: M, from: 2026-01-01}
  lifetime_half_days: {value: 29, unit: half_days, cite: M, from: 2026-01-01}
"""
    )
    problem = only(path)
    assert (problem.line, problem.key) == (7, "params.lifetime_half_days")
    assert problem.message == "duplicate key (first given on line 6)"


def test_a_yaml_syntax_error_names_the_line(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE_HEAD + "params: [unclosed\nrules: {}\n")
    problem = only(path)
    assert problem.line in (5, 6)
    assert problem.message.startswith("not valid YAML")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "expected a mapping at the top"),
    ],
)
def test_a_file_that_is_not_a_pack(write_pack: WritePack, text: str, message: str) -> None:
    path = write_pack(text)
    assert message in only(path).message


def test_a_missing_file_is_reported_not_raised_raw(tmp_path: Path) -> None:
    problem = only(tmp_path / "nowhere.yaml")
    assert "cannot read the file" in problem.message


def test_extending_an_unknown_pack(write_pack: WritePack) -> None:
    path = write_pack('pack: acme\nversion: "1"\nextends: sstt\n')
    problem = only(path)
    assert (problem.line, problem.key) == (3, "extends")
    assert "unknown pack 'sstt'" in problem.message


def test_a_second_full_pack_with_a_builtin_id_is_refused(write_pack: WritePack) -> None:
    path = write_pack('pack: sst\nversion: "2"\ntitle: Again\n')
    problem = only(path)
    assert (problem.line, problem.key) == (1, "pack")
    assert "already registered from sst.yaml" in problem.message


def test_references_must_resolve(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
rules:
  SST-LIFETIME-CAP:
    reads: [params.lifetime_halfdays]
    carc: "999"
services:
  SST-TRANSPORT:
    replaced_by: {value: [SST-BUS], cite: M, from: 2030-01-01}
"""
    )
    found = {(p.line, p.key): p.message for p in problems_of(path)}
    assert "does not name anything in pack 'sst'" in found[(7, "rules.SST-LIFETIME-CAP.reads")]
    assert "unknown CARC code '999'" in found[(8, "rules.SST-LIFETIME-CAP.carc")]
    assert "unknown service code 'SST-BUS'" in found[(11, "services.SST-TRANSPORT.replaced_by")]


def test_a_new_service_or_rule_in_an_override_must_be_complete(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
services:
  SST-MEAL:
    name: Meal during a half-day session
rules:
  SST-MEAL-LIMIT:
    severity: warning
"""
    )
    found = {(p.line, p.key): p.message for p in problems_of(path)}
    assert found[(6, "services.SST-MEAL.cite")] == "required key is missing"
    assert found[(6, "services.SST-MEAL.from")] == "required key is missing"
    assert found[(9, "rules.SST-MEAL-LIMIT.subject")] == "required key is missing"
    assert found[(9, "rules.SST-MEAL-LIMIT.description")] == "required key is missing"


def test_names_the_dataset_does_not_know_fail_when_the_dataset_is_known(
    write_pack: WritePack,
) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
staff:
  qhip_supervisor:
    label: QHIP
    credentials_any: {value: [qhpi], cite: M, from: 2026-01-01}
trainings:
  primary_skills:
    label: Primary skills
    topics:
      primary_skills_safety: {label: Safety, cite: M, from: 2026-01-01}
"""
    )
    found = {(p.line, p.key): p.message for p in problems_of(path)}
    assert found[(8, "staff.qhip_supervisor.credentials_any.value")].startswith(
        "unknown credential kind 'qhpi'; did you mean 'qhip'?"
    )
    key = "trainings.primary_skills.topics.primary_skills_safety"
    assert found[(13, key)].startswith("unknown training topic")
    # without the dataset's names the same file loads
    assert load_policy([path], environ={}).packs["sst"].files[-1].path == path


def test_every_problem_of_a_file_is_reported_at_once(write_pack: WritePack) -> None:
    path = write_pack(
        OVERRIDE_HEAD
        + """
params:
  lifetime_half_days: {value: many, unit: half_days, cite: M, from: 2026-01-01}
rules:
  SST-LIFETIME-CAP: {severity: fatal, subject: nobody}
"""
    )
    assert len(problems_of(path)) == 3


def test_read_pack_file_checks_a_file_alone(write_pack: WritePack) -> None:
    path = write_pack(OVERRIDE_HEAD)
    pf = read_pack_file(path)
    assert pf.pack.extends == "sst" and len(pf.sha256) == 64
