from pathlib import Path

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
    help = "Replace the modelled demand layer with real SCB statistics (DeSO/RegSO boundaries and population)."

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=Path, required=True, help="SCB DeSO or RegSO boundary GeoPackage")
        parser.add_argument("--population", type=Path, required=True,
                            help="PxWeb export (JSON-stat2 or CSV) of population by region and age, e.g. TAB6574")
        parser.add_argument("--area-types", type=Path, help="SCB socioeconomic area types per RegSO (TAB6586)")

    def handle(self, *args, areas, population, area_types, **options):
        console = Console(file=self.stdout)
        try:
            frame = demand_from_statistics(read_area_boundaries(areas), read_population(population),
                                           read_area_types(area_types) if area_types else None)
        except (StatisticsFormatError, OSError, ValueError) as error:
            raise CommandError(f"Inget ändrades: {error}") from None
        install_demand(frame)
        console.print(f"Efterfrågelagret bygger nu på SCB:s statistik: {format_number(len(frame))} områden, "
                      f"{format_number(frame['children_0_5'].sum())} barn 0–5 år.")
