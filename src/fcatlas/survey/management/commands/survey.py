"""``fcatlas survey``: the mapping survey from the command line."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from fcatlas.accounts.audit import record
from fcatlas.accounts.models import AuditEvent

from ... import followup, interchange, mailing
from ...mapping import mapping_problems
from ...models import MailingKind, Wave
from ...questionnaires import install_shipped
from ...xlsform import XLSFormError, compile_xlsform


class Command(BaseCommand):
    help = ("The mapping survey: validate an XLSForm, install the shipped questionnaires, send a wave's invitations "
            "or reminders, export its answers, import answers from ODK or KoboToolbox.")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = commands.add_parser("validate", help="check an XLSForm (.xlsx or .md) and report every problem "
                                                        "by sheet, row and column")
        validate.add_argument("file", type=Path)
        validate.add_argument("--xform", type=Path, help="also write the compiled XForm XML here")
        commands.add_parser("install", help="install the shipped questionnaires (a changed file becomes a new "
                                            "version; running it again changes nothing)")
        send = commands.add_parser("send", help="send a wave's invitations (to all not yet invited) or reminders (to "
                                               "all who have not submitted), with a progress bar")
        send.add_argument("wave", help="the wave's name or number")
        send.add_argument("--kind", choices=list(MailingKind.values), default=MailingKind.INVITATION)
        export = commands.add_parser("export", help="write a wave's answers, one row per answer (long format)")
        export.add_argument("wave")
        export.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
        export.add_argument("-o", "--output", type=Path, required=True)
        load = commands.add_parser("import", help="import answers collected in ODK or KoboToolbox (submission XML, "
                                                 "CSV or XLSX export) as responses of a wave, all or nothing")
        load.add_argument("wave")
        load.add_argument("file", type=Path)
        load.add_argument("--form", choices=["enheter", "huvudman"], default="enheter",
                          help="the unit questionnaire or the kommun/region one (default: %(default)s)")
        load.add_argument("--dry-run", action="store_true", help="check and report every row; write nothing")

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
        elif action == "send":
            self.send(console, self.wave(options["wave"]), options["kind"])
        elif action == "export":
            wave = self.wave(options["wave"])
            options["output"].write_bytes(followup.answers_file(wave, Q(), options["fmt"]))
            record(AuditEvent.Action.PERSONAL_DATA_EXPORT, username=f"kommandoraden ({getpass.getuser()})",
                   detail=f"Svaren i {wave.name} ({options['fmt'].upper()}) till {options['output']}")
            console.print(f"{options['output']}: svaren i {wave.name}.", highlight=False)
        elif action == "import":
            self.load(console, self.wave(options["wave"]), options["file"], options["form"], options["dry_run"])

    @staticmethod
    def wave(name: str) -> Wave:
        wave = Wave.objects.filter(name=name).first() or (Wave.objects.filter(pk=name).first() if name.isdigit()
                                                          else None)
        if wave is None:
            raise CommandError(f"Det finns ingen omgång ”{name}”.")
        return wave

    def send(self, console, wave: Wave, kind: str):
        try:
            item = mailing.request_mailing(wave, kind, queue=False)
        except mailing.MailingError as error:
            raise CommandError(str(error)) from None
        with Progress(console=console) as progress:
            bar = progress.add_task(item.get_kind_display(), total=item.total)
            result = mailing.deliver(item, lambda done, total: progress.update(bar, completed=done, total=total))
        console.print(f"{item.get_kind_display()}: {result['sent']} skickade, {result['failed']} misslyckades, "
                      f"{item.skipped} utan e-postadress eller syntetiska.", highlight=False)

    def load(self, console, wave: Wave, path: Path, form: str, dry_run: bool):
        if not path.exists():
            raise CommandError(f"Filen {path} finns inte.")
        version = wave.unit_version if form == "enheter" else wave.organisation_version
        plan = interchange.plan_import(wave, version, path.read_bytes(), path.name)
        for message in plan.messages:
            console.print(f"Fel: {message}", highlight=False)
        for row in plan.rows:
            for message in row.messages:
                console.print(f"{plan.row_word.capitalize()} {row.number}: {message}", highlight=False)
        console.print(plan.summary_text(), highlight=False)
        if plan.has_errors:
            raise CommandError(f"{path.name}: ingenting har sparats.")
        if dry_run:
            console.print("Provkörning (--dry-run): ingenting har sparats.")
            return
        result = interchange.apply_import(plan)
        console.print(f"Klart: {result.created} svar inlästa, {result.unchanged} fanns redan.", highlight=False)

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
