"""The HSDS 3 API (``/api/hsds/``) on the demo registry: how long a page of 50 services takes, through Django's
whole request path (middleware, URL routing, django-ninja, JSON), against the target of ≤ 100 ms.

Run: ``python benchmarks/bench_hsds_api.py [--calls 200]``. It makes a temporary SQLite database (its own
``FCATLAS_VAR_DIR``, removed afterwards), loads the reference data and the synthetic demo registry (246 units) as
``make run`` does, and calls each path ``--calls`` times with Django's test ``Client`` after a warm-up, in one
process: median and 95th percentile, the queries one call makes and the size of the answer. No server, no
network: the figures are the application's own time, the least a client can see.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100
WARM_UP = 5
PATHS = (
    ("/api/hsds/services?per_page=50", "50 services (list items)"),
    ("/api/hsds/services?per_page=50&full=true", "50 services, full=true (nested)"),
    ("/api/hsds/service_at_locations?per_page=50", "50 services at locations"),
    ("/api/hsds/organizations?per_page=50", "50 organisations"),
    ("{service}", "one service by id (fully nested)"),
)


def _setup(var_dir: Path) -> None:
    os.environ["FCATLAS_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file in the temporary folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcatlas.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from fcatlas.registry.demo import load_demo

    with contextlib.redirect_stdout(io.StringIO()):  # load-reference prints its summary table
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        load_demo(settings.DATA_DIR)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(path: str, calls: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    for _ in range(WARM_UP):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(path)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"median": statistics.median(times), "p95": _percentile(times, 0.95), "queries": len(queries),
            "kb": len(response.content) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="fcatlas-bench-hsds-"))
    try:
        _setup(var_dir)
        from fcatlas.registry.exporting.hsds import service_id
        from fcatlas.registry.models import Unit, UnitService

        unit_pk, kind = UnitService.objects.order_by("unit_id", "service_type").values_list(
            "unit_id", "service_type").last()
        table = Table(title=f"HSDS 3 API on the demo registry ({Unit.objects.count()} units, "
                            f"{UnitService.objects.count()} services; {args.calls} calls each, Django test Client)")
        for column in ("request", "median ms", "p95 ms", "queries", "KB", "target", "met?"):
            table.add_column(column, justify="left" if column in ("request", "target", "met?") else "right")
        for path, label in PATHS:
            path = path.replace("{service}", f"/api/hsds/services/{service_id(unit_pk, kind)}")
            result = measure(path, args.calls)
            met = result["p95"] <= TARGET_MS
            table.add_row(f"{label}\n[dim]{path}[/dim]", f"{result['median']:.1f}", f"{result['p95']:.1f}",
                          str(result["queries"]), f"{result['kb']:.0f}", f"p95 ≤ {TARGET_MS} ms",
                          "[green]yes[/green]" if met else "[red]no[/red]")
        Console(width=140).print(table)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
