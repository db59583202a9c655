"""The report as files: one command writes the national PDF, HTML and XLSX; the PDF is a tagged document with a
table of contents, page numbers and the demo warning on every page; the XLSX holds every table."""

import io
import re
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from fcatlas.reports.document import build_content
from fcatlas.reports.rendering import numbered

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def registry(make_unit):
    make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038, synthetic=True, source="synthetic_demo")
    make_unit(name="Familjecentralen Rinkeby", municipality="0180", services=FOUR_CORE, latitude=59.3293,
              longitude=18.0686, synthetic=True, source="synthetic_demo")
    make_unit(name="BVC Kiruna", municipality="2584", services=("child_health", "open_preschool"), latitude=67.8558,
              longitude=20.2253, synthetic=True, source="synthetic_demo")


def test_one_command_writes_the_national_report_as_a_tagged_pdf_with_contents_and_page_numbers(registry, tmp_path):
    path = tmp_path / "rapport.pdf"
    out = StringIO()
    call_command("report", "--scope", "national", "--format", "pdf", "-o", str(path), stdout=out)
    assert "Enheterna är syntetisk demodata – inte verkliga familjecentraler." in out.getvalue()
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True and "/StructTreeRoot" in root  # noqa: E712 (a PDF boolean)  # tagged for screen readers
    assert root["/Lang"] == "sv"
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    total = len(pages)
    assert total >= 12
    for number, text in enumerate(pages, start=1):
        assert "Syntetisk demodata – inte verkliga familjecentraler" in text, number
        assert f"Sida {number} av {total}" in text, number
    contents = pages[1]
    assert "Innehåll" in contents
    listed = re.search(r"Metod och källor\s*\.*\s*(\d+)", contents)
    assert listed, contents
    method_page = int(listed.group(1))
    assert "Metod och källor" in pages[method_page - 1] and "Rapporten bygger på" in pages[method_page - 1]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "7. Geografisk spridning och täckning" in outline


def test_the_xlsx_holds_every_table_of_the_report_on_its_own_sheet_after_om_filen(registry, tmp_path):
    path = tmp_path / "rapport.xlsx"
    call_command("report", "--scope", "national", "--format", "xlsx", "-o", str(path), stdout=StringIO())
    book = openpyxl.load_workbook(path)
    expected = numbered(build_content())
    tables = [t for chapter in expected["chapters"] for t in chapter["tables"]] + expected["appendix"]
    assert book.sheetnames[0] == "Om filen"
    assert len(book.sheetnames) == len(tables) + 1
    about = [value for row in book["Om filen"].iter_rows(values_only=True) for value in row if value]
    assert "Syntetisk demodata – inte verkliga familjecentraler" in about
    for name, table in zip(book.sheetnames[1:], tables):
        sheet = book[name]
        assert sheet["A1"].value == f"Tabell {table['number']}. {table['title']}"
        assert sheet["A2"].value.startswith("Källa:")
        assert sheet["A3"].value == "Syntetisk demodata – inte verkliga familjecentraler"
        assert [cell.value for cell in sheet[5]][:len(table["columns"])] == [c["label"] for c in table["columns"]]
    classes = book[book.sheetnames[1]]
    assert [classes.cell(6, 1).value, classes.cell(6, 2).value] == ["Familjecentral", 2]  # a number, not text
    assert isinstance(classes.cell(6, 3).value, float)


def test_a_municipal_profile_as_html_is_one_file_that_opens_offline(registry, tmp_path):
    path = tmp_path / "malmo.html"
    call_command("report", "--scope", "kommun:1280", "--format", "html", "-o", str(path), stdout=StringIO())
    html = path.read_text(encoding="utf-8")
    assert "Familjecentraler i Malmö – kommunprofil" in html
    assert "Andel i riket" in html
    assert "data:image/svg+xml;base64," in html and "<style>" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing fetched from elsewhere
    assert "Slutsatser och förslag" not in html  # a profile carries no agency's words


def test_an_unknown_scope_is_a_swedish_error_not_a_file(tmp_path):
    path = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="Det finns ingen region med länskod '77'"):
        call_command("report", "--scope", "region:77", "-o", str(path), stdout=StringIO())
    assert not path.exists()


def test_the_report_reads_pdf_pages_of_a_whole_demo_registry(tmp_path, settings):
    """The national report on the shipped demo registry (246 synthetic units) renders, every page legible."""
    from fcatlas.registry.demo import load_demo

    load_demo(settings.DATA_DIR)
    path = tmp_path / "demo.pdf"
    call_command("report", "--format", "pdf", "-o", str(path), stdout=StringIO())
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Kommuner med minst en enhet i drift" in text  # the appendix
    assert "Blekinge län" in text
