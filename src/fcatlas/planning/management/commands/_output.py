"""Shared output for the planning commands: ``--json`` for machines, rich tables for people."""

import json

from rich.console import Console
from rich.table import Table

from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS
from fcatlas.formatting import format_number, format_percent

def add_json_flag(parser):
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def add_year_option(parser):
    parser.add_argument("--year", type=int, default=DEFAULT_LIST_YEAR, choices=LIST_YEARS,
                        help="the Police's list year for vulnerable areas (default %(default)s)")


def emit(stdout, result: dict, render, *, as_json: bool) -> None:
    if as_json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    console = Console(file=stdout, width=120)
    render(console, result)
    source = result.get("source")
    if source:
        console.print(source["note"] if isinstance(source, dict) else source)


def table(title: str, columns: list[str], rows: list[list], numeric: tuple[int, ...] | None = None) -> Table:
    """A rich table; the ``numeric`` columns (default: all but the first) are right-aligned."""
    numeric = range(1, len(columns)) if numeric is None else numeric
    output = Table(title=title)
    for index, column in enumerate(columns):
        output.add_column(column, justify="right" if index in numeric else "left")
    for row in rows:
        output.add_row(*[str(cell) for cell in row])
    return output


__all__ = ["add_json_flag", "add_year_option", "emit", "table", "format_number", "format_percent"]
