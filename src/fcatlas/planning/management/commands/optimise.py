from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from fcatlas.formatting import format_distance
from fcatlas.planning.services import DEFAULT_RADIUS_M, PlanningError, propose_sites

from ._output import add_json_flag, add_year_option, emit, format_number, format_percent, table


class Command(BaseCommand):
    help = "Propose the best N sites for new family centres in a region (maximal covering, existing units kept)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, e.g. 12")
        parser.add_argument("-n", "--new-sites", type=int, default=3, help="how many new units (default %(default)s)")
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="metres (default %(default)s)")
        parser.add_argument("--exact", action="store_true", help="also solve exactly with HiGHS and report the gap")
        add_year_option(parser)
        add_json_flag(parser)

    def handle(self, *args, region, new_sites, radius, exact, year, json, **options):
        try:
            with Console(file=self.stderr).status("Räknar fram förslag …"):
                result = propose_sites(region=region, new_sites=new_sites, radius_m=radius, exact=exact, year=year)
        except PlanningError as error:
            raise CommandError(str(error)) from None
        emit(self.stdout, result, render, as_json=json)


def render(console, r):
    console.print(table(
        f"Förslag: {len(r['sites'])} nya enheter i {r['region_name']} (radie {format_distance(r['radius_m'])})",
        ["RegSO", "område", "kommun", "lat", "lon", "barn 0–5 år som nås"],
        [[s["site_id"], s["small_area_name"], s["municipality_name"], f"{s['latitude']:.5f}", f"{s['longitude']:.5f}",
          format_number(s["children_newly_reached"])] for s in r["sites"]], numeric=(3, 4, 5)))
    console.print(f"Totalt nås {format_number(r['children_newly_reached'])} barn 0–5 år som i dag bor längre bort "
                  f"än radien. Beräkningstid {format_number(r['runtime_s'] * 1000)} ms.")
    if r["gap"] is not None:
        console.print(f"Exakt lösning (HiGHS): målvärde {format_number(r['exact_objective'])}; "
                      f"heuristikens gap {format_percent(r['gap'], 2)}.")
