"""Pages and API under load: ``fcatlas serve`` as ``make run`` starts it, on loopback, one path at a time (locust,
headless): 100 visitors who pause 1–3 s between requests as people reading do (the latency they see), then 100
who never pause (the most the server answers). Beside each, the peer: the same bytes as a static file served by
WhiteNoise from the same server, which is as fast as this server can answer anything.

Run: ``python benchmarks/bench_serving.py [--users 100] [--seconds 20] [--units 10000]``. Needs the ``bench``
extra (``pip install -e '.[bench]'``). It uses its own SQLite database in ``var/bench-serve`` (``DATABASE_URL``
for PostgreSQL: its registry is emptied first), loaded as ``make run`` loads it, plus ``--units`` synthetic units
if given.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-serve"
STATIC_DIR = ROOT / "src" / "fcatlas" / "atlas" / "static" / "bench"
BIN = Path(sys.executable).parent
PATHS = ("/", "/api/v1/municipalities.geojson", "/api/v1/units.geojson", "/api/v1/coverage",
         "/api/v1/small-areas.geojson?region=14")
CACHED_GEOJSON = ("/api/v1/municipalities.geojson", "/api/v1/units.geojson")
P95_TARGET_MS = 100
CACHED_RATE_TARGET = 500
READERS_PER_SECOND = 20
"""Readers arrive 20 a second, as people do, not all in the same millisecond."""
WARM_UP_REQUESTS = 16


def fcatlas(*args: str, env: dict) -> None:
    subprocess.run([str(BIN / "fcatlas"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict, units: int) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    fcatlas("migrate", "--no-input", env=env)
    if os.environ.get("DATABASE_URL"):
        # A PostgreSQL registry starts empty, as SQLite's new file does (the reference data is synchronised).
        subprocess.run([sys.executable, "-c", "import django; django.setup(); from fcatlas.registry.models import "
                        "Unit, UnitChange; Unit.objects.all().delete(); UnitChange.objects.all().delete()"],
                       env=env, check=True)
    load_registry(env, units, WORK)


def load_registry(env: dict, units: int, work: Path) -> None:
    """The registry as ``make run`` loads it (on a migrated, empty database), plus ``units`` synthetic units."""
    fcatlas("load-reference", env=env)
    source = work / f"units-{units}.csv"
    if units:  # written before the demo is loaded: the writer saves the demo's records once as its template
        subprocess.run([sys.executable, "-c", (
            "import sys; sys.path.insert(0, 'benchmarks'); import bench_registry_io as b; b._setup_django(); "
            f"from pathlib import Path; Path({str(source)!r}).write_bytes(b._rows({units}))")],
            env=env, check=True, cwd=ROOT)
    fcatlas("load-demo", env=env)
    fcatlas("build-demand", env=env)
    if units:
        fcatlas("import-units", str(source), env=env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        return gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body


def load(base: str, path: str, users: int, seconds: int, *, pause: bool, revalidate: bool = False) -> dict:
    """Requests per second, median and 95th percentile (ms) and failures for ``users`` visitors on ``path``."""
    prefix = WORK / "locust"
    env = os.environ | {"FCATLAS_BENCH_PATH": path, "FCATLAS_BENCH_REVALIDATE": "1" if revalidate else "0",
                        "FCATLAS_BENCH_PAUSE": "1" if pause else "0"}
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                    "--users", str(users), "--spawn-rate", str(READERS_PER_SECOND if pause else users),
                    "--run-time", f"{seconds}s",
                    "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == path)
    return {"rate": float(row["Requests/s"]), "median": float(row["50%"]), "p95": float(row["95%"]),
            "failures": int(row["Failure Count"]), "requests": int(row["Request Count"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--units", type=int, default=0, help="synthetic units to add to the demo registry")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's own choice)")
    args = parser.parse_args()

    env = os.environ | {"FCATLAS_VAR_DIR": str(WORK), "DJANGO_SETTINGS_MODULE": "fcatlas.settings"}
    prepare(env, args.units)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [str(BIN / "fcatlas"), "serve", "--port", str(port), "--no-task-worker"]
    if args.workers:
        serve += ["--workers", str(args.workers)]

    # The peers are static files of the very bytes each path answers; WhiteNoise finds files when it starts, so
    # the server runs once to get the bytes and again to serve them beside the app.
    with running(serve, env, base):
        bodies = {path: fetch(base + path) for path in PATHS}
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    for number, body in enumerate(bodies.values()):
        (STATIC_DIR / f"peer-{number}.json").write_bytes(body)
        (STATIC_DIR / f"peer-{number}.json.gz").write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    try:
        with running(serve, env, base):
            table = Table(title=f"fcatlas serve under load: {args.users} visitors, {args.seconds} s a run, "
                                f"{os.cpu_count()} cores shared with the load generator")
            for column in ("path", "bytes", "readers req/s", "readers p95 ms", "no pause req/s", "no pause p95 ms",
                           "failed", "peer static: no pause req/s", "target", "met?"):
                table.add_column(column, justify="left" if column in ("path", "target") else "right")

            def add(label: str, path: str, size: int, peer_path: str | None, revalidate: bool = False) -> None:
                with ThreadPoolExecutor(4) as pool:  # the first answer of each worker builds its cache
                    list(pool.map(fetch, [base + path] * WARM_UP_REQUESTS))
                readers = load(base, path, args.users, args.seconds, pause=True, revalidate=revalidate)
                most = load(base, path, args.users, args.seconds, pause=False, revalidate=revalidate)
                peer = load(base, peer_path, args.users, args.seconds, pause=False) if peer_path else None
                rate_target = path in CACHED_GEOJSON and not revalidate
                target = f"readers p95 ≤ {P95_TARGET_MS} ms" + (
                    f", ≥ {CACHED_RATE_TARGET} req/s" if rate_target else "")
                met = readers["p95"] <= P95_TARGET_MS and readers["failures"] + most["failures"] == 0 and (
                    not rate_target or most["rate"] >= CACHED_RATE_TARGET)
                table.add_row(label, f"{size:,}".replace(",", " "), f"{readers['rate']:.0f}",
                              f"{readers['p95']:.0f}", f"{most['rate']:.0f}", f"{most['p95']:.0f}",
                              str(readers["failures"] + most["failures"]),
                              f"{peer['rate']:.0f}" if peer else "", target,
                              "[green]yes[/green]" if met else "[red]no[/red]")

            for number, (path, body) in enumerate(bodies.items()):
                add(path, path, len(body), f"/static/bench/peer-{number}.json")
            add(f"{CACHED_GEOJSON[0]} (If-None-Match → 304)", CACHED_GEOJSON[0], 0, None, revalidate=True)
            Console(width=170).print(table)
    finally:
        shutil.rmtree(STATIC_DIR, ignore_errors=True)


@contextlib.contextmanager
def running(command: list[str], env: dict, base: str):
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_for(base + "/")
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
