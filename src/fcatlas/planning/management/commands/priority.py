from django.core.management.base import BaseCommand, CommandError

from fcatlas.formatting import format_distance
from fcatlas.planning.services import DEFAULT_RADIUS_M, PlanningError, priority_list

from ._output import add_json_flag, emit, format_number, table


class Command(BaseCommand):
    help = "Rank kommuner by the priority index (uncovered children, vulnerable areas, existing units), with reasons."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="only kommuner in this region")
        parser.add_argument("--top", type=int, default=20, help="how many rows to show (default %(default)s; JSON has all)")
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="metres (default %(default)s)")
        add_json_flag(parser)

    def handle(self, *args, region, top, radius, json, **options):
        try:
            result = priority_list(radius_m=radius, region=region)
        except PlanningError as error:
            raise CommandError(str(error)) from None
        emit(self.stdout, result, lambda console, r: render(console, r, top), as_json=json)


def render(console, r, top):
    console.print(table(f"Prioritering av kommuner (radie {format_distance(r['radius_m'])})",
                        ["rang", "kommun", "poäng", "förklaring"],
                        [[row["rank"], row["municipality_name"], format_number(row["priority"]), row["explanation"]]
                         for row in r["rows"][:top]], numeric=(0, 2)))
