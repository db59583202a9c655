"""A large XLSX workbook written by a process of its own, on the second core, while the caller reads and formats
its rows: at 10 000 units × 86 columns, XlsxWriter's cells and XML take two seconds and the registry's rows one,
and the two overlap instead of adding up. Pure Python (XlsxWriter), no Django.

The caller side is ``workbook_for`` (a small workbook is written in the caller's process); the writing side runs as ``python -m fcatlas.workbooks``, reads pickled
messages (``MESSAGES``) on its standard input and writes the finished workbook to its standard output.
"""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from collections.abc import Iterable, Sequence
from itertools import islice

from fcatlas.bulk import no_collections
from fcatlas.tabular import FORMULA_PREFIXES

ROWS_PER_MESSAGE = 500
MESSAGES = ("sheet", "rows", "notes")
NOTICE_COLOUR = "#B35806"


OWN_PROCESS_MIN_ROWS = 2_000
"""A smaller workbook is written in the caller's process: starting the writing one costs 140 ms, more than the
overlap saves (a download of one kommun's units)."""
IN_MEMORY_MAX_ROWS = 20_000
"""Up to this many rows the workbook is built in memory with one shared table of strings (10 000 units: 2.6 s,
255 MB for both processes); above it, row by row through a temporary file, so that memory stays flat."""


def workbook_for(rows: int) -> Workbook:
    """The writer for a workbook of about ``rows`` rows: here for a small one, in its own process for a large one,
    through a temporary file for a very large one."""
    if rows < OWN_PROCESS_MIN_ROWS:
        return Workbook()
    return WorkbookProcess(constant_memory=rows > IN_MEMORY_MAX_ROWS)


class Workbook:
    """A workbook being written: ``sheet`` starts a sheet of rows, ``rows`` adds rows to it, ``notes`` adds a
    sheet of lines about the file, ``close`` returns the file. This one is written here, at ``close``;
    ``WorkbookProcess`` writes as the rows come, in a process of its own."""

    def __init__(self):
        self._messages: list[tuple] = []

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def _send(self, *message) -> None:
        self._messages.append(message)

    def sheet(self, title: str, headers: Sequence[str], *, frozen_columns: int = 0) -> None:
        """A sheet whose first row is ``headers`` in bold, kept in view with ``frozen_columns`` columns."""
        self._send("sheet", title, list(headers), frozen_columns)

    def rows(self, rows: Iterable[Sequence]) -> None:
        """Rows of text and numbers (None and "" leave the cell empty); text that a spreadsheet would run as a
        formula is written with Excel's quote prefix, shown as typed and never run."""
        rows = iter(rows)
        while chunk := [list(row) for row in islice(rows, ROWS_PER_MESSAGE)]:
            self._send("rows", chunk)

    def notes(self, title: str, lines: Sequence[str], *, notice_first: bool = False) -> None:
        """A sheet of lines about the file; with ``notice_first`` its first line is a notice in large orange type,
        the sheet's tab is orange and the workbook opens on it."""
        self._send("notes", title, list(lines), notice_first)

    def close(self) -> bytes:
        out = io.BytesIO()
        write(self._messages, out)
        return out.getvalue()


class WorkbookProcess(Workbook):
    """A workbook written by its own process as the messages come. Use it as a context manager, so that the process
    ends if the caller fails half-way."""

    def __init__(self, *, constant_memory: bool = False):
        """``constant_memory`` writes each row to a temporary file as it comes, for a workbook too large to hold:
        a third slower, as strings are then written into every cell instead of once into a shared table."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "fcatlas.workbooks", *(["--constant-memory"] if constant_memory else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def __exit__(self, *exc) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()

    def _send(self, *message) -> None:
        try:
            pickle.dump(message, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            self.close()  # raises with what the writing process said

    def close(self) -> bytes:
        content, errors = self._process.communicate()
        if self._process.returncode:
            raise RuntimeError(f"XLSX-filen kunde inte skrivas: {errors.decode(errors='replace')[-2000:]}")
        return content


def write(messages: Iterable[tuple], out, *, constant_memory: bool = False) -> None:
    """The workbook the messages describe, written to the binary file ``out``."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"in_memory": not constant_memory, "constant_memory": constant_memory,
                                         "strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    as_typed = workbook.add_format({"quote_prefix": True})
    sheet, number = None, 0
    for kind, *values in messages:
        if kind == "sheet":
            title, headers, frozen_columns = values
            sheet = workbook.add_worksheet(title[:31])
            for column, name in enumerate(headers):
                sheet.write_string(0, column, name, bold)
            sheet.freeze_panes(1, frozen_columns)
            number = 0
        elif kind == "rows":
            write_string, write_number = sheet.write_string, sheet.write_number
            for number, row in enumerate(values[0], start=number + 1):
                for column, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        write_string(number, column, value, as_typed if value.startswith(FORMULA_PREFIXES) else None)
                    else:
                        write_number(number, column, value)
        elif kind == "notes":
            title, lines, notice_first = values
            notes = workbook.add_worksheet(title[:31])
            notes.set_column(0, 0, 120)
            notice = workbook.add_format({"bold": True, "font_color": NOTICE_COLOUR, "font_size": 14})
            for line_number, line in enumerate(lines):
                notes.write_string(line_number, 0, line, notice if notice_first and line_number == 0 else None)
            if notice_first:
                notes.set_tab_color(NOTICE_COLOUR)
                notes.activate()  # opens on the notice; the data stay the first sheet, which an importer reads
        else:
            raise ValueError(f"Okänt meddelande {kind!r}; kända är {', '.join(MESSAGES)}.")
    workbook.close()


def _messages(stream):
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


if __name__ == "__main__":
    with no_collections():  # a cell each is a tuple kept to the end: the default collections found nothing to free
        write(_messages(sys.stdin.buffer), sys.stdout.buffer, constant_memory="--constant-memory" in sys.argv[1:])
