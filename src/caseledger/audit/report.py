"""An audit's findings for people and programs: the terminal, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from caseledger.audit.engine import AuditResult
from caseledger.audit.findings import Finding

CSV_COLUMNS = (
    "rule",
    "severity",
    "subject_type",
    "subject_id",
    "client_id",
    "staff_id",
    "date",
    "message",
    "citation",
    "amount_at_risk",
    "carc",
    "suppressed",
    "suppression_reason",
)
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def to_json(result: AuditResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(result: AuditResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in result.findings:
        d = f.to_dict()
        d.setdefault("suppressed", False)
        writer.writerow(["" if d.get(c) is None else d.get(c) for c in CSV_COLUMNS])
    return out.getvalue()


def print_table(result: AuditResult, console: Console, *, limit: int | None = 200) -> None:
    """The summary by rule (severity, count, dollars at risk), then the findings."""
    summary = result.summary()
    sev = summary["by_severity"]
    start, end = result.period
    period = f"{start or 'the beginning'} to {end or 'the end'}" if (start or end) else "all dates"
    console.print(
        f"[bold]Audit as of {result.as_of}[/] ({period}): "
        f"[bold red]{sev['error']} errors[/], [yellow]{sev['warning']} warnings[/], "
        f"[cyan]{sev['info']} info[/]; [bold]${summary['amount_at_risk']}[/] at risk"
        + (f"; {summary['suppressed']} suppressed" if summary["suppressed"] else "")
        + f"; {summary['rules_checked']} rules checked.",
        highlight=False,
    )
    if not result.findings:
        console.print("[green]No findings.[/]")
        return
    by_rule = Table(title="Findings by rule", title_justify="left")
    by_rule.add_column("rule")
    by_rule.add_column("severity")
    by_rule.add_column("findings", justify="right")
    by_rule.add_column("at risk", justify="right")
    for rule, v in summary["by_rule"].items():
        style = SEVERITY_STYLE.get(v["severity"], "")
        by_rule.add_row(
            rule, f"[{style}]{v['severity']}[/]", str(v["count"]), f"${v['amount_at_risk']}"
        )
    console.print(by_rule)
    shown: Sequence[Finding] = result.findings if limit is None else result.findings[:limit]
    if not shown:
        console.print(
            f"{len(result.findings)} findings: use --show N to list them here, or --format json, "
            "csv or html with --output."
        )
        return
    table = Table(title="Findings", title_justify="left", show_lines=False)
    for name in ("severity", "rule", "subject", "date", "message", "at risk", "citation"):
        table.add_column(name, overflow="fold")
    for f in shown:
        style = SEVERITY_STYLE.get(f.severity, "")
        table.add_row(
            f"[{style}]{f.severity}[/]" + (" (suppressed)" if f.suppressed else ""),
            f.rule,
            f"{f.subject_type} {f.subject_id}",
            f.date.isoformat() if f.date else "",
            f.message,
            f"${f.amount_at_risk}" if f.amount_at_risk is not None else "",
            f.citation,
        )
    console.print(table)
    if limit is not None and len(result.findings) > limit:
        console.print(
            f"… and {len(result.findings) - limit} more: use --format json, csv or html "
            "with --output for all of them."
        )
