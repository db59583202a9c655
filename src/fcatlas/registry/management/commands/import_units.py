import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from fcatlas.registry.importing import ImportPlan, ImportRefused, apply_import, plan_import


def report(plan: ImportPlan, console: Console) -> None:
    """Print the plan: one line per row (action) and one per message (column and what is wrong)."""
    for message in plan.messages:
        style = "bold red" if message.level == "error" else "yellow"
        console.print(f"[{style}]{'Fel' if message.level == 'error' else 'Obs'}:[/] {message.text}", highlight=False)
    if not plan.rows:
        return
    table = Table(title=f"Kontroll av {plan.filename}", show_lines=False)
    table.add_column(plan.row_word, justify="right")
    table.add_column("enhet")
    table.add_column("åtgärd")
    table.add_column("kolumn")
    table.add_column("meddelande", overflow="fold")
    styles = {"create": "green", "update": "cyan", "unchanged": "dim", "error": "bold red"}
    for row in plan.rows:
        action = f"[{styles[row.action]}]{row.action_label}[/]"
        if row.messages:
            for index, message in enumerate(row.messages):
                table.add_row(str(row.number) if index == 0 else "", row.name if index == 0 else "",
                              action if index == 0 else "", message.column, message.text)
        else:
            detail = ("ändras: " + ", ".join(row.changed_fields)) if row.action == "update" else ""
            table.add_row(str(row.number), row.name, action, "", detail)
    console.print(table)
    summary = Table(title="Sammanfattning")
    for column in ("nya", "ändras", "oförändrade", "fel"):
        summary.add_column(column, justify="right")
    counts = plan.summary
    summary.add_row(*(str(counts[a]) for a in ("create", "update", "unchanged", "error")))
    console.print(summary)


class Command(BaseCommand):
    help = "Import registry units from a CSV, XLSX or GeoJSON file (all or nothing; --dry-run only checks)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (, or ;), XLSX (first sheet) or GeoJSON (points)")
        parser.add_argument("--dry-run", action="store_true", help="check and report every row; write nothing")
        parser.add_argument("--user", help="import as this user: their role's permissions apply and the history "
                                           "names them (default: as the system, with every permission)")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        console = Console(file=self.stdout, width=max(Console().width, 140))
        if not file.exists():
            raise CommandError(f"Filen {file} finns inte.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"Det finns ingen användare {user!r}. Ingenting har sparats.")
        with console.status(f"Kontrollerar {file.name}"):
            plan = plan_import(file, file.name, user=importer, workers=os.cpu_count() or 1)
        report(plan, console)
        console.print(plan.summary_text(), highlight=False)
        if plan.has_errors:
            raise CommandError(f"{file.name}: ingenting har sparats. Rätta felen ovan och kör kommandot igen.")
        if dry_run:
            console.print("Provkörning (--dry-run): ingenting har sparats.")
            return
        try:
            with console.status("Sparar"):
                result = apply_import(plan, user=importer, source_detail=file.name)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        console.print(f"Klart: {result.created} nya, {result.updated} ändrade, {result.unchanged} oförändrade "
                      f"enheter från {file.name}.", highlight=False)
