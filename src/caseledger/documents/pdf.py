"""The shape every caseledger document shares: a heading, labelled sections of text, and signature
blocks, on US Letter pages with the agency's name and the page number at the foot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.enums import XPos, YPos

#: what stands in a section left empty, so a reader sees the gap instead of missing it
EMPTY = "(not filled in)"


@dataclass(frozen=True)
class Section:
    label: str
    text: str | None


@dataclass(frozen=True)
class Document:
    title: str
    agency: str
    #: short facts under the title: ("Client", "C0012"), ("Month", "2025-03") ...
    facts: Sequence[tuple[str, str]]
    sections: Sequence[Section]
    #: who signs, one block each ("Supervisor", "Client or guardian" ...)
    signatures: Sequence[str] = field(default_factory=tuple)


def latin(text: str) -> str:
    """The core PDF fonts cover Latin-1 only: typographic quotes and dashes become their plain
    forms, anything else a '?'."""
    plain = (
        text.replace("\u2018", "'")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u2026", "...")
    )
    return plain.encode("latin-1", "replace").decode("latin-1")


class _Pages(FPDF):
    def __init__(self, agency: str) -> None:
        super().__init__(orientation="P", unit="mm", format="Letter")
        self.agency = agency

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, latin(f"{self.agency} - page {self.page_no()} of {{nb}}"), align="C")


def render(doc: Document) -> bytes:
    """The document as PDF bytes."""
    pdf = _Pages(doc.agency)
    pdf.set_title(latin(doc.title))
    pdf.set_creator("caseledger")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, latin(doc.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, latin(doc.agency), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for label, value in doc.facts:
        pdf.multi_cell(0, 5, latin(f"{label}: {value}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in doc.sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, latin(section.label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 10)
        text = section.text.strip() if section.text and section.text.strip() else EMPTY
        pdf.multi_cell(0, 5, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.signatures:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 6, "Signatures", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 10)
        for who in doc.signatures:
            if pdf.get_y() > pdf.h - 40:
                pdf.add_page()
            pdf.ln(8)
            pdf.cell(110, 6, "_" * 48)
            pdf.cell(0, 6, "Date: ____________", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.cell(0, 5, latin(f"{who} (signature)"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
