"""One reader for every table a person or an agency hands us: CSV, XLSX and GeoJSON, as columns and rows.

Pure Python (no Django): bytes and a file name in, a :class:`Table` out, every row with the line (or sheet
row, or feature number) the person sees. Used by the registry import, the SCB loaders and the shipped data
files, so that every file is read by the same rules:

- **text**: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise strict UTF-8; otherwise a charset
  detector (``charset-normalizer``) limited to the encodings Swedish files come in (Windows-1252, then Latin-1),
  which also refuses bytes that decode only to control characters. Bytes that fit none are refused with the line
  they are on — never replaced;
- **CSV**: ``csv.Sniffer`` over ``;``, ``,`` and tab (the commonest of them in the first line when it cannot
  tell);
- **XLSX**: openpyxl in read-only mode on the first sheet, with the sheet's declared dimension ignored (a file
  may claim A1:XFD1048576 and hold one cell), XML parsed through ``defusedxml``, the zip's declared sizes checked
  before anything is unpacked, formula cells refused by name (their value is not in the file for us to trust);
- **GeoJSON**: a FeatureCollection of points; each feature's properties are a row, its point adds the columns
  ``longitud`` and ``latitud``;
- **bounded**: bytes, rows, columns, characters per cell and unpacked size are capped (:class:`Limits`, shared by
  the web and the command line); a file over a cap is refused with a Swedish message that says which cap and what
  to do. NUL characters and lone surrogates (which no database stores) are refused with their row and column.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from fcatlas.formatting import format_number

SWEDISH_ENCODINGS = ("cp1252", "latin_1")
"""Where a file is not Unicode, Swedish files are Windows-1252 (Excel's "CSV") or, rarely, Latin-1."""
DELIMITERS = ";,\t"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
GEOJSON_SUFFIXES = (".geojson", ".json")
SUFFIXES = (*TEXT_SUFFIXES, *SPREADSHEET_SUFFIXES, *GEOJSON_SUFFIXES)

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """Caps on what one file may hold; every reader stops at the first one passed."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000
    max_columns: int = 500
    max_cell_chars: int = 10_000
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 200


DEFAULT_LIMITS = Limits()


class TabularError(ValueError):
    """A file that cannot be read as a table; ``str()`` is a Swedish message naming the row and column where
    there is one, ``limit`` the name of the cap that was passed (if any)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None, limit: str | None = None):
        super().__init__(message)
        self.line, self.column, self.limit = line, column, limit


@dataclass
class Row:
    line: int
    values: list


@dataclass
class Table:
    """Columns (the header row as written) and rows (values as text, or numbers/dates/booleans from XLSX and
    GeoJSON). ``row_word`` is what a person calls a row of this file: "rad" or "objekt"."""

    columns: list[str]
    rows: list[Row]
    kind: str
    encoding: str | None = None
    row_word: str = "rad"
    notes: list[str] = field(default_factory=list)
    delimiter: str | None = None

    def records(self) -> list[tuple[int, dict]]:
        """(line, {column: value}) per row; a row shorter than the header gets None for the missing cells."""
        named = [(index, column) for index, column in enumerate(self.columns) if column]
        return [(row.line, {column: row.values[index] if index < len(row.values) else None for index, column in named})
                for row in self.rows]


def column_name(index: int) -> str:
    """Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_text(text: str, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """What is wrong with a text value no database can store or no person meant, in Swedish; None if nothing."""
    if "\x00" in text:
        return "innehåller tecknet NUL (kod 0), som inte kan sparas; ta bort det"
    if _SURROGATE.search(text):
        return "innehåller ett trasigt tecken (ett ensamt UTF-16-surrogat); skriv om texten"
    if len(text) > limits.max_cell_chars:
        return f"är {format_number(len(text))} tecken lång; en cell får ha högst {format_number(limits.max_cell_chars)} tecken"
    return None


def _too_big(size: int, limits: Limits, filename: str) -> None:
    if size > limits.max_bytes:
        raise TabularError(f"Filen {filename} är {format_number(size / 1024 / 1024, 1)} MB; största tillåtna storlek är "
                           f"{format_number(limits.max_bytes // (1024 * 1024))} MB. Dela upp filen.", limit="max_bytes")


def decode_text(data: bytes, filename: str = "filen") -> tuple[str, str]:
    """(text, encoding): by byte-order mark, strict UTF-8, or the detector over :data:`SWEDISH_ENCODINGS`."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as error:
                raise _undecodable(data, error, filename, encoding) from None
    if _looks_like_utf16(data):
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        from charset_normalizer import from_bytes

        matches = from_bytes(data, cp_isolation=list(SWEDISH_ENCODINGS))
        preferred = [match for encoding in SWEDISH_ENCODINGS for match in matches if match.encoding == encoding]
        if not preferred:
            raise _undecodable(data, utf8_error, filename, "utf-8") from None
        return str(preferred[0]), preferred[0].encoding


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of ASCII-heavy text is NUL."""
    sample = data[:2000]
    return len(sample) >= 4 and (sample[1::2].count(0) > 0.4 * len(sample) / 2 or sample[0::2].count(0) > 0.4 * len(sample) / 2)


def _undecodable(data: bytes, error: UnicodeDecodeError, filename: str, encoding: str) -> TabularError:
    line = data[:error.start].count(b"\n") + 1
    return TabularError(f"Filen {filename} går inte att läsa som text: byten på rad {line} är inte {encoding} och "
                        "passar inte heller Windows-1252 eller Latin-1. Spara filen som CSV UTF-8 och försök igen.",
                        line=line)


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text: ``csv.Sniffer`` over ``;``, ``,`` and tab, else the commonest in the first line."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        return max(DELIMITERS, key=first.count)


def _check_row(values: list, line: int, limits: Limits, columns: list[str] | None, word: str = "rad") -> None:
    for index, value in enumerate(values):
        if isinstance(value, str) and (problem := check_text(value, limits)):
            where = columns[index] if columns and index < len(columns) and columns[index] else column_name(index)
            raise TabularError(f"Cellen på {word} {line}, kolumn {where}, {problem}.", line=line, column=where,
                               limit="max_cell_chars" if "tecken lång" in problem else None)


def _read_csv(data: bytes, filename: str, limits: Limits, header: bool = True) -> Table:
    text, encoding = decode_text(data, filename)
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, columns = [], None
    # Every cell is a piece of the text: a text with no NUL and no lone surrogate leaves only the cells' lengths to
    # check, which spares a check of each of the 860 000 cells of 10 000 units.
    whole_text_clean = "\x00" not in text and not _SURROGATE.search(text)
    try:
        for values in reader:
            line = reader.line_num
            if len(values) > limits.max_columns:
                raise TabularError(f"Rad {line} har {len(values)} kolumner; en fil får ha högst {limits.max_columns}. "
                                   "Ta bort tomma eller överflödiga kolumner.", line=line, limit="max_columns")
            if not whole_text_clean or (values and max(map(len, values)) > limits.max_cell_chars):
                _check_row(values, line, limits, columns)
            if header and columns is None:
                if any(value.strip() for value in values):
                    columns = [value.strip() for value in values]
                continue
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(limits, line)
            rows.append(Row(line, values))
    except csv.Error as error:
        line = reader.line_num
        if "field larger than field limit" in str(error):
            raise TabularError(f"En cell på rad {line} är längre än {format_number(limits.max_cell_chars)} tecken. "
                               "Korta texten.", line=line, limit="max_cell_chars") from None
        raise TabularError(f"Rad {line} i {filename} går inte att läsa som CSV (ett citattecken som inte avslutas?).",
                           line=line) from None
    return Table(columns or [], rows, "csv", encoding, delimiter=delimiter)


def _too_many_rows(limits: Limits, line: int) -> TabularError:
    return TabularError(f"Filen har fler än {format_number(limits.max_rows)} rader (rad {line}); dela upp den i flera "
                        "filer.", line=line, limit="max_rows")


def _check_zip(data: bytes, filename: str, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TabularError(f"Filen {filename} är inte en Excel-fil (XLSX) som går att öppna. Spara den som "
                           "Excel-arbetsbok (.xlsx) eller CSV och försök igen.") from None
    unpacked = 0
    for entry in archive.infolist():
        unpacked += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if unpacked > limits.max_unpacked_bytes or ratio > limits.max_compression_ratio:
            raise TabularError(f"Filen {filename} packas upp till mer än {format_number(limits.max_unpacked_bytes // (1024 * 1024))} MB "
                               f"eller {limits.max_compression_ratio} gånger sin storlek. Spara bara de rader som "
                               "ska läsas in, eller spara filen som CSV.", limit="max_unpacked_bytes")
    if "xl/workbook.xml" not in archive.namelist():
        raise TabularError(f"Filen {filename} är en zip-fil men ingen Excel-arbetsbok (XLSX).")


def _open_workbook(data: bytes, filename: str, limits: Limits):
    import openpyxl

    _check_zip(data, filename, limits)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise TabularError(f"Excel-filen {filename} går inte att öppna; den verkar vara skadad. Öppna och spara "
                           "den i Excel igen, eller spara den som CSV.") from None


def _read_sheet(sheet, filename: str, limits: Limits, budget: list[int]) -> Table:
    """One worksheet's rows; ``budget`` holds the rows the whole workbook may still have."""
    sheet.reset_dimensions()  # a declared A1:XFD1048576 must not make every row 16 384 cells wide
    rows, columns = [], None
    try:
        for line, cells in enumerate(sheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            if len(values) > limits.max_columns:
                raise TabularError(f"Rad {line} har ett värde i kolumn {column_name(len(values) - 1)}; en fil får "
                                   f"ha högst {limits.max_columns} kolumner. Ta bort det som står längst till höger.",
                                   line=line, limit="max_columns")
            for index, cell in enumerate(cells[:len(values)]):
                if getattr(cell, "data_type", None) == "f":
                    where = columns[index] if columns and index < len(columns) else column_name(index)
                    raise TabularError(f"Cellen på rad {line}, kolumn {where}, innehåller en formel ({cell.value}). "
                                       "Kopiera bladet och klistra in det som värden, och försök igen.",
                                       line=line, column=where)
            _check_row(values, line, limits, columns)
            if columns is None:
                if values:
                    columns = ["" if value is None else str(value).strip() for value in values]
                continue
            if not values:
                continue
            if budget[0] <= 0:
                raise _too_many_rows(limits, line)
            budget[0] -= 1
            rows.append(Row(line, values))
    except TabularError:
        raise
    except Exception:
        raise TabularError(f"Excel-filen {filename} går inte att läsa; den verkar vara skadad. Spara den i Excel "
                           "igen, eller som CSV.") from None
    return Table(columns or [], rows, "xlsx")


def _read_xlsx(data: bytes, filename: str, limits: Limits) -> Table:
    workbook = _open_workbook(data, filename, limits)
    try:
        if not workbook.worksheets:
            raise TabularError(f"Excel-filen {filename} har inget blad.")
        return _read_sheet(workbook.worksheets[0], filename, limits, [limits.max_rows])
    finally:
        workbook.close()


def read_workbook(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Table]:
    """Every sheet of an XLSX workbook by name, with the same caps as :func:`read_table` (the row cap counts
    the whole workbook)."""
    _too_big(len(data), limits, filename)
    if Path(filename).suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise TabularError(f"Filen {filename} är ingen Excel-arbetsbok; spara den som .xlsx och försök igen.")
    workbook = _open_workbook(data, filename, limits)
    try:
        budget = [limits.max_rows]
        return {sheet.title: _read_sheet(sheet, filename, limits, budget) for sheet in workbook.worksheets}
    finally:
        workbook.close()


POINT_COLUMNS = ("longitud", "latitud")


def _read_geojson(data: bytes, filename: str, limits: Limits) -> Table:
    text, encoding = decode_text(data, filename)
    try:
        collection = json.loads(text)
    except RecursionError:
        raise TabularError(f"Filen {filename} är nästlad för djupt för att vara GeoJSON.") from None
    except json.JSONDecodeError as error:
        raise TabularError(f"Filen {filename} är inte giltig JSON (rad {error.lineno}, tecken {error.colno}).",
                           line=error.lineno) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise TabularError(f"Filen {filename} är inte en GeoJSON FeatureCollection.")
    features = collection.get("features")
    if features is None:
        features = []
    if not isinstance(features, list):
        raise TabularError(f"I filen {filename} ska ”features” vara en lista med objekt, inte {type(features).__name__}.")
    if len(features) > limits.max_rows:
        raise TabularError(f"Filen har {format_number(len(features))} objekt; högst {format_number(limits.max_rows)} kan "
                           "läsas in på en gång. Dela upp den i flera filer.", limit="max_rows")
    columns: list[str] = []
    records: list[tuple[int, dict]] = []
    notes: list[str] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type", "Feature") != "Feature":
            raise TabularError(f"Objekt {number} i filen är inte ett GeoJSON-objekt (Feature).", line=number)
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise TabularError(f"Objekt {number}: ”properties” ska vara ett objekt med egenskaper.", line=number)
        row = {}
        for key, value in properties.items():
            if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict | list) for v in value)):
                raise TabularError(f"Objekt {number}, egenskapen {key}: värdet är nästlat; bara text, tal, ja/nej och "
                                   "listor av sådana kan läsas in.", line=number, column=str(key))
            row[str(key)] = value
        geometry = feature.get("geometry")
        if geometry:
            point = _point(geometry, number)
            if point is None:
                kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
                notes.append(f"Objekt {number} har geometrin {kind}; bara punkter (Point) kan läsas in.")
            else:
                row["longitud"], row["latitud"] = point
        for key in row:
            if key not in columns:
                if len(columns) >= limits.max_columns:
                    raise TabularError(f"Objekten har fler än {limits.max_columns} olika egenskaper.", line=number,
                                       limit="max_columns")
                columns.append(key)
        records.append((number, row))
    rows = []
    for number, row in records:
        values = [row.get(column) for column in columns]
        for index, value in enumerate(values):
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str) and (problem := check_text(text, limits)):
                    raise TabularError(f"Objekt {number}, egenskapen {columns[index]}, {problem}.", line=number,
                                       column=columns[index])
        rows.append(Row(number, values))
    return Table(columns, rows, "geojson", encoding, row_word="objekt", notes=notes)


def _point(geometry, number: int) -> tuple[float, float] | None:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not (isinstance(coordinates, list) and len(coordinates) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2])):
        raise TabularError(f"Objekt {number} är en punkt utan giltiga koordinater [longitud, latitud].", line=number)
    lon, lat = (float(c) for c in coordinates[:2])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise TabularError(f"Objekt {number} har koordinaterna [{lon:g}, {lat:g}], som inte är longitud och latitud "
                           "i grader (GeoJSON är alltid WGS 84).", line=number)
    return lon, lat


def read_table(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS, *, header: bool = True) -> Table:
    """Read a CSV, XLSX or GeoJSON file (by its name's suffix) into a :class:`Table`; :class:`TabularError` if it
    cannot be read or passes a cap. ``header=False`` (CSV only) keeps every non-empty line as a row, for files
    whose header is not on the first line (SCB's PxWeb exports)."""
    _too_big(len(data), limits, filename)
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_csv(data, filename, limits, header)
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_xlsx(data, filename, limits)
    if suffix in GEOJSON_SUFFIXES:
        return _read_geojson(data, filename, limits)
    raise TabularError(f"Filtypen {suffix or '(ingen)'} kan inte läsas in. Spara filen som CSV, XLSX (Excel) eller "
                       "GeoJSON och försök igen.")


def read_path(path: Path, limits: Limits = DEFAULT_LIMITS, *, header: bool = True) -> Table:
    """:func:`read_table` for a file on disk (its size is checked before it is read)."""
    path = Path(path)
    if not path.exists():
        raise TabularError(f"Filen saknas: {path}")
    _too_big(path.stat().st_size, limits, path.name)
    return read_table(path.read_bytes(), path.name, limits, header=header)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A text cell beginning with one of these is run as a formula by spreadsheet programs (CSV injection)."""


def escape_formula(text):
    """In a CSV cell, text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_PREFIXES) else text


def unescape_formula(text):
    """Undo :func:`escape_formula` for a CSV cell: strip exactly the apostrophe it added, nothing else.

    Only CSV needs this: XLSX cells are written as text with Excel's quote prefix, so they read back unchanged."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
