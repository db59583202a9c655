from django.core.management.base import BaseCommand
from rich.console import Console

from fcatlas.formatting import format_number
from fcatlas.planning.inputs import build_demand, demand_path


class Command(BaseCommand):
    help = "Build the demand layer (SCB's children 0–5 per RegSO 2025, placed inside each area) from the shipped data."

    def handle(self, *args, **options):
        console = Console(file=self.stdout)
        with console.status("Bygger befolkningslagret från SCB:s statistik …"):
            layer = build_demand()
        console.print(f"{format_number(len(layer.areas))} statistikområden, {format_number(len(layer.points))} punkter, "
                      f"{format_number(layer.points['population'].sum())} invånare, "
                      f"{format_number(layer.points['children_0_5'].sum())} barn 0–5 år → {demand_path()}")
        console.print(f"Källa: {layer.attrs['source']}; {layer.attrs['children_method']}.")
