"""The records of a CSV text, each with the physical lines it spans.

Notes hold commas, quotes and line breaks, so one record may span several lines of the file; a
problem must name the line where the record starts, which is what a person sees in an editor.
The ``csv`` module does the parsing (RFC 4180, strict about quotes). When it gives up, the record is
re-scanned here to say precisely what is wrong and where (an opening quote that is never closed is
reported on the line where its cell began, not at the end of the file), and reading resumes on the
next line so that every later problem is reported too.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

#: Characters that cannot be stored: bytes that were not UTF-8 (decoded as lone surrogates so that
#: the rest of the file can still be read) and NUL, which PostgreSQL text cannot hold.
UNSTORABLE = re.compile("[\x00\udc80-\udcff]")

# A quoted cell: doubled quotes inside, nothing else special. Possessive, so that an unclosed quote
# in a large file fails in one linear pass.
_QUOTED = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')
_UNQUOTED = re.compile(r"[^,\r\n]*+")


@dataclass(frozen=True, slots=True)
class Record:
    first_line: int
    last_line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    line: int
    #: position of the cell in its record (0 = first), when known
    cell: int | None
    message: str


def decode(data: bytes) -> tuple[str, bool]:
    """The text of a file, and whether it holds unstorable characters (see ``UNSTORABLE``).

    A leading byte-order mark is dropped. Bytes that are not UTF-8 do not stop the reading: they
    become markers that the reader reports on the records that hold them."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), True
    return text, "\x00" in text


def unstorable_message(cell: str) -> str | None:
    """Why a cell cannot be stored, or None. Names the offending byte, never the cell's text."""
    found = UNSTORABLE.search(cell)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "holds a NUL character, which cannot be stored; remove it"
    byte = ord(char) - 0xDC00
    return (
        f"is not valid UTF-8 (byte 0x{byte:02X}); save the file with UTF-8 encoding "
        "(it may have been saved as Windows-1252 or Latin-1)"
    )


def records(text: str) -> Iterator[Record | SyntaxProblem]:
    """Every record of ``text`` in order, skipping blank lines, with a ``SyntaxProblem`` in place of
    a record that cannot be read."""
    lines = io.StringIO(text, newline="").readlines()
    del text  # the lines are the only copy kept while reading
    start = 0  # index of the first line not yet read
    while start < len(lines):
        # Restarts index into the one list of lines rather than copy what is left of it.
        rest = map(lines.__getitem__, range(start, len(lines)))
        reader = csv.reader(rest, strict=True)
        done = 0  # lines consumed by the records read so far, counted from ``start``
        try:
            for cells in reader:
                first = start + done + 1
                done = reader.line_num
                if cells:
                    yield Record(first, start + done, cells)
            return
        except csv.Error:
            # Only the lines the csv module took are scanned: it stops at its cell size limit,
            # so a file full of broken records costs no more than reading it.
            problem, start = _diagnose(lines, start + done, start + reader.line_num)
            yield problem


def _diagnose(lines: list[str], index: int, end: int) -> tuple[SyntaxProblem, int]:
    """What is wrong with the record starting at ``lines[index]``, looking no further than
    ``lines[end - 1]``, and the index of the line to resume reading at."""
    window = lines[index:end]
    text = "".join(window)
    ends = list(accumulate(map(len, window)))

    def line_of(pos: int) -> int:
        return index + bisect_right(ends, pos) + 1

    limit = csv.field_size_limit()
    too_long: SyntaxProblem | None = None
    pos, cell, size = 0, 0, len(text)
    while True:
        begin = pos
        if pos < size and text[pos] == '"':
            quoted = _QUOTED.match(text, pos)
            if quoted is None:
                missing = (
                    "its closing quote is missing"
                    if end >= len(lines)
                    else f"it is not closed within {limit} characters: its closing quote is "
                    "probably missing"
                )
                return SyntaxProblem(
                    line_of(pos),
                    cell,
                    f"a quoted cell starts on this line but {missing}; a quote inside a quoted "
                    'cell must be doubled ("")',
                ), line_of(pos)
            pos = quoted.end()
            if pos < size and text[pos] not in ",\r\n":
                return SyntaxProblem(
                    line_of(pos),
                    cell,
                    "has text after the closing quote of a quoted cell; expected a comma or the "
                    'end of the line (a quote inside a quoted cell must be doubled: "")',
                ), line_of(pos)
        else:
            unquoted = _UNQUOTED.match(text, pos)
            assert unquoted is not None  # it matches the empty string
            pos = unquoted.end()
        if too_long is None and pos - begin > limit:
            too_long = SyntaxProblem(
                line_of(begin), cell, f"is longer than the limit of {limit} characters for a cell"
            )
        if pos < size and text[pos] == ",":
            pos, cell = pos + 1, cell + 1
            continue
        # The record ends here (end of line or of text); reading resumes on the next line.
        resume = line_of(pos) if pos < size else end
        if too_long is not None:
            return too_long, resume
        return SyntaxProblem(index + 1, None, "cannot be read as CSV"), max(resume, index + 1)
