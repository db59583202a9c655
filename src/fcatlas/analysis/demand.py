"""The demand layer: where children aged 0–5 live, from SCB's own counts per small area.

A :class:`DemandLayer` has two frames:

- ``areas``: one row per small area (RegSO 2025 as shipped; DeSO or another division when a user loads
  one) with SCB's people, children 0–5, share with foreign background, SCB's area type and the Police
  category per list year (:data:`~fcatlas.analysis.small_areas.AREA_COLUMNS`), on its polygon;
- ``points``: the people and children of each area placed at points inside it
  (:mod:`fcatlas.analysis.placement`), with their area's attributes and the category of the Police
  area each point lies in, per list year (:data:`DEMAND_COLUMNS`). ``vulnerable_category`` holds the
  newest list; :func:`with_police_year` picks another.

The shipped layer (:func:`build_shipped_demand`) is SCB's population per DeSO on 31 December 2022,
summed to RegSO 2025; children 0–5 = 0–4 år + one fifth of 5–9 år. Stored in WGS 84 (EPSG:4326);
computed in SWEREF 99 TM (EPSG:3006) metres.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from fcatlas.analysis.placement import LOCALITY_COLUMNS, place_people
from fcatlas.analysis.police import (
    DEFAULT_LIST_YEAR,
    LIST_YEARS,
    all_list_years,
    most_severe,
    police_column,
)
from fcatlas.analysis.small_areas import (
    AREA_COLUMNS,
    CHILDREN_METHOD,
    SHIPPED_FILES,
    boundaries_from_statistics_file,
    read_regso_2025_boundaries,
    read_text_table,
    regso_2025_area_types,
    regso_2025_statistics,
    small_area_table,
    statistics_from_population,
)

STORAGE_CRS = "EPSG:4326"
COMPUTE_CRS = "EPSG:3006"

POLICE_COLUMNS = [police_column(year) for year in LIST_YEARS]
DEMAND_COLUMNS = [
    "area_id", "small_area_code", "municipality_code", "region_code", "population", "children_0_5",
    "vulnerable_category", "area_type", "source", *POLICE_COLUMNS, "geometry",
]

LOCALITY_FILES = {"tätort": ("pop/tatorter_2020.csv", "tatort_kod"), "småort": ("pop/smaorter_2015.csv", "smaort_kod")}
PLACEMENT_METHOD = ("inom varje område efter SCB:s tätorter 2020 och småorter 2015, resten på ett rutnät i "
                    "områdets polygon")

_POINTS_LAYER, _AREAS_LAYER = "demand", "areas"
_METADATA_KEY = "fcatlas_demand"


@dataclass(frozen=True)
class DemandLayer:
    """Children 0–5 per small area (``areas``) and placed inside each area (``points``)."""

    points: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame

    @property
    def attrs(self) -> dict:
        return self.points.attrs

    def to_crs(self, crs) -> DemandLayer:
        points, areas = self.points.to_crs(crs), self.areas.to_crs(crs)
        points.attrs, areas.attrs = dict(self.points.attrs), dict(self.areas.attrs)
        return DemandLayer(points, areas)


def read_localities(data_dir: Path) -> pd.DataFrame:
    """SCB's tätorter 2020 and småorter 2015 as :data:`~fcatlas.analysis.placement.LOCALITY_COLUMNS`
    (EPSG:3006 metres). Errors name the file, row and field."""
    frames = []
    for kind, (name, code) in LOCALITY_FILES.items():
        path = Path(data_dir) / name
        columns = {code: "locality_id", "folkmangd": "population", "landareal_ha": "land_ha",
                   "x_sweref99tm": "x", "y_sweref99tm": "y"}
        frame = read_text_table(path, list(columns))
        lines = frame.attrs["lines"]
        frame = frame[list(columns)].rename(columns=columns)
        for column in ("population", "land_ha", "x", "y"):
            numbers = pd.to_numeric(frame[column], errors="coerce")
            bad = numbers.isna() | (numbers <= 0 if column == "land_ha" else numbers < 0)
            if bad.any():
                row = int(bad.to_numpy().argmax())
                source = next(k for k, v in columns.items() if v == column)
                raise ValueError(f"{path}: row {lines[row]}, field {source!r}: {frame[column].iloc[row]!r} "
                                 "is not a positive number")
            frame[column] = numbers.astype(float)
        frames.append(frame.assign(kind=kind))
    return pd.concat(frames, ignore_index=True)[LOCALITY_COLUMNS]


def assign_vulnerable_category(points: gpd.GeoDataFrame, police_areas: gpd.GeoDataFrame) -> pd.Series:
    """Category of the Police area each point lies in (the most severe where several), else None."""
    category = pd.Series([None] * len(points), index=points.index, dtype=object)
    if police_areas.empty:
        return category
    polygons = police_areas.to_crs(COMPUTE_CRS).geometry.to_numpy()
    point_index, police_index = shapely.STRtree(polygons).query(
        points.geometry.to_crs(COMPUTE_CRS).to_numpy(), predicate="within")
    severest = most_severe(pd.Series(police_areas["vulnerable_category"].to_numpy()[police_index]),
                           points.index.to_numpy()[point_index])
    category.loc[severest.index] = severest.to_numpy()
    return category


def with_police_year(points: gpd.GeoDataFrame, year: int) -> gpd.GeoDataFrame:
    """``points`` with ``vulnerable_category`` taken from the Police list of ``year``."""
    chosen = points.copy()
    chosen["vulnerable_category"] = points[police_column(year)]
    chosen.attrs = dict(points.attrs, police_year=year)
    return chosen


def demand_from_areas(areas: gpd.GeoDataFrame, localities: pd.DataFrame,
                      police_areas: dict[int, gpd.GeoDataFrame], attrs: dict) -> DemandLayer:
    """Place each area's people (``areas`` as from
    :func:`~fcatlas.analysis.small_areas.small_area_table`) and attach their attributes."""
    areas = areas.to_crs(COMPUTE_CRS)
    police_polygons = [geometry for frame in police_areas.values() for geometry in frame.to_crs(COMPUTE_CRS).geometry]
    placed = place_people(areas, localities, police_polygons)
    by_code = areas.drop(columns="geometry").set_index("small_area_code")
    number = placed.groupby("small_area_code").cumcount() + 1
    points = gpd.GeoDataFrame({
        "area_id": (placed["small_area_code"] + "-" + number.map("{:03d}".format)).to_numpy(),
        "small_area_code": placed["small_area_code"].to_numpy(),
        "municipality_code": placed["small_area_code"].map(by_code["municipality_code"]).to_numpy(),
        "region_code": placed["small_area_code"].map(by_code["region_code"]).to_numpy(),
        "population": placed["population"].to_numpy(dtype=float),
        "children_0_5": placed["children_0_5"].to_numpy(dtype=float),
        "area_type": pd.array(placed["small_area_code"].map(by_code["area_type"]), dtype="Int64"),
        "source": placed["source"].to_numpy(),
    }, geometry=gpd.points_from_xy(placed["x"], placed["y"]), crs=COMPUTE_CRS)
    for year in LIST_YEARS:
        points[police_column(year)] = (assign_vulnerable_category(points, police_areas[year])
                                       if year in police_areas else pd.Series([None] * len(points), dtype=object))
    points["vulnerable_category"] = points[police_column(DEFAULT_LIST_YEAR)]
    points = points[DEMAND_COLUMNS].to_crs(STORAGE_CRS)
    areas = areas.to_crs(STORAGE_CRS)
    attrs = {"crs": STORAGE_CRS, "police_year": DEFAULT_LIST_YEAR, "placement": PLACEMENT_METHOD,
             "points": len(points), "areas": len(areas)} | attrs
    points.attrs, areas.attrs = attrs, attrs
    return DemandLayer(points, areas)


def build_shipped_demand(data_dir: Path) -> DemandLayer:
    """The demand layer from the shipped SCB files in ``data_dir`` (the repository's ``data/``)."""
    data_dir = Path(data_dir)
    statistics = regso_2025_statistics(data_dir)
    police_areas = all_list_years(data_dir)
    areas = small_area_table(read_regso_2025_boundaries(data_dir / SHIPPED_FILES["boundaries"]), statistics,
                             regso_2025_area_types(data_dir), police_areas)
    return demand_from_areas(areas, read_localities(data_dir), police_areas, {
        "label": f"SCB {statistics.attrs['year']}",
        "source": "SCB, folkmängd per DeSO den 31 december 2022, summerad till RegSO 2025; områdestyp 2022",
        "year": statistics.attrs["year"],
        "kind": "regso",
        "children_method": CHILDREN_METHOD,
        "redistributed": statistics.attrs["redistributed"],
        "without_statistics": areas.attrs["without_statistics"],
    })


def demand_from_statistics(boundaries: gpd.GeoDataFrame, population: pd.DataFrame,
                           area_types: pd.DataFrame | None = None, *, data_dir: Path,
                           year: int | None = None) -> DemandLayer:
    """The layer from SCB files a user downloaded: DeSO or RegSO polygons (as from
    :func:`~fcatlas.analysis.statistics.read_area_boundaries`), a population table by age
    (:func:`~fcatlas.analysis.statistics.read_population`, one-year ages or five-year bands) and optionally
    area types (:func:`~fcatlas.analysis.statistics.read_area_types`); placed with the shipped localities and
    Police areas of ``data_dir``. Same schema as the shipped layer."""
    kinds = sorted(set(boundaries["kind"]))
    if len(kinds) != 1:
        raise ValueError(f"the boundary file mixes kinds of area {kinds}; give DeSO or RegSO polygons")
    kind = kinds[0]
    statistics = statistics_from_population(population, kind, year)
    police_areas = all_list_years(data_dir)
    types = area_types.set_index("area_id")["area_type"] if area_types is not None else None
    areas = small_area_table(boundaries_from_statistics_file(boundaries), statistics, types, police_areas)
    return demand_from_areas(areas, read_localities(data_dir), police_areas, {
        "label": f"SCB {statistics.attrs['year']}",
        "source": f"SCB, folkmängd per {kind.upper()} {statistics.attrs['year']} (inläst med fcatlas load-demand)",
        "year": statistics.attrs["year"],
        "kind": kind,
        "children_method": "barn 0–5 år = ettårsklasser 0–5 där de finns, annars 0–4 år + en femtedel av 5–9 år",
        "redistributed": [],
        "without_statistics": areas.attrs["without_statistics"],
    })


# --------------------------------------------------------------------------- files


def write_demand(layer: DemandLayer, path: Path) -> Path:
    """Write the layer as a GeoPackage: layers ``demand`` (points) and ``areas`` (polygons), attrs in the
    layer metadata."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {_METADATA_KEY: json.dumps(layer.attrs, ensure_ascii=False)}
    partial = path.with_name(f"{path.stem}.partial{path.suffix}")
    partial.unlink(missing_ok=True)
    pyogrio.write_dataframe(layer.points.to_crs(STORAGE_CRS), partial, layer=_POINTS_LAYER, driver="GPKG",
                            layer_metadata=metadata)
    pyogrio.write_dataframe(layer.areas.to_crs(STORAGE_CRS), partial, layer=_AREAS_LAYER, driver="GPKG",
                            append=True, layer_metadata=metadata)
    partial.replace(path)  # readers never see half a layer
    return path


def read_demand(path: Path) -> DemandLayer:
    """Read a layer written by :func:`write_demand` back with its dtypes and attrs."""
    path = Path(path)
    metadata = pyogrio.read_info(path, layer=_POINTS_LAYER).get("layer_metadata") or {}
    attrs = json.loads(metadata.get(_METADATA_KEY, "{}"))
    points = pyogrio.read_dataframe(path, layer=_POINTS_LAYER)
    areas = pyogrio.read_dataframe(path, layer=_AREAS_LAYER)
    for frame, columns in ((points, ["vulnerable_category", *POLICE_COLUMNS]), (areas, POLICE_COLUMNS)):
        for column in columns:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
        frame["area_type"] = pd.array(frame["area_type"], dtype="Int64")
    points, areas = points[DEMAND_COLUMNS], areas[AREA_COLUMNS]
    points.attrs, areas.attrs = attrs, dict(attrs)
    return DemandLayer(points, areas)

