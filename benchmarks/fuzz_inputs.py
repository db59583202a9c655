"""Fuzz the importer and every page and API endpoint with tens of thousands of generated cases and print what
came back. Run: ``python benchmarks/fuzz_inputs.py [--examples N]`` (default 2 500 per generator: ≥ 10 000 cases).

It runs the suite's own fuzz tests (``tests/test_no_crash_on_any_input.py``, generators in ``tests/strategies.py``)
with more examples, on SQLite or on ``DATABASE_URL``. Any crash, 500 or partial write fails its test and is printed
by pytest with the smallest case that shows it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]


class Tally:
    """A pytest plugin that keeps each fuzz test's result and, at the end, the outcome counts."""

    def __init__(self):
        self.results: dict[str, str] = {}

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            self.results[report.nodeid.rpartition("::")[2]] = report.outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2500, help="cases per generator (the upload page gets a fifth)")
    args = parser.parse_args()
    os.environ["FCATLAS_FUZZ_EXAMPLES"] = str(args.examples)
    os.environ.setdefault("FCATLAS_VAR_DIR", str(ROOT / "var" / "bench-fuzz"))
    os.chdir(ROOT)

    tally = Tally()
    started = time.perf_counter()
    exit_code = pytest.main(["-q", "-p", "no:cacheprovider", "tests/test_no_crash_on_any_input.py",
                             "-k", "not huge and not nul"], plugins=[tally])
    seconds = time.perf_counter() - started

    import strategies  # imported by pytest from tests/, with the counts it gathered

    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    table = Table(title=f"fcatlas fuzzing on {database}",
                  caption=f"{sum(strategies.OUTCOMES.values()):,} cases in {seconds:.0f} s".replace(",", " "))
    for column in ("sent", "outcome", "cases"):
        table.add_column(column, justify="right" if column == "cases" else "left")
    for (sent, outcome), count in sorted(strategies.OUTCOMES.items()):
        table.add_row(sent, outcome, f"{count:,}".replace(",", " "))
    results = Table(title="fuzz tests")
    results.add_column("test")
    results.add_column("result")
    for name, outcome in tally.results.items():
        results.add_row(name, "[green]passed[/green]" if outcome == "passed" else f"[red]{outcome}[/red]")
    console = Console(width=120)
    console.print(table)
    console.print(results)
    return int(exit_code)


if __name__ == "__main__":
    sys.exit(main())
