from django.core.management.base import BaseCommand, CommandError

from fcatlas.formatting import format_distance
from fcatlas.planning.services import DEFAULT_RADIUS_M, PlanningError, coverage_report

from ._output import add_json_flag, add_year_option, emit, format_number, format_percent, table


class Command(BaseCommand):
    help = "Children 0–5 within and beyond a radius of a family centre, nationally or for a kommun or region."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--kommun", dest="municipality", help="kommun code, e.g. 1280")
        scope.add_argument("--region", help="region code, e.g. 12")
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="metres (default %(default)s)")
        add_year_option(parser)
        add_json_flag(parser)

    def handle(self, *args, municipality, region, radius, year, json, **options):
        try:
            result = coverage_report(municipality=municipality, region=region, radius_m=radius, year=year)
        except PlanningError as error:
            raise CommandError(str(error)) from None
        emit(self.stdout, result, render, as_json=json)


def render(console, r):
    radius = format_distance(r["radius_m"])
    console.print(f"[bold]{r['scope']}[/bold]: {format_number(r['children'])} barn 0–5 år, "
                  f"{format_number(r['uncovered'])} bor mer än {radius} från en familjecentral eller liknande verksamhet"
                  + (f" ({format_percent(1 - r['share_covered'])})." if r["share_covered"] is not None else "."))
    console.print(table("Efter SCB:s områdestyp (2022)", ["områdestyp", "barn 0–5 år", f"bor mer än {radius} bort"],
                        [[a["label"], format_number(a["children"]), format_number(a["uncovered"])] for a in r["area_types"]]))
    console.print(table(f"Efter Polisens lista {r['year']}", ["område", "barn 0–5 år", f"bor mer än {radius} bort"],
                        [[v["label"], format_number(v["children"]), format_number(v["uncovered"])] for v in r["vulnerability"]]))
    console.print(table("Avstånd till närmaste enhet", ["avstånd", "barn 0–5 år", "andel"],
                        [[b["band"], format_number(b["children"]), format_percent(b["share"]) if b["share"] is not None else "–"]
                         for b in r["distance_bands"]]))
    if r["areas_without_unit"]:
        console.print(table(f"Polisens utsatta områden ({r['year']}) utan enhet inom {radius}", ["område", "kommun", "kategori", "närmaste enhet"],
                            [[a["name"], a["municipality_name"], a["category_label"],
                              format_distance(a["nearest_unit_m"]) if a["nearest_unit_m"] is not None else "ingen"]
                             for a in r["areas_without_unit"]], numeric=(3,)))
