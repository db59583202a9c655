from django.core.management.base import BaseCommand, CommandError

from fcatlas.formatting import format_distance
from fcatlas.planning.services import DEFAULT_RADIUS_M, PRIORITY_LEVELS, PlanningError, priority_list

from ._output import add_json_flag, add_year_option, emit, format_number, table


class Command(BaseCommand):
    help = "Rank kommuner or RegSO by the priority index (children out of reach, SCB area types, Police areas), with reasons."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="only kommuner in this region")
        parser.add_argument("--top", type=int, default=20, help="how many rows to show (default %(default)s; JSON has all)")
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="metres (default %(default)s)")
        parser.add_argument("--level", choices=PRIORITY_LEVELS, default="municipality",
                            help="rank kommuner or small areas (RegSO) (default %(default)s)")
        add_year_option(parser)
        add_json_flag(parser)

    def handle(self, *args, region, top, radius, level, year, json, **options):
        try:
            result = priority_list(radius_m=radius, region=region, level=level, year=year)
        except PlanningError as error:
            raise CommandError(str(error)) from None
        emit(self.stdout, result, lambda console, r: render(console, r, top), as_json=json)


def render(console, r, top):
    what = "kommuner" if r["level"] == "municipality" else "statistikområden"
    console.print(table(f"Prioritering av {what} (radie {format_distance(r['radius_m'])}, Polisens lista {r['year']})",
                        ["rang", "kommun" if r["level"] == "municipality" else "område", "poäng", "förklaring"],
                        [[row["rank"], row["municipality_name"] if r["level"] == "municipality"
                          else f"{row['name']}, {row['municipality_name']}", format_number(row["priority"], 1),
                          row["explanation"]] for row in r["rows"][:top]], numeric=(0, 2)))
