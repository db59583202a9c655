"""``fcatlas survey``: the mapping survey from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from ...mapping import mapping_problems
from ...questionnaires import install_shipped
from ...xlsform import XLSFormError, compile_xlsform


class Command(BaseCommand):
    help = "The mapping survey: validate an XLSForm, install the shipped questionnaires."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = commands.add_parser("validate", help="check an XLSForm (.xlsx or .md) and report every problem "
                                                        "by sheet, row and column")
        validate.add_argument("file", type=Path)
        validate.add_argument("--xform", type=Path, help="also write the compiled XForm XML here")
        commands.add_parser("install", help="install the shipped questionnaires (a changed file becomes a new "
                                            "version; running it again changes nothing)")

    def handle(self, *args, action, **options):
        console = Console(file=self.stdout, width=max(Console().width, 120))
        if action == "validate":
            self.validate(console, options["file"], options.get("xform"))
        elif action == "install":
            table = Table(title="Formulär")
            for column in ("formulär", "version", "läge"):
                table.add_column(column)
            for installed in install_shipped():
                table.add_row(installed.version.questionnaire.title, str(installed.version.number),
                              "ny version" if installed.created else "oförändrad")
            console.print(table)

    def validate(self, console, path: Path, xform: Path | None):
        if not path.exists():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            compiled = compile_xlsform(path.read_bytes(), path.name)
        except XLSFormError as error:
            for problem in error.problems:
                console.print(f"Fel: {problem}", highlight=False)
            raise CommandError(f"{path.name}: {len(error.problems)} fel. Formuläret kan inte användas ännu.") from None
        problems = mapping_problems(compiled.definition)
        for problem in problems:
            console.print(f"Fel: {problem}", highlight=False)
        for warning in compiled.warnings:
            console.print(f"Varning: {warning}", highlight=False)
        if problems:
            raise CommandError(f"{path.name}: {len(problems)} fel i kopplingen till registret.")
        if xform:
            xform.write_text(compiled.xform, encoding="utf-8")
        questions = sum(1 for node in compiled.definition.fields() if node.control)
        console.print(f"{path.name}: ”{compiled.title}” (form_id {compiled.form_id}, version {compiled.version}) "
                      f"är giltigt: {len(compiled.definition.sections)} sidor, {questions} frågor, "
                      f"{len(compiled.warnings)} varningar.", highlight=False)
