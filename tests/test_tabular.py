"""The one tabular reader: encodings, delimiters, XLSX, GeoJSON, and caps that no file can get past."""

import io
import json
import re
import time
import tracemalloc
import zipfile

import openpyxl.xml
import pytest
from openpyxl import Workbook

from fcatlas.tabular import Limits, TabularError, read_table

HEADER = "namn;kommun\n"


def values(table):
    return [row.values for row in table.rows]


def xlsx(rows, patch=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    if patch is None:
        return out.getvalue()
    archive, patched = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in archive.infolist():
            content = archive.read(entry.filename)
            target.writestr(entry, patch(content) if entry.filename == "xl/worksheets/sheet1.xml" else content)
    return patched.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_swedish_text_reads_the_same_in_every_common_encoding(encoding):
    data = (HEADER + "Familjecentralen Älvängen;Ale\nÖppna förskolan Å;Åre\n").encode(encoding)

    table = read_table(data, "enheter.csv")

    assert table.columns == ["namn", "kommun"]
    assert values(table) == [["Familjecentralen Älvängen", "Ale"], ["Öppna förskolan Å", "Åre"]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_found(delimiter):
    data = f"namn{delimiter}kommun{delimiter}postnummer\nFC Ale{delimiter}Ale{delimiter}44930\n".encode()

    assert values(read_table(data, "enheter.csv")) == [["FC Ale", "Ale", "44930"]]


def test_rows_keep_the_line_the_person_sees():
    table = read_table(b"\n" + HEADER.encode() + b"A;Ale\n\nB;Mora\n", "enheter.csv")

    assert [row.line for row in table.rows] == [3, 5]


def test_bytes_that_fit_no_encoding_are_refused_with_their_line():
    data = HEADER.encode() + b"A;Ale\n" + b"\x81\x8d\x8f\x90\x9d;Mora\n" * 3

    with pytest.raises(TabularError, match=r"byten på rad 3 är inte utf-8"):
        read_table(data, "enheter.csv")


def test_a_nul_character_is_refused_with_row_and_column():
    with pytest.raises(TabularError, match=r"Cellen på rad 2, kolumn kommun, innehåller tecknet NUL"):
        read_table(HEADER.encode() + b"A;Al\x00e\n", "enheter.csv")


def test_a_cell_over_the_cap_is_refused_with_its_row():
    with pytest.raises(TabularError, match=r"rad 2") as refused:
        read_table(HEADER.encode() + b"A;" + b"x" * 20_000 + b"\n", "enheter.csv", Limits(max_cell_chars=10_000))
    assert refused.value.limit == "max_cell_chars"


def test_too_many_rows_columns_or_bytes_are_refused_naming_the_cap():
    with pytest.raises(TabularError, match=r"fler än 3 rader") as refused:
        read_table(HEADER.encode() + b"A;B\n" * 4, "enheter.csv", Limits(max_rows=3))
    assert refused.value.limit == "max_rows"
    with pytest.raises(TabularError, match=r"högst 4\b") as refused:
        read_table(b"a;b;c;d;e\n", "enheter.csv", Limits(max_columns=4))
    assert refused.value.limit == "max_columns"
    with pytest.raises(TabularError, match=r"största tillåtna storlek är 1 MB") as refused:
        read_table(b"x" * (1024 * 1024 + 1), "enheter.csv", Limits(max_bytes=1024 * 1024))
    assert refused.value.limit == "max_bytes"


def test_an_unknown_suffix_is_refused_in_swedish():
    with pytest.raises(TabularError, match=r"Filtypen \.pdf kan inte läsas in"):
        read_table(b"%PDF", "enheter.pdf")


def test_a_spreadsheet_reads_its_first_sheet_with_sheet_row_numbers():
    table = read_table(xlsx([["namn", "kommun"], ["FC Ale", "Ale"], [None, None], ["FC Mora", 2062]]), "e.xlsx")

    assert table.columns == ["namn", "kommun"]
    assert [(row.line, row.values) for row in table.rows] == [(2, ["FC Ale", "Ale"]), (4, ["FC Mora", 2062])]


def test_a_file_that_is_not_a_workbook_gets_a_swedish_message():
    with pytest.raises(TabularError, match=r"är inte en Excel-fil \(XLSX\) som går att öppna") as refused:
        read_table(b"namn;kommun\n", "enheter.xlsx")
    assert "zip" not in str(refused.value)


def test_a_formula_cell_is_refused_by_name():
    with pytest.raises(TabularError, match=r"rad 2, kolumn namn, innehåller en formel \(=A1&\"x\"\)"):
        read_table(xlsx([["namn", "kommun"], ['=A1&"x"', "Ale"]]), "e.xlsx")


def test_a_dimension_bomb_is_refused_within_a_memory_budget():
    # 1,5 KB that declares A1:XFD1048576 and holds one far cell: it once made the reader pad every row
    # to 16 384 cells (17,5 GB in a minute).
    def bomb(sheet: bytes) -> bytes:
        sheet = re.sub(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return sheet.replace(b"</sheetData>", far + b"</sheetData>")

    data = xlsx([["namn", "kommun"], ["FC Ale", "Ale"]], patch=bomb)
    assert len(data) < 8_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TabularError, match=r"Rad 1048576 har ett värde i kolumn XFD; en fil får ha högst 500"):
            read_table(data, "bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert time.perf_counter() - started < 30


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    def swell(sheet: bytes) -> bytes:
        return sheet.replace(b"</sheetData>", b"<!--" + b" " * (60 * 1024 * 1024) + b"--></sheetData>")

    data = xlsx([["namn"], ["x"]], patch=swell)
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(TabularError, match=r"packas upp till mer än") as refused:
            read_table(data, "bomb.xlsx", Limits(max_unpacked_bytes=50 * 1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.limit == "max_unpacked_bytes"
    assert peak < 20 * 1024 * 1024


def test_xml_entity_expansion_in_a_workbook_is_refused_by_defusedxml():
    def laughs(sheet: bytes) -> bytes:
        entities = b'<!ENTITY a "ha">' + b"".join(
            b'<!ENTITY %s "%s">' % (b"b" * (n + 1), (b"&" + b"b" * n + b";") * 10 if n else b"&a;" * 10)
            for n in range(9))
        return sheet.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1)

    tracemalloc.start()
    try:
        with pytest.raises(TabularError, match="går inte att öppna; den verkar vara skadad") as refused:
            read_table(xlsx([["namn"], ["x"]], patch=laughs), "skratt.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Entit" not in str(refused.value), "the message is Swedish"
    assert peak < 20 * 1024 * 1024
    assert openpyxl.xml.DEFUSEDXML, "openpyxl parses through defusedxml only when it is installed"


def geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_geojson_points_become_rows_with_longitude_and_latitude():
    table = read_table(geojson([{"type": "Feature", "properties": {"namn": "FC Ale"},
                                 "geometry": {"type": "Point", "coordinates": [12.05, 57.93]}}]), "e.geojson")

    assert table.columns == ["namn", "longitud", "latitud"] and table.row_word == "objekt"
    assert values(table) == [["FC Ale", 12.05, 57.93]]


@pytest.mark.parametrize("document, message", [
    ({"type": "FeatureCollection", "features": 5}, r"ska ”features” vara en lista med objekt, inte int"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"namn": {"a": 1}}}]},
     r"Objekt 1, egenskapen namn: värdet är nästlat"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"namn": "x\ud800"}}]},
     r"Objekt 1, egenskapen namn, innehåller ett trasigt tecken"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                 "geometry": {"type": "Point", "coordinates": [500, 57]}}]},
     r"Objekt 1 har koordinaterna \[500, 57\]"),
    ({"type": "Topology"}, r"är inte en GeoJSON FeatureCollection"),
])
def test_malformed_geojson_is_refused_naming_the_object(document, message):
    with pytest.raises(TabularError, match=message):
        read_table(json.dumps(document).encode(), "e.geojson")


def test_deeply_nested_json_is_refused_not_crashed():
    with pytest.raises(TabularError, match=r"nästlad för djupt|inte giltig JSON"):
        read_table(b"[" * 100_000 + b"]" * 100_000, "e.json")
