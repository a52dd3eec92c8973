"""ICD-10-CM lookup and detection, offline."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.cli import app
from caseledger.codes.diagnoses import detect, lookup, release

runner = CliRunner()


def test_a_billable_code_a_category_and_a_code_that_does_not_exist() -> None:
    leaf = lookup("f331")
    assert (leaf.code, leaf.valid, leaf.billable) == ("F33.1", True, True)
    assert leaf.description and "recurrent" in leaf.description
    category = lookup("F33")
    assert category.valid and not category.billable and "F33.1" in category.narrower
    assert lookup("Z99.99").valid is False


def test_the_release_is_stated() -> None:
    assert release().split()[-1].isdigit()


def test_detection_finds_codes_and_phrases_and_marks_negation() -> None:
    text = (
        "Client denies depression but reports anxiety. Dx F33.1 and PTSD. "
        "No history of alcohol use disorder. Rule out schizophrenia; bipolar disorder noted."
    )
    found = {(m.text, m.code, m.negated) for m in detect(text)}
    assert found == {
        ("depression", "F32.A", True),
        ("anxiety", "F41.9", False),  # "but" ends the denial's reach
        ("F33.1", "F33.1", False),
        ("PTSD", "F43.10", False),
        ("alcohol use disorder", "F10.90", True),
        ("schizophrenia", "F20.9", True),
        ("bipolar disorder", "F31.9", False),  # a new sentence
    }


def test_a_longer_phrase_wins_over_its_parts_and_far_negations_do_not_reach() -> None:
    found = detect("Not sure when the generalized anxiety disorder began, says the family.")
    assert [(m.text, m.code, m.negated) for m in found] == [
        ("generalized anxiety disorder", "F41.1", False)  # "not sure" denies nothing
    ]
    denied = detect("Screened: no generalized anxiety disorder.")
    assert [(m.code, m.negated) for m in denied] == [("F41.1", True)]
    far = detect("No ride was available today, the bus was late again and so depression worsened.")
    assert [(m.text, m.negated) for m in far] == [("depression", False)]


def test_text_that_only_looks_like_a_code_is_not_one() -> None:
    assert detect("Room B12 and form Z99.99 were used.") == []


@given(st.text(max_size=300))
def test_detection_never_fails_and_every_span_is_the_text_it_names(text: str) -> None:
    for m in detect(text):
        assert text[m.start : m.end] == m.text


def test_the_command_line(tmp_path: object) -> None:
    ok = runner.invoke(app, ["icd10", "check", "F33.1"])
    assert ok.exit_code == 0 and "Billable" in ok.output
    category = runner.invoke(app, ["icd10", "check", "F33"])
    assert category.exit_code == 1 and "Not billable" in category.output
    assert runner.invoke(app, ["icd10", "check", "Q99.999"]).exit_code == 1
