import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fcatlas.analysis.pxweb import PxWebError, fetch_v2

TABLES = {
    "population": ("TAB6574", "befolkning_alder"),
    "area-types": ("TAB6586", "omradestyp_regso"),
}


class Command(BaseCommand):
    help = "Fetch SCB statistics (population by age per DeSO/RegSO/kommun, area types) from PxWeb when online."

    def add_arguments(self, parser):
        parser.add_argument("table", choices=sorted(TABLES), help="which statistics to fetch")
        parser.add_argument("--selection", action="append", default=[], metavar="VARIABLE=CODE[,CODE]",
                            help="PxWeb value selection, e.g. Tid=2024 or Alder=0,1,2,3,4,5 (repeatable)")
        parser.add_argument("-o", "--output", type=Path, help="where to save the JSON-stat2 answer")

    def handle(self, *args, table, selection, output, **options):
        table_id, stem = TABLES[table]
        try:
            chosen = {name: values.split(",") for name, values in (item.split("=", 1) for item in selection)}
        except ValueError:
            raise CommandError("--selection ska skrivas VARIABEL=KOD[,KOD], till exempel Tid=2024") from None
        try:
            document = fetch_v2(table_id, chosen)
        except PxWebError as error:
            raise CommandError(f"SCB:s API svarade inte som väntat: {error}") from None
        except OSError as error:
            raise CommandError(f"Kunde inte nå SCB:s API (är datorn uppkopplad?): {error}") from None
        output = output or Path(settings.VAR_DIR) / "statistics" / f"{stem}.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"Sparade {table_id} i {output}. Läs in med: fcatlas load-demand --population {output} --areas …")
