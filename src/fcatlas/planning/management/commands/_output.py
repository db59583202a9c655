"""Shared output for the planning commands: ``--json`` for machines, rich tables for people."""

import json

from rich.console import Console
from rich.table import Table

from fcatlas.formatting import format_number, format_percent

MODELLED_NOTE = "Modellerad befolkning: barn 0–5 år är uppskattade, inte SCB:s siffror per område (se data/SOURCES.md)."


def add_json_flag(parser):
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def emit(stdout, result: dict, render, *, as_json: bool) -> None:
    if as_json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    console = Console(file=stdout, width=120)
    if result.get("modelled"):
        console.print(f"[bold]{MODELLED_NOTE}[/bold]")
    render(console, result)


def table(title: str, columns: list[str], rows: list[list], numeric: tuple[int, ...] | None = None) -> Table:
    """A rich table; the ``numeric`` columns (default: all but the first) are right-aligned."""
    numeric = range(1, len(columns)) if numeric is None else numeric
    output = Table(title=title)
    for index, column in enumerate(columns):
        output.add_column(column, justify="right" if index in numeric else "left")
    for row in rows:
        output.add_row(*[str(cell) for cell in row])
    return output


__all__ = ["add_json_flag", "emit", "table", "format_number", "format_percent"]
