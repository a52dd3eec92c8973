"""PHI redaction: each identifier type found and not over-redacted, the record's identifiers in
their variants, the shape-keeping filler, the command (JSON without values, access log, errors)
and the targets on the held-out corpus."""

from __future__ import annotations

import datetime as dt
import json
from itertools import pairwise
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from caseledger.cli.common import State
from caseledger.cli.redact import redact_command
from caseledger.redaction import KnownIdentifiers, PhiType, places, redact, redact_all
from caseledger.redaction.corpus import PATH, CorpusError, load, parse
from caseledger.redaction.evaluate import evaluate, ours
from caseledger.store import Store
from caseledger.store.access_log import entries

runner = CliRunner()


def _types(text: str, known: KnownIdentifiers | None = None) -> dict[str, str]:
    return {text[s.start : s.end]: str(s.type) for s in redact(text, known=known).spans}


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Session held on March 14, 2024 at home.", "March 14, 2024", "DATE"),
        ("Seen 3/14/24 for group.", "3/14/24", "DATE"),
        ("Call back at (573) 555-0142 today.", "(573) 555-0142", "PHONE"),
        ("Wrote to dana.w@example.com about rides.", "dana.w@example.com", "EMAIL"),
        ("SSN on file: 123-45-6789.", "123-45-6789", "SSN"),
        ("Medicaid ID 9012 3456 verified.", "9012 3456", "MEDICAID_ID"),
        ("Chart MRN 4471203 updated.", "4471203", "RECORD_NO"),
        ("Lives at 1200 Cedar Hollow Ln with a roommate.", "1200 Cedar Hollow Ln", "ADDRESS"),
        ("Her grandmother is 94 years old.", "94", "AGE"),
        ("Her mother, Rosalind, came along.", "Rosalind", "NAME"),
        ("Mr. Okonkwo arrived on time.", "Okonkwo", "NAME"),
    ],
)
def test_each_type_is_found(text: str, value: str, kind: str) -> None:
    found = _types(text)
    assert any(value in got and got_kind == kind for got, got_kind in found.items()), found
    assert value not in redact(text).text


@pytest.mark.parametrize(
    "text",
    [
        "Client is a 45-year-old who rated anxiety 6/10 before the outing.",
        "Billed 4 units under H2017 for Community Psychiatric Rehabilitation.",
        "Takes sertraline 50 mg; NPI 1234567893 entered for the provider.",
        "Enrolled in MO HealthNet and lives in Missouri.",
        "Session ran from 10:00 to 1:15 pm on Tuesday.",
        "Practiced ordering at Walmart and spent $12.40.",
    ],
)
def test_what_is_not_phi_stays(text: str) -> None:
    assert redact(text).text == text


def test_record_identifiers_in_their_variants() -> None:
    known = KnownIdentifiers(
        first_name="Dana",
        last_name="Whitfield",
        aliases=("Dee",),
        dob=dt.date(1961, 3, 14),
        medicaid_id="90123456",
        phones=("573-555-0142",),
        address_line="1200 Cedar Hollow Ln",
        city="Fulton",
        zip="65251",
        staff=("Orrin Pemberton",),
    )
    text = (
        "DANA's sister drove dana; Whitfield, Dee and Ms. whitfield waited. Born 14 March 1961 "
        "(3-14-61). DCN 9012-3456, phone 573.555.0142 or 5550142. Home: 1200 Cedar Hollow Lane, "
        "Fulton 65251. Orrin wrote this; Pemberton signed."
    )
    result = redact(text, known=known)
    for value in ("DANA", "dana", "Whitfield", "Dee", "whitfield", "14 March 1961", "3-14-61",
                  "9012-3456", "573.555.0142", "5550142", "Cedar Hollow", "Fulton", "65251",
                  "Orrin", "Pemberton"):  # fmt: skip
        assert value not in result.text, value
    assert "'s sister" in result.text  # the possessive stays, the name goes


def test_an_everyday_word_is_a_name_only_with_its_capital() -> None:
    known = KnownIdentifiers(first_name="Hope", last_name="Grant")
    result = redact("Hope said she has hope; Grant applied for a grant.", known=known)
    assert result.text == "[NAME] said she has hope; [NAME] applied for a grant."


@given(st.text(max_size=200))
def test_keep_shape_keeps_length_and_line_breaks(text: str) -> None:
    shaped = redact(text, keep_shape=True).text
    assert len(shaped) == len(text)
    assert [i for i, c in enumerate(shaped) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_redaction_never_raises_and_spans_are_ordered(text: str) -> None:
    spans = redact(text).spans
    assert all(a.end <= b.start for a, b in pairwise(spans))
    assert all(0 <= s.start < s.end <= len(text) for s in spans)


def test_placeholders_name_the_type() -> None:
    result = redact("Dr. Okonkwo called 573-555-0142.")
    assert result.text == "Dr. [NAME] called [PHONE]."
    assert result.counts() == {PhiType.NAME: 1, PhiType.PHONE: 1}


def test_a_town_named_alone_is_removed_and_a_word_town_only_in_context() -> None:
    # a town no word shares goes wherever it is; "Union" only where it reads as a place
    assert redact("Practiced at the pantry in Sedalia.").text == (
        "Practiced at the pantry in [ADDRESS]."
    )
    assert redact("Sedalia was busy.").text == "[ADDRESS] was busy."
    assert redact("Client lives in Union with a roommate.").text == (
        "Client lives in [ADDRESS] with a roommate."
    )
    text = "Union dues came up. Liberty is a value the group discussed."
    assert redact(text).text == text
    assert "Poplar Bluff" not in redact("Moved to Poplar Bluff, MO 63901.").text


def test_place_list_holds_every_county_and_reports_bad_lines(tmp_path: Path) -> None:
    sections = places.read()
    assert len(sections["county"]) == 114
    assert {"St. Louis", "Kansas City", "Springfield"} <= sections["city"]
    bad = tmp_path / "places.txt"
    bad.write_text("[city]\nRolla\nlowercase town\n", encoding="utf-8")
    with pytest.raises(places.PlaceListError, match=r"places.txt:3: expected"):
        places.read(bad)


def test_an_address_at_a_sentence_end_leaves_the_full_stop() -> None:
    assert redact("She moved to 12 Main St. Next week she starts.").text == (
        "She moved to [ADDRESS]. Next week she starts."
    )
    assert redact("Lives at 40 Oak St.").text == "Lives at [ADDRESS]."


def test_an_everyday_word_name_is_taken_with_a_cue_only() -> None:
    assert redact("Writer left a voicemail for Will on the office line.").text == (
        "Writer left a voicemail for [NAME] on the office line."
    )
    assert redact("Will she attend? Staff hope so.").text == "Will she attend? Staff hope so."
    assert redact("Red's son starts school soon.").text == "[NAME]'s son starts school soon."


def test_a_name_found_once_is_removed_in_lower_case_where_it_reads_as_a_person() -> None:
    text = "Her friend Rusty came along. She wants to invite rusty to group; the gate is rusty."
    assert redact(text).text == (
        "Her friend [NAME] came along. She wants to invite [NAME] to group; the gate is rusty."
    )
    # a name that is no word goes in any case
    assert "malachi" not in redact("Her roommate Malachi cooked; malachi said so.").text


def test_a_name_in_capitals_is_removed() -> None:
    assert redact("APRIL LITTLE  (C-20054)\nPROGRESS NOTE").text == (
        "[NAME]  ([RECORD_NO])\nPROGRESS NOTE"
    )


def test_many_texts_at_once_match_one_at_a_time() -> None:
    texts = [
        "Dana met her sister Keisha in Rolla on 3/4/2024.",
        "",
        "Call Mr. Okafor at 573-555-0101.",
        "Nothing to find here.",
    ]
    known = [KnownIdentifiers(first_name="Dana"), None, None, None]
    together = redact_all(texts, known=known)
    one_by_one = [redact(t, known=k).text for t, k in zip(texts, known, strict=True)]
    assert [r.text for r in together] == one_by_one
    with pytest.raises(ValueError, match="4 texts but 1 sets"):
        redact_all(texts, known=known[:1])


# ------------------------------------------------------------------ the command


def _cli() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context, db: str = typer.Option(None, "--db")) -> None:
        ctx.obj = State(db_option=db)

    root.command("redact")(redact_command)
    return root


NOTE = "Dana Whitfield (Medicaid 90123456) met staff Orrin Pemberton on 3/14/2025.\n"


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'redact.db'}"
    with Store.open(url) as store, store.unit_of_work() as uow:
        uow.repo("agency").upsert_many([{"agency_id": "A1", "name": "Agency"}])
        uow.repo("staff").upsert_many(
            [{"staff_id": "S1", "agency_id": "A1", "first_name": "Orrin", "last_name": "Pemberton"}]
        )
        uow.repo("clients").upsert_many(
            [
                {
                    "client_id": "C-7",
                    "agency_id": "A1",
                    "first_name": "Dana",
                    "last_name": "Whitfield",
                    "dob": dt.date(1961, 3, 14),
                    "medicaid_id": "90123456",
                    "phone": "573-555-0142",
                }
            ]
        )
    return url


def test_json_lists_spans_but_no_values(tmp_path: Path, store_url: str) -> None:
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = runner.invoke(
        _cli(), ["--db", store_url, "redact", str(note), "--client", "C-7", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {s["type"] for s in body["spans"]} >= {"NAME", "MEDICAID_ID", "DATE"}
    for value in ("Dana", "Whitfield", "90123456", "Orrin", "Pemberton", "3/14/2025"):
        assert value not in result.output


def test_client_read_is_access_logged(tmp_path: Path, store_url: str) -> None:
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    out = tmp_path / "out.txt"
    with Store.open(store_url) as store, store.engine.connect() as conn:
        before = len(entries(conn, client_id="C-7"))
    result = runner.invoke(
        _cli(), ["--db", store_url, "redact", str(note), "--client", "C-7", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Whitfield" not in out.read_text(encoding="utf-8")
    with Store.open(store_url) as store, store.engine.connect() as conn:
        logged = entries(conn, client_id="C-7")[before:]
    assert [(e.action, e.record_type) for e in logged] == [("read", "clients")]


def test_keep_shape_from_the_command(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Call 573-555-0142\nnow.\n", encoding="utf-8")
    result = runner.invoke(_cli(), ["redact", str(note), "--keep-shape"])
    assert result.output == "Call 000-000-0000\nnow.\n"


def test_errors_are_clear_and_quote_no_phi(tmp_path: Path, store_url: str) -> None:
    missing = runner.invoke(_cli(), ["redact", str(tmp_path / "absent.txt")])
    assert missing.exit_code == 2 and "absent.txt: no such file" in missing.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Dana Whitfield \xe9t\xe9".encode("latin-1"))
    bad = runner.invoke(_cli(), ["redact", str(latin)])
    assert bad.exit_code == 2 and "not UTF-8" in bad.output and "Dana" not in bad.output
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    unknown = runner.invoke(_cli(), ["--db", store_url, "redact", str(note), "--client", "C-0"])
    assert unknown.exit_code == 2 and "no client C-0" in unknown.output
    assert "Whitfield" not in unknown.output
    wrong = runner.invoke(_cli(), ["redact", str(note), "--format", "xml"])
    assert wrong.exit_code == 2 and "--format" in wrong.output


# ------------------------------------------------------------------ the corpus


def test_corpus_line_errors_name_the_line() -> None:
    with pytest.raises(CorpusError, match=r"notes.jsonl:3: not a labelled note"):
        parse('{"id": "N1", "split": "dev", "text": "ab", "known": null, '
              '"spans": [{"start": 0, "end": 9, "type": "NAME"}]}', "notes.jsonl:3")  # fmt: skip


def test_corpus_file_is_what_the_script_writes_and_heldout_holds_every_type() -> None:
    from caseledger.redaction.corpus import build

    written = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines()]
    assert written == json.loads(json.dumps(build.build()))
    heldout = {str(g.span.type) for n in load("heldout") for g in n.gold}
    assert heldout == {str(t) for t in PhiType}


def test_corpus_has_both_splits_and_enough_notes() -> None:
    notes = load()
    assert len(notes) >= 200
    assert {n.split for n in notes} == {"dev", "heldout"}
    assert all(n.text[g.span.start : g.span.end].strip() for n in notes for g in n.gold)


@pytest.mark.slow
def test_targets_on_the_heldout_split() -> None:
    """The issue's bar: recall >= 0.98 overall, >= 0.99 for names and Medicaid ids, precision
    >= 0.90, on notes the redactor was not tuned on."""
    score = evaluate(load("heldout"), ours)
    assert score.precision >= 0.90
    assert score.recall_of("MEDICAID_ID") >= 0.99
    assert score.recall_of("NAME") >= 0.99
    assert score.recall >= 0.98
