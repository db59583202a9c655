from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.exporting import FORMATS, export_units
from fcatlas.registry.models import Unit


class Command(BaseCommand):
    help = "Export registry units to CSV, XLSX, GeoJSON, GeoPackage or an HSDS 3 data package."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=list(FORMATS), required=True,
                            help="; ".join(f"{key}: {chosen.label}" for key, chosen in FORMATS.items()))
        parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
        parser.add_argument("--kommun", help="only units in this kommun (4-digit code, e.g. 0114)")
        parser.add_argument("--region", help="only units in this region (2-digit code, e.g. 20)")

    def handle(self, *args, fmt: str, output: Path, kommun: str | None, region: str | None, **options):
        console = Console(file=self.stdout)
        units = Unit.objects.all()
        if kommun:
            kommun = kommun.zfill(4)
            if not Municipality.objects.filter(code=kommun).exists():
                raise CommandError(f"Okänd kommunkod {kommun}.")
            units = units.filter(municipality_id=kommun)
        if region:
            region = region.zfill(2)
            if not Region.objects.filter(code=region).exists():
                raise CommandError(f"Okänd länskod {region}.")
            units = units.filter(municipality__region_id=region)
        with console.status(f"Exporterar {units.count()} enheter"):
            content, _, _ = export_units(units, fmt)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        synthetic = units.filter(synthetic=True).count()
        console.print(f"Skrev {units.count()} enheter till {output} ({fmt}, {len(content):,} byte)."
                      .replace(",", " "), highlight=False)
        if synthetic:
            console.print(f"[bold]{synthetic} av dem är syntetisk demodata – inte verkliga familjecentraler.[/]")
