import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fcatlas.analysis.police import DEFAULT_LIST_YEAR, LIST_YEARS
from fcatlas.formatting import format_number
from fcatlas.planning.services import DEFAULT_RADIUS_M
from fcatlas.reports import issuing
from fcatlas.reports.document import build_content
from fcatlas.reports.models import Report, ReportStatus
from fcatlas.reports.rendering import content_checksum, render, with_figures
from fcatlas.reports.scopes import ScopeError, parse_scope


class Command(BaseCommand):
    help = ("The national report, a regional or municipal profile, or a saved report, as PDF, HTML or XLSX; "
            "issue a saved report (freeze it) or check that an issued one is unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="national",
                            help="national, region:LÄNSKOD or kommun:KOMMUNKOD (e.g. region:14, kommun:0180)")
        parser.add_argument("--report", type=int, help="a saved report's number (an issued one renders as issued)")
        parser.add_argument("--format", dest="file_format", choices=["pdf", "html", "xlsx"], default="pdf")
        parser.add_argument("-o", "--output", type=Path, help="the file to write")
        parser.add_argument("--radius", type=int, default=DEFAULT_RADIUS_M, help="coverage radius in metres")
        parser.add_argument("--year", type=int, default=DEFAULT_LIST_YEAR, choices=LIST_YEARS,
                            help="the Police's list year")
        parser.add_argument("--compare-with", type=date.fromisoformat, metavar="YYYY-MM-DD",
                            help="show the registry as it stood on this day beside today's")
        parser.add_argument("--issue", action="store_true", help="issue (freeze) the saved report --report")
        parser.add_argument("--verify", action="store_true",
                            help="check that the issued report --report is unchanged (its checksum)")

    def handle(self, *args, scope, report, file_format, output, radius, year, compare_with, issue, verify,
               **options):
        console = Console(file=self.stdout)
        saved = self._saved(report) if report else None
        if verify:
            return self._verify(console, saved)
        if issue:
            if saved.status == ReportStatus.ISSUED:
                raise CommandError(f"Rapport {saved.pk} är redan fastställd ({saved.issued_at:%Y-%m-%d}).")
            with console.status("Fastställer rapporten: läser uppgifterna, ritar figurerna, bygger filerna"):
                issuing.freeze(saved)
            console.print(f"Rapport {saved.pk} är fastställd. Kontrollsumma {saved.content_sha256}.", highlight=False)
            if not output:
                return
        if not output:
            raise CommandError("Ange filen att skriva med -o/--output.")
        started = time.perf_counter()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            step = progress.add_task("Läser registret och befolkningen", total=3)
            if saved is not None:
                content, texts = issuing.content_of(saved), issuing.texts_of(saved)
                status, meta = issuing.status_label(saved), issuing.meta_of(saved)
            else:
                try:
                    place = parse_scope(scope)
                except ScopeError as error:
                    raise CommandError(str(error)) from error
                content = build_content(place, radius_m=radius, year=year, compare_on=compare_with)
                texts = None
                status, meta = issuing.status_label(None), {}
            progress.update(step, advance=1, description="Ritar figurer och kartor")
            content = with_figures(content)
            progress.update(step, advance=1, description=f"Skriver {file_format.upper()}")
            data = render(content, texts, file_format, status=status, meta=meta)
            progress.update(step, advance=1)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        table = Table(title=content["title"], show_header=False)
        table.add_row("Fil", str(output))
        table.add_row("Format", file_format.upper())
        table.add_row("Storlek", f"{format_number(len(data))} byte")
        table.add_row("Uppgifternas läge", content["as_of_text"])
        table.add_row("Status", status)
        table.add_row("Kontrollsumma (innehåll)", content_checksum(content, texts))
        table.add_row("Tid", f"{time.perf_counter() - started:.1f} s".replace(".", ","))
        console.print(table)
        if content["synthetic"]:
            console.print("[bold]Enheterna är syntetisk demodata – inte verkliga familjecentraler.[/]")

    def _saved(self, number: int) -> Report:
        found = Report.objects.filter(pk=number).first()
        if found is None:
            raise CommandError(f"Det finns ingen rapport nummer {number}.")
        return found

    def _verify(self, console: Console, saved: Report | None):
        if saved is None:
            raise CommandError("Ange rapporten att kontrollera med --report.")
        if saved.status != ReportStatus.ISSUED:
            raise CommandError(f"Rapport {saved.pk} är inte fastställd; bara en fastställd rapport har en kontrollsumma.")
        if not issuing.verify(saved):
            raise CommandError(f"Rapport {saved.pk} har ändrats sedan den fastställdes: kontrollsumman stämmer inte.")
        console.print(f"Rapport {saved.pk} är oförändrad sedan {saved.issued_at:%Y-%m-%d %H:%M} "
                      f"(kontrollsumma {saved.content_sha256}).", highlight=False)
