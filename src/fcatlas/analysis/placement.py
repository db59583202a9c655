"""Where inside a small area its people live: SCB's counts per area spread over points (dasymetric mapping).

SCB counts people per RegSO (or DeSO); distances to a family centre need to know where inside the area
they live. :func:`place_people` spreads each area's people over points inside its polygon, using SCB's
localities (tätorter 2020, småorter 2015: a point and a land area each) as the guide:

1. A locality "lies mainly in" the area holding its point when at least half of its equivalent-area disc
   (a circle of its land area around its point) lies inside the polygon. Its people in the area are its
   population × the share of its disc inside (all localities of an area are scaled down together where
   they would exceed the area's count). A small one (disc radius ≤ :data:`LOCALITY_POINT_RADIUS_M`) is one
   point; a larger one is spread evenly over a grid inside its disc and the polygon. A town whose disc
   reaches over many areas (a city) is therefore never one point: the areas it covers are gridded.
2. The rest of the area's people are spread over a grid inside the polygon: evenly in a dense area (at
   least :data:`URBAN_PEOPLE_PER_KM2` people per km², a town district); elsewhere a cell weighs more when
   a town's disc covers it (the town's density) and when localities are near (people outside localities
   live mostly near them), and every cell keeps a little weight.
3. Grids are aligned to multiples of their spacing in SWEREF 99 TM. The spacing starts at 5 km and is
   refined (2 km, 1 km, 500 m, 250 m, 125 m) until the area has at least :data:`MIN_POINTS` points and
   no point holds more than :data:`MAX_POINT_PEOPLE` people or :data:`MAX_POINT_SHARE` of the area's.
   A Police area that overlaps the area but holds none of its points gets points of its own on the
   finest grid (so that coverage of those areas is not left to chance); every cell weighs by its surface.
   Grid points inside a Police area are never merged away (step 4).
4. Grid points holding fewer than :data:`MERGE_BELOW_PEOPLE` people join the nearest kept point of their
   area (where too few are that large, the :data:`MIN_POINTS` largest are kept), so mountains and lakes do
   not carry an even sprinkle of people.
5. People are whole persons per point (largest remainder), so every area sums exactly to SCB's count;
   each point's children 0–5 are its area's children × its share of the area's people.

Deterministic: no random numbers. All coordinates are EPSG:3006 metres.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

SPACINGS_M = (5_000.0, 2_000.0, 1_000.0, 500.0, 250.0, 125.0)
MIN_POINTS = 4
MAX_POINT_PEOPLE = 1_500
MAX_POINT_SHARE = 0.5
LOCALITY_POINT_RADIUS_M = 500.0
MAINLY_INSIDE_SHARE = 0.5
MERGE_BELOW_PEOPLE = 15
URBAN_PEOPLE_PER_KM2 = 1_000.0
NEARNESS_SCALE_M = 5_000.0
NEARNESS_REACH_M = 20_000.0
NEARNESS_WEIGHT = 0.05
FLOOR_WEIGHT = 0.001
POLICE_MIN_OVERLAP_M2 = 20_000.0
DISC_SEGMENTS = 16

SOURCES = {"locality": "ort", "locality_grid": "ort, rutnät", "area_grid": "rutnät"}
"""How a point was placed → its Swedish label."""

POINT_COLUMNS = ["small_area_code", "x", "y", "population", "children_0_5", "source"]
LOCALITY_COLUMNS = ["locality_id", "kind", "population", "land_ha", "x", "y"]


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
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


def drop_merged_smaorter(localities: pd.DataFrame) -> pd.DataFrame:
    """Drop småorter whose point lies inside a tätort's disc: they grew into it between 2015 and 2020."""
    towns = localities[localities["kind"] == "tätort"]
    small = localities[localities["kind"] == "småort"]
    if towns.empty or small.empty:
        return localities
    radius = np.sqrt(towns["land_ha"].to_numpy() * 1e4 / np.pi)
    tree = cKDTree(towns[["x", "y"]].to_numpy())
    near = tree.query_ball_point(small[["x", "y"]].to_numpy(), radius.max())
    xy = small[["x", "y"]].to_numpy()
    merged = [any(np.hypot(*(xy[i] - tree.data[j])) < radius[j] for j in found) for i, found in enumerate(near)]
    return localities.drop(small.index[np.asarray(merged, dtype=bool)])


def _grid(geometry, spacing_m: float) -> np.ndarray:
    minx, miny, maxx, maxy = geometry.bounds
    xs = np.arange(np.floor(minx / spacing_m) * spacing_m + spacing_m / 2, maxx, spacing_m)
    ys = np.arange(np.floor(miny / spacing_m) * spacing_m + spacing_m / 2, maxy, spacing_m)
    gx, gy = (axis.ravel() for axis in np.meshgrid(xs, ys))
    inside = shapely.contains_xy(geometry, gx, gy)
    return np.column_stack([gx[inside], gy[inside]])


class _Surface:
    """Cell weights: town density where a town's disc covers the cell, nearness to localities elsewhere."""

    def __init__(self, localities: pd.DataFrame, gridded_towns: pd.DataFrame):
        self._tree = cKDTree(localities[["x", "y"]].to_numpy()) if len(localities) else None
        self._people = localities["population"].to_numpy(dtype=float)
        radius = np.sqrt(gridded_towns["land_ha"].to_numpy() * 1e4 / np.pi)
        self._discs = shapely.buffer(shapely.points(gridded_towns[["x", "y"]].to_numpy()), radius,
                                     quad_segs=DISC_SEGMENTS)
        self._density = gridded_towns["population"].to_numpy(dtype=float) / (gridded_towns["land_ha"].to_numpy() * 1e4)
        self._disc_tree = shapely.STRtree(self._discs)

    def weights(self, cells: np.ndarray) -> np.ndarray:
        density = np.zeros(len(cells))
        cell_index, disc_index = self._disc_tree.query(shapely.points(cells), predicate="within")
        np.add.at(density, cell_index, self._density[disc_index])
        nearness = np.zeros(len(cells))
        if self._tree is not None:
            for i, found in enumerate(self._tree.query_ball_point(cells, NEARNESS_REACH_M)):
                if found:
                    distance = np.hypot(*(self._tree.data[found] - cells[i]).T)
                    nearness[i] = (self._people[found] * np.exp(-distance / NEARNESS_SCALE_M)).sum()
        scaled = [part / part.max() if part.max() > 0 else part for part in (density, nearness)]
        return scaled[0] + NEARNESS_WEIGHT * scaled[1] + FLOOR_WEIGHT


def _spread(geometry, people: float, spacings, weigh, must_hold=()) -> tuple[np.ndarray, np.ndarray]:
    """Grid points inside ``geometry`` and their share of ``people``, refined as the module docstring says.

    Each cell weighs its ``weigh`` value × its surface, so that the finer cells added inside Police areas
    that the grid missed take their fair part."""
    chosen = None
    for spacing in spacings:
        cells = _grid(geometry, spacing)
        if len(cells) == 0:
            continue
        surface = np.full(len(cells), spacing**2)
        shares = _shares(cells, surface, people, weigh)
        chosen = cells, surface
        if len(cells) >= MIN_POINTS and shares.max() <= min(MAX_POINT_PEOPLE, max(MAX_POINT_SHARE * people, 1.0)):
            break
    if chosen is None:
        point = geometry.representative_point()
        return np.array([[point.x, point.y]]), np.array([float(people)])
    cells, surface = chosen
    for part in must_hold:
        if shapely.contains_xy(part, cells[:, 0], cells[:, 1]).any():
            continue
        extra = _grid(part, SPACINGS_M[-1])
        if len(extra) == 0:
            extra = shapely.get_coordinates(part.representative_point())
        cells = np.vstack([cells, extra])
        surface = np.concatenate([surface, np.full(len(extra), min(part.area / len(extra), SPACINGS_M[-1] ** 2))])
    return cells, _shares(cells, surface, people, weigh)


def _in_police(cells: np.ndarray, must_hold) -> np.ndarray:
    inside = np.zeros(len(cells), dtype=bool)
    for part in must_hold:
        inside |= shapely.contains_xy(part, cells[:, 0], cells[:, 1])
    return inside


def _even(cells: np.ndarray) -> np.ndarray:
    return np.ones(len(cells))


def _shares(cells: np.ndarray, surface: np.ndarray, people: float, weigh) -> np.ndarray:
    weights = weigh(cells) * surface
    return people * weights / weights.sum()


def _merge_small(frame: pd.DataFrame) -> pd.DataFrame:
    """Grid points under :data:`MERGE_BELOW_PEOPLE` join their nearest kept point; where fewer than
    :data:`MIN_POINTS` grid points reach that size, the :data:`MIN_POINTS` largest are kept."""
    grid = (frame["source"] == "area_grid") & ~frame["in_police_area"]
    small = grid & (frame["people"] < MERGE_BELOW_PEOPLE)
    if not small.any() or grid.sum() <= MIN_POINTS:
        return frame
    if (grid & ~small).sum() < MIN_POINTS:
        small = grid & ~frame.index.isin(frame[grid].nlargest(MIN_POINTS, "people").index)
    kept = frame[~small]
    dropped = frame[small]
    _, nearest = cKDTree(kept[["x", "y"]].to_numpy()).query(dropped[["x", "y"]].to_numpy())
    kept = kept.copy()
    kept["people"] += np.bincount(nearest, weights=dropped["people"].to_numpy(), minlength=len(kept))
    return kept


def place_people(areas, localities: pd.DataFrame, police_polygons=None) -> pd.DataFrame:
    """Points inside each area holding its people and children 0–5 (:data:`POINT_COLUMNS`).

    ``areas`` is a GeoDataFrame in EPSG:3006 with ``small_area_code``, ``population`` (whole people) and
    ``children_0_5``; ``localities`` has :data:`LOCALITY_COLUMNS` (``kind`` ``tätort`` or ``småort``,
    EPSG:3006 metres); ``police_polygons`` (EPSG:3006 geometries, any list years) make sure each
    Police area that overlaps an area holds at least one of its points. Areas with no people get no point.
    """
    if areas.crs is None or areas.crs.to_epsg() != 3006:
        raise ValueError(f"areas must be in EPSG:3006, not {areas.crs}")
    missing = [column for column in LOCALITY_COLUMNS if column not in localities]
    if missing:
        raise ValueError(f"localities frame is missing the column(s) {missing}")
    localities = drop_merged_smaorter(localities.reset_index(drop=True)).reset_index(drop=True)
    areas = areas.reset_index(drop=True)
    polygons = areas.geometry.to_numpy()

    points = shapely.points(localities[["x", "y"]].to_numpy())
    locality_index, area_index = shapely.STRtree(polygons).query(points, predicate="within")
    first = ~pd.Series(locality_index).duplicated().to_numpy()  # a point on a shared edge: its first area
    holder = pd.Series(-1, index=localities.index)
    holder.iloc[locality_index[first]] = area_index[first]
    radius = np.sqrt(localities["land_ha"].to_numpy() * 1e4 / np.pi)
    discs = shapely.buffer(points, radius, quad_segs=DISC_SEGMENTS)
    share_inside = np.zeros(len(localities))
    held = holder.to_numpy() >= 0
    share_inside[held] = (shapely.area(shapely.intersection(discs[held], polygons[holder.to_numpy()[held]]))
                          / shapely.area(discs[held]))
    mainly_inside = held & (share_inside >= MAINLY_INSIDE_SHARE)
    surface = _Surface(localities, localities[~mainly_inside])
    police = np.asarray([] if police_polygons is None else list(police_polygons), dtype=object)
    police_tree = shapely.STRtree(police) if len(police) else None

    frames = []
    for position, area in enumerate(areas.itertuples()):
        people = int(area.population)
        if people <= 0:
            continue
        geometry = polygons[position]
        mine = np.flatnonzero(mainly_inside & (holder.to_numpy() == position))
        located = localities["population"].to_numpy(dtype=float)[mine] * share_inside[mine]
        if located.sum() > people:
            located *= people / located.sum()
        rows = []
        for index, located_people in zip(mine, located):
            x, y = localities.at[index, "x"], localities.at[index, "y"]
            if radius[index] <= LOCALITY_POINT_RADIUS_M and located_people <= MAX_POINT_PEOPLE:
                rows.append(pd.DataFrame({"x": [x], "y": [y], "people": [located_people], "source": "locality"}))
                continue
            inside = shapely.intersection(discs[index], geometry)
            spacings = [s for s in SPACINGS_M if s <= radius[index]]
            cells, shares = _spread(inside, located_people, spacings or SPACINGS_M[-1:], _even)
            rows.append(pd.DataFrame({"x": cells[:, 0], "y": cells[:, 1], "people": shares, "source": "locality_grid"}))
        must_hold = []
        if police_tree is not None:
            for candidate in police[police_tree.query(geometry, predicate="intersects")]:
                part = shapely.intersection(candidate, geometry)
                if part.area >= POLICE_MIN_OVERLAP_M2:
                    must_hold.append(part)
        rest = people - located.sum()
        if rest > 1e-9 or not rows:
            dense = people / (geometry.area / 1e6) >= URBAN_PEOPLE_PER_KM2
            weigh = _even if dense else surface.weights
            cells, shares = _spread(geometry, rest, SPACINGS_M, weigh, must_hold)
            rows.append(pd.DataFrame({"x": cells[:, 0], "y": cells[:, 1], "people": shares, "source": "area_grid",
                                      "in_police_area": _in_police(cells, must_hold)}))
        placed = pd.concat(rows, ignore_index=True)
        placed["in_police_area"] = placed.get("in_police_area", pd.Series(False, index=placed.index)).fillna(False).astype(bool)
        placed = _merge_small(placed)
        placed["population"] = apportion(placed["people"].to_numpy(), people)
        placed = placed[placed["population"] > 0]
        placed["children_0_5"] = float(area.children_0_5) * placed["population"] / people
        placed["small_area_code"] = area.small_area_code
        frames.append(placed)
    if not frames:
        return pd.DataFrame(columns=POINT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[POINT_COLUMNS]
