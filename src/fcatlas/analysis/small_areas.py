"""SCB's small areas (RegSO, or DeSO where a user has their polygons): one row per area with its people,
children 0–5, share with foreign background, SCB's socioeconomic area type and the Police's areas it
overlaps, on the area's polygon in SWEREF 99 TM (EPSG:3006).

The shipped statistics are SCB's population per DeSO 2018 on 31 December 2022 in five-year age bands.
They reach RegSO 2025, whose polygons are shipped, through SCB's key DeSO 2018 → RegSO 2020 and the
key RegSO 2020 → RegSO 2025 (:func:`regso_2025_statistics`). SCB publishes no 0–5 band per DeSO, so
children 0–5 = the 0–4 band + one fifth of the 5–9 band (ages assumed even within 5–9;
:data:`~fcatlas.analysis.statistics.SHARE_OF_5_9_AGED_5`).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from fcatlas.analysis.placement import apportion
from fcatlas.analysis.police import LIST_YEARS, most_severe, police_column
from fcatlas.analysis.statistics import SHARE_OF_5_9_AGED_5, children_0_5, normalise_age, total_population
from fcatlas.tabular import TabularError, read_path

COMPUTE_CRS = "EPSG:3006"

SHIPPED_FILES = {
    "boundaries": "geo/regso_2025_forenklad_25m.gpkg",
    "ages": "pop/deso_befolkning_alder_2022.csv",
    "foreign_background": "pop/deso_utlandsk_bakgrund_2022.csv",
    "deso_to_regso_2020": "pop/deso_2018_regso_2020_nyckel.csv",
    "regso_2020_to_2025": "pop/regso_2020_2025_nyckel.csv",
    "area_types": "pop/regso_omradestyp_2022.csv",
}
SHIPPED_YEAR = 2022

STATISTICS_COLUMNS = ["small_area_code", "population", "children_0_4", "children_0_5", "foreign_background"]
AREA_COLUMNS = [
    "small_area_code", "name", "kind", "municipality_code", "region_code", "population", "children_0_4",
    "children_0_5", "foreign_background_share", "area_type", *(police_column(year) for year in LIST_YEARS),
    "geometry",
]

POLICE_OVERLAP_SHARE = 0.10
"""A Police area counts for a small area when their overlap is at least this share of either."""

CHILDREN_METHOD = "barn 0–5 år = 0–4 år + en femtedel av 5–9 år (SCB redovisar femårsklasser per DeSO)"


# --------------------------------------------------------------------------- reading SCB's files


def read_text_table(path: Path, required: list[str]) -> pd.DataFrame:
    """A CSV file read by :mod:`fcatlas.tabular`, every value as text, with its lines in ``frame.attrs["lines"]``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found")
    try:
        table = read_path(path)
    except TabularError as error:
        raise ValueError(f"{path}: {error}") from None
    records = table.records()
    frame = pd.DataFrame([{column: "" if value is None else str(value) for column, value in record.items()}
                          for _, record in records], columns=[column for column in table.columns if column], dtype=str)
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; the file has {list(frame.columns)}")
    frame.attrs["lines"] = [line for line, _ in records]
    return frame


def _line(frame: pd.DataFrame, position: int) -> int:
    return frame.attrs["lines"][position]


def _whole_numbers(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    numbers = pd.to_numeric(frame[column].str.replace(r"\s", "", regex=True), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ValueError(f"{path}: row {_line(frame, row)}, field {column!r}: {frame[column].iloc[row]!r} "
                         "is not a whole number of people")
    return numbers.to_numpy(dtype=np.int64)


def read_age_bands(path: Path, code_column: str = "deso") -> pd.DataFrame:
    """SCB's population per area in five-year bands, one row per area (columns ``deso``, ``total``,
    ``0-4 år``, ``5-9 år``, …) → code, population, children_0_4, children_5_9, children_0_5.

    The bands must add up to ``total`` in every row."""
    path = Path(path)
    frame = read_text_table(path, [code_column, "total"])
    bands = {}
    for column in frame.columns:
        if column in (code_column, "total"):
            continue
        try:
            bands[normalise_age(column)] = column
        except ValueError:
            raise ValueError(f"{path}: column {column!r} is not an age band such as '0-4 år'") from None
    for band in ("0-4", "5-9"):
        if band not in bands:
            raise ValueError(f"{path}: no age band {band!r} among {list(bands)}")
    total = _whole_numbers(frame, "total", path)
    counts = {band: _whole_numbers(frame, column, path) for band, column in bands.items()}
    mismatch = np.flatnonzero(sum(counts.values()) != total)
    if len(mismatch):
        row = int(mismatch[0])
        raise ValueError(f"{path}: row {_line(frame, row)}: the age bands add up to {int(sum(c[row] for c in counts.values()))}, "
                         f"field 'total' says {int(total[row])}")
    _check_unique(frame[code_column], path, code_column, frame.attrs["lines"])
    return pd.DataFrame({
        "code": frame[code_column].to_numpy(),
        "population": total,
        "children_0_4": counts["0-4"],
        "children_5_9": counts["5-9"],
        "children_0_5": counts["0-4"] + SHARE_OF_5_9_AGED_5 * counts["5-9"],
    })


def read_foreign_background(path: Path, code_column: str = "deso") -> pd.DataFrame:
    """People with foreign background per area (columns ``deso``, ``foreign``, ``total``) → code,
    foreign_background, population."""
    path = Path(path)
    frame = read_text_table(path, [code_column, "foreign", "total"])
    _check_unique(frame[code_column], path, code_column, frame.attrs["lines"])
    foreign, total = _whole_numbers(frame, "foreign", path), _whole_numbers(frame, "total", path)
    above = np.flatnonzero(foreign > total)
    if len(above):
        raise ValueError(f"{path}: row {_line(frame, int(above[0]))}, field 'foreign': more than 'total'")
    return pd.DataFrame({"code": frame[code_column].to_numpy(), "foreign_background": foreign, "population": total})


def read_code_key(path: Path, source: str, target: str) -> pd.Series:
    """A key file from one area code to another (e.g. ``DeSO_2018`` → ``RegSOkod_2020``) as a Series;
    an empty target means "no counterpart" (NaN)."""
    path = Path(path)
    frame = read_text_table(path, [source, target])
    _check_unique(frame[source], path, source, frame.attrs["lines"])
    return pd.Series(frame[target].replace("", np.nan).to_numpy(), index=frame[source].to_numpy(), name=target)


def read_area_type_table(path: Path, code_column: str = "regso_kod_2020",
                         type_column: str = "omradestyp_2022") -> pd.Series:
    """SCB's socioeconomic area type (1–5) per RegSO from a two-column table → Series (Int64)."""
    path = Path(path)
    frame = read_text_table(path, [code_column, type_column])
    _check_unique(frame[code_column], path, code_column, frame.attrs["lines"])
    types = pd.to_numeric(frame[type_column], errors="coerce")
    bad = ~types.isin([1, 2, 3, 4, 5]) & (frame[type_column] != "")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ValueError(f"{path}: row {_line(frame, row)}, field {type_column!r}: {frame[type_column].iloc[row]!r} "
                         "is not an area type 1–5")
    return pd.Series(pd.array(types, dtype="Int64"), index=frame[code_column].to_numpy(), name="area_type")


def _check_unique(codes: pd.Series, path: Path, column: str, lines: list[int] | None = None) -> None:
    repeated = codes.duplicated()
    if repeated.any():
        row = int(repeated.to_numpy().argmax())
        line = lines[row] if lines else row + 2
        raise ValueError(f"{path}: row {line}, field {column!r}: code {codes.iloc[row]!r} appears twice")


# --------------------------------------------------------------------------- DeSO → RegSO 2025


def aggregate_by_key(statistics: pd.DataFrame, key: pd.Series, what: str) -> pd.DataFrame:
    """Sum the numeric columns of ``statistics`` (indexed by ``code``) to the codes ``key`` maps them to.

    Every code must be in the key; a code whose target is missing (NaN) is returned separately in
    ``attrs["without_counterpart"]`` with its figures, so the caller decides where those people go.
    """
    unknown = ~statistics["code"].isin(key.index)
    if unknown.any():
        codes = statistics.loc[unknown, "code"].tolist()
        raise ValueError(f"{what}: {len(codes)} code(s) not in the key, e.g. {codes[:5]}")
    target = statistics["code"].map(key)
    summed = statistics.drop(columns="code").groupby(target.to_numpy()).sum()
    summed.index.name = "code"
    summed.attrs["without_counterpart"] = statistics[target.isna().to_numpy()]
    return summed


def spread_over_kommun(summed: pd.DataFrame, leftover: pd.DataFrame) -> pd.DataFrame:
    """Give the people of areas that have no counterpart (``leftover``, by old code) to the other areas of
    their kommun (the first four characters of a code), in proportion to those areas' population.
    Returns ``summed`` with the figures added; kommun totals are unchanged."""
    summed = summed.astype(float)
    for _, row in leftover.iterrows():
        kommun = str(row["code"])[:4]
        receivers = summed.index[summed.index.str[:4] == kommun]
        if len(receivers) == 0:
            raise ValueError(f"area {row['code']!r} has no counterpart and its kommun {kommun} no other area")
        weights = summed.loc[receivers, "population"].to_numpy()
        for column in summed.columns:
            value = float(row[column])
            summed.loc[receivers, column] += (apportion(weights, int(value)) if value.is_integer()
                                              else weights / weights.sum() * value)
    return summed


def regso_2025_statistics(data_dir: Path) -> pd.DataFrame:
    """The shipped DeSO statistics (31 Dec 2022) summed to RegSO 2025: :data:`STATISTICS_COLUMNS`.

    A RegSO 2020 without a 2025 counterpart (in the shipped key: 2584R001 Bolaget, Kiruna, dissolved
    by the town's move) gives its people to its kommun's other RegSO in proportion to their
    population, so that every kommun keeps SCB's total. ``attrs["redistributed"]`` names it.
    """
    data_dir = Path(data_dir)
    ages = read_age_bands(data_dir / SHIPPED_FILES["ages"])
    foreign = read_foreign_background(data_dir / SHIPPED_FILES["foreign_background"])
    mismatch = ages.merge(foreign, on="code", how="outer", suffixes=("", "_foreign"), indicator=True)
    bad = (mismatch["_merge"] != "both") | (mismatch["population"] != mismatch["population_foreign"])
    if bad.any():
        code = mismatch.loc[bad, "code"].iloc[0]
        raise ValueError(f"{data_dir / SHIPPED_FILES['foreign_background']}: DeSO {code!r} is missing or has "
                         f"another total than in {SHIPPED_FILES['ages']}")
    deso = ages.drop(columns="children_5_9").merge(foreign.drop(columns="population"), on="code")
    to_2020 = read_code_key(data_dir / SHIPPED_FILES["deso_to_regso_2020"], "DeSO_2018", "RegSOkod_2020")
    to_2025 = read_code_key(data_dir / SHIPPED_FILES["regso_2020_to_2025"], "regso_kod_2020", "regso_kod_2025")
    regso_2020 = aggregate_by_key(deso, to_2020, SHIPPED_FILES["deso_to_regso_2020"]).reset_index()
    regso_2025 = aggregate_by_key(regso_2020, to_2025, SHIPPED_FILES["regso_2020_to_2025"])
    leftover = regso_2025.attrs["without_counterpart"]
    regso_2025 = spread_over_kommun(regso_2025, leftover)
    result = regso_2025.reset_index().rename(columns={"code": "small_area_code"})[STATISTICS_COLUMNS]
    result.attrs = {"year": SHIPPED_YEAR, "redistributed": leftover["code"].tolist()}
    return result


def regso_2025_area_types(data_dir: Path) -> pd.Series:
    """SCB's area type 2022 (per RegSO 2020) keyed by RegSO 2025 code."""
    data_dir = Path(data_dir)
    types = read_area_type_table(data_dir / SHIPPED_FILES["area_types"])
    to_2025 = read_code_key(data_dir / SHIPPED_FILES["regso_2020_to_2025"], "regso_kod_2020", "regso_kod_2025")
    unknown = types.index.difference(to_2025.index)
    if len(unknown):
        raise ValueError(f"{SHIPPED_FILES['area_types']}: RegSO {unknown[0]!r} is not in {SHIPPED_FILES['regso_2020_to_2025']}")
    kept = types[to_2025.reindex(types.index).notna().to_numpy()]
    return pd.Series(kept.array, index=to_2025[kept.index].to_numpy(), name="area_type")


def read_regso_2025_boundaries(path: Path) -> gpd.GeoDataFrame:
    """SCB's RegSO 2025 polygons (``regsokod``, ``regsonamn``, ``kommunkod``) → small_area_code, name,
    kind, municipality_code, geometry in EPSG:3006."""
    path = Path(path)
    frame = gpd.read_file(path)
    missing = [column for column in ("regsokod", "regsonamn", "kommunkod") if column not in frame]
    if missing:
        raise ValueError(f"{path}: missing field(s) {missing}")
    if frame.crs is None:
        raise ValueError(f"{path}: the layer has no coordinate reference system")
    _check_unique(frame["regsokod"], path, "regsokod")
    return gpd.GeoDataFrame({
        "small_area_code": frame["regsokod"].astype(str).to_numpy(),
        "name": frame["regsonamn"].astype(str).to_numpy(),
        "kind": "regso",
        "municipality_code": frame["kommunkod"].astype(str).to_numpy(),
    }, geometry=frame.geometry.to_numpy(), crs=frame.crs).to_crs(COMPUTE_CRS)


# --------------------------------------------------------------------------- the area table


def small_area_table(
    boundaries: gpd.GeoDataFrame,
    statistics: pd.DataFrame,
    area_types: pd.Series | None = None,
    police_areas: dict[int, gpd.GeoDataFrame] | None = None,
) -> gpd.GeoDataFrame:
    """One row per area of ``boundaries`` with :data:`AREA_COLUMNS`, polygons in EPSG:3006.

    ``statistics`` has :data:`STATISTICS_COLUMNS` (``foreign_background`` may be missing). Areas of
    ``boundaries`` without statistics (new areas) get 0 people and are named in
    ``attrs["without_statistics"]``; statistics without a polygon are refused, since their people
    would be lost. ``police_areas`` maps a list year to that year's areas
    (:func:`~fcatlas.analysis.police.load_vulnerable_areas`); each small area gets the most severe
    category of the Police areas it overlaps by :data:`POLICE_OVERLAP_SHARE` of either.
    """
    areas = boundaries.to_crs(COMPUTE_CRS).reset_index(drop=True)
    statistics = statistics.set_index("small_area_code")
    homeless = statistics.index.difference(areas["small_area_code"])
    if len(homeless):
        raise ValueError(f"statistics for {len(homeless)} area(s) without a polygon, e.g. {list(homeless[:5])}")
    figures = statistics.reindex(areas["small_area_code"])
    without = areas.loc[figures["population"].isna().to_numpy(), "small_area_code"].tolist()
    figures = figures.fillna(0.0)
    people = figures["population"].to_numpy(dtype=float)
    table = gpd.GeoDataFrame({
        "small_area_code": areas["small_area_code"].to_numpy(),
        "name": areas["name"].to_numpy(),
        "kind": areas["kind"].to_numpy(),
        "municipality_code": areas["municipality_code"].to_numpy(),
        "region_code": areas["municipality_code"].str[:2].to_numpy(),
        "population": people,
        "children_0_4": figures["children_0_4"].to_numpy(dtype=float) if "children_0_4" in figures else np.nan,
        "children_0_5": figures["children_0_5"].to_numpy(dtype=float),
        "foreign_background_share": (
            np.divide(figures["foreign_background"].to_numpy(dtype=float), people, out=np.full(len(people), np.nan),
                      where=people > 0) if "foreign_background" in figures else np.nan),
        "area_type": pd.array(
            areas["small_area_code"].map(area_types) if area_types is not None else [pd.NA] * len(areas),
            dtype="Int64"),
    }, geometry=areas.geometry.to_numpy(), crs=COMPUTE_CRS)
    for year in LIST_YEARS:
        table[police_column(year)] = (
            police_overlap(table, police_areas[year]) if police_areas and year in police_areas
            else pd.Series([None] * len(table), dtype=object))
    table = table[AREA_COLUMNS]
    table.attrs = {"without_statistics": without}
    return table


def police_overlap(areas: gpd.GeoDataFrame, police: gpd.GeoDataFrame) -> pd.Series:
    """Per small area, the most severe category of the Police areas overlapping it by at least
    :data:`POLICE_OVERLAP_SHARE` of the small area's or the Police area's surface; None where none does."""
    result = pd.Series([None] * len(areas), index=areas.index, dtype=object)
    if police.empty:
        return result
    police = police.to_crs(COMPUTE_CRS).reset_index(drop=True)
    area_index, police_index = police.sindex.query(areas.geometry, predicate="intersects")
    if len(area_index) == 0:
        return result
    overlap = shapely.area(shapely.intersection(areas.geometry.to_numpy()[area_index],
                                                police.geometry.to_numpy()[police_index]))
    enough = ((overlap >= POLICE_OVERLAP_SHARE * areas.geometry.area.to_numpy()[area_index])
              | (overlap >= POLICE_OVERLAP_SHARE * police.geometry.area.to_numpy()[police_index]))
    categories = pd.Series(police["vulnerable_category"].to_numpy()[police_index[enough]])
    severest = most_severe(categories, areas.index.to_numpy()[area_index[enough]])
    result.loc[severest.index] = severest.to_numpy()
    return result


def statistics_from_population(population, kind: str, year: int | None = None) -> pd.DataFrame:
    """A tidy SCB population frame (:func:`~fcatlas.analysis.statistics.read_population`) → its rows of one
    kind of area (``deso`` or ``regso``) as :data:`STATISTICS_COLUMNS`, for one year (default: the newest).
    ``attrs["year"]`` says which."""
    year = int(population["year"].max()) if year is None else int(year)
    population = population[(population["year"] == year) & (population["region_level"] == kind)]
    if population.empty:
        raise ValueError(f"no {kind} rows for {year} in the population file")
    totals = total_population(population).set_index("region_code")["population"]
    children = children_0_5(population).set_index("region_code")["children_0_5"]
    bands = population[(population["age"] == "0-4") & (population["sex"] == "total")]
    under_5 = bands.groupby("region_code")["value"].sum() if len(bands) else pd.Series(dtype=float)
    result = pd.DataFrame({
        "small_area_code": totals.index.to_numpy(),
        "population": totals.to_numpy(dtype=float),
        "children_0_4": totals.index.map(under_5).to_numpy(dtype=float),
        "children_0_5": totals.index.map(children).to_numpy(dtype=float),
        "foreign_background": np.nan,
    })
    result.attrs = {"year": year}
    return result


def boundaries_from_statistics_file(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Boundaries as :func:`~fcatlas.analysis.statistics.read_area_boundaries` reads them (area_id, kind,
    municipality_code) → the columns :func:`small_area_table` takes (the code stands in for a name)."""
    return gpd.GeoDataFrame({
        "small_area_code": areas["area_id"].to_numpy(), "name": areas["area_id"].to_numpy(),
        "kind": areas["kind"].to_numpy(), "municipality_code": areas["municipality_code"].to_numpy(),
    }, geometry=areas.geometry.to_numpy(), crs=areas.crs).to_crs(COMPUTE_CRS)


def small_area_of_points(points_xy_m: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """The ``small_area_code`` of the area each point (an (n, 2) array of EPSG:3006 metres) lies in, or ``None``
    for a point in no area (at sea, abroad). ``areas`` must be in EPSG:3006, as the demand layer holds them."""
    points_xy_m = np.asarray(points_xy_m, dtype=float).reshape(-1, 2)
    if areas.crs is None or areas.crs.to_epsg() != 3006:
        raise ValueError(f"areas must be in EPSG:3006 (SWEREF 99 TM metres), not {areas.crs}")
    codes = np.full(len(points_xy_m), None, dtype=object)
    if not len(points_xy_m):
        return codes
    points = shapely.points(points_xy_m)
    point_index, area_index = areas.sindex.query(points, predicate="within")
    codes[point_index] = areas["small_area_code"].to_numpy()[area_index]
    return codes
