"""Small frame builders for the analysis tests; coordinates are SWEREF 99 TM (EPSG:3006) metres."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

# An origin in central Sweden, so hand-made offsets in metres stay valid EPSG:3006 coordinates.
ORIGIN_X, ORIGIN_Y = 600_000.0, 6_600_000.0


def demand_layer(
    offsets_m,
    children,
    *,
    municipality_codes=None,
    region_codes=None,
    categories=None,
    area_types=None,
):
    """Demand points at (dx, dy) metres from the origin, in the shared demand-frame contract."""
    offsets_m = np.asarray(offsets_m, dtype=float).reshape(-1, 2)
    n = len(offsets_m)
    return gpd.GeoDataFrame(
        {
            "area_id": [f"A{i}" for i in range(n)],
            "municipality_code": municipality_codes or ["0180"] * n,
            "region_code": region_codes or ["01"] * n,
            "population": np.asarray(children, dtype=float) * 15,
            "children_0_5": np.asarray(children, dtype=float),
            "vulnerable_category": categories or [None] * n,
            "area_type": area_types or [None] * n,
            "modelled": True,
        },
        geometry=shapely.points(offsets_m + [ORIGIN_X, ORIGIN_Y]),
        crs="EPSG:3006",
    )


def unit_layer(offsets_m, classifications=None, ids=None):
    """Units at (dx, dy) metres from the origin; all family centres unless told otherwise."""
    offsets_m = np.asarray(offsets_m, dtype=float).reshape(-1, 2)
    n = len(offsets_m)
    return gpd.GeoDataFrame(
        {
            "unit_id": ids or [f"U{i}" for i in range(n)],
            "classification": classifications or ["family_centre"] * n,
        },
        geometry=shapely.points(offsets_m + [ORIGIN_X, ORIGIN_Y]),
        crs="EPSG:3006",
    )


def random_layers(seed, n_demand=200, n_units=15, extent_m=40_000.0):
    """A seeded random demand layer over 3 kommuner in 2 regions, and random units."""
    rng = np.random.default_rng(seed)
    municipality = rng.choice(["0180", "0181", "1280"], n_demand)
    demand = demand_layer(
        rng.uniform(0, extent_m, (n_demand, 2)),
        rng.integers(0, 400, n_demand),
        municipality_codes=list(municipality),
        region_codes=[code[:2] for code in municipality],
        categories=list(rng.choice(["especially_vulnerable", "risk", "vulnerable", None], n_demand, p=[0.05, 0.05, 0.1, 0.8])),
        area_types=list(rng.choice([1, 2, 3, 4, 5], n_demand)),
    )
    units = unit_layer(
        rng.uniform(0, extent_m, (n_units, 2)),
        classifications=list(rng.choice(["family_centre", "similar_service", "not_qualifying"], n_units, p=[0.6, 0.3, 0.1])),
    )
    return demand, units


@pytest.fixture
def layers():
    """The builders above, as a fixture: ``layers.demand(...)``, ``layers.units(...)``, ``layers.random(seed)``."""

    class Layers:
        demand = staticmethod(demand_layer)
        units = staticmethod(unit_layer)
        random = staticmethod(random_layers)
        origin = (ORIGIN_X, ORIGIN_Y)

    return Layers
