"""The spreadsheet exports: CSV (Swedish Excel: semicolons, UTF-8 with BOM) and XLSX."""

import io

from fcatlas.spreadsheets import csv_bytes
from fcatlas.tabular import FORMULA_PREFIXES

from .rows import about_lines, columns, rows


def write_csv(units) -> bytes:
    headers = columns()
    return csv_bytes(headers, ([values[h] for h in headers] for values in rows(units)))


def write_xlsx(units) -> bytes:
    """Text that a spreadsheet would run as a formula is written as text with Excel's quote prefix (shown as
    typed, never run), so it reads back exactly as it was. Written in openpyxl's streaming mode: memory and time
    grow with the rows, not with the cells' objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Enheter")
    headers = columns()
    bold = Font(bold=True)

    def cell(value, font=None):
        item = WriteOnlyCell(sheet, value=value)
        if font:
            item.font = font
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            item.data_type, item.quotePrefix = "s", True
        return item

    sheet.freeze_panes = "C2"
    sheet.append([cell(h, bold) for h in headers])
    for values in rows(units):
        sheet.append([cell(values[h]) for h in headers])
    about = workbook.create_sheet("Om filen")
    about.column_dimensions["A"].width = 120
    synthetic = any(u.synthetic for u in units)
    if synthetic:
        about.sheet_properties.tabColor = "B35806"
    notice = Font(bold=True, color="B35806", size=14)
    for number, line in enumerate(about_lines(units, escaped_with_apostrophe=False)):
        about.append([cell(line, notice if synthetic and number == 0 else None)])
    if synthetic:
        workbook.active = 1  # opens on the notice; the data stay the first sheet, which the importer reads
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
