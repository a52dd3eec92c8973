"""Citable passages: everything the policy packs state, and the text of the agency's own source
documents, cut into short pieces that a question can be answered with.

A **pack passage** is one entry of a pack (a service term, a parameter, an activity, a staff or
training requirement, a rule of the catalog, a note) written out through a fixed sentence
template from the entry's own values, with the entry's citation and dates. Nothing is added that
the entry does not state; the templates only put the values into words.

A **document passage** is a run of lines (at most :data:`MAX_WORDS` words; a longer line is cut
at sentence ends) from a ``.txt`` or ``.md`` file the user points at, quoted verbatim and cited as
``file:first-last``. Source documents are read at run time and never shipped: the packs cite them,
but their sentences are not the product's to copy.

Some pack passages carry a **verdict**: a one-line answer the entry itself states (an activity a
program lists as not billable, a code deleted with its replacements). The answer may lead with it;
it is never composed from anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from caseledger.policy import Cited, GroupLimit, Policy, ServiceDef
from caseledger.policy.schema import Pack, Param, Version

Kind = Literal["pack", "rule", "document"]

#: The other names a program goes by, in our own words: the abbreviations staff use and the
#: everyday name of what it serves. They are indexed with every passage of the program's pack
#: and every service code it bills, so "PSR" finds H2017 and "head injury" finds SST.
PROGRAM_ALIASES: dict[str, str] = {
    "sst": "SST socialization skills training adult head injury brain injury TBI AHI ABI DHSS",
    "cpr": "CPR PSR psychosocial rehabilitation community psychiatric rehabilitation mental "
    "health DMH",
    "sud": "CSW community support worker substance use disorder SUD CSTAR addiction alcohol "
    "drugs DMH",
    "aba": "ABA applied behavior analysis adaptive behavior autism",
}

#: the longest document passage, in words; short enough to quote, long enough to hold a point
MAX_WORDS = 90
#: a line this short that ends no sentence is a title or a lead-in
LEAD_WORDS = 12
DOCUMENT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Passage:
    """One citable piece of text."""

    #: the words quoted to the user
    text: str
    #: where it comes from: the pack entry's citation, or ``file:first-last`` for a document
    cite: str
    #: where it sits: ``sud activities.nonbillable.transport_to_appointment`` or ``file:12-14``
    where: str
    kind: Kind
    #: the days it is in force (pack entries); ``None`` for documents
    start: dt.date | None = None
    end: dt.date | None = None
    #: a one-line answer the entry states, if any
    verdict: str | None = None
    #: words indexed with the text but not quoted (program aliases, codes, keys, note phrases)
    extra: str = ""
    #: the billing codes the passage is about
    codes: tuple[str, ...] = ()

    @property
    def indexed(self) -> str:
        """The text the index reads: the quoted words and the extra ones."""
        return f"{self.text} {self.extra}".strip()

    @property
    def meaning_text(self) -> str:
        """The text embedded for its meaning: a document passage with the title it sits under;
        a pack passage alone (its extra words are there to be found, not to mean)."""
        if self.kind == "document" and self.extra:
            return f"{self.extra}\n{self.text}"
        return self.text

    @property
    def span(self) -> str:
        """``2008-01-01 onward`` or ``2014-07-01 to 2018-12-31``; empty for documents."""
        if self.start is None:
            return ""
        return self.start.isoformat() + (f" to {self.end.isoformat()}" if self.end else " onward")

    def in_force(self, on: dt.date) -> bool:
        """True on ``on``, and always for a passage without dates (a document)."""
        if self.start is None:
            return True
        return self.start <= on and (self.end is None or on <= self.end)


class SourceError(ValueError):
    """A source document cannot be read; the message names the file and what is wrong."""


# ------------------------------------------------------------------------------- wording


def words_of_key(key: str) -> str:
    """``lifetime_half_days`` as ``lifetime half days``."""
    return key.replace("_", " ").strip()


def _value(value: Any, unit: str | None = None) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list | tuple):
        text = ", ".join(words_of_key(str(v)) for v in value) or "none"
    elif value is None:
        text = "not given by the sources"
    elif isinstance(value, Decimal) and unit == "usd":
        return f"${value}"
    else:
        text = str(value)
    if unit and unit not in ("flag", "text", "phrases", "places", "activities", "names", "codes"):
        text = f"{text} {words_of_key(unit)}"
    return text


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def _with_note(text: str, note: str | None) -> str:
    return f"{_sentence(text)} Note: {_sentence(note)}" if note else _sentence(text)


def _unit_words(value: int | str | None) -> str:
    if value == "untimed":
        return "it is untimed: one unit per session, whatever the time"
    if isinstance(value, int):
        return f"one unit is {value} minutes"
    return "the sources state no billing unit"


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


_ROUNDING = {
    "cms_8_minute": "the CMS 8-minute rule (8 to 22 minutes make one 15-minute unit)",
    "cpt_midpoint": "the CPT midpoint rule (a unit counts once its midpoint is passed)",
    "whole_units": "whole units only (a part unit counts for nothing)",
    "untimed": "one unit per session",
}

#: each service term: how its value is put into words
_TERMS: dict[str, Any] = {
    "unit": lambda v: _unit_words(v),
    "rounding": lambda v: f"minutes become units by {_ROUNDING.get(str(v), words_of_key(str(v)))}",
    "rate": lambda v: (
        "the sources give no rate per unit" if v is None else f"the rate is ${v} per unit"
    ),
    "pay_rate": lambda v: f"the provider is paid ${v} per unit",
    "funding": lambda v: f"it may be billed under these funding streams: {_value(v)}",
    "prior_auth": lambda v: (
        "it needs a prior authorization" if v else "it needs no prior authorization"
    ),
    "auth_kind": lambda v: f"it is covered by a {words_of_key(str(v))} authorization",
    "group_limit": lambda v: (
        f"a group has at most {v.max} {v.counting} per {v.per} (1:{v.max})"
        if v.per == "professional"
        else f"a group has at most {v.max} {v.counting} per {v.per}"
    ),
    "daily_max": lambda v: f"at most {_units(v)} per client per day",
    "max_units_per_session": lambda v: f"at most {_units(v)} per session",
}


# ------------------------------------------------------------------------ pack passages


@dataclass(frozen=True)
class _Pack:
    id: str
    pack: Pack
    #: ``the Community Support (...) pack``: how a passage names its source
    title: str
    aliases: str


def _packs(policy: Policy) -> list[_Pack]:
    out = []
    for pack_id, lp in policy.packs.items():
        # the title's short form ("Community Support", not its parenthesis): a passage names
        # its program, and the codes a title lists must not make every passage about them
        title = (lp.pack.title or pack_id).split(" (")[0]
        aliases = PROGRAM_ALIASES.get(lp.pack.program or "", "")
        out.append(_Pack(pack_id, lp.pack, title, f"{pack_id} {aliases}"))
    return out


def _dated(
    p: _Pack,
    path: str,
    text: str,
    version: Version | Cited[Any],
    *,
    kind: Kind = "pack",
    verdict: str | None = None,
    extra: str = "",
    codes: tuple[str, ...] = (),
) -> Passage:
    if isinstance(version, Cited):
        start, end, note = version.start, version.end, version.note
    else:
        start, end, note = version.from_, version.to, version.note
    return Passage(
        text=_with_note(text, note),
        cite=version.cite,
        where=f"{p.id} {path}",
        kind=kind,
        start=start,
        end=end,
        verdict=verdict,
        extra=f"{extra} {p.aliases}".strip(),
        codes=codes,
    )


def _service_passages(policy: Policy, packs: dict[str, _Pack]) -> Iterator[Passage]:
    seen: set[tuple[str, str, dt.date, str]] = set()
    headed: set[str] = set()
    for s in sorted(policy.service_timeline(), key=lambda s: (s.pack, s.key, s.start)):
        p = packs[s.pack]
        extra = f"{s.code} {s.key} {' '.join(s.modifiers)}"
        lead = f"{s.label} ({s.name})"
        if s.key not in headed:
            headed.add(s.key)
            yield _service_header(p, s, extra)
        for term, show in _TERMS.items():
            found: Cited[Any] | None = getattr(s, term)
            if found is None:
                continue
            mark = (s.key, term, found.start, repr(found.value))
            if mark in seen:
                continue
            seen.add(mark)
            yield _dated(
                p,
                f"services.{s.key}.{term}",
                f"{lead}, {p.title}: {show(found.value)}",
                found,
                extra=f"{extra} {words_of_key(term)}",
                codes=(s.code,),
            )


def _service_header(p: _Pack, s: ServiceDef, extra: str) -> Passage:
    spec = p.pack.services[s.key]
    assert spec.from_ is not None and spec.cite is not None
    kind = "a group service" if s.group else "a service"
    until = f" to {spec.to}" if spec.to else " onward"
    text = (
        f"{s.label} is {kind} of the {p.title}: {s.name}. It is billable from {spec.from_}{until}"
    )
    return Passage(
        text=_with_note(text, spec.note),
        cite=spec.cite,
        where=f"{p.id} services.{s.key}",
        kind="pack",
        start=spec.from_,
        end=spec.to,
        extra=f"{extra} {p.aliases}",
        codes=(s.code,),
    )


def _deleted_codes(policy: Policy, packs: dict[str, _Pack]) -> Iterator[Passage]:
    """A passage for every code the packs end, stating its last day and its replacements."""
    names = {s.code: (s.pack, s.name) for s in policy.service_timeline()}
    for code, periods in policy.code_statuses():
        ends = [end for _, end in periods]
        if not ends or any(end is None for end in ends):
            continue
        last = max(e for e in ends if e is not None)
        status = policy.code_status(code, last + dt.timedelta(days=1))
        pack_id, name = names[code]
        p = packs[pack_id]
        use = ", ".join(status.replaced_by)
        text = (
            f"{code} ({name}) was in force from {status.added} to {last}; "
            f"from {status.deleted_on} it is deleted" + (f" and replaced by {use}" if use else "")
        )
        verdict = f"{code} is deleted from {status.deleted_on}" + (
            f"; bill {use} instead" if use else ""
        )
        yield Passage(
            text=_sentence(text),
            cite=status.cite,
            where=f"{pack_id} services.{code}.replaced_by",
            kind="pack",
            start=status.deleted_on,
            verdict=verdict,
            extra=f"{code} deleted replaced replacement {' '.join(status.replaced_by)} {p.aliases}",
            codes=(code, *status.replaced_by),
        )


def _param_passages(p: _Pack) -> Iterator[Passage]:
    for name, versions in p.pack.params.items():
        for v in versions:
            text = f"{p.title}, {words_of_key(name)}: {_value(v.value, v.unit)}"
            yield _dated(p, f"params.{name}", text, v, extra=name)


_SECTION_VERDICT = {
    "nonbillable": (
        "Not billable: the {title} pack lists “{label}” as an activity that may not be billed"
    ),
    "excluded": "Not billable: the {title} pack lists “{label}” as a service it excludes",
    "billable": "Billable: the {title} pack lists “{label}” as a billable function",
}
_SECTION_WORDS = {
    "nonbillable": "may not be billed (a non-billable activity)",
    "excluded": "is excluded (not billable as this service)",
    "billable": "is a billable function",
}


def _activity_passages(p: _Pack) -> Iterator[Passage]:
    if p.pack.activities is None:
        return
    for section in ("billable", "nonbillable", "excluded"):
        entries: dict[str, Any] = getattr(p.pack.activities, section)
        for kind, versions in entries.items():
            for v in versions:
                text = f"{p.title}: {v.label} {_SECTION_WORDS[section]}"
                verdict = _SECTION_VERDICT[section].format(title=p.title, label=v.label)
                if v.exception:
                    text = f"{_sentence(text)} Exception: {v.exception}"
                    verdict += f"; exception: {_sentence(v.exception)}"
                yield _dated(
                    p,
                    f"activities.{section}.{kind}",
                    text,
                    v,
                    verdict=_sentence(verdict),
                    extra=f"{words_of_key(kind)} {' '.join(v.phrases)}",
                )


def _read_value(p: _Pack, read: str) -> str | None:
    """The latest value a rule reads, in words (``params.X`` and ``services.K.term``)."""
    parts = read.split(".")
    if parts[0] == "params" and len(parts) == 2 and parts[1] in p.pack.params:
        v = p.pack.params[parts[1]][-1]
        return f"{words_of_key(parts[1])} = {_value(v.value, v.unit)}"
    if parts[0] == "services" and len(parts) == 3 and parts[2] in ("group_limit", "daily_max"):
        versions = getattr(p.pack.services.get(parts[1]), parts[2], None)
        if versions:
            v = versions[-1]
            show = _TERMS[parts[2]]
            value = (
                GroupLimit(max=v.value, per=v.per, counting=v.counting)
                if parts[2] == "group_limit"
                else v.value
            )
            return f"{parts[1]}: {show(value)}"
    return None


def _rule_passages(policy: Policy, packs: dict[str, _Pack]) -> Iterator[Passage]:
    for r in policy.rules():
        p = packs[r.pack]
        scope = f"{p.title} pack"
        reads = [found for read in r.reads if (found := _read_value(p, read))]
        text = f"Rule {r.id} ({r.severity}, {scope}): {_sentence(r.description)}"
        if reads:
            text += " It reads " + "; ".join(reads)
        if r.carc and r.carc_meaning:
            text = f"{_sentence(text)} A payer would deny it with CARC {r.carc}: {r.carc_meaning}"
        yield Passage(
            text=_with_note(text, r.note),
            cite=r.cite,
            where=f"{r.pack} rules.{r.id}",
            kind="rule",
            start=r.start,
            end=r.end,
            extra=f"{r.id.replace('-', ' ')} {p.aliases}",
        )


def _requirement_passages(p: _Pack) -> Iterator[Passage]:
    """Agency, staff, training and document requirements, notes, CARC codes and modifiers."""
    pack = p.pack
    for n, note in enumerate(pack.notes):
        yield Passage(
            text=_sentence(f"{p.title}: {note.text}"),
            cite=note.cite,
            where=f"{p.id} notes[{n}]",
            kind="pack",
            extra=p.aliases,
        )
    if pack.agency is not None:
        for term in ("certifications", "curriculum_required"):
            for v in getattr(pack.agency, term) or ():
                text = f"{p.title}, what the agency must hold, {words_of_key(term)}: "
                yield _dated(p, f"agency.{term}", text + _value(v.value), v, extra=term)
    for role, spec in pack.staff.items():
        for term in type(spec).model_fields:
            versions = getattr(spec, term)
            if term == "label" or not versions:
                continue
            for v in versions:
                text = (
                    f"{p.title}, staff role {spec.label}, {words_of_key(term)}: {_value(v.value)}"
                )
                yield _dated(p, f"staff.{role}.{term}", text, v, extra=f"{role} {term}")
    for group, training in pack.trainings.items():
        yield from _training_passages(p, group, training)
    for name, doc in pack.documents.items():
        for element, versions in doc.elements.items():
            for e in versions:
                text = f"{p.title}, required document {doc.label}: it must state {e.label}"
                yield _dated(p, f"documents.{name}.{element}", text, e, extra=name)
        for d in doc.due or ():
            text = f"{p.title}, required document {doc.label}: due within {_value(d.value, d.unit)}"
            yield _dated(p, f"documents.{name}.due", text, d, extra=f"{name} deadline")
    for section, table, what in (
        ("carc", pack.carc, "Claim adjustment reason code"),
        ("modifiers", pack.modifiers, "Modifier"),
    ):
        for code, meanings in table.items():
            for m in meanings:
                text = f"{what} {code}: {m.meaning}"
                yield _dated(p, f"{section}.{code}", text, m, extra=f"{code} {what.lower()}")


def _training_passages(p: _Pack, group: str, training: Any) -> Iterator[Passage]:
    who = f" for {words_of_key(training.role)}" if training.role else ""
    head = f"{p.title}, training {training.label}{who}"
    terms: list[tuple[str, Sequence[Param] | Sequence[Any] | None, str]] = [
        ("due", training.due, "due within {}"),
        ("starts_after", training.starts_after, "starts after {}"),
        ("hours_per_year", training.hours_per_year, "{} hours a year"),
        ("waiver_allowed", training.waiver_allowed, "earlier training may stand in: {}"),
    ]
    for term, versions, template in terms:
        for v in versions or ():
            value = _value(v.value, v.unit if isinstance(v, Param) else None)
            text = f"{head}: {template.format(value)}"
            yield _dated(p, f"trainings.{group}.{term}", text, v, extra=f"{group} {term}")
    for topic, versions in training.topics.items():
        for t in versions:
            hours = f" ({t.hours} hours)" if t.hours else ""
            text = f"{head}, topic: {t.label}{hours}"
            yield _dated(p, f"trainings.{group}.topics.{topic}", text, t, extra=topic)


def pack_passages(policy: Policy) -> tuple[Passage, ...]:
    """Every entry of every loaded pack, and every rule of the catalog, as passages."""
    packs = {p.id: p for p in _packs(policy)}
    out: list[Passage] = []
    out.extend(_service_passages(policy, packs))
    out.extend(_deleted_codes(policy, packs))
    for p in packs.values():
        out.extend(_param_passages(p))
        out.extend(_activity_passages(p))
        out.extend(_requirement_passages(p))
    out.extend(_rule_passages(policy, packs))
    return tuple(out)


# -------------------------------------------------------------------- document passages

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _windows(sentences: Sequence[str]) -> Iterator[str]:
    """Consecutive sentences, joined while they stay within :data:`MAX_WORDS` words."""
    chunk: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if chunk and count + n > MAX_WORDS:
            yield " ".join(chunk)
            chunk, count = [], 0
        chunk.append(sentence)
        count += n
    if chunk:
        yield " ".join(chunk)


def _is_lead(block: Sequence[tuple[int, str]]) -> bool:
    """A title, a heading or a lead-in ("Providers must:"): one short line that ends no
    sentence. It is quoted with what follows, not alone."""
    if len(block) != 1:
        return False
    line = block[0][1].strip()
    return len(line.split()) <= LEAD_WORDS and not line.endswith((".", "!", "?", ";"))


def split_document(name: str, text: str) -> list[Passage]:
    """``text`` (the file ``name``) as passages: runs of non-blank lines up to
    :data:`MAX_WORDS` words, a longer line cut between sentences, a short title or lead-in line
    joined to the run after it. Each keeps its line numbers; the last title or lead-in is also
    indexed with the passages under it ("DESIRED OUTCOMES:" with each of its bullets)."""
    out: list[Passage] = []
    context = ""
    lead: list[tuple[int, str]] = []
    block: list[tuple[int, str]] = []

    def passage(lines: list[tuple[int, str]]) -> None:
        out.append(_document_passage(name, lines, context))

    def flush() -> None:
        nonlocal lead, context
        if not block:
            return
        if _is_lead(block):
            if (
                block[0][1].lstrip().startswith("#")
                and lead
                and all(t.lstrip().startswith("#") for _, t in lead)
            ):
                passage(lead)  # a heading with nothing under it before the next one
                lead = []
            lead.extend(block)
            context = " ".join(t.strip().lstrip("#").strip() for _, t in lead)
            block.clear()
            return
        # the pending title or lead-in opens the first passage of the run, whatever its length
        lines, count, only_lead = list(lead), sum(len(t.split()) for _, t in lead), bool(lead)
        lead = []
        for number, line in block:
            n = len(line.split())
            if lines and _is_lead([(number, line)]) and line.strip().endswith(":"):
                # a lead-in inside a run starts a new passage, and a new context
                passage(lines)
                lines, count, only_lead = [], 0, False
                context = line.strip()
            elif lines and not only_lead and (n > MAX_WORDS or count + n > MAX_WORDS):
                passage(lines)
                lines, count = [], 0
            if n > MAX_WORDS:
                for piece in _windows(_SENTENCE_END.split(line.strip())):
                    passage([*lines, (number, piece)])
                    lines = []
                count, only_lead = 0, False
                continue
            lines.append((number, line))
            count += n
            only_lead = False
        if len(lines) == 1 and _is_lead(lines) and lines[0][1].strip().endswith(":"):
            lead = lines  # a lead-in closing the run belongs to the next one
        elif lines:
            passage(lines)
        block.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            flush()
            continue
        if line.lstrip().startswith("#"):
            flush()
            block.append((number, line.rstrip()))
            flush()
            continue
        block.append((number, line.rstrip()))
    flush()
    if lead:  # a title with nothing after it
        passage(lead)
    return out


def _document_passage(name: str, lines: list[tuple[int, str]], heading: str) -> Passage:
    first, last = lines[0][0], lines[-1][0]
    where = f"{name}:{first}" if first == last else f"{name}:{first}-{last}"
    return Passage(
        text="\n".join(text.strip() for _, text in lines),
        cite=where,
        where=where,
        kind="document",
        extra=heading,
    )


def document_files(folder: Path) -> list[Path]:
    """The ``.txt`` and ``.md`` files under ``folder``, in name order."""
    if not folder.is_dir():
        raise SourceError(f"the sources folder {folder} does not exist or is not a folder")
    return sorted(
        f for f in folder.rglob("*") if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES
    )


def document_passages(folder: Path, files: Iterable[Path] | None = None) -> tuple[Passage, ...]:
    """Every source document under ``folder`` as passages, named by their path inside it."""
    out: list[Passage] = []
    for path in files if files is not None else document_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                f"{name}: not UTF-8 text (byte {error.start}); save it as UTF-8"
            ) from None
        except OSError as error:
            raise SourceError(f"{name}: cannot be read ({error.strerror})") from None
        out.extend(split_document(name, text))
    return tuple(out)
