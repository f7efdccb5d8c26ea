"""CSV exports that open safely in spreadsheets: formula-looking cells neutralised, BOM first."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# A cell starting with one of these may run as a formula in Excel or LibreOffice (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a CSV without a byte order mark as the local code page and garbles non-Latin names.
BOM = "\ufeff"


def neutralise_cell(value: Any) -> str:
    """One cell as text, with a leading apostrophe if the text could be read as a formula.

    None is an empty cell. Numbers are written as they are: -1 is a number, not a formula, and
    only text comes from people. Everything else is turned into text and checked.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_response_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """The whole CSV: BOM, header, rows, every cell neutralised, lines ending in \\r\\n."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(cell) for cell in header])
    writer.writerows([neutralise_cell(cell) for cell in row] for row in rows)
    return BOM + buffer.getvalue()
