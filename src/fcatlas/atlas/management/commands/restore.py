from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fcatlas.atlas.backup import BackupError, backed_up_models, restore_backup


class Command(BaseCommand):
    help = ("Replace the whole database with a file written by `fcatlas backup` (of the same schema version): "
            "all or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing everything")

    def handle(self, *args, file, yes, **options):
        console = Console(file=self.stdout, highlight=False)
        if not file.exists():
            raise CommandError(f"Filen {file} finns inte.")
        if not yes and input("Allt i databasen ersätts med säkerhetskopian. Skriv ja för att fortsätta: ") != "ja":
            raise CommandError("Avbrutet; inget ändrades.")
        call_command("migrate", verbosity=0, interactive=False)
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as progress:
                task = progress.add_task("Tabeller", total=len(backed_up_models()))
                summary = restore_backup(file, lambda label, rows: progress.update(task, advance=1,
                                                                                    description=label))
        except BackupError as error:
            raise CommandError(str(error)) from None
        console.print(f"Återställt från {file}: {summary.tables} tabeller, {summary.rows} rader.")
