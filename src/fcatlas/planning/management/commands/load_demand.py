from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from fcatlas.analysis.demand import demand_from_statistics
from fcatlas.analysis.statistics import (
    StatisticsFormatError,
    read_area_boundaries,
    read_area_types,
    read_population,
)
from fcatlas.formatting import format_number
from fcatlas.planning.inputs import install_demand


class Command(BaseCommand):
    help = "Replace the demand layer with newer SCB statistics (DeSO or RegSO polygons and population by age)."

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=Path, required=True, help="SCB DeSO or RegSO boundary GeoPackage")
        parser.add_argument("--population", type=Path, required=True,
                            help="PxWeb export (JSON-stat2 or CSV) of population by region and age, e.g. TAB6574")
        parser.add_argument("--area-types", type=Path, help="SCB socioeconomic area types per RegSO (TAB6586)")
        parser.add_argument("--year", type=int, help="the year to use (default: the newest in the file)")

    def handle(self, *args, areas, population, area_types, year, **options):
        console = Console(file=self.stdout)
        try:
            with console.status("Placerar barnen i områdena …"):
                layer = demand_from_statistics(
                    read_area_boundaries(areas), read_population(population),
                    read_area_types(area_types) if area_types else None,
                    data_dir=Path(settings.DATA_DIR), year=year)
        except (StatisticsFormatError, OSError, ValueError) as error:
            raise CommandError(f"Inget ändrades: {error}") from None
        install_demand(layer)
        console.print(f"Befolkningslagret bygger nu på {layer.attrs['source']}: {format_number(len(layer.areas))} "
                      f"områden, {format_number(len(layer.points))} punkter, "
                      f"{format_number(layer.points['children_0_5'].sum())} barn 0–5 år.")
