"""The spreadsheet exports: CSV (Swedish Excel: semicolons, UTF-8 with BOM) and XLSX."""

import io

from fcatlas.spreadsheets import csv_bytes, keep_text

from .rows import about_lines, columns, rows


def write_csv(units) -> bytes:
    headers = columns()
    return csv_bytes(headers, ([values[h] for h in headers] for values in rows(units)))


def write_xlsx(units) -> bytes:
    """Text that a spreadsheet would run as a formula is written as text with Excel's quote prefix (shown as
    typed, never run), so it reads back exactly as it was."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Enheter"
    headers = columns()
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows(units):
        sheet.append([values[h] for h in headers])
        keep_text(sheet[sheet.max_row])
    sheet.freeze_panes = "C2"
    about = workbook.create_sheet("Om filen")
    for line in about_lines(units, escaped_with_apostrophe=False):
        about.append([line])
    about.column_dimensions["A"].width = 120
    if any(u.synthetic for u in units):
        about["A1"].font = Font(bold=True, color="B35806", size=14)
        about.sheet_properties.tabColor = "B35806"
        workbook.active = 1  # opens on the notice; the data stay the first sheet, which the importer reads
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
