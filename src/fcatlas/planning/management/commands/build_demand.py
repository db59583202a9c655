from django.core.management.base import BaseCommand
from rich.console import Console

from fcatlas.formatting import format_number
from fcatlas.planning.inputs import build_demand, demand_path

from ._output import MODELLED_NOTE


class Command(BaseCommand):
    help = "Build the modelled demand layer (children 0–5 placed at real tätorter) from the shipped data."

    def handle(self, *args, **options):
        console = Console(file=self.stdout)
        with console.status("Bygger det modellerade efterfrågelagret …"):
            frame = build_demand()
        console.print(f"{format_number(len(frame))} punkter, {format_number(frame['population'].sum())} invånare, "
                      f"{format_number(frame['children_0_5'].sum())} barn 0–5 år → {demand_path()}")
        console.print(MODELLED_NOTE)
