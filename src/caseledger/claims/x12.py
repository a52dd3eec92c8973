"""The X12 5010 interchange: its delimiters, its segments, its envelopes, and a serializer.

What the 5010 envelope requires, in short:

- An interchange opens with "ISA", a fixed-width segment of exactly 106 characters: sixteen
  elements padded to their widths, the element separator right after "ISA" (character 4), the
  repetition separator as ISA11, the component element separator as ISA16 and the segment
  terminator as the character after ISA16. Every later segment uses those four delimiters.
- It closes with "IEA", whose IEA01 counts the functional groups and whose IEA02 repeats the
  "Interchange Control Number" (ISA13).
- A functional group opens with "GS" (GS01 the functional identifier code, HP for remittances,
  HC for claims; GS06 the group control number; GS08 the version, e.g. 005010X221A1) and closes
  with "GE", whose GE01 counts the transaction sets and whose GE02 repeats GS06.
- A transaction set opens with "ST" (ST01 its identifier, 835 or 837; ST02 its control number)
  and closes with "SE", whose SE01 counts the segments from ST to SE inclusive and whose SE02
  repeats ST02. Nothing but ISA, GS, GE and IEA may stand outside a transaction set.

Reading is all-or-nothing: a problem raises :class:`X12Error`, which names the segment by its
1-based position in the file. An error never quotes data that could identify a person (names,
member ids, patient control numbers, dates): only counts, control numbers, segment ids,
qualifiers and code values, and only when they look like one.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

#: the length of an ISA segment with its terminator
ISA_LENGTH = 106
#: the version of the interchange control structures (ISA12) that 5010 uses
ISA_VERSION = "00501"

# Where each of ISA01..ISA16 starts, as an offset into the 106-character ISA.
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_ISA_SEPARATORS = tuple(3 + sum(w + 1 for w in _ISA_WIDTHS[:k]) for k in range(16))
_ISA_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})

# The segment ids of the 5010 health-care transactions. An id outside this set is never quoted:
# a damaged file can make any word (a patient's surname, say) look like a segment id.
KNOWN_SEGMENT_IDS = frozenset({
    "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "AK1", "AK2", "AK9", "IK3", "IK4", "IK5",
    "CTX", "BHT", "BPR", "TRN", "CUR", "REF", "DTM", "DTP", "N1", "N2", "N3", "N4", "PER",
    "RDM", "LX", "TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ",
    "PLB", "HL", "PRV", "SBR", "PAT", "CLM", "HI", "NTE", "CN1", "PWK", "CR1", "CR2", "CR3",
    "CR5", "CR6", "CR7", "CR8", "CRC", "LIN", "CTP", "SV1", "SV2", "SV3", "SV5", "SV6", "SV7",
    "K3", "HCP", "OI", "MEA", "DMG", "TOO", "DN1", "DN2", "FRM", "LUI", "PS1", "MPI", "EB",
    "HSD", "MSG", "III", "INS", "HD", "IDC", "COB", "LS", "LE", "ACT", "BGN", "EQ", "DSB",
    "RMR", "ENT", "ADX", "UM", "HCR", "SVD", "STC", "ICM", "AAA",
})  # fmt: skip


class X12Error(ValueError):
    """A structural problem in an X12 file, at a known segment.

    ``segment`` is the 1-based position of the segment in the file, ``segment_id`` its id (or
    "?" where the id is not a known X12 segment id), ``element`` the element at fault if one is
    (e.g. "SE01"), and ``expected`` what the file should have held there.
    """

    def __init__(
        self,
        segment: int,
        segment_id: str,
        problem: str,
        *,
        element: str | None = None,
        expected: str = "",
    ) -> None:
        shown = segment_id if segment_id in KNOWN_SEGMENT_IDS else "?"
        super().__init__(f"segment {segment} ({shown}): {problem}")
        self.segment = segment
        self.segment_id = shown
        self.element = element
        self.expected = expected
        self.problem = problem

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_error,
            (self.segment, self.segment_id, self.problem, self.element, self.expected),
        )


def _rebuild_error(
    segment: int, segment_id: str, problem: str, element: str | None, expected: str
) -> X12Error:
    return X12Error(segment, segment_id, problem, element=element, expected=expected)


def shown(value: str) -> str:
    """``value`` quoted if it has the shape of a code (at most two capitals or digits, or three
    digits), else a description of its length: an unexpected value in a code's place may be a
    name or an id that a damaged file shifted there, and is then not repeated."""
    if value == "":
        return "empty"
    if value.isascii() and value.isalnum() and not value.islower():
        if len(value) <= 2 and value.upper() == value:
            return repr(value)
        if len(value) == 3 and value.isdigit():
            return repr(value)
    return f"an unrecognised value of {len(value)} characters"


def shown_number(value: str) -> str:
    """A control number or count quoted if it is one (digits, at most nine), else described."""
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return value
    return f"a non-numeric value of {len(value)} characters" if value else "empty"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four delimiters of an interchange: each one character, all different, none a letter,
    a digit or a space (which occur in data)."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    def __post_init__(self) -> None:
        chars = (self.element, self.component, self.repetition, self.segment)
        if any(len(c) != 1 or c.isalnum() or c == " " for c in chars) or len(set(chars)) != 4:
            raise ValueError("delimiters must be four different single non-alphanumeric characters")

    @property
    def all(self) -> str:
        return self.element + self.component + self.repetition + self.segment


class Segment(NamedTuple):
    """One segment as read: its 1-based position in the file and its elements (``elements[0]``
    is the segment id, so ``elements[1]`` is element 01)."""

    position: int
    elements: list[str]

    @property
    def id(self) -> str:
        return self.elements[0]


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    """What an ISA says about its interchange (ISA09/ISA10 kept as written: YYMMDD and HHMM)."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    control_number: str
    acknowledgment_requested: str
    usage: str


@dataclass(frozen=True, slots=True)
class GroupHeader:
    """What a GS says about its functional group."""

    functional_id: str
    application_sender: str
    application_receiver: str
    date: str
    time: str
    control_number: str
    version: str


@dataclass(frozen=True, slots=True)
class SetSpan:
    """Where one transaction set lies: ``start`` is the index of its ST in
    :attr:`Document.segments` and ``end`` the index of its SE (positions are index + 1)."""

    identifier: str
    control_number: str
    start: int
    end: int
    group: GroupHeader
    interchange: InterchangeHeader


@dataclass(frozen=True, slots=True)
class Document:
    """A read and envelope-checked X12 file. ``segments[i]`` is the segment at position
    ``i + 1``, as its list of elements; :meth:`segment` gives it with its position."""

    delimiters: Delimiters
    segments: list[list[str]]
    transaction_sets: tuple[SetSpan, ...]

    def segment(self, position: int) -> Segment:
        return Segment(position, self.segments[position - 1])

    def __iter__(self) -> Iterator[Segment]:
        for index, elements in enumerate(self.segments):
            yield Segment(index + 1, elements)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector: a large file makes millions of small lists and
    strings that hold no cycles, and the collector would otherwise walk them over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _as_text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        terminator = data[ISA_LENGTH - 1 : ISA_LENGTH] if len(data) >= ISA_LENGTH else b"~"
        position = data.count(terminator, 0, exc.start) + 1 if terminator else 1
        raise X12Error(position, "", "the bytes are not UTF-8 text") from None


def detect_delimiters(text: str) -> Delimiters:
    """The delimiters an interchange declares in its ISA (see the module docstring)."""
    if not text.startswith("ISA"):
        raise X12Error(1, "ISA", "the file does not begin with ISA", expected="ISA")
    if len(text) < ISA_LENGTH:
        raise X12Error(
            1,
            "ISA",
            f"the file is {len(text)} characters long, shorter than an ISA ({ISA_LENGTH})",
            expected=f"{ISA_LENGTH} characters",
        )
    element = text[3]
    if element.isalnum() or element.isspace():
        raise X12Error(
            1, "ISA", "the character after ISA is not a valid element separator", expected="*"
        )
    found = [i for i, c in enumerate(text[:ISA_LENGTH]) if c == element]
    if found[:16] != list(_ISA_SEPARATORS):
        count = len(found)
        for k, (at, want) in enumerate(zip(found, _ISA_SEPARATORS, strict=False)):
            if at != want:
                raise X12Error(
                    1,
                    "ISA",
                    f"ISA{k + 1:02d} starts at character {at + 2}, expected {want + 2}: "
                    f"the ISA is fixed width, {ISA_LENGTH} characters with its terminator",
                    element=f"ISA{k + 1:02d}",
                    expected=f"character {want + 2}",
                )
        raise X12Error(
            1,
            "ISA",
            f"the ISA has {count} element separators in its {ISA_LENGTH} characters, expected 16",
            expected="16 element separators",
        )
    component = text[_ISA_SEPARATORS[15] + 1]
    terminator = text[ISA_LENGTH - 1]
    repetition = text[_ISA_SEPARATORS[10] + 1]
    try:
        return Delimiters(element, component, repetition, terminator)
    except ValueError:
        raise X12Error(
            1,
            "ISA",
            "the ISA's element separator, repetition separator (ISA11), component separator "
            "(ISA16) and segment terminator must be four different non-alphanumeric characters",
            element="ISA16",
            expected="four different delimiters",
        ) from None


def split_segments(data: str | bytes) -> tuple[Delimiters, list[str]]:
    """Splits an interchange into its segments' texts (not yet into elements), checking that
    each begins with a segment id. Line breaks after segment terminators are dropped: many
    senders wrap lines there."""
    text = _as_text(data).lstrip("\ufeff \t\r\n")
    delimiters = detect_delimiters(text)
    # CR and LF are not in the X12 character sets, so wherever they stand they are line
    # wrapping, unless the ISA made one of them a delimiter.
    for wrap in ("\n", "\r"):
        if wrap in text and wrap not in delimiters.all:
            text = text.replace(wrap, "")
    pieces = text.split(delimiters.segment)
    del text
    tail = pieces.pop()
    if tail.strip():
        raise X12Error(
            len(pieces) + 1,
            "",
            "the file ends in the middle of a segment (no segment terminator after it)",
            expected="a segment terminator",
        )
    # A file has few distinct beginnings of four characters: check those, and look for where a
    # bad one stands only when there is one.
    separator = delimiters.element
    bad = {head for head in {p[:4] for p in pieces} if not _begins_with_id(head, separator)}
    if bad:
        index = next(i for i, p in enumerate(pieces) if p[:4] in bad)
        sid = pieces[index].split(separator, 1)[0]
        if not pieces[index].strip():
            problem = "an empty segment (two terminators in a row)"
        else:
            problem = "the segment id is not two or three capital letters or digits"
        raise X12Error(index + 1, sid, problem, expected="a segment id")
    return delimiters, pieces


def _begins_with_id(head: str, separator: str) -> bool:
    sid = head.split(separator, 1)[0]
    if len(sid) == 4:
        return False
    return sid in KNOWN_SEGMENT_IDS or (
        2 <= len(sid) <= 3 and sid.isascii() and sid.isalnum() and sid.isupper()
    )


def tokenize(data: str | bytes) -> tuple[Delimiters, list[list[str]]]:
    """Splits an interchange into segments, each a list of elements (``[0]`` is the id)."""
    delimiters, pieces = split_segments(data)
    separator = delimiters.element
    return delimiters, [piece.split(separator) for piece in pieces]


class _Segments(Protocol):
    """Segments by index, as lists of elements: a list of them, or texts split on demand."""

    def __getitem__(self, index: int, /) -> list[str]: ...

    def __len__(self) -> int: ...


class _SplitOnDemand:
    """Segment texts split when looked at: the envelope check looks at a handful of them."""

    __slots__ = ("pieces", "separator")

    def __init__(self, pieces: list[str], separator: str) -> None:
        self.pieces = pieces
        self.separator = separator

    def __getitem__(self, index: int, /) -> list[str]:
        return self.pieces[index].split(self.separator)

    def __len__(self) -> int:
        return len(self.pieces)


def _element(segments: _Segments, index: int, k: int) -> str:
    elements = segments[index]
    if k >= len(elements) or elements[k] == "":
        sid = elements[0]
        raise X12Error(
            index + 1, sid, f"{sid}{k:02d} is missing", element=f"{sid}{k:02d}", expected="a value"
        )
    return elements[k]


def _check_code(
    segments: _Segments, index: int, k: int, allowed: Collection[str], what: str
) -> str:
    value = _element(segments, index, k)
    if value not in allowed:
        sid = segments[index][0]
        options = ", ".join(sorted(allowed))
        raise X12Error(
            index + 1,
            sid,
            f"{sid}{k:02d} ({what}) is {shown(value)}, expected one of {options}",
            element=f"{sid}{k:02d}",
            expected=options,
        )
    return value


def _check_digits(segments: _Segments, index: int, k: int, low: int, high: int) -> str:
    value = _element(segments, index, k)
    if not (value.isascii() and value.isdigit() and low <= len(value) <= high):
        sid = segments[index][0]
        width = f"{low}" if low == high else f"{low} to {high}"
        raise X12Error(
            index + 1,
            sid,
            f"{sid}{k:02d} is not {width} digits",
            element=f"{sid}{k:02d}",
            expected=f"{width} digits",
        )
    return value


def _check_count(segments: _Segments, index: int, want: int) -> None:
    elements = segments[index]
    if len(elements) != want + 1:
        sid = elements[0]
        raise X12Error(
            index + 1,
            sid,
            f"{sid} has {len(elements) - 1} elements, expected {want}",
            expected=f"{want} elements",
        )


def _interchange_header(segments: _Segments, index: int) -> InterchangeHeader:
    _check_count(segments, index, 16)
    isa = segments[index]
    if index and len(isa[0] + "".join(isa[1:])) + 16 != ISA_LENGTH - 1:
        raise X12Error(
            index + 1,
            "ISA",
            f"the ISA is not {ISA_LENGTH} characters long with its terminator",
            expected=f"{ISA_LENGTH} characters",
        )
    _check_code(segments, index, 1, {"00", "03"}, "authorization information qualifier")
    _check_code(segments, index, 3, {"00", "01"}, "security information qualifier")
    _check_code(segments, index, 5, _ISA_QUALIFIERS, "sender id qualifier")
    _check_code(segments, index, 7, _ISA_QUALIFIERS, "receiver id qualifier")
    _check_digits(segments, index, 9, 6, 6)
    _check_digits(segments, index, 10, 4, 4)
    _check_code(segments, index, 12, {ISA_VERSION}, "interchange control version")
    control = _check_digits(segments, index, 13, 9, 9)
    _check_code(segments, index, 14, {"0", "1"}, "acknowledgment requested")
    _check_code(segments, index, 15, {"P", "T"}, "usage indicator")
    return InterchangeHeader(
        sender_qualifier=isa[5],
        sender_id=isa[6].rstrip(),
        receiver_qualifier=isa[7],
        receiver_id=isa[8].rstrip(),
        date=isa[9],
        time=isa[10],
        control_number=control,
        acknowledgment_requested=isa[14],
        usage=isa[15],
    )


def _group_header(
    segments: _Segments,
    index: int,
    functional_ids: Collection[str] | None,
    versions: Collection[str] | None,
) -> GroupHeader:
    _check_count(segments, index, 8)
    gs = segments[index]
    if functional_ids is not None:
        _check_code(segments, index, 1, functional_ids, "functional identifier code")
    for k in (1, 2, 3):
        _element(segments, index, k)
    _check_digits(segments, index, 4, 8, 8)
    _check_digits(segments, index, 5, 4, 8)
    control = _check_digits(segments, index, 6, 1, 9)
    _check_code(segments, index, 7, {"X"}, "responsible agency code")
    version = _element(segments, index, 8)
    if versions is not None and version not in versions:
        options = ", ".join(sorted(versions))
        looks_like_version = version[:6].isdigit() and len(version) <= 12 and version.isalnum()
        raise X12Error(
            index + 1,
            "GS",
            f"GS08 (version) is {version if looks_like_version else shown(version)}, "
            f"expected {options}",
            element="GS08",
            expected=options,
        )
    return GroupHeader(gs[1], gs[2], gs[3], gs[4], gs[5], control, version)


def _mismatch(index: int, sid: str, element: str, said: str, other: str, value: str) -> X12Error:
    return X12Error(
        index + 1,
        sid,
        f"{element} is {shown_number(said)} but {other} is {shown_number(value)}",
        element=element,
        expected=value,
    )


def read_x12(
    data: str | bytes,
    *,
    functional_ids: Collection[str] | None = None,
    versions: Collection[str] | None = None,
    transaction_set_ids: Collection[str] | None = None,
) -> Document:
    """Reads an X12 5010 file and checks its envelopes (see the module docstring).

    ``functional_ids`` (GS01), ``versions`` (GS08, and ST03 where present) and
    ``transaction_set_ids`` (ST01) restrict what the caller accepts; ``None`` accepts any.
    """
    with no_cyclic_gc():
        scan = scan_x12(
            data,
            functional_ids=functional_ids,
            versions=versions,
            transaction_set_ids=transaction_set_ids,
        )
        separator = scan.delimiters.element
        segments = [piece.split(separator) for piece in scan.texts]
        return Document(scan.delimiters, segments, scan.transaction_sets)


@dataclass(frozen=True, slots=True)
class Scan:
    """An envelope-checked X12 file with its segments left as text (``texts[i]`` is the
    segment at position ``i + 1``), for readers that split each segment as they come to it
    rather than hold every one split at once."""

    delimiters: Delimiters
    texts: list[str]
    transaction_sets: tuple[SetSpan, ...]


def scan_x12(
    data: str | bytes,
    *,
    functional_ids: Collection[str] | None = None,
    versions: Collection[str] | None = None,
    transaction_set_ids: Collection[str] | None = None,
) -> Scan:
    """What :func:`read_x12` checks, with the segments left unsplit."""
    with no_cyclic_gc():
        delimiters, pieces = split_segments(data)
        spans = _check_envelopes(
            pieces, delimiters.element, functional_ids, versions, transaction_set_ids
        )
        return Scan(delimiters, pieces, spans)


_ENVELOPE_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


def _check_envelopes(
    pieces: list[str],
    separator: str,
    functional_ids: Collection[str] | None,
    versions: Collection[str] | None,
    transaction_set_ids: Collection[str] | None,
) -> tuple[SetSpan, ...]:
    segments = _SplitOnDemand(pieces, separator)
    # Inside a transaction set only the envelope segments matter; testing a segment's
    # beginning spares splitting all the others.
    envelope = tuple(sid + separator for sid in _ENVELOPE_IDS)
    spans: list[SetSpan] = []
    isa_at = gs_at = st_at = -1
    interchange: InterchangeHeader | None = None
    group: GroupHeader | None = None
    groups = sets = 0
    for index, piece in enumerate(pieces):
        if st_at >= 0 and not piece.startswith(envelope) and piece not in _ENVELOPE_IDS:
            continue
        elements = piece.split(separator)
        sid = elements[0]
        if st_at >= 0:
            if sid != "SE":
                if sid in ("ST", "GS", "GE", "ISA", "IEA"):
                    raise X12Error(
                        index + 1,
                        sid,
                        f"{sid} inside the transaction set that begins at segment {st_at + 1} "
                        "(SE missing)",
                        expected="SE",
                    )
                continue
            count = _check_digits(segments, index, 1, 1, 10)
            control = _element(segments, index, 2)
            st_control = segments[st_at][2]
            if int(count) != index - st_at + 1:
                raise X12Error(
                    index + 1,
                    "SE",
                    f"SE01 says {int(count)} segments, the transaction set has {index - st_at + 1}",
                    element="SE01",
                    expected=str(index - st_at + 1),
                )
            if control != st_control:
                raise _mismatch(index, "SE", "SE02", control, "ST02", st_control)
            assert group is not None and interchange is not None
            spans.append(SetSpan(segments[st_at][1], st_control, st_at, index, group, interchange))
            sets += 1
            st_at = -1
        elif sid == "ST":
            if gs_at < 0:
                raise X12Error(index + 1, "ST", "ST outside a functional group", expected="GS")
            if transaction_set_ids is not None:
                _check_code(segments, index, 1, transaction_set_ids, "transaction set identifier")
            else:
                _element(segments, index, 1)
            control = _element(segments, index, 2)
            if not (4 <= len(control) <= 9):
                raise X12Error(
                    index + 1,
                    "ST",
                    "ST02 (control number) is not 4 to 9 characters",
                    element="ST02",
                    expected="4 to 9 characters",
                )
            if len(elements) > 3 and elements[3] and group and elements[3] != group.version:
                raise X12Error(
                    index + 1,
                    "ST",
                    "ST03 (implementation convention reference) differs from GS08",
                    element="ST03",
                    expected=group.version,
                )
            if len(elements) > 4:
                raise X12Error(index + 1, "ST", "ST has more than 3 elements", expected="ST01-ST03")
            st_at = index
        elif sid == "GS":
            if isa_at < 0:
                raise X12Error(index + 1, "GS", "GS outside an interchange", expected="ISA")
            if gs_at >= 0:
                raise X12Error(
                    index + 1,
                    "GS",
                    f"GS inside the functional group that begins at segment {gs_at + 1} "
                    "(GE missing)",
                    expected="GE",
                )
            group = _group_header(segments, index, functional_ids, versions)
            gs_at, sets = index, 0
        elif sid == "GE":
            if gs_at < 0:
                raise X12Error(index + 1, "GE", "GE without a GS", expected="GS")
            count = _check_digits(segments, index, 1, 1, 6)
            control = _element(segments, index, 2)
            assert group is not None
            if int(count) != sets:
                raise X12Error(
                    index + 1,
                    "GE",
                    f"GE01 says {int(count)} transaction sets, the group has {sets}",
                    element="GE01",
                    expected=str(sets),
                )
            if control != group.control_number:
                raise _mismatch(index, "GE", "GE02", control, "GS06", group.control_number)
            _check_count(segments, index, 2)
            groups += 1
            gs_at = -1
        elif sid == "ISA":
            if isa_at >= 0:
                raise X12Error(
                    index + 1,
                    "ISA",
                    f"ISA inside the interchange that begins at segment {isa_at + 1} (IEA missing)",
                    expected="IEA",
                )
            interchange = _interchange_header(segments, index)
            isa_at, groups = index, 0
        elif sid == "IEA":
            if isa_at < 0:
                raise X12Error(index + 1, "IEA", "IEA without an ISA", expected="ISA")
            if gs_at >= 0:
                raise X12Error(
                    index + 1,
                    "IEA",
                    f"IEA inside the functional group that begins at segment {gs_at + 1} "
                    "(GE missing)",
                    expected="GE",
                )
            count = _check_digits(segments, index, 1, 1, 5)
            control = _element(segments, index, 2)
            assert interchange is not None
            if int(count) != groups:
                raise X12Error(
                    index + 1,
                    "IEA",
                    f"IEA01 says {int(count)} functional groups, the interchange has {groups}",
                    element="IEA01",
                    expected=str(groups),
                )
            if control != interchange.control_number:
                raise _mismatch(index, "IEA", "IEA02", control, "ISA13", interchange.control_number)
            _check_count(segments, index, 2)
            isa_at = -1
        else:
            where = "a functional group" if gs_at >= 0 else "an interchange" if isa_at >= 0 else ""
            raise X12Error(
                index + 1,
                sid,
                f"a segment outside a transaction set{' (inside ' + where + ')' if where else ''}",
                expected="ST",
            )
    last = len(pieces)
    last_id = pieces[-1].split(separator, 1)[0] if pieces else ""
    if st_at >= 0:
        raise X12Error(
            last,
            last_id,
            f"the file ends inside the transaction set that begins at segment {st_at + 1} "
            "(SE missing)",
            expected="SE",
        )
    if gs_at >= 0:
        raise X12Error(
            last,
            last_id,
            f"the file ends inside the functional group that begins at segment {gs_at + 1} "
            "(GE missing)",
            expected="GE",
        )
    if isa_at >= 0:
        raise X12Error(
            last,
            last_id,
            f"the file ends inside the interchange that begins at segment {isa_at + 1} "
            "(IEA missing)",
            expected="IEA",
        )
    return tuple(spans)


# --- writing -------------------------------------------------------------------------------

#: an element as written: text, a composite (its components), or nothing
Element = str | Sequence[str | None] | None


@dataclass(frozen=True, slots=True)
class TransactionSet:
    """One transaction set to write: its identifier (ST01, e.g. "835" or "837"), the
    implementation convention reference for ST03 (the 837P guide requires it, the 835 guide
    leaves ST03 unused: pass None), and its segments between ST and SE."""

    identifier: str
    reference: str | None
    segments: Sequence[Sequence[Element]]


class SegmentWriter:
    """Renders segments with one set of delimiters, refusing data that holds a delimiter (or a
    line break, which readers drop)."""

    def __init__(self, delimiters: Delimiters = Delimiters()) -> None:
        self.delimiters = delimiters
        forbidden = re.escape(delimiters.all + "\r\n")
        self._forbidden = re.compile(f"[{forbidden}]").search

    def render(self, segment: Sequence[Element], position: int = 0) -> str:
        """One segment without its terminator; trailing empty elements and components are left
        out, as X12 requires."""
        sid = segment[0]
        if not isinstance(sid, str):
            raise TypeError("a segment begins with its id")
        parts: list[str] = []
        bad = self._forbidden
        for k, element in enumerate(segment):
            if element is None or element == "":
                parts.append("")
            elif isinstance(element, str):
                if bad(element):
                    raise self._delimiter_in_data(position, sid, k)
                parts.append(element)
            else:
                components = [c or "" for c in element]
                while components and components[-1] == "":
                    components.pop()
                for c in components:
                    if bad(c):
                        raise self._delimiter_in_data(position, sid, k)
                parts.append(self.delimiters.component.join(components))
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        return self.delimiters.element.join(parts)

    @staticmethod
    def _delimiter_in_data(position: int, sid: str, k: int) -> X12Error:
        return X12Error(
            position,
            sid,
            f"{sid}{k:02d} holds a delimiter or a line break",
            element=f"{sid}{k:02d}",
            expected="data without delimiters",
        )


def _fixed(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise ValueError(f"{name} is longer than its {width} characters")
    return value.ljust(width)


def interchange(
    transaction_sets: Sequence[TransactionSet],
    *,
    sender_id: str,
    receiver_id: str,
    control_number: int,
    functional_id: str,
    version: str,
    when: dt.datetime,
    usage: str = "P",
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    application_sender: str | None = None,
    application_receiver: str | None = None,
    group_control_number: int | None = None,
    acknowledgment_requested: bool = False,
    delimiters: Delimiters = Delimiters(),
    newline: bool = False,
) -> str:
    """One interchange holding one functional group of ``transaction_sets``.

    The ISA is padded to its fixed widths (ISA06/ISA08 to 15 characters, ISA13 to 9 digits);
    GS02/GS03 default to the sender and receiver ids and GS06 to ``control_number``; ST02 counts
    the sets from 0001; SE01, GE01 and IEA01 are counted. ``functional_id`` is GS01 (HP for an
    835, HC for an 837) and ``version`` GS08 (e.g. 005010X221A1 or 005010X222A1).
    """
    if usage not in ("P", "T"):
        raise ValueError("usage (ISA15) is P or T")
    if sender_qualifier not in _ISA_QUALIFIERS or receiver_qualifier not in _ISA_QUALIFIERS:
        raise ValueError("ISA05/ISA07 must be an interchange id qualifier")
    if not 0 < control_number < 10**9:
        raise ValueError("the interchange control number has at most nine digits")
    group_control = control_number if group_control_number is None else group_control_number
    if not 0 < group_control < 10**9:
        raise ValueError("the group control number has at most nine digits")
    writer = SegmentWriter(delimiters)
    # The ISA is assembled by hand (fixed widths); its two ids are the only free text in it.
    writer.render(["ISA", sender_id, receiver_id], 1)
    end = delimiters.segment + ("\n" if newline else "")
    d = delimiters
    isa = d.element.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            sender_qualifier,
            _fixed(sender_id, 15, "the sender id (ISA06)"),
            receiver_qualifier,
            _fixed(receiver_id, 15, "the receiver id (ISA08)"),
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            d.repetition,
            ISA_VERSION,
            f"{control_number:09d}",
            "1" if acknowledgment_requested else "0",
            usage,
            d.component,
        ]
    )
    out = [isa]
    out.append(
        writer.render(
            [
                "GS",
                functional_id,
                application_sender or sender_id,
                application_receiver or receiver_id,
                when.strftime("%Y%m%d"),
                when.strftime("%H%M"),
                str(group_control),
                "X",
                version,
            ],
            2,
        )
    )
    position = 2
    for number, tset in enumerate(transaction_sets, 1):
        control = f"{number:04d}"
        position += 1
        out.append(writer.render(["ST", tset.identifier, control, tset.reference], position))
        render = writer.render
        for segment in tset.segments:
            position += 1
            out.append(render(segment, position))
        position += 1
        out.append(writer.render(["SE", str(len(tset.segments) + 2), control], position))
    out.append(writer.render(["GE", str(len(transaction_sets)), str(group_control)], position + 1))
    out.append(writer.render(["IEA", "1", f"{control_number:09d}"], position + 2))
    return end.join(out) + end
