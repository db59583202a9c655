from pathlib import Path

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fcatlas.atlas.backup import backed_up_models, write_backup


class Command(BaseCommand):
    help = "Write every table of the database to one file (gzip JSON) that `fcatlas restore` reads back."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, output, **options):
        console = Console(file=self.stdout, highlight=False)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("Tabeller", total=len(backed_up_models()))
            summary = write_backup(output, lambda label, rows: progress.update(task, advance=1,
                                                                                description=label))
        console.print(f"{output}: {summary.tables} tabeller, {summary.rows} rader.")
