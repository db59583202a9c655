"""The demand layer: where people, and children aged 0–5, live.

Children 0–5 per small area (DeSO/RegSO) are not available offline, so the atlas ships a
**modelled** layer ("modellerad") built by :func:`build_modelled_demand` from real SCB data:

1. People are placed at SCB's tätort points (2020) and småort points (2015). A småort whose
   point lies inside the equivalent-area circle of a tätort (radius √(land area/π) around the
   tätort point) is taken to have merged into that tätort and is dropped, to limit double
   counting between the two vintages.
2. Each kommun's total is the newest column of ``kommun_befolkning_2020_2024.csv``. Where the
   located people exceed it (tätorter that cross kommun borders are listed under one kommun),
   the kommun's points are scaled down to the total. The rest (total − located, never below 0)
   is spread with equal weights over a grid of cell centres inside the kommun polygon
   (SWEREF 99 TM, cells aligned to multiples of the spacing: 5 km; 2 km, then 1 km where the
   coarser grid gives fewer than 4 points; the polygon's representative point as last resort).
3. Every Police "utsatt område" polygon of the chosen list year gets its own point (at the
   polygon's representative point) with population = polygon area × density (population /
   land area) of the nearest tätort point with at least 20 000 inhabitants, i.e. the town the
   area belongs to. These people are moved, not added: first from the largest tätort point
   of the polygon's kommun, any shortfall from the kommun's other points in proportion to
   their population. Police polygons include parks and centres, while the estates in them
   are denser than the town average; the estimate is rough and probably low.
4. Population is whole persons, apportioned by largest remainder, so every kommun sums
   exactly to its total.
5. children_0_5 = population × share aged 0–19 × 6/20 (ages assumed uniform within 0–19).
   The share comes from SCB's tätorter 2015 by age (joined to 2020 by name); unmatched
   tätorter, småorter and kommun_rest points use the kommun's share over its 2015 tätorter,
   and the national tätort share where a kommun has none; vulnerable-area points take their
   donor's share. An optional national target rescales all children proportionally.
6. Each point inside a Police polygon of the list year gets that polygon's category
   (``vulnerable``, ``risk``, ``especially_vulnerable``; the most severe where several).

Computation is in SWEREF 99 TM (EPSG:3006) metres; the layer is stored in WGS 84 (EPSG:4326).
:func:`demand_from_statistics` builds the same schema from real DeSO/RegSO statistics.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from fcatlas.analysis.statistics import children_0_5, total_population

STORAGE_CRS = "EPSG:4326"
COMPUTE_CRS = "EPSG:3006"

DEMAND_COLUMNS = [
    "area_id",
    "municipality_code",
    "region_code",
    "population",
    "children_0_5",
    "vulnerable_category",
    "area_type",
    "modelled",
    "source",
    "geometry",
]

POLICE_CATEGORIES = {
    "Utsatt område": "vulnerable",
    "Riskområde": "risk",
    "Särskilt utsatt område": "especially_vulnerable",
}
_SEVERITY = {"vulnerable": 1, "risk": 2, "especially_vulnerable": 3}

AGES_0_5_PER_0_19 = 6 / 20
GRID_REFINEMENTS = (1.0, 0.4, 0.2)  # 5 km → 2 km → 1 km with the default spacing
MIN_REST_POINTS = 4
TOWN_MIN_POPULATION = 20_000  # tätorter whose density is used for Police areas
MODELLED_LABEL = "modellerad"

POP_FILES = {
    "tatorter": "pop/tatorter_2020.csv",
    "smaorter": "pop/smaorter_2015.csv",
    "ages": "pop/tatorter_2015_alder.csv",
    "kommun_totals": "pop/kommun_befolkning_2020_2024.csv",
    "kommuner": "geo/kommuner.geojson",
    "police": "geo/polisen_utsatta_omraden_panel_2015_2023.geojson",
}
_GPKG_LAYER = "demand"
_METADATA_KEY = "fcatlas_demand"


# --------------------------------------------------------------------------- reading inputs


def _read_table(path: Path, columns: dict[str, str]) -> pd.DataFrame:
    """CSV with codes as text; ``columns`` maps name → ``text``, ``text_or_empty``, ``number``
    or ``optional`` (a number that may be empty). Errors name the file, row and field."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    for name, kind in columns.items():
        if kind == "text_or_empty":
            continue
        if kind == "text":
            empty = frame[name].str.strip() == ""
            if empty.any():
                raise ValueError(f"{path}: row {int(empty.to_numpy().argmax()) + 2}, field {name!r}: empty")
            continue
        numbers = pd.to_numeric(frame[name].replace("", np.nan), errors="coerce")
        bad = numbers.isna() & ((frame[name] != "") | (kind == "number"))
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ValueError(f"{path}: row {row + 2}, field {name!r}: {frame[name].iloc[row]!r} is not a number")
        frame[name] = numbers.astype(float)
    return frame


def read_kommun_totals(path: Path) -> tuple[pd.Series, str]:
    """Kommun totals from ``kommun_befolkning_2020_2024.csv``: the newest ``folkmangd_*``
    column (by the date in its name) as integers indexed by kommun code, and that column's name."""
    path = Path(path)
    header = pd.read_csv(path, dtype=str, nrows=0).columns
    dated = sorted((column for column in header if column.startswith("folkmangd_")), key=lambda c: c[10:])
    if not dated:
        raise ValueError(f"{path}: no 'folkmangd_<date>' column")
    newest = dated[-1]
    frame = _read_table(path, {"kommun_kod": "text", newest: "number"})
    totals = frame.set_index("kommun_kod")[newest]
    if (totals < 0).any() or (totals % 1 != 0).any():
        raise ValueError(f"{path}: field {newest!r}: totals must be whole, non-negative numbers")
    return totals.astype(np.int64), newest


def _read_kommuner(path: Path) -> gpd.GeoDataFrame:
    kommuner = gpd.read_file(path)
    for field in ("kommun_kod", "lan_kod"):
        if field not in kommuner:
            raise ValueError(f"{path}: missing property {field!r}")
    return kommuner[["kommun_kod", "lan_kod", "geometry"]].to_crs(COMPUTE_CRS).set_index("kommun_kod")


def _located_points(path: Path, code: str, source: str) -> pd.DataFrame:
    columns = {code: "text", "kommun_kod": "text", "lan_kod": "text", "folkmangd": "number",
               "landareal_ha": "number", "x_sweref99tm": "number", "y_sweref99tm": "number"}
    frame = _read_table(path, columns)
    return pd.DataFrame({
        "area_id": frame[code],
        "municipality_code": frame["kommun_kod"],
        "region_code": frame["lan_kod"],
        "population": frame["folkmangd"],
        "land_ha": frame["landareal_ha"],
        "x": frame["x_sweref99tm"],
        "y": frame["y_sweref99tm"],
        "source": source,
    })


def _drop_merged_smaorter(smaorter: pd.DataFrame, tatorter: pd.DataFrame) -> pd.DataFrame:
    """Drop småorter lying inside a tätort's equivalent-area circle (radius √(area/π))."""
    radius = np.sqrt(tatorter["land_ha"].to_numpy() * 1e4 / np.pi)
    dx = smaorter["x"].to_numpy()[:, None] - tatorter["x"].to_numpy()[None, :]
    dy = smaorter["y"].to_numpy()[:, None] - tatorter["y"].to_numpy()[None, :]
    inside = (np.hypot(dx, dy) < radius[None, :]).any(axis=1)
    return smaorter[~inside]


def _child_shares(path: Path, tatorter: pd.DataFrame) -> tuple[pd.Series, pd.Series, float]:
    """Share aged 0–19: per 2020 tätort code (name-matched), per kommun, and national."""
    ages = _read_table(path, {"kommun_kod": "text", "folkmangd": "number", "alder_0_19": "optional",
                              "andel_0_19": "optional", "tatort_kod_2020_namnmatch": "text_or_empty"})
    known = ages[ages["alder_0_19"].notna()]
    national = known["alder_0_19"].sum() / known["folkmangd"].sum()
    by_kommun = known.groupby("kommun_kod")["alder_0_19"].sum() / known.groupby("kommun_kod")["folkmangd"].sum()
    matched = known[known["tatort_kod_2020_namnmatch"] != ""]
    by_tatort = matched.set_index("tatort_kod_2020_namnmatch")["andel_0_19"]
    unknown = by_tatort.index.difference(tatorter["area_id"])
    if len(unknown):
        raise ValueError(f"{path}: field 'tatort_kod_2020_namnmatch': unknown tätort code {unknown[0]!r}")
    return by_tatort, by_kommun, float(national)


def load_vulnerable_areas(path: Path, year: int = 2023) -> gpd.GeoDataFrame:
    """The Police's vulnerable areas of one list year → area_id (``polisen-<year>-<id>``), name,
    vulnerable_category (English), municipality_code, geometry in EPSG:4326."""
    path = Path(path)
    with warnings.catch_warnings():  # the panel repeats feature ids across list years
        warnings.filterwarnings("ignore", message="Several features with id", category=RuntimeWarning)
        panel = gpd.read_file(path)
    missing = [field for field in ("id", "namn", "ar", "kategori", "kommun_kod") if field not in panel]
    if missing:
        raise ValueError(f"{path}: missing propert(ies) {missing}")
    unknown = ~panel["kategori"].isin(list(POLICE_CATEGORIES))
    if unknown.any():
        row = int(unknown.to_numpy().argmax())
        category = panel["kategori"].iloc[row]
        raise ValueError(f"{path}: feature {row + 1}, field 'kategori': unknown category {category!r}")
    areas = panel[panel["ar"].astype(int) == year]
    if areas.empty:
        present = sorted(set(panel["ar"].astype(int)))
        raise ValueError(f"{path}: no areas for list year {year}; years present: {present}")
    return gpd.GeoDataFrame({
        "area_id": [f"polisen-{year}-{int(i):02d}" for i in areas["id"]],
        "name": areas["namn"].astype(str).to_numpy(),
        "vulnerable_category": areas["kategori"].map(POLICE_CATEGORIES).to_numpy(),
        "municipality_code": areas["kommun_kod"].astype(str).to_numpy(),
    }, geometry=areas.geometry.to_numpy(), crs=areas.crs).to_crs(STORAGE_CRS)


# --------------------------------------------------------------------------- model steps


def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that sum exactly to ``total`` (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if total == 0 or len(weights) == 0:
        return np.zeros(len(weights))
    if weights.sum() <= 0:
        weights = np.ones(len(weights))
    exact = weights / weights.sum() * total
    whole = np.floor(exact)
    short = int(round(total - whole.sum()))
    whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    return whole


def _fit_to_totals(located: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Scale each kommun's located points down to its total where they exceed it."""
    located = located.copy()
    for kommun, rows in located.groupby("municipality_code").groups.items():
        total = int(totals[kommun])
        if located.loc[rows, "population"].sum() > total:
            located.loc[rows, "population"] = _apportion(located.loc[rows, "population"].to_numpy(), total)
    return located


def _grid_inside(geometry, spacing_m: float, min_points: int) -> np.ndarray:
    """Cell centres of a grid aligned to multiples of the spacing inside ``geometry`` (n × 2)."""
    minx, miny, maxx, maxy = geometry.bounds
    found = np.empty((0, 2))
    for factor in GRID_REFINEMENTS:
        step = spacing_m * factor
        xs = np.arange(np.floor(minx / step) * step + step / 2, maxx, step)
        ys = np.arange(np.floor(miny / step) * step + step / 2, maxy, step)
        gx, gy = (axis.ravel() for axis in np.meshgrid(xs, ys))
        inside = shapely.contains_xy(geometry, gx, gy)
        found = np.column_stack([gx[inside], gy[inside]])
        if len(found) >= min_points:
            return found
    if len(found):
        return found
    point = geometry.representative_point()
    return np.array([[point.x, point.y]])


def _rest_points(kommuner: gpd.GeoDataFrame, rest: pd.Series, spacing_m: float, min_points: int) -> pd.DataFrame:
    frames = []
    for kommun, people in rest[rest > 0].items():
        if kommun not in kommuner.index:
            raise ValueError(f"kommun {kommun!r} has people to spread but no polygon in kommuner.geojson")
        xy = _grid_inside(kommuner.geometry[kommun], spacing_m, min_points)
        frames.append(pd.DataFrame({
            "area_id": [f"{kommun}-rest-{i:04d}" for i in range(1, len(xy) + 1)],
            "municipality_code": kommun,
            "region_code": kommuner.at[kommun, "lan_kod"],
            "population": _apportion(np.ones(len(xy)), int(people)),
            "x": xy[:, 0],
            "y": xy[:, 1],
            "source": "kommun_rest",
        }))
    return pd.concat(frames, ignore_index=True)


def _split_vulnerable_areas(
    points: pd.DataFrame, areas: gpd.GeoDataFrame, tatorter: pd.DataFrame, density_per_km2: float | None
) -> pd.DataFrame:
    """Give each Police polygon its own point, moving its estimated people from its kommun."""
    areas = areas.to_crs(COMPUTE_CRS).sort_values("area_id")
    towns = tatorter[tatorter["population"] >= TOWN_MIN_POPULATION]
    town_density = (towns["population"] / (towns["land_ha"] / 100)).to_numpy()
    largest_in_kommun = tatorter.sort_values("population", ascending=False).drop_duplicates("municipality_code")
    largest_in_kommun = largest_in_kommun.set_index("municipality_code")["area_id"]
    points = points.copy()
    new_rows = []
    for area in areas.itertuples():
        kommun = area.municipality_code
        anchor = area.geometry.representative_point()
        density = density_per_km2
        if density is None:
            nearest = np.hypot(towns["x"].to_numpy() - anchor.x, towns["y"].to_numpy() - anchor.y).argmin()
            density = float(town_density[nearest])
        estimate = int(round(area.geometry.area / 1e6 * density))
        in_kommun = (points["municipality_code"] == kommun) & (points["source"] != "vulnerable_area")
        if not in_kommun.any():
            raise ValueError(f"vulnerable area {area.area_id}: kommun {kommun!r} has no demand points")
        first = in_kommun & (points["area_id"] == largest_in_kommun.get(kommun))
        taken = pd.Series(0.0, index=points.index)
        for donors in (points.index[first], points.index[in_kommun & ~first]):
            held = points.loc[donors, "population"].to_numpy()
            taken[donors] = _apportion(held, min(estimate - int(taken.sum()), int(held.sum())))
        points["population"] -= taken
        donors = taken.index[taken > 0] if taken.sum() else points.index[in_kommun]
        weights = taken[donors] if taken.sum() else points.loc[donors, "population"] + 1
        new_rows.append({
            "area_id": area.area_id,
            "municipality_code": kommun,
            "region_code": kommun[:2],
            "population": float(taken.sum()),
            "share_0_19": float(np.average(points.loc[donors, "share_0_19"], weights=weights)),
            "x": anchor.x,
            "y": anchor.y,
            "source": "vulnerable_area",
        })
    return pd.concat([points, pd.DataFrame(new_rows)], ignore_index=True)


def assign_vulnerable_category(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Category of the Police polygon each point lies in (the most severe where several), else
    None. ``areas`` as from :func:`load_vulnerable_areas`; joined in EPSG:3006."""
    joined = gpd.sjoin(
        points[["geometry"]].to_crs(COMPUTE_CRS),
        areas[["vulnerable_category", "geometry"]].to_crs(COMPUTE_CRS),
        how="inner",
        predicate="within",
    )
    severity = joined["vulnerable_category"].map(_SEVERITY).groupby(level=0).max()
    names = {rank: name for name, rank in _SEVERITY.items()}
    category = pd.Series([None] * len(points), index=points.index, dtype=object)
    category.loc[severity.index] = severity.map(names).to_numpy()
    return category


def _as_layer(frame: pd.DataFrame, geometry, crs: str) -> gpd.GeoDataFrame:
    layer = gpd.GeoDataFrame({
        "area_id": frame["area_id"].astype(str).to_numpy(),
        "municipality_code": frame["municipality_code"].astype(str).to_numpy(),
        "region_code": frame["region_code"].astype(str).to_numpy(),
        "population": frame["population"].astype(float).to_numpy(),
        "children_0_5": frame["children_0_5"].astype(float).to_numpy(),
        "vulnerable_category": pd.Series([None] * len(frame), dtype=object),
        "area_type": pd.array(frame["area_type"] if "area_type" in frame else [pd.NA] * len(frame), dtype="Int64"),
        "modelled": bool(frame["modelled"].iloc[0]) if len(frame) else True,
        "source": frame["source"].astype(str).to_numpy(),
    }, geometry=geometry, crs=crs)
    return layer.to_crs(STORAGE_CRS)[DEMAND_COLUMNS]


def build_modelled_demand(
    data_dir: Path,
    vulnerable_year: int = 2023,
    *,
    grid_spacing_m: float = 5000.0,
    vulnerable_density_per_km2: float | None = None,
    national_children_0_5: float | None = None,
) -> gpd.GeoDataFrame:
    """The modelled ("modellerad") demand layer from the real data in ``data_dir`` (the
    repository's ``data/``): points in EPSG:4326 with :data:`DEMAND_COLUMNS`; the method and
    its assumptions are in the module docstring and in ``frame.attrs``."""
    data_dir = Path(data_dir)
    totals, total_column = read_kommun_totals(data_dir / POP_FILES["kommun_totals"])
    kommuner = _read_kommuner(data_dir / POP_FILES["kommuner"])
    tatorter = _located_points(data_dir / POP_FILES["tatorter"], "tatort_kod", "tätort")
    smaorter = _located_points(data_dir / POP_FILES["smaorter"], "smaort_kod", "småort")
    kept_smaorter = _drop_merged_smaorter(smaorter, tatorter)
    for name, frame in (("tatorter", tatorter), ("smaorter", smaorter)):
        unknown = frame.loc[~frame["municipality_code"].isin(totals.index), "municipality_code"]
        if len(unknown):
            path = data_dir / POP_FILES[name]
            raise ValueError(f"{path}: field 'kommun_kod': {unknown.iloc[0]!r} has no kommun total")

    by_tatort, by_kommun, national_share = _child_shares(data_dir / POP_FILES["ages"], tatorter)
    located = _fit_to_totals(pd.concat([tatorter, kept_smaorter], ignore_index=True), totals)
    located_sum = located.groupby("municipality_code")["population"].sum().reindex(totals.index, fill_value=0)
    rest = (totals - located_sum).clip(lower=0)
    points = pd.concat([located, _rest_points(kommuner, rest, grid_spacing_m, MIN_REST_POINTS)], ignore_index=True)
    kommun_share = points["municipality_code"].map(by_kommun).fillna(national_share)
    points["share_0_19"] = points["area_id"].map(by_tatort).fillna(kommun_share)

    areas = load_vulnerable_areas(data_dir / POP_FILES["police"], vulnerable_year)
    points = _split_vulnerable_areas(points, areas, tatorter, vulnerable_density_per_km2)
    points["children_0_5"] = points["population"] * points["share_0_19"] * AGES_0_5_PER_0_19
    if national_children_0_5 is not None:
        points["children_0_5"] *= national_children_0_5 / points["children_0_5"].sum()
    points["modelled"] = True

    layer = _as_layer(points, gpd.points_from_xy(points["x"], points["y"]), COMPUTE_CRS)
    layer["vulnerable_category"] = assign_vulnerable_category(layer, areas)
    layer.attrs = {
        "label": MODELLED_LABEL,
        "modelled": True,
        "method": "tätorter 2020 + småorter 2015 points, kommun rest on a grid, Police areas split out; "
        "children_0_5 = population × andel 0–19 (tätorter 2015) × 6/20",
        "year": int(total_column[10:14]),
        "kommun_total_column": total_column,
        "kommun_total_date": total_column[10:].replace("_", "-"),
        "vulnerable_year": vulnerable_year,
        "grid_spacing_m": grid_spacing_m,
        "vulnerable_density_per_km2": vulnerable_density_per_km2,
        "national_share_0_19": national_share,
        "national_children_0_5_target": national_children_0_5,
        "smaorter_dropped_as_merged": int(len(smaorter) - len(kept_smaorter)),
        "crs": STORAGE_CRS,
    }
    return layer


# --------------------------------------------------------------------------- real statistics


def demand_from_statistics(
    areas_gdf: gpd.GeoDataFrame,
    population_df: pd.DataFrame,
    area_types_df: pd.DataFrame | None = None,
    *,
    year: int | None = None,
    vulnerable_areas: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Demand from real SCB statistics, replacing the modelled layer: one point per area (its
    representative point) with :data:`DEMAND_COLUMNS` and ``modelled=False``.

    ``areas_gdf`` as from :func:`~fcatlas.analysis.statistics.read_area_boundaries`,
    ``population_df`` a tidy population frame (:func:`~fcatlas.analysis.statistics.read_population`)
    for the same areas, ``area_types_df`` (area_id, area_type) from
    :func:`~fcatlas.analysis.statistics.read_area_types`. ``year`` defaults to the newest year.
    """
    year = int(population_df["year"].max()) if year is None else year
    population = population_df[population_df["year"] == year]
    totals = total_population(population).set_index("region_code")["population"]
    children = children_0_5(population).set_index("region_code")["children_0_5"]
    known = areas_gdf["area_id"].isin(totals.index) & areas_gdf["area_id"].isin(children.index)
    missing = areas_gdf.loc[~known, "area_id"]
    if len(missing):
        raise ValueError(
            f"no population or ages 0–5 for {len(missing)} area(s) in {year}, e.g. {list(missing.iloc[:5])}"
        )
    frame = pd.DataFrame({
        "area_id": areas_gdf["area_id"].to_numpy(),
        "municipality_code": areas_gdf["municipality_code"].to_numpy(),
        "region_code": areas_gdf["municipality_code"].str[:2].to_numpy(),
        "population": areas_gdf["area_id"].map(totals).to_numpy(),
        "children_0_5": areas_gdf["area_id"].map(children).to_numpy(),
        "modelled": False,
        "source": areas_gdf["kind"].to_numpy(),
    })
    if area_types_df is not None:
        frame["area_type"] = frame["area_id"].map(area_types_df.set_index("area_id")["area_type"])
    anchors = areas_gdf.geometry.to_crs(COMPUTE_CRS).representative_point()
    layer = _as_layer(frame, anchors.to_numpy(), COMPUTE_CRS)
    if vulnerable_areas is not None:
        layer["vulnerable_category"] = assign_vulnerable_category(layer, vulnerable_areas)
    layer.attrs = {"label": "statistik", "modelled": False, "year": year, "crs": STORAGE_CRS}
    return layer


# --------------------------------------------------------------------------- files


def write_demand(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write the layer as a GeoPackage (``.gpkg``, layer ``demand``, attrs in the layer metadata)
    or as a compact CSV with lon/lat (6 decimals; attrs in ``<name>.meta.json`` beside it)."""
    path = Path(path)
    metadata = json.dumps(frame.attrs, ensure_ascii=False)
    if path.suffix.lower() == ".gpkg":
        pyogrio.write_dataframe(frame, path, layer=_GPKG_LAYER, driver="GPKG",
                                layer_metadata={_METADATA_KEY: metadata})
        return path
    table = pd.DataFrame(frame.drop(columns="geometry"))
    points = frame.geometry.to_crs(STORAGE_CRS)
    table["lon"], table["lat"] = points.x.round(6), points.y.round(6)
    table["children_0_5"] = table["children_0_5"].round(3)
    table.to_csv(path, index=False)
    path.with_suffix(".meta.json").write_text(metadata + "\n", encoding="utf-8")
    return path


def read_demand(path: Path) -> gpd.GeoDataFrame:
    """Read a layer written by :func:`write_demand` back with its dtypes and attrs."""
    path = Path(path)
    if path.suffix.lower() == ".gpkg":
        frame = pyogrio.read_dataframe(path, layer=_GPKG_LAYER)
        metadata = pyogrio.read_info(path, layer=_GPKG_LAYER).get("layer_metadata") or {}
        attrs = json.loads(metadata.get(_METADATA_KEY, "{}"))
    else:
        table = pd.read_csv(path, dtype={"area_id": str, "municipality_code": str, "region_code": str,
                                         "vulnerable_category": str, "source": str})
        frame = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                                 geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=STORAGE_CRS)
        meta_path = path.with_suffix(".meta.json")
        attrs = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    category = frame["vulnerable_category"].astype(object)
    frame["vulnerable_category"] = category.where(category.notna(), None)
    frame["area_type"] = pd.array(frame["area_type"], dtype="Int64")
    frame["modelled"] = frame["modelled"].astype(bool)
    frame = frame[DEMAND_COLUMNS]
    frame.attrs = attrs
    return frame
