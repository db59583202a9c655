"""The spreadsheet exports: CSV (Swedish Excel: semicolons, UTF-8 with BOM) and XLSX."""

import csv
import io

from fcatlas.tabular import FORMULA_PREFIXES, escape_formula

from .rows import about_lines, columns, decimal_comma, rows


def write_csv(units) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    headers = columns()
    writer.writerow(headers)
    for values in rows(units):
        writer.writerow([_csv_cell(values[h]) for h in headers])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return decimal_comma(value)
    return escape_formula(str(value))


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
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"
                cell.quotePrefix = True
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
