"""A transparent priority index for new family centres, per kommun and per demand area.

The index is a sum of points; every weight is a field of :class:`PriorityWeights`:

- uncovered children: points per child 0–5 living farther than the radius (straight-line
  EPSG:3006 metres) from the nearest family centre;
- vulnerability: points per demand area on the Police's list (especially vulnerable, risk,
  vulnerable) and per area of SCB area type 1 or 2 (where the type is known);
- existing units: points when no family centre or similar service exists — in the kommun for
  kommun rows, within the radius for area rows.

Each row carries every component's points, their sum, its rank (1 = highest priority) and a
Swedish explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import (
    DEMAND_COLUMNS,
    area_coverage,
    metric_coordinates,
    require_columns,
    select_units,
)
from fcatlas.formatting import format_distance, format_number

EXISTING_CLASSIFICATIONS = ("family_centre", "similar_service")
"""Units that count as an existing service in the existing-units component."""

AREA_TYPE_NAMES = {1: "stora socioekonomiska utmaningar", 2: "socioekonomiska utmaningar"}


@dataclass(frozen=True)
class PriorityWeights:
    """Points each component adds to the priority index."""

    uncovered_child: float = 1.0
    """Per child 0–5 farther than the radius from the nearest family centre."""
    especially_vulnerable_area: float = 500.0
    """Per demand area the Police lists as särskilt utsatt område."""
    risk_area: float = 300.0
    """Per demand area listed as riskområde."""
    vulnerable_area: float = 200.0
    """Per demand area listed as utsatt område."""
    area_type_1: float = 200.0
    """Per demand area of SCB area type 1 (stora socioekonomiska utmaningar)."""
    area_type_2: float = 100.0
    """Per demand area of SCB area type 2 (socioekonomiska utmaningar)."""
    no_existing_units: float = 300.0
    """Once, when no family centre or similar service exists (kommun) or is within the radius (area)."""


def area_priority(
    demand: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    radius_m: float = 2_000.0,
    weights: PriorityWeights = PriorityWeights(),
) -> pd.DataFrame:
    """Priority of each demand area, highest first; ``radius_m`` in metres."""
    components = _area_components(demand, units, radius_m)
    existing = select_units(units, EXISTING_CLASSIFICATIONS)
    if len(existing):
        components["existing_units"] = (
            cKDTree(metric_coordinates(existing, "units"))
            .query_ball_point(metric_coordinates(demand, "demand"), radius_m, return_length=True)
            .astype(int)
        )
    else:
        components["existing_units"] = 0
    table = _score(components, weights)
    table["explanation"] = [_explain_area(row, radius_m) for row in table.itertuples(index=False)]
    return _ranked(table)


def municipality_priority(
    demand: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    radius_m: float = 2_000.0,
    weights: PriorityWeights = PriorityWeights(),
) -> pd.DataFrame:
    """Priority of each kommun in ``demand``, highest first; ``radius_m`` in metres.

    A unit counts in the kommun of its ``municipality_code`` column, or, without that column,
    in the kommun of its nearest demand area.
    """
    components = _area_components(demand, units, radius_m)
    kommuner = components.drop(columns="area_id").groupby("municipality_code", sort=True).sum()
    existing = select_units(units, EXISTING_CLASSIFICATIONS)
    if "municipality_code" in existing.columns:
        unit_kommun = existing["municipality_code"].astype(str).to_numpy()
    elif len(existing):
        _, nearest_area = cKDTree(metric_coordinates(demand, "demand")).query(metric_coordinates(existing, "units"))
        unit_kommun = components["municipality_code"].to_numpy()[nearest_area]
    else:
        unit_kommun = np.array([], dtype=str)
    kommuner["existing_units"] = pd.Series(unit_kommun).value_counts().reindex(kommuner.index, fill_value=0).astype(int)
    table = _score(kommuner.reset_index(), weights)
    table["explanation"] = [_explain_municipality(row, radius_m) for row in table.itertuples(index=False)]
    return _ranked(table)


def _area_components(demand: gpd.GeoDataFrame, units: gpd.GeoDataFrame, radius_m: float) -> pd.DataFrame:
    require_columns(demand, (*DEMAND_COLUMNS, "area_type"), "demand")
    coverage = area_coverage(demand, units, radius_m, classifications=("family_centre",))
    area_type = pd.to_numeric(demand["area_type"], errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "area_id": coverage["area_id"].to_numpy(),
            "municipality_code": coverage["municipality_code"].to_numpy(),
            "children_0_5": coverage["children_0_5"].to_numpy(),
            "uncovered_children": (coverage["children_0_5"] - coverage["children_covered"]).to_numpy(),
            "especially_vulnerable": (coverage["vulnerability_class"] == "especially_vulnerable").to_numpy(dtype=int),
            "risk": (coverage["vulnerability_class"] == "risk").to_numpy(dtype=int),
            "vulnerable": (coverage["vulnerability_class"] == "vulnerable").to_numpy(dtype=int),
            "area_type_1": (area_type == 1).astype(int),
            "area_type_2": (area_type == 2).astype(int),
        },
        index=demand.index,
    )


def _score(components: pd.DataFrame, weights: PriorityWeights) -> pd.DataFrame:
    table = components.copy()
    table["uncovered_points"] = weights.uncovered_child * table["uncovered_children"]
    table["vulnerability_points"] = (
        weights.especially_vulnerable_area * table["especially_vulnerable"]
        + weights.risk_area * table["risk"]
        + weights.vulnerable_area * table["vulnerable"]
    )
    table["area_type_points"] = weights.area_type_1 * table["area_type_1"] + weights.area_type_2 * table["area_type_2"]
    table["existing_units_points"] = np.where(table["existing_units"] == 0, weights.no_existing_units, 0.0)
    table["priority"] = table[
        ["uncovered_points", "vulnerability_points", "area_type_points", "existing_units_points"]
    ].sum(axis=1)
    return table


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    table["rank"] = table["priority"].rank(method="min", ascending=False).astype(int)
    return table.sort_values("rank", kind="stable")


def _uncovered_text(uncovered_children: float, radius_m: float) -> str:
    count = round(uncovered_children)
    children = "inga barn" if count == 0 else f"{format_number(count)} barn"
    return f"{children} 0–5 år bor mer än {format_distance(radius_m)} från en familjecentral"


def _counted(count: int, singular: str, plural: str) -> str:
    return f"{format_number(count)} {singular if count == 1 else plural}"


def _units_text(count: int) -> str:
    return "inga befintliga enheter" if count == 0 else _counted(count, "befintlig enhet", "befintliga enheter")


def _explain_municipality(row, radius_m: float) -> str:
    parts = [_uncovered_text(row.uncovered_children, radius_m)]
    for count, singular, plural in (
        (row.especially_vulnerable, "särskilt utsatt område", "särskilt utsatta områden"),
        (row.risk, "riskområde", "riskområden"),
        (row.vulnerable, "utsatt område", "utsatta områden"),
        (row.area_type_1, f"område med {AREA_TYPE_NAMES[1]}", f"områden med {AREA_TYPE_NAMES[1]}"),
        (row.area_type_2, f"område med {AREA_TYPE_NAMES[2]}", f"områden med {AREA_TYPE_NAMES[2]}"),
    ):
        if count:
            parts.append(_counted(count, singular, plural))
    parts.append(_units_text(row.existing_units))
    return "; ".join(parts)


def _explain_area(row, radius_m: float) -> str:
    parts = [_uncovered_text(row.uncovered_children, radius_m)]
    for flagged, text in (
        (row.especially_vulnerable, "särskilt utsatt område"),
        (row.risk, "riskområde"),
        (row.vulnerable, "utsatt område"),
        (row.area_type_1, f"område med {AREA_TYPE_NAMES[1]}"),
        (row.area_type_2, f"område med {AREA_TYPE_NAMES[2]}"),
    ):
        if flagged:
            parts.append(text)
    parts.append(f"{_units_text(row.existing_units)} inom {format_distance(radius_m)}")
    return "; ".join(parts)
