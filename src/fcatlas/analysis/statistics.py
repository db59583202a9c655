"""Loaders for Statistics Sweden (SCB) population tables, area boundaries and area types.

Frames in, frames out; no Django. Every loader returns tidy frames with SCB's codes kept as
text (``"0114"``, ``"0114A0010"``, ``"0114R001"``), so leading zeros survive.

* PxWeb table exports, e.g. TAB6574 / BE0101N1 "Folkmängd efter region, ålder och kön", in
  JSON-stat2 (:func:`read_population`, :func:`population_from_jsonstat`) or CSV
  (:func:`read_pxweb_csv`) become one row per region, age band, sex and year.
* :func:`children_0_5` sums ages 0–5 per area from single-year ages or 5-year bands.
* :func:`read_area_boundaries` reads SCB's DeSO/RegSO GeoPackages into WGS 84 (EPSG:4326).
* :func:`read_area_types` reads SCB's area type ("områdestyp", 1–5) per RegSO (TAB6586).

Bad input raises :class:`ValueError` naming the file, the row (1-based line number in the
file) and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from fcatlas.tabular import TabularError, decode_text, read_path

STORAGE_CRS = "EPSG:4326"

POPULATION_COLUMNS = ["region_code", "region_name", "region_level", "age", "sex", "year", "value"]

# SCB region codes: DeSO 0114A0010, RegSO 0114R001, kommun 0114, län 01, riket 00. PxWeb v2
# appends the code list to area codes ("0114A0010_DeSO2025"); the suffix is dropped.
_REGION_PATTERNS = [
    ("deso", re.compile(r"\d{4}[A-C]\d{4}")),
    ("regso", re.compile(r"\d{4}R\d{3}")),
    ("kommun", re.compile(r"\d{4}")),
    ("lan", re.compile(r"\d{2}")),
]
_REGION_IN_TEXT = re.compile(
    r"^\s*(?P<code>\d{4}[A-C]\d{4}|\d{4}R\d{3}|\d{4}|\d{2})(?:_\w+)?(?:\s+(?P<name>.*\S))?\s*$"
)
_YEAR_IN_HEADER = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

_TOTAL_WORDS = {"tot", "totalt", "total", "samtliga", "totalt ålder", "totalt kön", "1+2"}
_SEX_WORDS = {
    "1": "men",
    "män": "men",
    "man": "men",
    "men": "men",
    "2": "women",
    "kvinnor": "women",
    "kvinna": "women",
    "women": "women",
    "män och kvinnor": "total",
    "totalt": "total",
    "total": "total",
    "1+2": "total",
    "totsa": "total",
}
_DIMENSION_NAMES = {
    "region": "region",
    "alder": "age",
    "ålder": "age",
    "age": "age",
    "kon": "sex",
    "kön": "sex",
    "sex": "sex",
    "tid": "year",
    "år": "year",
    "ar": "year",
    "year": "year",
    "contentscode": "contents",
    "tabellinnehåll": "contents",
    "tabellinnehall": "contents",
}
_MISSING_MARKS = {"", "..", ".", "…"}

# Share of the 5-9 band assumed to be aged exactly 5 (ages uniform within the band).
SHARE_OF_5_9_AGED_5 = 1 / 5


class StatisticsFormatError(ValueError):
    """An SCB file or document that cannot be read; the message names file, row and field."""


# --------------------------------------------------------------------------- codes and labels


def region_level(code: str) -> str:
    """SCB level of a region code: ``deso``, ``regso``, ``kommun``, ``lan`` or ``riket``."""
    code = code.split("_", 1)[0]
    if code == "00":
        return "riket"
    for level, pattern in _REGION_PATTERNS:
        if pattern.fullmatch(code):
            return level
    raise ValueError(f"not an SCB region code: {code!r}")


def split_region(text: str) -> tuple[str, str | None]:
    """``"0114 Upplands Väsby"`` → ``("0114", "Upplands Väsby")``; a bare code gives no name."""
    match = _REGION_IN_TEXT.match(str(text))
    if not match:
        raise ValueError(f"no SCB region code at the start of {text!r}")
    return match["code"], match["name"]


def normalise_age(label: str) -> str:
    """SCB age label → band: ``"3 år"``→``"3"``, ``"-4"``/``"0-4 år"``→``"0-4"``,
    ``"80-"``/``"100+ år"``→``"80+"``/``"100+"``, ``"totalt"``/``"tot"``→``"total"``."""
    text = str(label).strip().lower().replace("–", "-").replace("år", "").strip()
    if text in _TOTAL_WORDS or text.startswith("totalt"):
        return "total"
    if re.fullmatch(r"\d+", text):
        return str(int(text))
    if match := re.fullmatch(r"(\d*)\s*-\s*(\d+)", text):
        return f"{int(match[1] or 0)}-{int(match[2])}"
    if match := re.fullmatch(r"(\d+)\s*(?:-|\+)", text):
        return f"{int(match[1])}+"
    raise ValueError(f"unrecognised age label {label!r}")


def normalise_sex(label: str) -> str:
    """SCB sex code or label → ``men``, ``women`` or ``total``."""
    key = str(label).strip().lower()
    if key not in _SEX_WORDS:
        raise ValueError(f"unrecognised sex label {label!r}")
    return _SEX_WORDS[key]


# --------------------------------------------------------------------------- JSON-stat2


def jsonstat2_to_frame(document: Mapping, *, source: str = "JSON-stat2 document") -> pd.DataFrame:
    """A JSON-stat2 dataset → long frame: one column per dimension id (category codes, text)
    and ``value`` (float, NaN where SCB gives no figure, e.g. status ``".."``).

    ``frame.attrs`` keeps ``labels`` ({dimension: {code: label}}), ``label``, ``updated`` and
    ``source``.
    """
    if not isinstance(document, Mapping):
        raise StatisticsFormatError(f"{source}: expected a JSON object, got {type(document).__name__}")
    if document.get("class") != "dataset":
        raise StatisticsFormatError(
            f"{source}: field 'class' is {document.get('class')!r}, expected 'dataset' (JSON-stat2)"
        )
    ids, sizes, dimensions = document.get("id"), document.get("size"), document.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise StatisticsFormatError(f"{source}: fields 'id' and 'size' must be lists of equal length")
    if not isinstance(dimensions, Mapping):
        raise StatisticsFormatError(f"{source}: field 'dimension' is missing")

    codes: list[list[str]] = []
    labels: dict[str, dict[str, str]] = {}
    for dim_id, size in zip(ids, sizes, strict=True):
        category = (dimensions.get(dim_id) or {}).get("category")
        if not isinstance(category, Mapping):
            raise StatisticsFormatError(f"{source}: field 'dimension.{dim_id}.category' is missing")
        dim_codes = _category_codes(category, source, dim_id)
        if len(dim_codes) != size:
            raise StatisticsFormatError(
                f"{source}: field 'dimension.{dim_id}' has {len(dim_codes)} categories, 'size' says {size}"
            )
        codes.append(dim_codes)
        labels[dim_id] = {code: str(category.get("label", {}).get(code, code)) for code in dim_codes}

    n_cells = int(np.prod(sizes)) if sizes else 0
    values = _dense_values(document.get("value"), n_cells, source)
    index = pd.MultiIndex.from_product(codes, names=ids)
    frame = index.to_frame(index=False).astype(str)
    frame["value"] = values
    frame.attrs = {
        "labels": labels,
        "label": document.get("label"),
        "updated": document.get("updated"),
        "source": document.get("source"),
    }
    return frame


def _category_codes(category: Mapping, source: str, dim_id: str) -> list[str]:
    index = category.get("index")
    if isinstance(index, list):
        return [str(code) for code in index]
    if isinstance(index, Mapping):
        return [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    if isinstance(category.get("label"), Mapping) and len(category["label"]) == 1:
        return [str(next(iter(category["label"])))]
    raise StatisticsFormatError(f"{source}: field 'dimension.{dim_id}.category.index' is missing")


def _dense_values(value: object, n_cells: int, source: str) -> np.ndarray:
    if isinstance(value, list):
        if len(value) != n_cells:
            raise StatisticsFormatError(
                f"{source}: field 'value' has {len(value)} entries, the dimensions need {n_cells}"
            )
        items = enumerate(value)
    elif isinstance(value, Mapping):
        items = ((int(position), cell) for position, cell in value.items())
    else:
        raise StatisticsFormatError(f"{source}: field 'value' is missing")
    dense = np.full(n_cells, np.nan)
    for position, cell in items:
        if cell is None:
            continue
        if isinstance(cell, bool) or not isinstance(cell, (int, float)):
            raise StatisticsFormatError(f"{source}: field 'value[{position}]' is {cell!r}, not a number")
        dense[position] = float(cell)
    return dense


def population_from_jsonstat(
    document: Mapping, *, contents: str | None = None, source: str = "JSON-stat2 document"
) -> pd.DataFrame:
    """An SCB population JSON-stat2 dataset (dimensions Region, Alder, Kon, ContentsCode, Tid)
    → tidy population frame (:data:`POPULATION_COLUMNS`). ``contents`` picks one ContentsCode
    when the table has several."""
    frame = jsonstat2_to_frame(document, source=source)
    labels = frame.attrs["labels"]
    roles = document.get("role") or {}
    renames: dict[str, str] = {}
    for dim_id in document["id"]:
        name = _DIMENSION_NAMES.get(dim_id.lower())
        if dim_id in roles.get("time", []):
            name = "year"
        elif dim_id in roles.get("metric", []):
            name = "contents"
        if name is None:
            if frame[dim_id].nunique() > 1:
                raise StatisticsFormatError(f"{source}: dimension '{dim_id}' is not one of region/age/sex/time")
            frame = frame.drop(columns=dim_id)
            continue
        renames[dim_id] = name
    frame = frame.rename(columns=renames)
    if "region" not in frame:
        raise StatisticsFormatError(f"{source}: no 'Region' dimension")
    region_labels = labels[next(k for k, v in renames.items() if v == "region")]
    frame = _pick_contents(frame, contents, source)
    frame["region_name"] = frame["region"].map(region_labels)
    age_labels = labels.get(next((k for k, v in renames.items() if v == "age"), ""), {})
    if "age" in frame:
        frame["age"] = frame["age"].map(lambda code: _age_of(code, age_labels.get(code), source))
    return _tidy_population(frame, source)


def _age_of(code: str, label: str | None, source: str) -> str:
    try:
        return normalise_age(code)
    except ValueError:
        try:
            return normalise_age(label or code)
        except ValueError as error:
            raise StatisticsFormatError(f"{source}: field 'Alder': {error}") from None


def _pick_contents(frame: pd.DataFrame, contents: str | None, source: str) -> pd.DataFrame:
    if "contents" not in frame:
        return frame
    available = list(dict.fromkeys(frame["contents"]))
    if contents is None:
        if len(available) > 1:
            raise StatisticsFormatError(
                f"{source}: several table contents {available}; pass contents= to choose one"
            )
        contents = available[0]
    if contents not in available:
        raise StatisticsFormatError(f"{source}: contents {contents!r} not in {available}")
    return frame[frame["contents"] == contents].drop(columns="contents")


def _tidy_population(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Dimension columns region/age/sex/year (+ region_name) → :data:`POPULATION_COLUMNS`."""
    frame = frame.copy()
    codes = frame["region"].astype(str).str.split("_", n=1).str[0]
    try:
        frame["region_level"] = codes.map(region_level)
    except ValueError as error:
        raise StatisticsFormatError(f"{source}: field 'region': {error}") from None
    frame["region_code"] = codes
    if "region_name" not in frame:
        frame["region_name"] = None
    if "age" not in frame:
        frame["age"] = "total"
    frame["sex"] = frame["sex"].map(normalise_sex) if "sex" in frame else "total"
    if "year" not in frame:
        raise StatisticsFormatError(f"{source}: no time dimension (Tid/år)")
    frame["year"] = frame["year"].astype(str).str[:4].astype(int)
    return frame[POPULATION_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- CSV


def read_pxweb_csv(path: str | Path, *, contents: str | None = None) -> pd.DataFrame:
    """A PxWeb CSV export (``;``/``,``/tab separated, UTF-8 with or without BOM, or
    cp1252/latin-1; region as ``"0114 Upplands Väsby"`` or a bare code; years as columns
    ``"2023"``/``"Folkmängd 2023"`` or as an ``år`` column) → tidy population frame.

    SCB's ``".."`` (no figure) becomes NaN and ``"-"`` (nil) becomes 0.
    """
    long = read_pxweb_csv_long(path)
    source = str(path)
    if "age" in long:
        long["age"] = [_csv_age(label, source, line) for label, line in zip(long["age"], long["line"], strict=True)]
    if "sex" in long:
        long["sex"] = [_csv_sex(label, source, line) for label, line in zip(long["sex"], long["line"], strict=True)]
    long = _pick_contents(long, contents, source)
    return _tidy_population(long.drop(columns="line"), source)


def _csv_age(label: str, source: str, line: int) -> str:
    try:
        return normalise_age(label)
    except ValueError as error:
        raise StatisticsFormatError(f"{source}: row {line}, field 'ålder': {error}") from None


def _csv_sex(label: str, source: str, line: int) -> str:
    try:
        return normalise_sex(label)
    except ValueError as error:
        raise StatisticsFormatError(f"{source}: row {line}, field 'kön': {error}") from None


def read_pxweb_csv_long(path: str | Path) -> pd.DataFrame:
    """A PxWeb CSV export → long frame with columns region, region_name, [age], [sex], contents, year, value
    and line (the 1-based line in the file). Read through :mod:`fcatlas.tabular` (encoding, delimiter, caps)."""
    path = Path(path)
    try:
        table = read_path(path, header=False)
    except TabularError as error:
        raise StatisticsFormatError(f"{path}: {error}") from None
    rows = [(row.line, row.values) for row in table.rows]
    header_at = next((i for i, (_, row) in enumerate(rows) if sum(bool(str(c).strip()) for c in row) >= 2), None)
    if header_at is None:
        raise StatisticsFormatError(f"{path}: no header row with at least two fields")
    header_line, header = rows[header_at][0], [str(cell).strip() for cell in rows[header_at][1]]
    dimensions, value_columns = _classify_header(header, path, header_line)

    records = []
    for i, row in rows[header_at + 1:]:
        if sum(bool(str(cell).strip()) for cell in row) <= 1:
            continue  # footnotes
        if len(row) != len(header):
            raise StatisticsFormatError(f"{path}: row {i} has {len(row)} fields, the header has {len(header)}")
        base = {name: row[position].strip() for position, name in dimensions.items()}
        try:
            base["region"], base["region_name"] = split_region(base["region"])
        except ValueError as error:
            raise StatisticsFormatError(f"{path}: row {i}, field 'region': {error}") from None
        for position, (contents, year) in value_columns.items():
            record = dict(base, line=i, value=_number(row[position], table.delimiter, path, i, header[position]))
            record.setdefault("contents", contents)
            if year is not None:
                record["year"] = year
            records.append(record)
    if not records:
        raise StatisticsFormatError(f"{path}: no data rows below the header on row {header_line}")
    return pd.DataFrame.from_records(records)


def _classify_header(
    header: list[str], path: Path, line: int
) -> tuple[dict[int, str], dict[int, tuple[str, int | None]]]:
    dimensions: dict[int, str] = {}
    value_columns: dict[int, tuple[str, int | None]] = {}
    for position, cell in enumerate(header):
        name = _DIMENSION_NAMES.get(cell.lower())
        year = _YEAR_IN_HEADER.search(cell)
        if name is not None:
            dimensions[position] = name
        elif year:
            contents = (cell[: year.start()] + cell[year.end() :]).strip() or "value"
            value_columns[position] = (contents, int(year[1]))
        else:
            value_columns[position] = (cell, None)
    if "region" not in dimensions.values():
        raise StatisticsFormatError(f"{path}: row {line}: no 'region' column in {header}")
    has_year_column = "year" in dimensions.values()
    for position, (contents, year) in value_columns.items():
        if (year is None) != has_year_column:
            raise StatisticsFormatError(
                f"{path}: row {line}, field {header[position]!r}: not a region/ålder/kön/år column "
                "and names no year"
            )
    if not value_columns:
        raise StatisticsFormatError(f"{path}: row {line}: no value columns in {header}")
    return dimensions, value_columns


def _number(text: str, delimiter: str, path: Path, line: int, field: str) -> float:
    cell = text.strip().replace("\u00a0", "").replace(" ", "")
    if cell in _MISSING_MARKS:
        return np.nan
    if cell in {"-", "–"}:
        return 0.0
    if delimiter != "," and "," in cell:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        raise StatisticsFormatError(f"{path}: row {line}, field {field!r}: {text!r} is not a number") from None


def read_population(path: str | Path, *, contents: str | None = None) -> pd.DataFrame:
    """A PxWeb export in JSON-stat2 (``.json``) or CSV (anything else) → tidy population frame."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return population_from_jsonstat(_read_json(path), contents=contents, source=str(path))
    return read_pxweb_csv(path, contents=contents)


def _read_json(path: Path) -> Mapping:
    try:
        return json.loads(decode_text(path.read_bytes(), str(path))[0])
    except TabularError as error:
        raise StatisticsFormatError(f"{path}: {error}") from None
    except RecursionError:
        raise StatisticsFormatError(f"{path}: nested too deeply to be a JSON-stat2 document") from None
    except json.JSONDecodeError as error:
        raise StatisticsFormatError(f"{path}: row {error.lineno}: not valid JSON ({error.msg})") from None


# --------------------------------------------------------------------------- children 0–5


def children_0_5(population: pd.DataFrame) -> pd.DataFrame:
    """Children aged 0–5 per region and year from a tidy population frame.

    Uses single-year ages 0,1,…,5 where all six are present; otherwise the 5-year bands
    ``0-4`` plus :data:`SHARE_OF_5_9_AGED_5` (one fifth) of ``5-9``, i.e. ages are assumed
    uniform within the 5–9 band. Sex ``total`` is used where present, else men + women.
    Returns region_code, region_level, year, children_0_5 (persons, float; NaN where SCB
    suppressed a cell that is needed).
    """
    keys = ["region_code", "region_level", "year"]
    frame = _one_sex(population)
    single = frame[frame["age"].isin([str(age) for age in range(6)])]
    single_counts = single.groupby(keys)["age"].nunique()
    single_sum = single.groupby(keys)["value"].sum(min_count=6)[single_counts == 6]

    bands = frame[frame["age"].isin(["0-4", "5-9"])].groupby([*keys, "age"])["value"].sum(min_count=1).unstack("age")
    parts = [single_sum]
    if {"0-4", "5-9"} <= set(bands.columns):
        band_sum = bands["0-4"] + SHARE_OF_5_9_AGED_5 * bands["5-9"]
        parts.append(band_sum[~band_sum.index.isin(single_sum.index)])
    result = pd.concat(parts).rename("children_0_5")
    missing = frame.drop_duplicates(keys).set_index(keys).index.difference(result.index)
    if len(missing):
        raise ValueError(
            f"no ages 0,1,…,5 or bands 0-4 and 5-9 for {list(missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        )
    return result.reset_index().sort_values(keys, ignore_index=True)


def _one_sex(population: pd.DataFrame) -> pd.DataFrame:
    keys = ["region_code", "year"]
    has_total = population[population["sex"] == "total"].set_index(keys).index.unique()
    by_sex = population[(population["sex"] != "total") & ~population.set_index(keys).index.isin(has_total)]
    return pd.concat([population[population["sex"] == "total"], by_sex], ignore_index=True)


def total_population(population: pd.DataFrame) -> pd.DataFrame:
    """All-ages population per region and year: the ``total`` age row where present, otherwise
    the sum of the age bands. Returns region_code, region_level, year, population."""
    keys = ["region_code", "region_level", "year"]
    frame = _one_sex(population)
    totals = frame[frame["age"] == "total"].groupby(keys)["value"].sum(min_count=1)
    parts = frame[frame["age"] != "total"].groupby(keys)["value"].sum(min_count=1)
    result = pd.concat([totals, parts[~parts.index.isin(totals.index)]]).rename("population")
    return result.reset_index().sort_values(keys, ignore_index=True)


# --------------------------------------------------------------------------- boundaries


_AREA_CODE_COLUMNS = [("deso", "desokod"), ("deso", "deso"), ("regso", "regsokod"), ("regso", "regso")]
_KOMMUN_COLUMNS = ["kommunkod", "kommun", "kommun_kod"]


def read_area_boundaries(path: str | Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """SCB DeSO or RegSO boundaries (GeoPackage or any file pyogrio reads; columns such as
    ``deso``/``desokod``, ``regsokod``/``regso``, ``kommun``/``kommunkod``) → GeoDataFrame
    area_id, kind (``deso``/``regso``), municipality_code, geometry in EPSG:4326."""
    path = Path(path)
    frame = gpd.read_file(path, layer=layer)
    if frame.crs is None:
        raise StatisticsFormatError(f"{path}: the layer has no coordinate reference system")
    columns = {column.lower(): column for column in frame.columns}
    for kind, candidate in _AREA_CODE_COLUMNS:
        column = columns.get(candidate)
        if column is not None and frame[column].astype(str).map(_is_code_of(kind)).all():
            break
    else:
        raise StatisticsFormatError(
            f"{path}: no DeSO/RegSO code column (looked for desokod, deso, regsokod, regso) "
            f"in {list(frame.columns)}"
        )
    area_id = frame[column].astype(str).str.split("_", n=1).str[0]
    kommun_column = next((columns[name] for name in _KOMMUN_COLUMNS if name in columns), None)
    if kommun_column is not None and frame[kommun_column].astype(str).str.fullmatch(r"\d{4}").all():
        municipality = frame[kommun_column].astype(str)
    else:
        municipality = area_id.str[:4]
    mismatched = (municipality != area_id.str[:4]).to_numpy().nonzero()[0]
    if len(mismatched):
        row = int(mismatched[0])
        raise StatisticsFormatError(
            f"{path}: row {row + 1}, field {kommun_column!r}: kommun {municipality.iloc[row]!r} "
            f"does not match area {area_id.iloc[row]!r}"
        )
    result = gpd.GeoDataFrame(
        {"area_id": area_id, "kind": kind, "municipality_code": municipality},
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
    return result.to_crs(STORAGE_CRS)


def _is_code_of(kind: str):
    def check(value: str) -> bool:
        try:
            return region_level(value) == kind
        except ValueError:
            return False

    return check


# --------------------------------------------------------------------------- area types


AREA_TYPE_CONTENTS = "000008IU"  # TAB6586 "Områdestyp" (1 = stora utmaningar … 5 = mycket goda)


def read_area_types(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """SCB's area type per RegSO (TAB6586, "områdestyp" 1–5) from a JSON-stat2 or CSV export
    → area_id, area_type (nullable Int64), for ``year`` (default: the newest in the file)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        document = _read_json(path)
        long = jsonstat2_to_frame(document, source=str(path))
        labels = long.attrs["labels"]
        renames = {dim: _DIMENSION_NAMES.get(dim.lower(), dim) for dim in document["id"]}
        for dim in (document.get("role") or {}).get("time", []):
            renames[dim] = "year"
        contents_dim = next((dim for dim, name in renames.items() if name == "contents"), None)
        long = long.rename(columns=renames)
        if contents_dim is not None:
            long["contents"] = long["contents"].map(lambda code: f"{code} {labels[contents_dim][code]}")
        long["line"] = 0
    else:
        long = read_pxweb_csv_long(path)
    if "year" not in long:
        raise StatisticsFormatError(f"{path}: no time dimension (Tid/år)")
    if "contents" in long:
        is_type = long["contents"].str.contains(rf"{AREA_TYPE_CONTENTS}|områdestyp|omradestyp|area type", case=False)
        if not is_type.any():
            raise StatisticsFormatError(f"{path}: no 'Områdestyp' contents in {sorted(set(long['contents']))}")
        long = long[is_type]
    long["year"] = long["year"].astype(str).str[:4].astype(int)
    chosen = int(long["year"].max()) if year is None else year
    long = long[long["year"] == chosen]
    if long.empty:
        raise StatisticsFormatError(f"{path}: no area types for year {chosen}")
    codes = long["region"].astype(str).str.split("_", n=1).str[0]
    bad_code = ~codes.map(_is_code_of("regso"))
    bad_value = long["value"].notna() & ~long["value"].isin([1, 2, 3, 4, 5])
    for mask, field in ((bad_code, "region"), (bad_value, "value")):
        if mask.any():
            row = long[mask].iloc[0]
            where = f"row {row['line']}, " if row["line"] else ""
            shown = row["region"] if field == "region" else row["value"]
            raise StatisticsFormatError(
                f"{path}: {where}field {field!r}: {shown!r} is not a RegSO code / area type 1–5"
            )
    return pd.DataFrame(
        {"area_id": codes.to_numpy(), "area_type": pd.array(long["value"].to_numpy(), dtype="Int64")}
    ).reset_index(drop=True)
