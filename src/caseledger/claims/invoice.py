"""The program invoice: how lines billed to DHSS (SST) leave, instead of an 837.

The SST documents describe services billed to DHSS against a prior authorization, not through
X12. The invoice lists the same clean lines an 837 would carry, one row each, grouped by client,
with the authorization number, the units (half-days) and the amount, and the totals. It is
written as CSV (for the program's spreadsheet) and as PDF (for signature and mail).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from caseledger.claims.lines import BillingLine
from caseledger.documents.pdf import latin
from caseledger.facts.dataset import Dataset

COLUMNS = (
    "invoice",
    "client_id",
    "client_name",
    "encounter_id",
    "date",
    "service_code",
    "modifiers",
    "units",
    "amount",
    "authorization",
    "staff_id",
)


@dataclass(frozen=True)
class Invoice:
    number: str
    agency: str
    period: tuple[dt.date | None, dt.date | None]
    created: dt.date
    rows: tuple[dict[str, str], ...]

    @property
    def total(self) -> Decimal:
        return sum((Decimal(r["amount"]) for r in self.rows), Decimal(0))

    @property
    def units(self) -> Decimal:
        return sum((Decimal(r["units"]) for r in self.rows), Decimal(0))


def invoice(
    lines: Sequence[BillingLine],
    dataset: Dataset,
    *,
    number: str,
    created: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Invoice:
    """The invoice of ``lines`` (clean lines funded by DHSS)."""
    clients = {str(c["client_id"]): c for c in dataset.rows("clients")}
    agencies = dataset.rows("agency")
    rows = []
    for line in sorted(lines, key=lambda ln: (ln.client_id, ln.date, ln.encounter_id)):
        client = clients.get(line.client_id, {})
        name = " ".join(str(client.get(k) or "") for k in ("first_name", "last_name")).strip()
        rows.append(
            {
                "invoice": number,
                "client_id": line.client_id,
                "client_name": name,
                "encounter_id": line.encounter_id,
                "date": line.date.isoformat(),
                "service_code": line.service_code,
                "modifiers": ";".join(line.modifiers),
                "units": f"{line.units.normalize():f}",
                "amount": f"{line.charge.quantize(Decimal('0.01')):f}",
                "authorization": line.authorization_number or "",
                "staff_id": line.staff_id or "",
            }
        )
    agency = str(agencies[0].get("name") or "") if agencies else ""
    return Invoice(number, agency, (start, end), created, tuple(rows))


def to_csv(inv: Invoice) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(inv.rows)
    return out.getvalue()


def to_pdf(inv: Invoice) -> bytes:
    """The invoice as a PDF: a header, one row per line grouped by client, totals, and a place
    for the signature the program asks for."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_title(f"Invoice {inv.number}")
    pdf.set_creator("caseledger")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0, 8, latin(f"{inv.agency}: SST invoice {inv.number}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("Helvetica", "", 10)
    start, end = inv.period
    period = f"{start or 'first'} to {end or 'last'} date of service"
    pdf.cell(
        0,
        6,
        latin(f"Billed to DHSS. Period: {period}. Prepared {inv.created}."),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    widths = (22, 42, 24, 22, 14, 22, 44)
    heads = ("Client", "Name", "Date", "Code", "Units", "Amount", "Authorization")
    pdf.set_font("Helvetica", "B", 9)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, h, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in inv.rows:
        values = (
            row["client_id"],
            row["client_name"],
            row["date"],
            (row["service_code"] + " " + row["modifiers"]).strip(),
            row["units"],
            row["amount"],
            row["authorization"],
        )
        for w, v in zip(widths, values, strict=True):
            pdf.cell(w, 5, latin(v)[:30])
        pdf.ln()
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(
        0,
        6,
        f"{len(inv.rows)} lines, {inv.units} units, total ${inv.total:,.2f}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(
        0,
        6,
        "Signature of the agency's authorized representative: ______________________",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
