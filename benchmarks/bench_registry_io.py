"""Imports and exports of the registry at 1 000 and 10 000 units: plan (dry run), import, a re-import that changes
nothing, and every export format, each timed and with its peak memory, against the targets of the performance
issue. Beside each, the reference: the least an import can do (the csv module's parse and every cell inserted as
text, unchecked) and the least an export can do (one raw query written by the csv module).
Run: ``python benchmarks/bench_registry_io.py [--sizes 1000 10000]``.

The units are the synthetic demo registry's records repeated with new names (so every row is valid and distinct),
written as the CSV the export itself produces. Each step runs in a fresh process on a fresh SQLite database in
``var/bench-io`` (``DATABASE_URL`` for PostgreSQL), so that its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-io"
TARGETS = {"plan": 5.0, "import": 5.0, "re-import": 2.0, "export": 3.0}
MEMORY_TARGET_MB = 300
HSDS_TARGET_MB = 30
FORMATS = ("csv", "xlsx", "geojson", "gpkg", "hsds")


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcatlas.settings")
    os.environ.setdefault("FCATLAS_VAR_DIR", str(WORK))
    import django

    django.setup()


def _peak_mb() -> float:
    """The step's peak resident memory, with that of the largest process it started (the XLSX export writes its
    workbook in one) added as if both peaked at once."""
    return sum(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def step(name: str, size: int) -> dict:
    """One measured step, run in this (child) process; returns seconds and peak memory."""
    _setup_django()
    from django.core.management import call_command

    from fcatlas.registry.exporting import export_units
    from fcatlas.registry.importing import apply_import, plan_import
    from fcatlas.registry.models import Unit

    source = WORK / f"units-{size}.csv"
    started = time.perf_counter()
    result: dict = {}
    if name == "prepare":
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        Unit.objects.all().delete()
        source.write_bytes(_rows(size))
        result["rows"] = size
    elif name == "plan":
        plan = plan_import(source.read_bytes(), source.name, workers=os.cpu_count() or 1)
        result["errors"] = len(plan.error_rows) + len(plan.file_errors)
        result["create"] = plan.count("create")
    elif name in ("import", "re-import"):
        plan = plan_import(source.read_bytes(), source.name, workers=os.cpu_count() or 1)
        checked = time.perf_counter()
        outcome = apply_import(plan)
        result |= {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
                   "of which confirm s": time.perf_counter() - checked}
    elif name.startswith("export-"):
        content, _, _ = export_units(Unit.objects.all(), name.removeprefix("export-"))
        result["mb"] = len(content) / 1e6
    elif name == "reference-import":
        result["rows"] = reference_import(source)
    elif name == "reference-export":
        result["mb"] = len(reference_export()) / 1e6
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = _peak_mb()
    return result


def reference_import(source: Path) -> int:
    """The least an import can do: the file parsed by the csv module and every cell inserted, as text, into a
    scratch table of the file's columns in one transaction — no checks, no classification, no history."""
    from django.db import connection, transaction

    rows = list(csv.reader(source.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    header, body = rows[0], rows[1:]
    names = ", ".join(f"c{i}" for i in range(len(header)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_reference_import")
        cursor.execute(f"CREATE TABLE bench_reference_import ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
        cursor.executemany(f"INSERT INTO bench_reference_import ({names}) VALUES ({', '.join(['%s'] * len(header))})",
                           body)
        cursor.execute("DROP TABLE bench_reference_import")
    return len(body)


def reference_export() -> bytes:
    """The least an export can do: every unit row read by one raw query and written by the csv module."""
    from django.db import connection

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_unit")
        writer.writerow([column[0] for column in cursor.description])
        writer.writerows(cursor.fetchall())
    return out.getvalue().encode("utf-8")


def _rows(size: int) -> bytes:
    """``size`` distinct, valid units as the CSV the export writes (the demo's records with new names)."""
    from django.conf import settings

    from fcatlas.registry.demo import demo_records
    from fcatlas.registry.editing import save_unit
    from fcatlas.registry.exporting import export_units
    from fcatlas.registry.models import Unit

    records = demo_records(settings.DATA_DIR, 2023)
    for record in records:
        save_unit(None, record, source="synthetic_demo")
    template = export_units(Unit.objects.all(), "csv")[0].decode("utf-8-sig").splitlines()
    Unit.objects.all().delete()
    header, body = template[0], template[1:]
    columns = header.split(";")
    name_at, id_at = columns.index("namn"), columns.index("externt id")
    lines = [header]
    for number in range(size):
        cells = body[number % len(body)].split(";")
        cells[name_at] = f"{cells[name_at]} {number // len(body) + 1}"
        cells[id_at] = f"bench-{number + 1:05d}"
        lines.append(";".join(cells))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def run_in_child(name: str, size: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", name, "--size", str(size)], capture_output=True,
                          text=True, env=os.environ | {"FCATLAS_VAR_DIR": str(WORK)})
    if done.returncode:
        raise SystemExit(f"{name} ({size}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--step")
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.size)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    table = Table(title="Registry import and export (seconds, peak resident memory)")
    for column in ("units", "step", "seconds", "peak MB", "reference s", "result", "target", "met?"):
        table.add_column(column, justify="right" if column in ("units", "seconds", "peak MB", "reference s")
                         else "left")
    for size in args.sizes:
        if not os.environ.get("DATABASE_URL"):
            for path in WORK.glob("fcatlas.sqlite3*"):
                path.unlink()
        run_in_child("prepare", size)
        reference = {"import": run_in_child("reference-import", size)["seconds"]}
        for name in ("plan", "import", "re-import", *(f"export-{fmt}" for fmt in FORMATS)):
            result = run_in_child(name, size)
            if name == "import":  # the registry now holds the units the export reference reads
                reference["export"] = run_in_child("reference-export", size)["seconds"]
            compared = reference["import"] if name in ("plan", "import", "re-import") else reference["export"]
            limit = TARGETS.get(name, TARGETS["export"])
            met = result["seconds"] <= limit and (not name.startswith("export") or result["peak_mb"] <= MEMORY_TARGET_MB)
            if name == "export-hsds":
                met = met and result["mb"] <= HSDS_TARGET_MB
            shown = ", ".join(f"{key} {value:.1f}" if isinstance(value, float) else f"{key} {value}"
                              for key, value in result.items() if key not in ("seconds", "peak_mb"))
            target = f"≤ {limit:g} s" + (f", ≤ {MEMORY_TARGET_MB} MB" if name.startswith("export") else "") + (
                f", file ≤ {HSDS_TARGET_MB} MB" if name == "export-hsds" else "")
            table.add_row(f"{size:,}".replace(",", " "), name, f"{result['seconds']:.2f}", f"{result['peak_mb']:.0f}",
                          f"{compared:.2f}", shown, target if size >= 10000 else "—",
                          ("[green]yes[/green]" if met else "[red]no[/red]") if size >= 10000 else "—")
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
