"""XLSForms compiled by pyxform, every problem told in Swedish with sheet, row and column; the shipped
questionnaires compile cleanly and map their questions onto registry fields with the registry's own codes."""

from pathlib import Path

import pytest

from fcatlas.survey.xlsform import XLSFormError, compile_xlsform, workbook_from_markdown

HERE = Path(__file__).parent
TEST_FORM = (HERE / "provformular.md").read_text(encoding="utf-8")
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "fcatlas" / "survey" / "questionnaires"


@pytest.mark.parametrize("filename", ["provformular.md", "provformular.xlsx"])
def test_a_form_compiles_from_markdown_and_from_excel_to_the_same_xform(filename):
    data = TEST_FORM.encode() if filename.endswith(".md") else workbook_from_markdown(TEST_FORM)
    compiled = compile_xlsform(data, filename)
    assert compiled.warnings == []
    assert compiled.xform == compile_xlsform(TEST_FORM.encode(), "provformular.md").xform
    assert (compiled.title, compiled.form_id, compiled.version) == ("Provformulär", "provformular", "1")
    assert [section.name for section in compiled.definition.sections] == ["enheten", "verksamheter", "program"]


@pytest.mark.parametrize("change, expected", [
    (("| | text | telefon |", "| | txet | telefon |"),
     "Bladet survey, rad 5, kolumn type: Okänd frågetyp ”txet”."),
    (("select_one ja_nej", "select_one janej"),
     "Bladet survey, rad 7, kolumn type: Svarslistan ”janej” finns inte på bladet choices."),
    (("${samordnare} = 'ja'", "${samordnarx} = 'ja'"),
     "Bladet survey, rad 8, kolumn relevant: Hänvisningen ${samordnarx} pekar på en fråga som inte finns"),
    (("| | date | oppnade |", "| | date | telefon |"),
     "Bladet survey, rad 6, kolumn name: Namnet ”telefon” finns redan i samma grupp"),
    ((". > 0 and . <= 5", ". > 0 and and . <= 5"),
     "Bladet survey, rad 8, kolumn constraint: Uttrycket ”. > 0 and and . <= 5” är inte giltig XPath"),
    (("count-selected(", "count-valda("),
     "Bladet survey, rad 12, kolumn calculation: Uttrycket ”count-valda(${…})” är inte giltig XPath (okänd funktion"),
    (("| | text | namn | Enhetens namn | Name of the unit |", "| | text | namn | | |"),
     "Bladet survey, rad 4, kolumn label: Frågan ”namn” saknar text (label)."),
])
@pytest.mark.parametrize("suffix", [".md", ".xlsx"])
def test_each_problem_names_sheet_row_and_column_in_swedish(change, expected, suffix):
    broken = TEST_FORM.replace(*change)
    assert broken != TEST_FORM
    data = broken.encode() if suffix == ".md" else workbook_from_markdown(broken)
    with pytest.raises(XLSFormError) as refused:
        compile_xlsform(data, "formular" + suffix)
    assert str(refused.value).startswith(expected)


def test_a_file_that_is_no_form_is_refused_in_swedish():
    with pytest.raises(XLSFormError, match="inget formulär"):
        compile_xlsform(b"namn;kommun", "enheter.csv")
    with pytest.raises(XLSFormError, match="inte en Excel-fil"):
        compile_xlsform(b"PK\x03\x04 trasig", "formular.xlsx")


@pytest.mark.parametrize("name, pages", [
    ("enhet", ["enheten", "verksamheter", "malgrupper", "organisation", "arbetssatt", "bemanning", "samverkan",
               "avslut"]),
    ("huvudman", ["respondent", "enheter", "planer", "stod"]),
])
def test_the_shipped_questionnaires_compile_without_a_warning(name, pages):
    compiled = compile_xlsform((SHIPPED / f"{name}.md").read_bytes(), f"{name}.md")
    assert compiled.warnings == []
    assert [section.name for section in compiled.definition.sections] == pages
    assert compiled.definition.languages == ["Svenska (sv)", "English (en)"]
