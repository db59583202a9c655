"""Writing tables for people to open in a spreadsheet: CSV the Swedish Excel way (semicolons, UTF-8 with BOM,
decimal comma) and XLSX, in both of which text a spreadsheet would run as a formula stays text. Pure Python."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fcatlas.tabular import FORMULA_PREFIXES, escape_formula


def decimal_comma(number: float | int) -> str:
    return (str(int(number)) if float(number).is_integer() else repr(float(number))).replace(".", ",")


def csv_cell(value) -> str:
    if type(value) is str:  # most cells: the one test they need, first
        return escape_formula(value)
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return decimal_comma(value)
    return escape_formula(str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def keep_text(cells) -> None:
    """Mark XLSX cells whose text begins like a formula as text (Excel's quote prefix): shown as typed, never run."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook of (title, headers, rows) sheets, headers bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
            keep_text(sheet[sheet.max_row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
