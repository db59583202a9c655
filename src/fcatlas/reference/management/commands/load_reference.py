from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from fcatlas.datafiles import DataFileError
from fcatlas.reference.loading import load_reference


class Command(BaseCommand):
    help = "Load the shipped reference geography (regions, kommuner, vulnerable areas, postcodes)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=settings.DATA_DIR, help="folder holding geo/ (default: %(default)s)")

    def handle(self, *args, data_dir, **options):
        console = Console(file=self.stdout)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Läser in referensdata", total=4)
            try:
                results = load_reference(data_dir, lambda _: progress.advance(task))
            except DataFileError as error:
                raise CommandError(str(error)) from None
        table = Table(title="Referensdata")
        for column in ("tabell", "nya", "ändrade", "borttagna", "oförändrade"):
            table.add_column(column, justify="left" if column == "tabell" else "right")
        for r in results:
            table.add_row(r.table, str(r.created), str(r.updated), str(r.deleted), str(r.unchanged))
        console.print(table)
