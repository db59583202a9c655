"""Reports on the demo registry: the national report as PDF (end to end, as ``fcatlas report`` makes it) and XLSX,
a regional and a municipal profile page, against the targets of the reports issue. Beside each, the reference: the
least the step can cost — WeasyPrint laying out the report's finished HTML (the PDF), and a profile page whose
content is already computed (the page alone).
Run: ``python benchmarks/bench_reports.py``. Uses a fresh SQLite database in ``var/bench-reports``
(``DATABASE_URL`` for PostgreSQL) with the reference data, the synthetic demo registry and the shipped demand layer.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench-reports"
TARGETS = {"pdf": 20.0, "profile": 0.300}
PROFILES = {"region": "14", "kommun": "0180"}


def _setup():
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcatlas.settings")
    os.environ["FCATLAS_VAR_DIR"] = str(WORK)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from fcatlas.reference.loading import load_reference
    from fcatlas.registry.demo import load_demo

    call_command("migrate", verbosity=0)
    load_reference(settings.DATA_DIR)
    load_demo(settings.DATA_DIR)
    settings.ALLOWED_HOSTS = ["*"]


def _timed(function, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    _setup()
    from django.core.cache import cache
    from django.test import Client
    from weasyprint import HTML

    from fcatlas.planning.inputs import current_layer
    from fcatlas.reports.document import build_content
    from fcatlas.reports.rendering import STYLESHEET, render, render_html, with_figures

    current_layer()  # the demand layer is built once, as on a server that has started
    rows = []

    cache.clear()
    cold, _ = _timed(lambda: render(with_figures(build_content()), None, "pdf"))
    html = render_html(build_content(), None)
    layout, _ = _timed(lambda: HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(pdf_tags=True), 3)
    warm, pdf = _timed(lambda: render(with_figures(build_content()), None, "pdf"), 3)
    rows.append(("national report, PDF (first, figures drawn)", cold, layout, TARGETS["pdf"], f"{len(pdf) / 1e3:.0f} KB"))
    rows.append(("national report, PDF (figures cached)", warm, layout, TARGETS["pdf"], ""))
    xlsx_time, xlsx = _timed(lambda: render(build_content(), None, "xlsx"), 3)
    rows.append(("national report, XLSX", xlsx_time, None, TARGETS["pdf"], f"{len(xlsx) / 1e3:.0f} KB"))

    client = Client()
    for kind, code in PROFILES.items():
        url = f"/{kind}/{code}/profil/"
        cache.clear()
        first, response = _timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        again, _ = _timed(lambda: client.get(url), 20)
        rows.append((f"{kind} profile page {url} (first)", first, again, TARGETS["profile"],
                     f"{len(response.content) / 1e3:.0f} KB"))
        rows.append((f"{kind} profile page {url} (data unchanged)", again, None, TARGETS["profile"], ""))
        figure_url = f"{url}figur/karta-tackning.svg"
        figure, _ = _timed(lambda: client.get(figure_url))
        rows.append((f"{kind} profile map (first drawing)", figure, None, None, ""))

    table = Table(title="Reports on the demo registry (246 synthetic units), "
                        f"{'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}")
    for column in ("step", "ours", "reference", "target", "size"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for name, ours, reference, target, size in rows:
        verdict = "" if target is None else (" ✔" if ours <= target else " ✘")
        table.add_row(name, f"{ours * 1000:.0f} ms{verdict}", "" if reference is None else f"{reference * 1000:.0f} ms",
                      "" if target is None else f"≤ {target * 1000:.0f} ms", size)
    Console(width=150).print(table)
    print("reference: PDF = WeasyPrint laying out the finished HTML alone; profile (first) = the same page with its "
          "content already computed", file=sys.stderr)


if __name__ == "__main__":
    main()
