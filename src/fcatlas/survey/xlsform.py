"""XLSForms (the questionnaire format of ODK, KoboToolbox and Enketo) read through the one tabular reader, compiled
by pyxform into XForm XML, and every problem told in Swedish with its sheet, row and column.

A form comes as an Excel workbook (``.xlsx``: sheets ``survey``, ``choices``, ``settings``) or as the same tables in
Markdown (``.md``, pyxform's text format, which the shipped questionnaires use so that a change shows in a diff).
Besides pyxform's checks, every XPath expression (relevant, constraint, calculation, required, choice_filter) is
parsed with the engine's own XPath parser, so that a form that compiles also evaluates. Pure Python; no Django.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.xls2json_backends import md_table_to_workbook, md_to_dict
from pyxform.xls2xform import convert

from fcatlas.tabular import Limits, TabularError, decode_text, read_workbook

from . import xpath
from .definition import FormDefinition, FormDefinitionError, read_form

SUFFIXES = (".xlsx", ".md")
FORM_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=20_000, max_columns=200, max_cell_chars=5_000)
EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "required", "choice_filter", "repeat_count", "trigger")
_REFERENCE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class FormProblem:
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        place = ", ".join(part for part in (
            f"bladet {self.sheet}" if self.sheet else "", f"rad {self.row}" if self.row else "",
            f"kolumn {self.column}" if self.column else "") if part)
        return f"{place[:1].upper()}{place[1:]}: {self.message}" if place else self.message


class XLSFormError(ValueError):
    """A form that cannot be used as it is; ``problems`` says where and what, in Swedish."""

    def __init__(self, problems: list[FormProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class CompiledForm:
    xform: str
    definition: FormDefinition
    warnings: list[FormProblem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def form_id(self) -> str:
        return self.definition.form_id

    @property
    def version(self) -> str:
        return self.definition.version


@dataclass
class _Workbook:
    sheets: dict                       # pyxform's workbook dict
    lines: dict[str, list[int]]        # per sheet, the line each data row has in the file


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _read(data: bytes, filename: str) -> _Workbook:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise XLSFormError([FormProblem(f"Filen {filename} är inget formulär: ladda upp en XLSForm som Excel-fil "
                                        "(.xlsx) eller som Markdown (.md).")])
    try:
        if suffix == ".md":
            if len(data) > FORM_LIMITS.max_bytes:
                raise TabularError(f"Filen {filename} är större än {FORM_LIMITS.max_bytes // (1024 * 1024)} MB.")
            text, _ = decode_text(data, filename)
            sheets = md_to_dict(text)
            lines = {name: list(range(2, len(rows) + 2)) for name, rows in sheets.items() if isinstance(rows, list)}
            return _Workbook(sheets, lines)
        tables = read_workbook(data, filename, FORM_LIMITS)
    except TabularError as error:
        raise XLSFormError([FormProblem(str(error), row=error.line, column=error.column)]) from None
    except Exception:  # pyxform's Markdown reader raises plain exceptions on a broken table
        raise XLSFormError([FormProblem(f"Filen {filename} går inte att läsa som XLSForm-tabeller.")]) from None
    sheets, lines = {"sheet_names": list(tables)}, {}
    for name, table in tables.items():
        key = name.strip()
        columns = [column.strip() for column in table.columns]
        rows, row_lines = [], []
        for row in table.rows:
            values = {column: _cell(value) for column, value in zip(columns, row.values) if column}
            values = {column: value for column, value in values.items() if value is not None}
            if values:
                rows.append(values)
                row_lines.append(row.line)
        sheets[key] = rows
        sheets[f"{key}_header"] = [{column: None for column in columns if column}]
        lines[key] = row_lines
    return _Workbook(sheets, lines)


_TRANSLATIONS: list[tuple[re.Pattern, str, str | None]] = [
    (re.compile(r"Unknown question type '(?P<value>[^']*)'"), "Okänd frågetyp ”{value}”. Använd till exempel text, "
     "integer, decimal, date, select_one LISTA, select_multiple LISTA, note, begin_group.", "type"),
    (re.compile(r"List name not in choices sheet: (?P<value>.+)"), "Svarslistan ”{value}” finns inte på bladet "
     "choices.", "type"),
    (re.compile(r"the '(?P<column>[\w:]+)' value is invalid\. Reference variables must contain a name from the "
                r"'survey' sheet\. Could not find the name '(?P<value>[^']*)'"),
     "Hänvisningen ${{{value}}} pekar på en fråga som inte finns (kontrollera stavningen).", None),
    (re.compile(r"Unmatched 'begin_(?P<kind>group|repeat)'\. No matching 'end_(?:group|repeat)' was found for the "
                r"name '(?P<value>[^']*)'"), "Gruppen ”{value}” börjar här men avslutas aldrig; lägg till en rad "
     "end_{kind}.", "type"),
    (re.compile(r"Unmatched 'end_(?P<kind>group|repeat)'"), "Här avslutas en grupp (end_{kind}) som aldrig började, "
     "eller en annan sorts grupp än den som är öppen.", "type"),
    (re.compile(r"the 'name' value '(?P<value>[^']*)' is invalid\. Questions, groups, and repeats must be unique"),
     "Namnet ”{value}” finns redan i samma grupp; varje fråga behöver ett eget namn.", "name"),
    (re.compile(r"On the 'survey' sheet, the 'name' value is invalid\. Names must begin"),
     "Namnet måste börja med en bokstav eller ett understreck och får bara innehålla bokstäver, siffror, understreck, "
     "bindestreck och punkter.", "name"),
    (re.compile(r"The survey element named '(?P<value>[^']*)' has no label or hint"),
     "Frågan ”{value}” saknar text (label).", "label"),
    (re.compile(r"On the 'choices' sheet, the 'name' value is invalid\. Choices must have a name"),
     "Ett svarsalternativ saknar namn (kolumnen name).", "name"),
    (re.compile(r"Question or group with no name"), "En fråga eller grupp saknar namn (kolumnen name).", "name"),
    (re.compile(r"The settings sheet|settings.*form_id", re.I), "Bladet settings behöver kolumnen form_id.", None),
    (re.compile(r"Language '(?P<value>[^']*)' is missing the (?P<sheet>\w+) columns? (?P<columns>.+?)\.?$"),
     "Språket ”{value}” saknar kolumnerna {columns}.", None),
]


def _swedish(text: str, workbook: _Workbook | None, sheet_hint: str = "survey") -> FormProblem:
    row = None
    match = re.search(r"\[row : (\d+)\]", text)
    if match:
        row = int(match.group(1))
    sheet_match = re.search(r"On the '(\w+)' sheet", text)
    sheet = sheet_match.group(1) if sheet_match else sheet_hint
    if workbook and row and sheet in workbook.lines and 2 <= row < len(workbook.lines[sheet]) + 2:
        row = workbook.lines[sheet][row - 2]
    for pattern, template, column in _TRANSLATIONS:
        found = pattern.search(text)
        if found:
            values = found.groupdict()
            column = values.get("column") or column
            if row is None and workbook and values.get("value"):
                row = _row_naming(workbook, sheet, values["value"])
            return FormProblem(template.format(**values), values.get("sheet") or sheet, row, column)
    plain = re.sub(r"\[row : \d+\]\s*", "", text).strip()
    return FormProblem(f"Formuläret kunde inte kompileras (pyxform: {plain})", sheet, row, None)


def _row_naming(workbook: _Workbook, sheet: str, value: str) -> int | None:
    """The line of the first row that holds ``value`` as its name or type (pyxform does not always say)."""
    for index, row in enumerate(workbook.sheets.get(sheet, [])):
        if value in (row.get("name"), row.get("type")):
            return workbook.lines[sheet][index]
    return None


def _expression_problems(workbook: _Workbook) -> list[FormProblem]:
    problems = []
    for index, row in enumerate(workbook.sheets.get("survey", [])):
        for column in EXPRESSION_COLUMNS:
            expression = row.get(column)
            if not expression or (column == "required" and expression.lower() in ("yes", "no", "true", "false",
                                                                                    "true()", "false()")):
                continue
            try:
                xpath.parse(_REFERENCE.sub("/data/x", expression))
            except xpath.XPathError as error:
                problems.append(FormProblem(str(error).replace("/data/x", "${…}"), "survey",
                                            workbook.lines["survey"][index], column))
    return problems


def compile_xlsform(data: bytes, filename: str) -> CompiledForm:
    """The XForm of an XLSForm file, with pyxform's warnings; ``XLSFormError`` lists every problem found."""
    workbook = _read(data, filename)
    if "survey" not in workbook.sheets:
        raise XLSFormError([FormProblem("Formuläret saknar bladet survey (frågorna).")])
    warnings: list[str] = []
    try:
        result = convert(workbook.sheets, warnings=warnings, pretty_print=True)
    except PyXFormError as error:
        raise XLSFormError([_swedish(str(error), workbook)] + _expression_problems(workbook)) from None
    except Exception as error:  # pyxform lets some malformed input through as other exceptions
        raise XLSFormError([FormProblem(f"Formuläret kunde inte kompileras ({type(error).__name__}).")]) from None
    problems = _expression_problems(workbook)
    if problems:
        raise XLSFormError(problems)
    try:
        definition = read_form(result.xform)
    except FormDefinitionError as error:
        raise XLSFormError([FormProblem(str(error))]) from None
    return CompiledForm(result.xform, definition, [_swedish(warning, workbook) for warning in warnings])


def workbook_from_markdown(text: str) -> bytes:
    """The Excel workbook of a Markdown XLSForm (what a person downloads to edit the form in Excel)."""
    buffer = io.BytesIO()
    md_table_to_workbook(text).save(buffer)
    return buffer.getvalue()
