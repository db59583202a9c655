"""A workbook, written here or by its own process, reads back as written: text, numbers, formulas kept as text,
the notes; a small one is written here, a large one in its own process."""

import io
from functools import partial

import pytest
from openpyxl import load_workbook

from fcatlas.workbooks import (IN_MEMORY_MAX_ROWS, OWN_PROCESS_MIN_ROWS, ROWS_PER_MESSAGE, Workbook,
                               WorkbookProcess, workbook_for)


@pytest.mark.parametrize("writer", [Workbook, WorkbookProcess, partial(WorkbookProcess, constant_memory=True)],
                         ids=["here", "own process", "own process, constant memory"])
def test_a_workbook_written_here_or_in_its_own_process_reads_back_cell_for_cell(writer):
    rows = [[f"Enhet {n}", n * 1.5, None, "=HYPERLINK(\"x\")" if n == 3 else "", "-2"] for n in range(1200)]
    with writer() as workbook:
        workbook.sheet("Enheter", ["namn", "tal", "tom", "text", "minus"], frozen_columns=2)
        workbook.rows(iter(rows))
        workbook.notes("Om filen", ["Syntetisk demodata", "Andra raden"], notice_first=True)
        content = workbook.close()

    book = load_workbook(io.BytesIO(content))
    sheet = book["Enheter"]
    assert len(rows) > 2 * ROWS_PER_MESSAGE  # the rows went over in several messages, in order
    assert [cell.value for cell in sheet[1]] == ["namn", "tal", "tom", "text", "minus"] and sheet["A1"].font.b
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        [name, number, None, text or None, minus] for name, number, _, text, minus in rows]
    assert sheet["D5"].data_type == "s" and sheet["D5"].quotePrefix and sheet["E2"].quotePrefix
    assert sheet.freeze_panes == "C2"
    assert book.active.title == "Om filen" and book["Om filen"]["A1"].value == "Syntetisk demodata"


def test_a_writer_that_fails_says_so_and_leaves_no_process_behind():
    with pytest.raises(RuntimeError, match="XLSX-filen kunde inte skrivas"):
        with WorkbookProcess() as workbook:
            workbook.rows([["rader före ett blad"]])
            workbook.close()
    assert workbook._process.poll() is not None

    with pytest.raises(KeyError):
        with WorkbookProcess() as workbook:
            workbook.sheet("Enheter", ["namn"])
            raise KeyError("the caller fails half-way")
    assert workbook._process.poll() is not None


def test_a_small_workbook_is_written_here_and_a_large_one_in_its_own_process():
    assert type(workbook_for(OWN_PROCESS_MIN_ROWS - 1)) is Workbook
    with workbook_for(OWN_PROCESS_MIN_ROWS) as large, workbook_for(IN_MEMORY_MAX_ROWS + 1) as very_large:
        assert isinstance(large, WorkbookProcess) and "--constant-memory" not in large._process.args
        assert "--constant-memory" in very_large._process.args
