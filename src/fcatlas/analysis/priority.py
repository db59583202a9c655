"""A transparent priority index for new family centres, per kommun and per small area (RegSO).

The index is 0–100 points, a weighted sum of six named components. Every weight is a field of
:class:`PriorityWeights` (they add up to 100 by default) and every component is a count or a rate:

- ``uncovered_children``: children 0–5 living farther than the radius (straight-line EPSG:3006 metres)
  from the nearest family centre, as a share of the largest such count among the rows;
- ``uncovered_share``: those children as a share of the row's children 0–5 (a rate, so that a small
  kommun with few children out of reach can outrank a city on share alone);
- ``challenged_uncovered_children``: children of SCB's area types 1–2 (socioekonomiska utmaningar)
  beyond the radius, relative to the largest count;
- ``challenged_share``: the share of the row's children living in area types 1–2;
- ``police_uncovered_children``: children in the Police's vulnerable areas (the list the demand frame
  carries in ``vulnerable_category``) beyond the radius, relative to the largest count;
- ``no_existing_units``: 1 when no family centre or similar service exists — in the kommun for kommun
  rows, within the radius for area rows.

Counts are scaled by their largest value among the rows ranked together, so each component's points
are comparable. Each row carries the raw figures, every component's points, the total, its rank
(1 = highest priority) and a Swedish explanation naming the components that decided its rank.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    DemandIndex,
    covered_children,
    demand_index,
    metric_coordinates,
    require_columns,
    select_units,
)
from fcatlas.formatting import format_distance, format_number, format_percent

EXISTING_CLASSIFICATIONS = ("family_centre", "similar_service")
"""Units that count as an existing service in the existing-units component."""
COVERING_CLASSIFICATIONS = ("family_centre",)
"""Units whose radius counts children as reached: the goal is a family centre within reach."""
CHALLENGED_AREA_TYPES = (1, 2)

COMPONENTS = ("uncovered_children", "uncovered_share", "challenged_uncovered_children", "challenged_share",
              "police_uncovered_children", "no_existing_units")

COMPONENT_LABELS = {
    "uncovered_children": "Barn utom räckhåll",
    "uncovered_share": "Andel barn utom räckhåll",
    "challenged_uncovered_children": "Barn utom räckhåll i områden med socioekonomiska utmaningar",
    "challenged_share": "Andel barn i områden med socioekonomiska utmaningar",
    "police_uncovered_children": "Barn utom räckhåll i Polisens utsatta områden",
    "no_existing_units": "Ingen befintlig enhet",
}
"""Swedish name of each component, for tables and forms."""


@dataclass(frozen=True)
class PriorityWeights:
    """The most points each component can give (the row with the largest count or a rate of 1)."""

    uncovered_children: float = 20.0
    uncovered_share: float = 20.0
    challenged_uncovered_children: float = 20.0
    challenged_share: float = 15.0
    police_uncovered_children: float = 15.0
    no_existing_units: float = 10.0

    def __post_init__(self):
        for name, value in asdict(self).items():
            if not (isinstance(value, (int, float)) and np.isfinite(value) and value >= 0):
                raise ValueError(f"weight {name!r} must be a number ≥ 0, not {value!r}")


def _figures(index: DemandIndex, units: gpd.GeoDataFrame, radius_m: float) -> pd.DataFrame:
    """Per demand point: children, beyond the radius, in type 1–2 areas, in Police areas."""
    frame = index.frame
    require_columns(frame, ("area_type",), "demand")
    children = index.children
    uncovered = children - covered_children(index, units, radius_m, COVERING_CLASSIFICATIONS)
    area_type = pd.to_numeric(frame["area_type"], errors="coerce").to_numpy(dtype=float)
    challenged = np.isin(area_type, CHALLENGED_AREA_TYPES)
    listed = index.vulnerability != "not_listed"
    return pd.DataFrame({
        "children_0_5": children,
        "uncovered_children_0_5": uncovered,
        "challenged_children_0_5": np.where(challenged, children, 0.0),
        "challenged_uncovered_children_0_5": np.where(challenged, uncovered, 0.0),
        "police_children_0_5": np.where(listed, children, 0.0),
        "police_uncovered_children_0_5": np.where(listed, uncovered, 0.0),
    }, index=frame.index)


def municipality_priority(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    radius_m: float = 2_000.0,
    weights: PriorityWeights = PriorityWeights(),
) -> pd.DataFrame:
    """Priority of each kommun in ``demand``, highest first; ``radius_m`` in metres.

    A unit counts in the kommun of its ``municipality_code`` column, or, without that column, in the
    kommun of its nearest demand point.
    """
    index = demand_index(demand)
    figures = _figures(index, units, radius_m)
    table = figures.groupby(index.frame["municipality_code"].to_numpy()).sum()
    table.index.name = "municipality_code"
    existing = select_units(units, EXISTING_CLASSIFICATIONS)
    if "municipality_code" in existing.columns:
        unit_kommun = existing["municipality_code"].astype(str).to_numpy()
    elif len(existing):
        _, nearest = index.tree.query(metric_coordinates(existing, "units"))
        unit_kommun = index.frame["municipality_code"].to_numpy()[nearest]
    else:
        unit_kommun = np.array([], dtype=str)
    table["existing_units"] = pd.Series(unit_kommun).value_counts().reindex(table.index, fill_value=0).astype(int)
    table = _score(table.reset_index(), weights)
    table["explanation"] = [_explain(row, radius_m, "kommunen") for row in table.itertuples(index=False)]
    return _ranked(table)


def area_priority(
    demand: gpd.GeoDataFrame | DemandIndex,
    units: gpd.GeoDataFrame,
    radius_m: float = 2_000.0,
    weights: PriorityWeights = PriorityWeights(),
) -> pd.DataFrame:
    """Priority of each small area (``small_area_code``; each demand point its own area without that
    column), highest first; ``radius_m`` in metres."""
    index = demand_index(demand)
    frame = index.frame
    code = frame["small_area_code"] if "small_area_code" in frame else frame["area_id"]
    figures = _figures(index, units, radius_m)
    existing = select_units(units, EXISTING_CLASSIFICATIONS)
    near = np.zeros(len(index), dtype=int)
    if len(existing):
        near = cKDTree(metric_coordinates(existing, "units")).query_ball_point(index.xy, radius_m, return_length=True)
    figures["existing_units"] = near
    grouped = figures.groupby(code.to_numpy())
    table = grouped.sum().drop(columns="existing_units")
    table["existing_units"] = grouped["existing_units"].max()
    table.index.name = "small_area_code"
    table["municipality_code"] = frame.groupby(code.to_numpy())["municipality_code"].first()
    table = _score(table.reset_index(), weights)
    table["explanation"] = [_explain(row, radius_m, "området") for row in table.itertuples(index=False)]
    return _ranked(table)


def _score(table: pd.DataFrame, weights: PriorityWeights) -> pd.DataFrame:
    table = table.copy()
    children = table["children_0_5"].where(table["children_0_5"] > 0)
    table["uncovered_share"] = (table["uncovered_children_0_5"] / children).fillna(0.0)
    table["challenged_share"] = (table["challenged_children_0_5"] / children).fillna(0.0)
    scaled = {
        "uncovered_children": _relative(table["uncovered_children_0_5"]),
        "uncovered_share": table["uncovered_share"],
        "challenged_uncovered_children": _relative(table["challenged_uncovered_children_0_5"]),
        "challenged_share": table["challenged_share"],
        "police_uncovered_children": _relative(table["police_uncovered_children_0_5"]),
        "no_existing_units": (table["existing_units"] == 0).astype(float),
    }
    for name in COMPONENTS:
        table[f"{name}_points"] = getattr(weights, name) * scaled[name]
    table["priority"] = table[[f"{name}_points" for name in COMPONENTS]].sum(axis=1)
    return table


def _relative(counts: pd.Series) -> pd.Series:
    largest = counts.max()
    return counts / largest if largest > 0 else counts * 0.0


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    table["rank"] = table["priority"].rank(method="min", ascending=False).astype(int)
    return table.sort_values(["rank", table.columns[0]], kind="stable").reset_index(drop=True)


def _component_text(name: str, row, radius_m: float, place: str) -> str:
    beyond = f"mer än {format_distance(radius_m)} från en familjecentral"
    if name == "uncovered_children":
        return f"{format_number(row.uncovered_children_0_5)} barn 0–5 år bor {beyond}"
    if name == "uncovered_share":
        return f"{format_percent(row.uncovered_share)} av barnen 0–5 år bor {beyond}"
    if name == "challenged_uncovered_children":
        return (f"{format_number(row.challenged_uncovered_children_0_5)} barn i områden med socioekonomiska "
                f"utmaningar (SCB:s områdestyp 1–2) bor {beyond}")
    if name == "challenged_share":
        if place == "området":
            return "området har socioekonomiska utmaningar (SCB:s områdestyp 1–2)"
        return f"{format_percent(row.challenged_share)} av barnen bor i områden med socioekonomiska utmaningar"
    if name == "police_uncovered_children":
        return f"{format_number(row.police_uncovered_children_0_5)} barn i Polisens utsatta områden bor {beyond}"
    where = "i kommunen" if place == "kommunen" else f"inom {format_distance(radius_m)}"
    return f"ingen familjecentral eller liknande verksamhet {where}"


def _explain(row, radius_m: float, place: str) -> str:
    """The components that decided the rank (together at least two thirds of the points), then the rest."""
    points = sorted(((getattr(row, f"{name}_points"), name) for name in COMPONENTS), reverse=True)
    points = [(value, name) for value, name in points if value > 0.05]
    if not points:
        return f"Inget talar för {place}: alla barn 0–5 år bor inom {format_distance(radius_m)} från en familjecentral."
    total, running, decisive = sum(value for value, _ in points), 0.0, []
    for value, name in points:
        decisive.append((value, name))
        running += value
        if running >= total * 2 / 3:
            break
    rest = points[len(decisive):]

    def listed(items):
        return "; ".join(f"{_component_text(name, row, radius_m, place)} ({format_number(value, 1)} p)"
                         for value, name in items)

    text = f"Avgörande: {listed(decisive)}."
    return text + (f" Därtill: {listed(rest)}." if rest else "")
