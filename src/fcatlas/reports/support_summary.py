"""The support programme in figures, for the report to the government: what support was given, where, how much
of it reached the priority areas (SCB's area types 1–2, the Police's areas), to whom and over time. One chapter
serves the national report, the region and kommun reports, and the summary page with its XLSX file."""

from collections import defaultdict
from datetime import date

from django.utils import timezone

from fcatlas.analysis.police import DEFAULT_LIST_YEAR
from fcatlas.formatting import format_number, format_percent
from fcatlas.planning.inputs import demand_source
from fcatlas.planning.services import DEFAULT_RADIUS_M
from fcatlas.planning.support import activity_places
from fcatlas.support.models import SupportActivity
from fcatlas.support.vocabulary import ActivityType, ParticipantRole, Theme

from .tables import table as _table
from .scopes import NATIONAL, Scope

REACH_ROWS = (
    ("challenged", "I SCB:s områdestyp 1–2 (socioekonomiska utmaningar)"),
    ("police", "I Polisens utsatta områden"),
    ("priority", "I något av dem (prioriterade områden)"),
    ("other_area", "I andra områden"),
    ("no_area", "Inte knutna till ett område (hela kommunen eller regionen)"),
)


def scoped_activities(scope: Scope, since: date | None = None, until: date | None = None) -> list[SupportActivity]:
    activities = SupportActivity.objects.select_related("region", "municipality", "unit")
    if scope.kind == "region":
        activities = activities.filter(region_id=scope.code)
    elif scope.kind == "municipality":
        activities = activities.filter(municipality_id=scope.code)
    if since:
        activities = activities.filter(held_on__gte=since)
    if until:
        activities = activities.filter(held_on__lte=until)
    return list(activities.order_by("held_on", "pk"))


def support_chapter(scope: Scope = NATIONAL, *, year: int = DEFAULT_LIST_YEAR, since: date | None = None,
                    until: date | None = None, as_of=None, demo: str = "") -> dict:
    """The chapter "Stöd till kommuner och regioner": its finding, text and tables (the report's table shape);
    ``demo`` is the report's synthetic-data warning, said in every note."""
    activities = scoped_activities(scope, since, until)
    places = activity_places(activities, year)
    stamp = timezone.localtime(as_of or timezone.now()).strftime("%Y-%m-%d %H:%M")
    period = ("" if not (since or until) else
              f", {since.isoformat() if since else 'början'}–{until.isoformat() if until else 'i dag'}")
    note = (f"Källa: fcatlas stödprogram, registrerade stödinsatser{period}, läge {stamp}. Område: insatsens "
            f"RegSO, eller det område enheten ligger i; SCB:s områdestyp 2022 (RegSO 2025) och Polisens lista {year}.{demo}")
    total = len(activities)
    reached = [a for a in activities if places[a.pk].priority_area]
    with_area = [a for a in activities if places[a.pk].small_area_code]

    reach_table = _table("stod-omraden", "Stödinsatser efter område",
                         [("label", "Område", "text"), ("activities", "Insatser", "count"),
                          ("share", "Andel av insatserna", "share"),
                          ("participants", "Deltagare", "count")],
                         [[label, len(rows), len(rows) / total if total else None,
                           sum(a.participant_count for a in rows)]
                          for key, label in REACH_ROWS
                          for rows in [[a for a in activities if _reach_key(places[a.pk], key)]]], note)
    by_type = _table("stod-typ", "Stödinsatser efter typ",
                     [("label", "Typ av stöd", "text"), ("activities", "Insatser", "count"),
                      ("participants", "Deltagare", "count"), ("priority", "I prioriterade områden", "count")],
                     [[label, sum(a.activity_type == code for a in activities),
                       sum(a.participant_count for a in activities if a.activity_type == code),
                       sum(a.activity_type == code for a in reached)] for code, label in ActivityType.choices], note)
    by_theme = _table("stod-tema", "Stödinsatser efter tema (en insats kan ha flera teman)",
                      [("label", "Tema", "text"), ("activities", "Insatser", "count"),
                       ("priority", "I prioriterade områden", "count")],
                      [[label, sum(code in a.themes for a in activities), sum(code in a.themes for a in reached)]
                       for code, label in Theme.choices], note)
    regions = defaultdict(list)
    for activity in activities:
        regions[activity.region.name].append(activity)
    by_region = _table("stod-region", "Stödinsatser per region",
                       [("label", "Region", "text"), ("activities", "Insatser", "count"),
                        ("municipalities", "Kommuner", "count"), ("participants", "Deltagare", "count"),
                        ("priority", "I prioriterade områden", "count")],
                       [[name, len(items), len({a.municipality_id for a in items if a.municipality_id}),
                         sum(a.participant_count for a in items), sum(places[a.pk].priority_area for a in items)]
                        for name, items in sorted(regions.items())], note)
    years = sorted({a.held_on.year for a in activities})
    over_time = _table("stod-over-tid", "Stödinsatser per år och typ",
                       [("label", "År", "text"), *[(code, label, "count") for code, label in ActivityType.choices],
                        ("all", "Alla", "count"), ("priority", "I prioriterade områden", "count")],
                       [[str(year_), *[sum(a.held_on.year == year_ and a.activity_type == code for a in activities)
                                       for code in ActivityType.values],
                         sum(a.held_on.year == year_ for a in activities),
                         sum(a.held_on.year == year_ for a in reached)] for year_ in years], note)
    roles = _table("stod-deltagare", "Deltagare per roll",
                   [("label", "Roll", "text"), ("participants", "Deltagare", "count")],
                   [[label, sum(a.participants.get(code, 0) for a in activities)]
                    for code, label in ParticipantRole.choices], note)
    all_participants = sum(a.participant_count for a in activities)
    if total:
        municipalities = len({a.municipality_id for a in activities if a.municipality_id})
        finding = (f"{format_number(total)} {'stödinsats' if total == 1 else 'stödinsatser'} med "
                   f"{format_number(all_participants)} deltagare i {format_number(municipalities)} "
                   f"{'kommun' if municipalities == 1 else 'kommuner'}; {format_number(len(reached))} av dem "
                   f"({format_percent(len(reached) / total)}) gällde områden med socioekonomiska utmaningar eller "
                   "Polisens utsatta områden.")
    else:
        finding = "Inga stödinsatser är registrerade ännu."
    followed = sum(1 for a in activities if a.outcome)
    text = [finding] + ([
        f"{format_number(len(with_area))} insatser är knutna till ett område (genom insatsens RegSO eller enhetens "
        f"läge); de övriga gavs till en hel kommun eller region och räknas inte som prioriterade.",
        f"{format_number(sum(1 for a in activities if a.follow_up_on))} insatser har en uppföljning planerad och "
        f"{format_number(followed)} har ett registrerat resultat."] if total else [])
    return {"id": "stod", "title": "Stöd till kommuner och regioner", "finding": finding, "text": text,
            "tables": [reach_table, by_type, by_theme, by_region, over_time, roles], "figures": []}


def _reach_key(place, key: str) -> bool:
    if key == "no_area":
        return not place.small_area_code
    if not place.small_area_code:
        return False
    return {"challenged": place.challenged, "police": place.police_listed, "priority": place.priority_area,
            "other_area": not place.priority_area}[key]


def summary_content(scope: Scope = NATIONAL, *, year: int = DEFAULT_LIST_YEAR, since: date | None = None,
                    until: date | None = None) -> dict:
    """The support summary as a report of its own (one chapter), for the page and its HTML/XLSX/PDF files."""
    as_of = timezone.now()
    chapter = support_chapter(scope, year=year, since=since, until=until, as_of=as_of)
    source = demand_source()
    return {
        "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name, "label": scope.label},
        "title": f"Stöd till kommuner och regioner – sammanställning, {scope.label.lower() if scope.is_national else scope.label}",
        "as_of": as_of.isoformat(timespec="seconds"),
        "as_of_text": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M"),
        "synthetic": False, "radius_m": DEFAULT_RADIUS_M, "year": year, "demand_source": source,
        "summary": [], "chapters": [chapter],
        "method": ["Varje stödinsats registreras av Socialstyrelsens stödhandläggare med datum, typ, teman, "
                   "deltagare per roll, mottagare (region, kommun eller enhet) och gärna det område (RegSO) den "
                   "gällde. En insats räknas som given i ett prioriterat område när området är av SCB:s "
                   f"områdestyp 1 eller 2 eller ligger i Polisens lista {year}."],
    }
