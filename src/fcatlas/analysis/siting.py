"""Choosing sites for new units: maximal covering (MCLP) and p-median, with existing units open.

Distances are straight-line EPSG:3006 metres. Demand weight = children 0–5 × a multiplier per
Police vulnerability category × a multiplier per SCB area type (:func:`demand_weights`). Each problem has two methods:

- ``"greedy"``: lazy greedy (CELF: a priority queue of marginal gains, re-evaluated only when
  stale) followed by 1-swap interchange until no swap improves the objective;
- ``"highs"``: the exact MIP solved by HiGHS (``highspy``), built from sparse pairs.

Both use only the pairs that can matter: for MCLP, candidate–demand pairs within the radius for
demand not already covered by an existing unit; for p-median, pairs where the candidate is
strictly nearer than the nearest existing unit (only those can lower a demand's distance).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import geopandas as gpd
import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from fcatlas.analysis.coverage import metric_coordinates, require_columns, vulnerability_class

DEFAULT_VULNERABILITY_MULTIPLIERS: Mapping[str, float] = MappingProxyType(
    {"especially_vulnerable": 2.0, "risk": 1.5, "vulnerable": 1.25}
)
"""Demand multiplier per Police category; areas not on the list weigh 1."""
DEFAULT_AREA_TYPE_MULTIPLIERS: Mapping[int, float] = MappingProxyType({1: 2.0, 2: 1.5})
"""Demand multiplier per SCB area type (1 stora, 2 socioekonomiska utmaningar); other types weigh 1."""

Method = Literal["greedy", "highs"]


@dataclass(frozen=True)
class SitingResult:
    """Sites chosen for one problem by one method.

    ``objective`` is, for MCLP, the weighted demand covered within the radius by existing and new
    sites together; for p-median, Σ weight × metres to the nearest open site.
    ``demand_by_site`` is, per chosen site, the weighted demand it newly serves: demand that no
    existing unit covers (MCLP) or that it is nearer to than any existing unit (p-median), each
    demand counted once, at its nearest chosen site.
    """

    problem: Literal["mclp", "p_median"]
    method: Method
    site_ids: tuple
    objective: float
    demand_by_site: pd.Series
    runtime_s: float
    proven_optimal: bool


@dataclass(frozen=True)
class HeuristicGap:
    """The greedy and the exact result on one instance; ``gap`` is the greedy's relative shortfall (≥ 0)."""

    heuristic: SitingResult
    exact: SitingResult
    gap: float


@dataclass(frozen=True)
class _Pairs:
    """Demand–candidate pairs sorted by candidate, with ``start`` delimiting each candidate's run."""

    demand: np.ndarray
    candidate: np.ndarray
    distance_m: np.ndarray
    start: np.ndarray

    @classmethod
    def build(cls, demand: np.ndarray, candidate: np.ndarray, distance_m: np.ndarray, n_candidates: int) -> _Pairs:
        order = np.lexsort((demand, candidate))
        candidate = candidate[order]
        start = np.searchsorted(candidate, np.arange(n_candidates + 1))
        return cls(demand[order], candidate, distance_m[order], start)

    def of(self, site: int) -> slice:
        return slice(self.start[site], self.start[site + 1])


def demand_weights(
    demand: pd.DataFrame,
    vulnerability_multipliers: Mapping[str, float] = DEFAULT_VULNERABILITY_MULTIPLIERS,
    area_type_multipliers: Mapping[int, float] = DEFAULT_AREA_TYPE_MULTIPLIERS,
) -> pd.Series:
    """Children 0–5 × the multiplier of each area's Police category × that of its SCB area type (1 where
    an area is not listed, or has another or no area type)."""
    require_columns(demand, ("children_0_5", "vulnerable_category"), "demand")
    multiplier = vulnerability_class(demand).map(lambda category: vulnerability_multipliers.get(category, 1.0))
    if "area_type" in demand:
        area_type = pd.to_numeric(demand["area_type"], errors="coerce")
        multiplier = multiplier.astype(float) * area_type.map(lambda t: area_type_multipliers.get(t, 1.0)).fillna(1.0)
    return (demand["children_0_5"].astype(float) * multiplier.astype(float)).rename("weight")


def solve_mclp(
    demand: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    existing_units: gpd.GeoDataFrame | None,
    p: int,
    radius_m: float,
    *,
    method: Method = "greedy",
    vulnerability_multipliers: Mapping[str, float] = DEFAULT_VULNERABILITY_MULTIPLIERS,
    time_limit_s: float | None = None,
) -> SitingResult:
    """Open ``p`` of ``candidates`` (column ``site_id``) to maximise weighted demand within ``radius_m`` m.

    Every unit in ``existing_units`` stays open; filter it first (e.g. to family centres).
    """
    started = time.perf_counter()
    weight, demand_xy, candidate_xy, candidate_ids, existing_xy = _inputs(
        demand, candidates, existing_units, p, method, vulnerability_multipliers
    )
    covered_by_existing = np.zeros(len(weight), dtype=bool)
    if len(existing_xy):
        covered_by_existing = cKDTree(existing_xy).query(demand_xy)[0] <= radius_m
    base = weight[covered_by_existing].sum()
    open_demand = np.flatnonzero(~covered_by_existing & (weight > 0))
    pairs = _pairs_within(demand_xy[open_demand], candidate_xy, np.full(len(open_demand), float(radius_m)))
    open_weight = weight[open_demand]
    if method == "greedy":
        chosen = _swap_mclp(pairs, open_weight, _greedy_mclp(pairs, open_weight, p))
        proven_optimal = False
    else:
        chosen, proven_optimal = _highs_mclp(pairs, open_weight, len(candidate_xy), p, time_limit_s)
    covered = np.zeros(len(open_weight), dtype=bool)
    for site in chosen:
        covered[pairs.demand[pairs.of(site)]] = True
    return SitingResult(
        problem="mclp",
        method=method,
        site_ids=tuple(candidate_ids[chosen].tolist()),
        objective=float(base + open_weight[covered].sum()),
        demand_by_site=_demand_by_site(pairs, open_weight, chosen, candidate_ids),
        runtime_s=time.perf_counter() - started,
        proven_optimal=proven_optimal,
    )


def solve_p_median(
    demand: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    existing_units: gpd.GeoDataFrame | None,
    p: int,
    *,
    method: Method = "greedy",
    vulnerability_multipliers: Mapping[str, float] = DEFAULT_VULNERABILITY_MULTIPLIERS,
    time_limit_s: float | None = None,
) -> SitingResult:
    """Open ``p`` of ``candidates`` (column ``site_id``) to minimise Σ weight × metres to the nearest open site.

    Every unit in ``existing_units`` stays open. Without existing units every demand–candidate
    pair is used, so keep such instances small.
    """
    started = time.perf_counter()
    weight, demand_xy, candidate_xy, candidate_ids, existing_xy = _inputs(
        demand, candidates, existing_units, p, method, vulnerability_multipliers
    )
    weighted = weight > 0
    weight, demand_xy = weight[weighted], demand_xy[weighted]
    if len(existing_xy):
        fallback_m = cKDTree(existing_xy).query(demand_xy)[0]
    else:
        # A stand-in "existing" distance just beyond the farthest candidate: every pair stays
        # eligible and, with p ≥ 1, no demand ends up using the stand-in.
        fallback_m = cdist(demand_xy, candidate_xy).max(axis=1) + 1.0
    pairs = _pairs_within(demand_xy, candidate_xy, fallback_m, strictly=True)
    if method == "greedy":
        chosen = _swap_p_median(pairs, weight, fallback_m, _greedy_p_median(pairs, weight, fallback_m, p))
        proven_optimal = False
    else:
        chosen, proven_optimal = _highs_p_median(pairs, weight, fallback_m, len(candidate_xy), p, time_limit_s)
    return SitingResult(
        problem="p_median",
        method=method,
        site_ids=tuple(candidate_ids[chosen].tolist()),
        objective=float(weight @ _distance_with(pairs, fallback_m, chosen)),
        demand_by_site=_demand_by_site(pairs, weight, chosen, candidate_ids),
        runtime_s=time.perf_counter() - started,
        proven_optimal=proven_optimal,
    )


def compare_heuristic_with_exact(solve: Callable[..., SitingResult], /, *args, **kwargs) -> HeuristicGap:
    """Run ``solve`` (:func:`solve_mclp` or :func:`solve_p_median`) greedily and exactly; report the gap."""
    heuristic = solve(*args, method="greedy", **kwargs)
    exact = solve(*args, method="highs", **kwargs)
    if exact.objective == 0:
        gap = 0.0 if heuristic.objective == 0 else np.inf
    elif heuristic.problem == "mclp":
        gap = (exact.objective - heuristic.objective) / exact.objective
    else:
        gap = (heuristic.objective - exact.objective) / exact.objective
    return HeuristicGap(heuristic=heuristic, exact=exact, gap=float(gap))


def _inputs(demand, candidates, existing_units, p, method, vulnerability_multipliers):
    if method not in ("greedy", "highs"):
        raise ValueError(f"method must be 'greedy' or 'highs', got {method!r}")
    require_columns(candidates, ("site_id",), "candidates")
    if not 1 <= p <= len(candidates):
        raise ValueError(f"p must be between 1 and the number of candidates ({len(candidates)}), got {p}")
    weight = demand_weights(demand, vulnerability_multipliers).to_numpy()
    existing_xy = (
        np.empty((0, 2)) if existing_units is None or len(existing_units) == 0
        else metric_coordinates(existing_units, "existing units")
    )
    return (
        weight,
        metric_coordinates(demand, "demand"),
        metric_coordinates(candidates, "candidates"),
        candidates["site_id"].to_numpy(),
        existing_xy,
    )


def _pairs_within(
    demand_xy: np.ndarray, candidate_xy: np.ndarray, reach_m: np.ndarray, strictly: bool = False
) -> _Pairs:
    """Pairs with distance ≤ reach (< reach when ``strictly``), reach given per demand point."""
    neighbours = cKDTree(candidate_xy).query_ball_point(demand_xy, reach_m)
    counts = np.fromiter(map(len, neighbours), dtype=np.intp, count=len(neighbours))
    demand = np.repeat(np.arange(len(demand_xy)), counts)
    candidate = np.concatenate([np.asarray(found, dtype=np.intp) for found in neighbours] + [np.empty(0, np.intp)])
    distance = np.hypot(*(demand_xy[demand] - candidate_xy[candidate]).T)
    keep = distance < reach_m[demand] if strictly else distance <= reach_m[demand]
    return _Pairs.build(demand[keep], candidate[keep], distance[keep], len(candidate_xy))


def _greedy_mclp(pairs: _Pairs, weight: np.ndarray, p: int) -> list[int]:
    uncovered = weight.copy()
    gains = np.bincount(pairs.candidate, weights=weight[pairs.demand], minlength=len(pairs.start) - 1)
    # CELF: a stale gain bounds the fresh one from above (coverage is submodular), so a popped
    # site whose gain was computed in this round is the round's best.
    queue = [(-gain, site, 0) for site, gain in enumerate(gains)]
    heapq.heapify(queue)
    chosen: list[int] = []
    while len(chosen) < p:
        _, site, computed_in = heapq.heappop(queue)
        if computed_in == len(chosen):
            chosen.append(site)
            uncovered[pairs.demand[pairs.of(site)]] = 0.0
        else:
            heapq.heappush(queue, (-uncovered[pairs.demand[pairs.of(site)]].sum(), site, len(chosen)))
    return chosen


def _swap_mclp(pairs: _Pairs, weight: np.ndarray, chosen: list[int]) -> list[int]:
    n_candidates = len(pairs.start) - 1
    coverage = sparse.csr_array(
        (np.ones(len(pairs.demand)), (pairs.candidate, pairs.demand)), shape=(n_candidates, len(weight))
    )
    chosen = list(chosen)
    is_chosen = np.zeros(n_candidates, dtype=bool)
    is_chosen[chosen] = True
    cover_count = np.zeros(len(weight), dtype=np.intp)
    for site in chosen:
        cover_count[pairs.demand[pairs.of(site)]] += 1
    tolerance = 1e-9 * max(1.0, weight.sum())
    improved = True
    while improved:
        improved = False
        for position, site in enumerate(chosen):
            served = pairs.demand[pairs.of(site)]
            only_here = served[cover_count[served] == 1]
            loss = weight[only_here].sum()
            open_weight = np.where(cover_count == 0, weight, 0.0)
            open_weight[only_here] = weight[only_here]
            gains = coverage @ open_weight
            gains[is_chosen] = -np.inf
            best = int(np.argmax(gains))
            if gains[best] - loss > tolerance:
                cover_count[served] -= 1
                cover_count[pairs.demand[pairs.of(best)]] += 1
                is_chosen[site], is_chosen[best] = False, True
                chosen[position] = best
                improved = True
    return chosen


def _distance_with(pairs: _Pairs, fallback_m: np.ndarray, chosen) -> np.ndarray:
    distance = fallback_m.copy()
    for site in chosen:
        run = pairs.of(site)
        served = pairs.demand[run]
        distance[served] = np.minimum(distance[served], pairs.distance_m[run])
    return distance


def _p_median_gains(pairs: _Pairs, weight: np.ndarray, distance: np.ndarray) -> np.ndarray:
    saving = weight[pairs.demand] * np.maximum(distance[pairs.demand] - pairs.distance_m, 0.0)
    # astype: bincount returns integers when there are no pairs at all.
    return np.bincount(pairs.candidate, weights=saving, minlength=len(pairs.start) - 1).astype(float)


def _greedy_p_median(pairs: _Pairs, weight: np.ndarray, fallback_m: np.ndarray, p: int) -> list[int]:
    distance = fallback_m.copy()
    gains = _p_median_gains(pairs, weight, distance)
    # CELF as in _greedy_mclp: the saving of adding a site only shrinks as sites are added.
    queue = [(-gain, site, 0) for site, gain in enumerate(gains)]
    heapq.heapify(queue)
    chosen: list[int] = []
    while len(chosen) < p:
        _, site, computed_in = heapq.heappop(queue)
        run = pairs.of(site)
        served = pairs.demand[run]
        if computed_in == len(chosen):
            chosen.append(site)
            distance[served] = np.minimum(distance[served], pairs.distance_m[run])
        else:
            saving = weight[served] @ np.maximum(distance[served] - pairs.distance_m[run], 0.0)
            heapq.heappush(queue, (-saving, site, len(chosen)))
    return chosen


def _swap_p_median(pairs: _Pairs, weight: np.ndarray, fallback_m: np.ndarray, chosen: list[int]) -> list[int]:
    chosen = list(chosen)
    is_chosen = np.zeros(len(pairs.start) - 1, dtype=bool)
    is_chosen[chosen] = True
    cost = weight @ _distance_with(pairs, fallback_m, chosen)
    tolerance = 1e-9 * max(1.0, cost)
    improved = True
    while improved:
        improved = False
        for position, site in enumerate(chosen):
            without = _distance_with(pairs, fallback_m, chosen[:position] + chosen[position + 1 :])
            gains = _p_median_gains(pairs, weight, without)
            gains[is_chosen] = -np.inf
            best = int(np.argmax(gains))
            swapped_cost = weight @ without - gains[best]
            if swapped_cost < cost - tolerance:
                is_chosen[site], is_chosen[best] = False, True
                chosen[position] = best
                cost = swapped_cost
                improved = True
    return chosen


def _highs_mclp(pairs: _Pairs, weight: np.ndarray, n_candidates: int, p: int, time_limit_s) -> tuple[list[int], bool]:
    # Columns: y_j ∈ {0, 1} per candidate, then c_i ∈ [0, 1] per open demand (its covered share).
    # Rows: c_i − Σ_{j covers i} y_j ≤ 0 per demand; Σ y_j = p.
    n_demand = len(weight)
    covers = sparse.csr_array(
        (np.ones(len(pairs.demand)), (pairs.demand, pairs.candidate)), shape=(n_demand, n_candidates)
    )
    constraints = sparse.block_array(
        [[-covers, sparse.eye_array(n_demand)], [np.ones((1, n_candidates)), None]], format="csr"
    )
    solution, proven_optimal = _run_highs(
        sense=highspy.ObjSense.kMaximize,
        cost=np.concatenate([np.zeros(n_candidates), weight]),
        n_integer=n_candidates,
        constraints=constraints,
        row_lower=np.concatenate([np.full(n_demand, -np.inf), [p]]),
        row_upper=np.concatenate([np.zeros(n_demand), [p]]),
        time_limit_s=time_limit_s,
    )
    return list(np.flatnonzero(solution[:n_candidates] > 0.5)), proven_optimal


def _highs_p_median(
    pairs: _Pairs, weight: np.ndarray, fallback_m: np.ndarray, n_candidates: int, p: int, time_limit_s
) -> tuple[list[int], bool]:
    # Columns: y_j ∈ {0, 1} per candidate; x_k ∈ [0, 1] per pair k = (i, j), demand i served by j;
    # z_i ∈ [0, 1] per demand, served by its nearest existing unit (or the stand-in).
    # Rows: Σ_{k of i} x_k + z_i = 1 per demand; x_k − y_j ≤ 0 per pair; Σ y_j = p.
    n_demand, n_pairs = len(weight), len(pairs.demand)
    pair_index = np.arange(n_pairs)
    serves = sparse.csr_array((np.ones(n_pairs), (pairs.demand, pair_index)), shape=(n_demand, n_pairs))
    opens = sparse.csr_array((np.ones(n_pairs), (pair_index, pairs.candidate)), shape=(n_pairs, n_candidates))
    constraints = sparse.block_array(
        [
            [None, serves, sparse.eye_array(n_demand)],
            [-opens, sparse.eye_array(n_pairs), None],
            [np.ones((1, n_candidates)), None, None],
        ],
        format="csr",
    )
    solution, proven_optimal = _run_highs(
        sense=highspy.ObjSense.kMinimize,
        cost=np.concatenate([np.zeros(n_candidates), weight[pairs.demand] * pairs.distance_m, weight * fallback_m]),
        n_integer=n_candidates,
        constraints=constraints,
        row_lower=np.concatenate([np.ones(n_demand), np.full(n_pairs, -np.inf), [p]]),
        row_upper=np.concatenate([np.ones(n_demand), np.zeros(n_pairs), [p]]),
        time_limit_s=time_limit_s,
    )
    return list(np.flatnonzero(solution[:n_candidates] > 0.5)), proven_optimal


def _run_highs(
    *, sense, cost: np.ndarray, n_integer: int, constraints: sparse.csr_array, row_lower, row_upper, time_limit_s
) -> tuple[np.ndarray, bool]:
    """Solve a MIP over columns in [0, 1], the first ``n_integer`` of them binary."""
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = constraints.shape[1], constraints.shape[0]
    model.sense_ = sense
    model.col_cost_ = cost
    model.col_lower_ = np.zeros(len(cost))
    model.col_upper_ = np.ones(len(cost))
    model.row_lower_ = row_lower
    model.row_upper_ = row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = constraints.indptr
    model.a_matrix_.index_ = constraints.indices
    model.a_matrix_.value_ = constraints.data
    model.integrality_ = [highspy.HighsVarType.kInteger] * n_integer + [highspy.HighsVarType.kContinuous] * (
        len(cost) - n_integer
    )
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_rel_gap", 0.0)
    if time_limit_s is not None:
        solver.setOptionValue("time_limit", float(time_limit_s))
    solver.passModel(model)
    solver.run()
    status = solver.getModelStatus()
    if solver.getInfo().primal_solution_status != 2:  # 2 = a feasible solution is available
        raise RuntimeError(f"HiGHS found no feasible solution: {solver.modelStatusToString(status)}")
    return np.asarray(solver.getSolution().col_value), status == highspy.HighsModelStatus.kOptimal


def _demand_by_site(pairs: _Pairs, weight: np.ndarray, chosen, candidate_ids: np.ndarray) -> pd.Series:
    in_chosen = np.isin(pairs.candidate, chosen)
    demand, candidate, distance = pairs.demand[in_chosen], pairs.candidate[in_chosen], pairs.distance_m[in_chosen]
    nearest_first = np.lexsort((candidate, distance, demand))
    first_of_demand = np.unique(demand[nearest_first], return_index=True)[1]
    assigned = nearest_first[first_of_demand]
    served = pd.Series(weight[demand[assigned]], index=candidate[assigned]).groupby(level=0).sum()
    served = served.reindex(list(chosen), fill_value=0.0)
    served.index = pd.Index(candidate_ids[list(chosen)], name="site_id")
    return served.rename("weighted_demand")


def small_area_candidates(demand: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One candidate site per small area (``small_area_code``): the area's demand point nearest to its
    children-weighted centre, so every site is a place where people live. ``site_id`` is the area code."""
    require_columns(demand, ("small_area_code", "children_0_5"), "demand")
    xy = metric_coordinates(demand, "demand")
    frame = pd.DataFrame({"code": demand["small_area_code"].to_numpy(), "x": xy[:, 0], "y": xy[:, 1],
                          "w": demand["children_0_5"].to_numpy(dtype=float) + 1e-9})
    frame["wx"], frame["wy"] = frame["w"] * frame["x"], frame["w"] * frame["y"]
    sums = frame.groupby("code")[["w", "wx", "wy"]].transform("sum")
    frame["distance"] = np.hypot(frame["x"] - sums["wx"] / sums["w"], frame["y"] - sums["wy"] / sums["w"])
    chosen = frame.groupby("code")["distance"].idxmin().to_numpy()
    sites = demand.iloc[chosen]
    return gpd.GeoDataFrame(
        {"site_id": sites["small_area_code"].to_numpy(), "municipality_code": sites["municipality_code"].to_numpy()},
        geometry=sites.geometry.to_numpy(), crs=demand.crs,
    )
