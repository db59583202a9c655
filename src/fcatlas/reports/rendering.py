"""A report's content as a document: HTML (for the web and as a file), PDF through WeasyPrint (tagged, with a
table of contents and page numbers) and XLSX (every table on a sheet of its own, with an "Om filen" sheet).

Rendering reads only the content dict and the report's own words, so a frozen report renders the same forever.
"""

import copy
import hashlib
import io
import json
from functools import cache
from pathlib import Path

import xlsxwriter
from django.core.cache import cache as django_cache
from django.template.loader import render_to_string

from fcatlas.formatting import format_distance, format_number, format_percent

from .figures import figure_svg

STYLESHEET = Path(__file__).parent / "static" / "reports" / "report.css"
DEMO_WORDS = "Syntetisk demodata – inte verkliga familjecentraler"


def content_checksum(content: dict, texts: dict | None) -> str:
    """A checksum of everything a report shows: the same content and words always give the same sum."""
    payload = json.dumps({"content": content, "texts": texts}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def drawn(figure: dict) -> str:
    """A figure's SVG: the frozen one of an issued report, else drawn once per figure's data and cached."""
    if "svg" in figure:
        return figure["svg"]
    key = "report-figure:" + hashlib.sha256(json.dumps(figure, sort_keys=True).encode()).hexdigest()
    svg = django_cache.get(key)
    if svg is None:
        svg = figure_svg(figure)
        django_cache.set(key, svg, timeout=None)
    return svg


def with_figures(content: dict) -> dict:
    """The content with every figure drawn (its SVG text in ``svg``)."""
    content = copy.deepcopy(content)
    for chapter in content["chapters"]:
        for figure in chapter["figures"]:
            figure["svg"] = drawn(figure)
    return content


def find_figure(content: dict, figure_id: str) -> dict | None:
    return next((figure for chapter in content["chapters"] for figure in chapter["figures"]
                 if figure["id"] == figure_id), None)


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind == "count":
        return format_number(value)
    if kind == "share":
        return format_percent(value)
    if kind == "decimal":
        return format_number(value, 1)
    if kind == "distance":
        return format_distance(value)
    return str(value)


def numbered(content: dict) -> dict:
    """Number the tables and figures in reading order (appendix tables last) and format every cell."""
    content = copy.deepcopy(content)
    table_number = figure_number = 0
    appendix = []
    for chapter_number, chapter in enumerate(content["chapters"], start=1):
        chapter["number"] = chapter_number
        main_tables = []
        for table in chapter["tables"]:
            (appendix if table.get("appendix") else main_tables).append(table)
        chapter["tables"] = main_tables
        for figure in chapter["figures"]:
            figure_number += 1
            figure["number"] = figure_number
        for table in main_tables:
            table_number += 1
            table["number"] = table_number
    for table in appendix:
        table_number += 1
        table["number"] = table_number
    for table in [t for chapter in content["chapters"] for t in chapter["tables"]] + appendix:
        kinds = [column["kind"] for column in table["columns"]]
        table["cells"] = [[{"text": cell_text(value, kind), "numeric": kind != "text"}
                           for value, kind in zip(row, kinds)] for row in table["rows"]]
    content["appendix"] = appendix
    for row in content["summary"]:
        row["value_text"] = cell_text(row["value"], row["kind"])
        if "nation" in row:
            row["nation_text"] = cell_text(row["nation"], row["kind"])
    return content


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def render_html(content: dict, texts: dict | None, *, status: str = "Utkast", meta: dict | None = None) -> str:
    """The whole report as one HTML document (stylesheet inline, figures inline SVG): a file that opens offline.
    ``texts`` are the agencies' own words; a profile has none (``None``)."""
    return render_to_string("reports/document.html", {
        "content": numbered(with_figures(content)), "texts": texts, "status": status, "meta": meta or {},
        "stylesheet": _stylesheet(), "demo_words": DEMO_WORDS,
    })


def render_pdf(content: dict, texts: dict | None, *, status: str = "Utkast", meta: dict | None = None) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a third of a second that pages never need

    html = render_html(content, texts, status=status, meta=meta)
    return HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(pdf_tags=True, uncompressed_pdf=False)


def _sheet_name(number: int, title: str, used: set[str]) -> str:
    name = f"T{number} {title}"
    for character in "[]:*?/\\":
        name = name.replace(character, " ")
    name = name[:31].rstrip()
    while name in used:
        name = name[:28] + f"~{len(used)}"
    used.add(name)
    return name


def render_xlsx(content: dict, texts: dict | None, *, status: str = "Utkast", meta: dict | None = None) -> bytes:
    """Every table of the report on its own sheet, numbers as numbers, each sheet with its source; "Om filen" first."""
    report = numbered(content)
    tables = [t for chapter in report["chapters"] for t in chapter["tables"]] + report["appendix"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": report["title"], "author": "fcatlas", "comments": DEMO_WORDS
                         if report["synthetic"] else ""})
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "font_size": 13})
    warning = book.add_format({"bold": True, "font_color": "#b30000"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    formats = {"count": book.add_format({"num_format": "# ##0"}), "share": book.add_format({"num_format": "0.0%"}),
               "decimal": book.add_format({"num_format": "0.0"}), "distance": book.add_format({"num_format": "# ##0"}),
               "text": None}

    about = book.add_worksheet("Om filen")
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 100)
    lines = [("Rapport", report["title"]), ("Omfattning", report["scope"]["label"]), ("Status", status),
             ("Uppgifternas läge", report["as_of_text"]),
             ("Befolkning", f"{report['demand_source']['label']}: {report['demand_source']['text']}"),
             ("Täckningsradie", format_distance(report["radius_m"])), ("Polisens lista", str(report["year"]))]
    lines += [(label, value) for label, value in (meta or {}).items()]
    if texts is not None:
        lines += [("Slutsatser", texts["conclusions"] or "–"), ("Förslag", texts["proposals"] or "–")]
    row = 0
    about.write(row, 0, "Om filen", heading)
    row += 2
    if report["synthetic"]:
        about.write(row, 0, DEMO_WORDS, warning)
        row += 2
    for label, value in lines:
        about.write(row, 0, label, bold)
        about.write(row, 1, value, wrap)
        row += 1
    row += 1
    about.write(row, 0, "Blad", bold)
    about.write(row, 1, "Tabell och källa", bold)
    used = {"Om filen"}
    names = [_sheet_name(table["number"], table["title"], used) for table in tables]
    for name, table in zip(names, tables):
        row += 1
        about.write(row, 0, name)
        about.write(row, 1, f"Tabell {table['number']}. {table['title']}. {table['note']}", wrap)
    row += 2
    about.write(row, 0, "Metod", bold)
    for paragraph in report["method"]:
        about.write(row, 1, paragraph, wrap)
        row += 1

    for name, table in zip(names, tables):
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, f"Tabell {table['number']}. {table['title']}", heading)
        sheet.write(1, 0, table["note"])
        first = 3 if not report["synthetic"] else 4
        if report["synthetic"]:
            sheet.write(2, 0, DEMO_WORDS, warning)
        for column, spec in enumerate(table["columns"]):
            sheet.write(first, column, spec["label"], bold)
            sheet.set_column(column, column, 34 if spec["kind"] == "text" else 16)
        for offset, values in enumerate(table["rows"], start=1):
            for column, (value, spec) in enumerate(zip(values, table["columns"])):
                if value is None:
                    sheet.write_blank(first + offset, column, None)
                elif spec["kind"] == "text":
                    sheet.write_string(first + offset, column, str(value))
                else:
                    sheet.write_number(first + offset, column, value, formats[spec["kind"]])
        sheet.freeze_panes(first + 1, 0)
    book.close()
    return buffer.getvalue()


RENDERERS = {"html": render_html, "pdf": render_pdf, "xlsx": render_xlsx}
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(content: dict, texts: dict | None, file_format: str, **options) -> bytes:
    output = RENDERERS[file_format](content, texts, **options)
    return output.encode("utf-8") if isinstance(output, str) else output
