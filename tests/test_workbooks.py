"""A workbook written by its own process reads back as written: text, numbers, formulas kept as text, the notes."""

import io

import pytest
from openpyxl import load_workbook

from fcatlas.workbooks import ROWS_PER_MESSAGE, WorkbookProcess


@pytest.mark.parametrize("constant_memory", [False, True])
def test_a_workbook_written_in_its_own_process_reads_back_cell_for_cell(constant_memory):
    rows = [[f"Enhet {n}", n * 1.5, None, "=HYPERLINK(\"x\")" if n == 3 else "", "-2"] for n in range(1200)]
    with WorkbookProcess(constant_memory=constant_memory) as workbook:
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
