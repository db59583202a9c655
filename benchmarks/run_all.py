"""Run every benchmark in one process and print one table. Run: ``python benchmarks/run_all.py``."""

from __future__ import annotations

import sys
import warnings

from rich.console import Console
from rich.table import Table

COLUMNS = ("benchmark", "ours", "peer", "ratio", "target", "met")


def print_table(rows: list[dict]) -> None:
    table = Table(title="fcatlas analysis benchmarks")
    for column in COLUMNS:
        table.add_column("met?" if column == "met" else column, no_wrap=column != "benchmark")
    for row in rows:
        met = {True: "[green]yes[/green]", False: "[red]no[/red]", None: "—"}[row["met"]]
        table.add_row(*(str(row[column]) for column in COLUMNS[:-1]), met)
    Console(width=160).print(table)


def main() -> None:
    warnings.filterwarnings("ignore")  # the peers' pandas / PuLP deprecation noise
    import bench_accessibility
    import bench_coverage
    import bench_scenario
    import bench_siting
    import bench_small_areas

    rows = []
    for module in (bench_coverage, bench_accessibility, bench_siting):
        rows.extend(module.run())
    rows.extend(bench_small_areas.run(skip_spopt_national="--skip-spopt-national" in sys.argv))
    rows.extend(bench_scenario.run())
    print_table(rows)


if __name__ == "__main__":
    main()
