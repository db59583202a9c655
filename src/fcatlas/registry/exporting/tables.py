"""The spreadsheet exports: CSV (Swedish Excel: semicolons, UTF-8 with BOM) and XLSX."""

from fcatlas.spreadsheets import csv_bytes
from fcatlas.workbooks import workbook_for

from .rows import about_lines, columns, rows


def write_csv(units) -> bytes:
    headers = columns()
    return csv_bytes(headers, ([values[h] for h in headers] for values in rows(units)))


def write_xlsx(units) -> bytes:
    """The units and a sheet "Om filen" about them; many units are written by a process of its own while the
    rows are read (``workbooks``): XlsxWriter writes a cell in a fifth of openpyxl's time, which is what 10 000
    units × 86 columns need, and its own core takes it off the reading's."""
    headers = columns()
    with workbook_for(len(units)) as workbook:
        workbook.sheet("Enheter", headers, frozen_columns=2)
        workbook.rows([values[name] for name in headers] for values in rows(units))
        workbook.notes("Om filen", about_lines(units, escaped_with_apostrophe=False), notice_first=units.synthetic)
        return workbook.close()
