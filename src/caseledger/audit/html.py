"""The audit as one self-contained HTML file: summary, charts and every finding with its citation.

Everything is inline (styles and SVG charts), so the file can be mailed, archived and opened
offline. Client and staff appear by id only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from html import escape

from caseledger.audit.charts import BAR_COLOURS, bar_chart, heatmap, share_by_month, usage_bars
from caseledger.audit.engine import AuditResult
from caseledger.audit.utilization import ReportExtras

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f4f6f7;position:sticky;top:0}
.error{color:#c0392b;font-weight:600}.warning{color:#b9770e}.info{color:#2874a6}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;
padding:.6rem 1rem;min-width:9rem}.card b{display:block;font-size:1.4rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:1rem}
figure{margin:0}figcaption{font-weight:600;margin:.5rem 0}td.num{text-align:right}
"""


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"${amount}"


def extra_charts(result: AuditResult, extras: ReportExtras | None) -> list[str]:
    """The charts beside the findings: findings by rule and month, and (with ``extras``)
    authorization and lifetime-cap use and training compliance over time."""
    active = [f for f in result.findings if not f.suppressed and f.date]
    grid = Counter((f.rule, f.date.strftime("%Y-%m")) for f in active if f.date)
    months = sorted({m for _, m in grid})[-18:]
    rules = [r for r, _ in Counter(f.rule for f in active).most_common(20)]
    charts = [heatmap(rules, months, dict(grid), title="Findings by rule and month")]
    if extras is not None:
        charts += [
            usage_bars(
                [(u.label, u.used, u.limit) for u in extras.authorizations],
                title="Authorizations: units drawn of units authorized (most used first)",
            ),
            usage_bars(
                [(u.label, u.used, u.limit) for u in extras.lifetime],
                title="SST lifetime cap: half-days billed per client (most used first)",
            ),
            share_by_month(
                extras.training,
                title="Staff training compliance: rendering staff with no training finding",
            ),
        ]
    return charts


def all_charts(result: AuditResult, extras: ReportExtras | None = None) -> list[str]:
    """Every chart of the report, as inline SVG figures (the web audit page shows the same)."""
    active = [f for f in result.findings if not f.suppressed]
    by_rule = Counter(f.rule for f in active)
    rule_sev = {f.rule: f.severity for f in active}
    by_staff = Counter(f.staff_id for f in active if f.staff_id)
    by_month = Counter(f.date.strftime("%Y-%m") for f in active if f.date)
    money: dict[str, Decimal] = defaultdict(Decimal)
    for f in active:
        if f.severity == "error" and f.amount_at_risk:
            money[f.rule] += f.amount_at_risk
    rules_sorted = by_rule.most_common()
    return [
        bar_chart(
            [(r, float(n)) for r, n in rules_sorted],
            title="Findings by rule",
            colours=[BAR_COLOURS.get(rule_sev[r], "") for r, _ in rules_sorted],
        ),
        bar_chart(
            [(r, float(v)) for r, v in sorted(money.items(), key=lambda kv: -kv[1])],
            title="Dollars at risk by rule (errors)",
            unit="$",
            colour=BAR_COLOURS["error"],
        ),
        bar_chart(sorted((m, float(n)) for m, n in by_month.items()), title="Findings by month"),
        bar_chart(
            [(s, float(n)) for s, n in by_staff.most_common(20)],
            title="Findings by staff member (top 20)",
        ),
        *extra_charts(result, extras),
    ]


def render_html(
    result: AuditResult, *, title: str = "caseledger audit", extras: ReportExtras | None = None
) -> str:
    summary = result.summary()
    sev = summary["by_severity"]
    charts = all_charts(result, extras)
    start, end = result.period
    rows = []
    for f in result.findings:
        rows.append(
            "<tr>"
            f'<td class="{f.severity}">{f.severity}{" (suppressed)" if f.suppressed else ""}</td>'
            f"<td>{escape(f.rule)}</td>"
            f"<td>{escape(f.subject_type)} {escape(f.subject_id)}</td>"
            f"<td>{escape(f.client_id or '')}</td><td>{escape(f.staff_id or '')}</td>"
            f"<td>{f.date.isoformat() if f.date else ''}</td>"
            f"<td>{escape(f.message)}"
            + (
                f"<br><i>suppressed: {escape(f.suppression_reason or '')}</i>"
                if f.suppressed
                else ""
            )
            + "</td>"
            f'<td class="num">{_money(f.amount_at_risk)}</td>'
            f"<td>{escape(f.citation)}</td><td>{escape(f.carc or '')}</td>"
            "</tr>"
        )
    policy = "".join(
        f"<li>{escape(pack)}: {escape(version)}</li>"
        for pack, version in result.policy_versions.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p>As of {result.as_of.isoformat()}; services from {start or "the first"} to
{end or "the last"} date in the data; {summary["rules_checked"]} rules checked.</p>
<div class="cards">
<div class="card"><b class="error">{sev["error"]}</b>errors</div>
<div class="card"><b class="warning">{sev["warning"]}</b>warnings</div>
<div class="card"><b class="info">{sev["info"]}</b>info</div>
<div class="card"><b>${Decimal(summary["amount_at_risk"]):,}</b>at risk</div>
<div class="card"><b>{summary["suppressed"]}</b>suppressed</div>
</div>
<h2>Charts</h2><div class="charts">{"".join(charts)}</div>
<h2>Findings ({len(result.findings)})</h2>
<table><thead><tr><th>severity</th><th>rule</th><th>subject</th><th>client</th><th>staff</th>
<th>date</th><th>message</th><th>at risk</th><th>citation</th><th>CARC</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Policy applied</h2><ul>{policy}</ul>
</body></html>
"""
