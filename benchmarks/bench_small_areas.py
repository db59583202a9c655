"""The shipped SCB layer (children 0–5 per RegSO 2025, placed inside each RegSO): coverage, exact site choice
against spopt, and the size of a region's RegSO map layer (scenario deltas: ``bench_scenario.py``).

Run: ``python benchmarks/bench_small_areas.py`` (``--skip-spopt-national`` leaves out the 10-minute spopt attempt).
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pulp
import shapely
from bench_coverage import RADIUS_M, SEED, median_seconds, national_inputs
from scipy.spatial.distance import cdist

from fcatlas.analysis.coverage import DemandIndex, national_coverage
from fcatlas.analysis.demand import build_shipped_demand
from fcatlas.analysis.siting import demand_weights, small_area_candidates, solve_mclp

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
P = 25
SPOPT_LIMIT_S = 600
REGIONAL_INSTANCE = "06"  # Jönköpings län: small enough for spopt to finish
MAP_LAYER_TARGET_BYTES = 200_000


def shipped():
    started = time.perf_counter()
    layer = build_shipped_demand(DATA_DIR)
    return layer, time.perf_counter() - started


def spopt_objective(demand_xy, facility_xy, weights, predefined, p) -> float:
    from spopt.locate import MCLP

    model = MCLP.from_cost_matrix(cdist(demand_xy, facility_xy), weights, RADIUS_M, p,
                                  predefined_facilities_arr=predefined)
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return pulp.value(model.problem.objective)


def _spopt_child(queue, *args):
    started = time.perf_counter()
    objective = spopt_objective(*args)
    queue.put((objective, time.perf_counter() - started))


def spopt_with_limit(demand, candidates, existing, limit_s):
    """spopt's MCLP on the same inputs in another process: (objective, seconds), or None after ``limit_s``."""
    demand_xy = shapely.get_coordinates(demand.to_crs(3006).geometry.values)
    facility_xy = np.vstack([shapely.get_coordinates(f.to_crs(3006).geometry.values) for f in (candidates, existing)])
    predefined = np.r_[np.zeros(len(candidates)), np.ones(len(existing))].astype(int)
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=_spopt_child,
        args=(queue, demand_xy, facility_xy, demand_weights(demand).to_numpy(), predefined, P + len(existing)))
    process.start()
    process.join(limit_s)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return queue.get() if not queue.empty() else None


def region_layer_sizes() -> list[tuple[str, int, int]]:
    """(region, raw bytes, gzip bytes) of the RegSO layer each region page loads, served by the app."""
    var = tempfile.mkdtemp(prefix="fcatlas-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "fcatlas.settings", "FCATLAS_VAR_DIR": var})
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from fcatlas.reference.loading import load_reference
    from fcatlas.reference.models import Region

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_reference(settings.DATA_DIR)
    client = Client()
    sizes = []
    for code in Region.objects.values_list("code", flat=True):
        url = f"/api/v1/small-areas.geojson?region={code}"
        raw = client.get(url).content
        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
        json.loads(gzip.decompress(packed))
        sizes.append((code, len(raw), len(packed)))
    return sizes


def run(skip_spopt_national: bool = False) -> list[dict]:
    layer, build_s = shipped()
    demand = layer.points.to_crs(3006)
    _, units = national_inputs()
    units = units.to_crs(3006)
    existing = units[units["classification"] == "family_centre"]
    rows = [{"benchmark": f"build the shipped layer ({len(layer.areas):,} RegSO → {len(demand):,} points)",
             "ours": f"{build_s:.1f} s", "peer": "—", "ratio": "—", "target": "—", "met": None}]

    started = time.perf_counter()
    index = DemandIndex(demand)
    index_s = time.perf_counter() - started
    coverage_s = median_seconds(lambda: national_coverage(index, units, RADIUS_M, ("family_centre",)), repeats=50)
    rows.append({"benchmark": f"national coverage on the SCB layer (prepared index, built once in {index_s * 1e3:.0f} ms)",
                 "ours": f"{coverage_s * 1e3:.2f} ms", "peer": "—", "ratio": "—", "target": "≤ 10 ms",
                 "met": coverage_s <= 0.010})

    for scope, frame in (("national", demand), (f"region {REGIONAL_INSTANCE}", demand[demand["region_code"] == REGIONAL_INSTANCE])):
        candidates = small_area_candidates(frame)
        fixed = existing if scope == "national" else existing[existing.geometry.within(
            shapely.convex_hull(shapely.multipoints(frame.geometry.values)).buffer(20_000))]
        started = time.perf_counter()
        result = solve_mclp(frame, candidates, fixed, P, RADIUS_M, method="highs", time_limit_s=SPOPT_LIMIT_S)
        ours_s = time.perf_counter() - started
        label = (f"exact MCLP (HiGHS), {scope}: every RegSO a candidate ({len(candidates):,}), {len(frame):,} demand "
                 f"points, {len(fixed)} existing units fixed, p = {P}; proven optimal: {result.proven_optimal}")
        if scope == "national" and skip_spopt_national:
            peer = None
            peer_text = "not run (--skip-spopt-national)"
        else:
            peer = spopt_with_limit(frame, candidates, fixed, SPOPT_LIMIT_S)
            peer_text = f"did not finish in {SPOPT_LIMIT_S // 60} min" if peer is None else f"{peer[1]:.1f} s"
        ratio = "—" if peer is None else f"{peer[1] / ours_s:.0f}× faster (objective {result.objective / peer[0]:.2%})"
        rows.append({"benchmark": label, "ours": f"{ours_s:.2f} s", "peer": f"spopt/CBC: {peer_text}", "ratio": ratio,
                     "target": "proven optimal, ≥ 50× spopt", "met": bool(result.proven_optimal and (
                         peer is None or (peer[1] / ours_s >= 50 and abs(result.objective / peer[0] - 1) < 1e-6)))})

    sizes = region_layer_sizes()
    code, raw, packed = max(sizes, key=lambda size: size[1])
    rows.append({"benchmark": f"RegSO map layer of one region: the largest of 21 (region {code}), gzip as sent / raw",
                 "ours": f"{packed / 1000:.0f} KB / {raw / 1000:.0f} KB", "peer": "—", "ratio": "—",
                 "target": "≤ 200 KB", "met": packed <= MAP_LAYER_TARGET_BYTES})
    return rows


if __name__ == "__main__":
    from run_all import print_table

    print_table(run(skip_spopt_national="--skip-spopt-national" in sys.argv))
