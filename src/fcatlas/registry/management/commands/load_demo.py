from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fcatlas.datafiles import DataFileError
from fcatlas.formatting import format_number, format_percent
from fcatlas.registry.classification import CLASSIFICATION_LABELS
from fcatlas.registry.demo import DEFAULT_SEED, NEAR_DISTANCE_M, VULNERABLE_LIST_YEAR, load_demo


class Command(BaseCommand):
    help = "Load the synthetic demo registry (246 made-up family centres calibrated to the 2023 mapping)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="random seed; the same seed gives the same registry (default: %(default)s)")
        parser.add_argument("--data-dir", default=settings.DATA_DIR,
                            help="folder holding geo/ and pop/ (default: %(default)s)")

    def handle(self, *args, seed, data_dir, **options):
        console = Console(file=self.stdout)
        console.print(Panel("Syntetisk demodata: enheterna är påhittade och finns inte i verkligheten.",
                            style="bold"))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task(f"Skapar syntetisk demodata (frö {seed})", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total, description="Sparar syntetiska enheter")

            try:
                summary = load_demo(data_dir, seed=seed, on_progress=advance)
            except DataFileError as error:
                raise CommandError(str(error)) from None

        changes = Table(title=f"Syntetisk demodata, frö {seed}: ändringar")
        for column in ("nya", "ändrade", "oförändrade", "borttagna"):
            changes.add_column(column, justify="right")
        changes.add_row(*(format_number(n) for n in (summary.created, summary.updated, summary.unchanged,
                                                     summary.removed)))
        console.print(changes)
        if summary.skipped:
            console.print(f"Lämnade {len(summary.skipped)} demoenheter orörda, eftersom någon har ändrat dem sedan "
                          f"de skapades: {', '.join(summary.skipped[:10])}"
                          + (f" och {len(summary.skipped) - 10} till." if len(summary.skipped) > 10 else "."))

        facts = Table(title="Syntetisk demodata: innehåll")
        facts.add_column("uppgift")
        facts.add_column("värde", justify="right")
        facts.add_row("enheter", format_number(summary.units))
        facts.add_row("kommuner med enhet", format_number(summary.municipalities))
        facts.add_row("regioner med enhet", f"{format_number(summary.regions)} av 21")
        facts.add_row(f"i eller högst {format_number(NEAR_DISTANCE_M / 1000)} km från Polisens utsatta områden "
                      f"({VULNERABLE_LIST_YEAR})",
                      f"{format_number(summary.near_vulnerable)} ({format_percent(summary.near_vulnerable_share)})")
        for value, count in summary.classifications.items():
            facts.add_row(CLASSIFICATION_LABELS[value], format_number(count))
        console.print(facts)
        console.print("Källa: påhittade enheter, kalibrerade mot Folkhälsomyndighetens och Socialstyrelsens "
                      "kartläggning 2023 (246 verksamheter, 158 kommuner, 18 av 21 regioner).")
