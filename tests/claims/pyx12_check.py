"""pyx12, an independent X12 validator, as the claims tests ask it: what it finds wrong."""

from __future__ import annotations

import io
import json
from typing import Any

import pyx12.params
import pyx12.x12n_document


def pyx12_errors(text: str) -> list[str]:
    """What pyx12 finds wrong with an interchange, validated against the map its GS08 names
    (005010X221A1 for an 835, 005010X222A1 for an 837P); an empty list when it finds the file
    valid."""
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        pyx12.params.params(), io.StringIO(text), None, None, None, report
    )
    errors: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for error in node.get("errors", []):
                where = node.get("seg_id") or node.get("name") or ""
                errors.append(f"{where} {error['err_cde']}: {error['err_str']}")
            for value in node.values():
                if isinstance(value, list):
                    for item in value:
                        collect(item)

    collect(json.loads(report.getvalue() or "{}"))
    if not valid and not errors:
        errors.append("pyx12 found the file invalid")
    return errors
