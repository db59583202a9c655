"""Two-step floating catchment accessibility (2SFCA, E2SFCA) over straight-line EPSG:3006 metres.

The numbers match PySAL ``access`` (``Access.two_stage_fca`` / ``enhanced_two_stage_fca`` with
``weights.step_fn`` / ``weights.gaussian``) given the same distances:

1. every unit j gets a ratio R_j = supply_j / Σ_i w(d_ij) · demand_i over demand areas i with
   d_ij ≤ radius (distance equal to the radius is inside the catchment);
2. every demand area gets A_i = Σ_j w(d_ij) · R_j over the same pairs.

w is 1 for plain 2SFCA. Two deliberate differences from ``access``, both where it yields
NaN or infinity: a demand area with no unit within the radius gets 0 (``access``: NaN), and a
unit whose catchment holds no weighted demand gets R_j = 0 (``access``: inf).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from fcatlas.analysis.coverage import metric_coordinates, require_columns

DEFAULT_E2SFCA_STEPS = ((2_000.0, 1.0), (5_000.0, 0.68), (10_000.0, 0.22))
"""Luo & Qi's (2009) E2SFCA weights 1 / 0.68 / 0.22, on 0–2, 2–5 and 5–10 km zones."""


@dataclass(frozen=True)
class StepDecay:
    """Step weight over distance: ``steps`` are (upper distance m, weight) pairs.

    A distance gets the weight of the first step whose upper distance it does not exceed
    (d ≤ upper, as ``access.weights.step_fn``) and 0 beyond the last step.
    """

    steps: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        steps = tuple(sorted((float(upper), float(weight)) for upper, weight in self.steps))
        if not steps:
            raise ValueError("StepDecay needs at least one (upper distance m, weight) step")
        if any(weight < 0 for _, weight in steps):
            raise ValueError("StepDecay weights must be non-negative")
        object.__setattr__(self, "steps", steps)

    @property
    def reach_m(self) -> float:
        """Distance (m) beyond which the weight is 0."""
        return self.steps[-1][0]

    def __call__(self, distance_m: np.ndarray) -> np.ndarray:
        uppers = np.array([upper for upper, _ in self.steps])
        weights = np.array([weight for _, weight in self.steps] + [0.0])
        return weights[np.searchsorted(uppers, distance_m, side="left")]


@dataclass(frozen=True)
class GaussianDecay:
    """Gaussian weight exp(-d² / 2σ²) with σ = ``sigma_m`` metres; 1 at distance 0, never 0."""

    sigma_m: float

    def __post_init__(self) -> None:
        if not self.sigma_m > 0:
            raise ValueError("GaussianDecay needs sigma_m > 0")

    @property
    def reach_m(self) -> float:
        return np.inf

    def __call__(self, distance_m: np.ndarray) -> np.ndarray:
        return np.exp(-distance_m * distance_m / (2 * self.sigma_m**2))


Decay = StepDecay | GaussianDecay


def two_step_fca(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    radius_m: float,
    *,
    demand_column: str = "children_0_5",
    supply_column: str | None = None,
    decay: Decay | None = None,
    normalize: bool = False,
) -> pd.Series:
    """2SFCA accessibility of each demand area (supply per unit of demand), indexed like ``demand``.

    ``radius_m`` is the catchment radius in metres. ``supply_column`` holds each unit's capacity
    (1 per unit when None); pass ``select_units(units, ...)`` to restrict the units. With
    ``decay`` the pairs are weighted by distance (E2SFCA). ``normalize`` divides by the
    demand-weighted mean, as ``access``'s ``normalize=True``.
    """
    require_columns(demand, (demand_column,), "demand")
    if supply_column is not None:
        require_columns(supply, (supply_column,), "supply")
    demand_values = demand[demand_column].to_numpy(dtype=float)
    supply_values = np.ones(len(supply)) if supply_column is None else supply[supply_column].to_numpy(dtype=float)
    weights = catchment_weights(
        metric_coordinates(demand, "demand"), metric_coordinates(supply, "supply"), radius_m, decay
    )
    catchment_demand = weights.T @ demand_values
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(catchment_demand > 0, supply_values / catchment_demand, 0.0)
    access = weights @ ratio
    if normalize:
        access = access / (np.sum(access * demand_values) / np.sum(demand_values))
    return pd.Series(access, index=demand.index, name="access")


def enhanced_two_step_fca(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    decay: Decay = StepDecay(DEFAULT_E2SFCA_STEPS),
    radius_m: float | None = None,
    *,
    demand_column: str = "children_0_5",
    supply_column: str | None = None,
    normalize: bool = False,
) -> pd.Series:
    """E2SFCA: :func:`two_step_fca` with a distance ``decay`` (default Luo & Qi steps).

    The catchment ends at ``radius_m`` or where the decay reaches 0, whichever is nearer; a
    Gaussian decay never reaches 0, so it needs ``radius_m``.
    """
    reach_m = min(np.inf if radius_m is None else radius_m, decay.reach_m)
    if not np.isfinite(reach_m):
        raise ValueError("a Gaussian decay needs a finite radius_m (metres) to bound the catchment")
    return two_step_fca(
        demand,
        supply,
        reach_m,
        demand_column=demand_column,
        supply_column=supply_column,
        decay=decay,
        normalize=normalize,
    )


def catchment_weights(
    demand_xy: np.ndarray,
    supply_xy: np.ndarray,
    radius_m: float,
    decay: Callable[[np.ndarray], np.ndarray] | None = None,
) -> sparse.csr_array:
    """Sparse (demand × supply) weights w(d) for every pair at most ``radius_m`` metres apart.

    Coordinates are EPSG:3006 metres. Pairs at distance 0 are kept (as explicit entries).
    """
    pairs = cKDTree(demand_xy).sparse_distance_matrix(cKDTree(supply_xy), radius_m, output_type="ndarray")
    weight = np.ones(len(pairs)) if decay is None else decay(pairs["v"])
    return sparse.csr_array((weight, (pairs["i"], pairs["j"])), shape=(len(demand_xy), len(supply_xy)))

