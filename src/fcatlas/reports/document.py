"""The content of a report, as plain data: chapters with their text, tables and figures, each with its source.

``build_content(scope)`` reads the registry, the demand layer and the survey once and returns a JSON-able dict;
rendering it (HTML, PDF, XLSX) reads nothing else, so a report issued from a frozen copy of this dict shows the
same figures however the registry changes afterwards. A profile (one region or kommun) has the same chapters, and
its shares stand beside the nation's.
"""

from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from fcatlas.analysis.police import DEFAULT_LIST_YEAR
from fcatlas.formatting import format_distance, format_number, format_percent, swedish_key
from fcatlas.planning.services import (
    DEFAULT_RADIUS_M,
    comparison_table,
    coverage_by_municipality,
    coverage_report,
    small_area_table,
)
from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Classification, OperatingForm, Principal, Unit
from fcatlas.registry.history import records_at
from fcatlas.registry.queries import registry_version
from fcatlas.survey import followup
from fcatlas.survey.models import Wave

from . import facts
from .support_summary import support_chapter
from .tables import table as _table
from .scopes import NATIONAL, Scope

FIRST_YEAR_OVER_TIME = 2008
"""The first national mapping (131 units) was made in 2008."""

CLASS_LABELS = dict(Classification.choices)
CLASS_HEADINGS = {"family_centre": "Familjecentraler", "similar_service": "Familjecentralsliknande",
                  "not_qualifying": "Uppfyller inte definitionen"}
CLASS_COLUMNS = [(value, CLASS_HEADINGS[value], "count") for value in Classification.values]


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _percent(share: float | None) -> str:
    return "–" if share is None else format_percent(share)


class _Sources:
    """The source notes of one report, each stating what the figures stand on and as of when."""

    def __init__(self, as_of: datetime, synthetic: bool, demand: dict, radius_m: float, year: int):
        stamp = timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M")
        demo = " Enheterna är syntetisk demodata, inte verkliga familjecentraler." if synthetic else ""
        self.stamp, self.demo = stamp, demo
        self.registry = f"Källa: fcatlas register, enheter i drift, läge {stamp}.{demo}"
        self.coverage = (f"Källa: {demand['label']} ({demand['text']}); {demand['children_method']}. Enheter: fcatlas "
                         f"register, läge {stamp}. Avstånd fågelvägen, {format_distance(radius_m)}; "
                         f"Polisens lista {year}.{demo}")
        self.over_time = (f"Källa: fcatlas register, läge {stamp}: enheternas öppnings- och stängningsdatum, med "
                          f"dagens klassificering.{demo}")
        self.survey = f"Källa: fcatlas kartläggningsenkät, svar registrerade till och med {stamp}."


def build_content(scope: Scope = NATIONAL, *, radius_m: float = DEFAULT_RADIUS_M,
                  year: int = DEFAULT_LIST_YEAR, compare_on: date | None = None) -> dict:
    """Everything a report on ``scope`` shows, as of now; with ``compare_on``, also the registry as it stood at
    the end of that day beside today's."""
    as_of = timezone.now()
    units = facts.units_in_operation(scope)
    nation = units if scope.is_national else facts.units_in_operation(NATIONAL)
    synthetic = Unit.objects.filter(synthetic=True, **scope.unit_filter()).exists()
    coverage = coverage_report(radius_m=radius_m, year=year, **scope.planning_arguments())
    nation_coverage = coverage if scope.is_national else coverage_report(radius_m=radius_m, year=year)
    sources = _Sources(as_of, synthetic, coverage["source"], radius_m, year)
    count, last_change = registry_version()
    chapters = [
        _units_chapter(scope, units, nation, sources),
        _services_chapter(scope, units, nation, sources),
        _target_group_chapter(scope, units, nation, sources),
        _methods_chapter(scope, units, nation, sources),
        _governance_chapter(scope, units, nation, sources),
        _staffing_chapter(units, sources),
        _coverage_chapter(scope, units, coverage, nation_coverage, sources, radius_m, year),
        _over_time_chapter(scope, sources, as_of.year, compare_on),
        support_chapter(scope, year=year, as_of=as_of, demo=sources.demo),
    ]
    return {
        "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name, "label": scope.label},
        "title": report_title(scope),
        "as_of": as_of.isoformat(timespec="seconds"),
        "as_of_text": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M"),
        "registry_version": [count, last_change],
        "synthetic": synthetic,
        "radius_m": radius_m,
        "year": year,
        "demand_source": coverage["source"],
        "summary": _summary(scope, units, nation, coverage, nation_coverage, radius_m),
        "chapters": chapters,
        "method": _method(scope, coverage["source"], radius_m, year, synthetic),
    }


def report_title(scope: Scope) -> str:
    if scope.is_national:
        return "Familjecentraler och familjecentralsliknande verksamheter i Sverige"
    return f"Familjecentraler i {scope.name} – {'regionprofil' if scope.kind == 'region' else 'kommunprofil'}"


def _places(units: list[facts.UnitFacts], key: str) -> int:
    return len({getattr(unit, key) for unit in units})


def _summary(scope, units, nation, coverage, nation_coverage, radius_m) -> list[dict]:
    counts = facts.classification_counts(units)
    nation_counts = facts.classification_counts(nation)
    rows = [
        {"label": "Enheter i drift", "value": len(units), "kind": "count", "nation": len(nation)},
        {"label": "varav familjecentraler", "value": counts["family_centre"], "kind": "count",
         "nation": nation_counts["family_centre"]},
        {"label": "varav familjecentralsliknande verksamheter", "value": counts["similar_service"], "kind": "count",
         "nation": nation_counts["similar_service"]},
        {"label": "Kommuner med minst en enhet", "value": _places(units, "municipality_code"), "kind": "count",
         "nation": _places(nation, "municipality_code")},
    ]
    if scope.kind != "municipality":
        rows.append({"label": "Regioner med minst en enhet", "value": _places(units, "region_code"), "kind": "count",
                     "nation": _places(nation, "region_code")})
    rows += [
        {"label": "Barn 0–5 år", "value": coverage["children"], "kind": "count", "nation": nation_coverage["children"]},
        {"label": f"Andel barn 0–5 år inom {format_distance(radius_m)} från en enhet", "value": coverage["share_covered"],
         "kind": "share", "nation": nation_coverage["share_covered"]},
    ]
    if scope.is_national:
        for row in rows:
            row.pop("nation")
    return rows


def _with_nation(scope: Scope) -> bool:
    return not scope.is_national


def _units_chapter(scope: Scope, units, nation, sources: _Sources) -> dict:
    counts = facts.classification_counts(units)
    total = len(units)
    compare = _with_nation(scope)
    nation_counts = facts.classification_counts(nation)
    columns = [("label", "Klassificering", "text"), ("units", "Enheter", "count"), ("share", "Andel", "share")]
    if compare:
        columns.append(("nation_share", "Andel i riket", "share"))
    rows = [[label, counts[value], _share(counts[value], total)]
            + ([_share(nation_counts[value], len(nation))] if compare else [])
            for value, label in Classification.choices]
    rows.append(["Totalt", total, 1.0 if total else None] + ([1.0] if compare else []))
    tables = [_table("klassificering", "Enheter i drift efter klassificering", columns, rows, sources.registry)]
    figures = []
    text = [
        f"I {scope.label if not scope.is_national else 'Sverige'} finns {format_number(total)} enheter i drift: "
        f"{format_number(counts['family_centre'])} familjecentraler, {format_number(counts['similar_service'])} "
        f"familjecentralsliknande verksamheter och {format_number(counts['not_qualifying'])} enheter som inte "
        "uppfyller någon av definitionerna.",
        "En familjecentral har minst mödrahälsovård, barnhälsovård, öppen förskola och förebyggande socialtjänst "
        "på samma plats. En familjecentralsliknande verksamhet har barnhälsovård och minst en av öppen förskola och "
        "förebyggande socialtjänst.",
    ]
    if scope.kind == "municipality":
        unit_rows = sorted(([unit.name, CLASS_LABELS[unit.classification],
                             ", ".join(facts.ServiceType(kind).label for kind in unit.services)] for unit in units),
                           key=lambda row: swedish_key(row[0]))
        tables.append(_table("enheter", f"Enheterna i {scope.name}",
                             [("name", "Enhet", "text"), ("classification", "Klassificering", "text"),
                              ("services", "Verksamheter", "text")], unit_rows, sources.registry))
        figures.append(_unit_map(scope, units, sources))
    else:
        level, key = ("region", "region_code") if scope.is_national else ("municipality", "municipality_code")
        per_place = facts.by_place(units, key)
        places = (Region.objects.all() if scope.is_national
                  else Municipality.objects.filter(region_id=scope.code)).only("code", "name").order_by("code")
        place_rows = []
        for place in places:
            found = per_place.get(place.code, dict.fromkeys(Classification.values, 0))
            place_rows.append([place.name] + [found[value] for value in Classification.values]
                              + [sum(found.values())])
        heading = "Region" if level == "region" else "Kommun"
        tables.append(_table(f"per-{level}", f"Enheter i drift per {heading.lower()}",
                             [("place", heading, "text"), *CLASS_COLUMNS, ("total", "Totalt", "count")],
                             place_rows, sources.registry))
        figures.append({
            "id": f"figur-per-{level}", "kind": "bar", "title": f"Enheter i drift per {heading.lower()}",
            "note": sources.registry, "horizontal": True, "stacked": True, "value_kind": "count",
            "categories": [row[0] for row in place_rows],
            "series": [{"key": value, "label": label, "values": [row[1 + i] for row in place_rows]}
                       for i, (value, label) in enumerate(Classification.choices)],
        })
        figures.append(_unit_map(scope, units, sources))
        without = [row[0] for row in place_rows if row[-1] == 0]
        text.append(f"{format_number(len(place_rows) - len(without))} av {format_number(len(place_rows))} "
                    f"{'regioner' if level == 'region' else 'kommuner'} har minst en enhet."
                    + (f" Utan enhet: {', '.join(without)}." if without and len(without) <= 30 else ""))
        if scope.is_national:
            tables.append(_municipality_appendix(units, sources))
    tables.append(_table("status", "Registrerade enheter efter status (alla, även planerade och nedlagda)",
                         [("status", "Status", "text"), ("units", "Enheter", "count")],
                         [[label, n] for label, n in facts.status_counts(scope)], sources.registry))
    finding = (f"{format_number(total)} enheter i drift, varav {format_number(counts['family_centre'])} "
               f"familjecentraler och {format_number(counts['similar_service'])} familjecentralsliknande "
               f"verksamheter, i {format_number(_places(units, 'municipality_code'))} kommuner"
               + (f" och {format_number(_places(units, 'region_code'))} av 21 regioner." if scope.is_national else "."))
    return {"id": "enheter", "title": "Enheter efter klassificering och geografi", "finding": finding, "text": text,
            "tables": tables, "figures": figures}


def _municipality_appendix(units, sources: _Sources) -> dict:
    per_kommun = facts.by_place(units, "municipality_code")
    names = dict(Municipality.objects.filter(code__in=per_kommun).values_list("code", "name"))
    region_names = dict(Region.objects.values_list("code", "name"))
    rows = sorted(([names[code], region_names[code[:2]]] + [found[value] for value in Classification.values]
                   + [sum(found.values())] for code, found in per_kommun.items()),
                  key=lambda row: swedish_key(row[0]))
    return _table("per-kommun", "Kommuner med minst en enhet i drift",
                  [("kommun", "Kommun", "text"), ("region", "Region", "text"), *CLASS_COLUMNS,
                   ("total", "Totalt", "count")], rows, sources.registry) | {"appendix": True}


def _unit_map(scope: Scope, units, sources: _Sources) -> dict:
    return {
        "id": "karta-enheter", "kind": "map", "title": "Enheter i drift efter klassificering",
        "note": sources.registry + " Gränser: SCB.", "level": "small_area" if scope.kind == "municipality"
        else "municipality", "scope": {"kind": scope.kind, "code": scope.code},
        "values": {}, "legend_title": "",
        "points": [[round(u.longitude, 5), round(u.latitude, 5), u.classification] for u in units
                   if u.longitude is not None],
    }


def _services_chapter(scope: Scope, units, nation, sources: _Sources) -> dict:
    compare = _with_nation(scope)
    total = len(units)
    presence = facts.service_presence(units)
    nation_presence = {row["service"]: row["units"] for row in facts.service_presence(nation)}
    columns = [("label", "Verksamhet", "text"), ("units", "Enheter med verksamheten", "count"),
               ("share", "Andel av enheterna", "share"), ("on_site", "Andel på plats hela tiden", "share")]
    if compare:
        columns.append(("nation_share", "Andel av enheterna i riket", "share"))
    rows = [[row["label"], row["units"], _share(row["units"], total), _share(row["on_site"], row["units"])]
            + ([_share(nation_presence[row["service"]], len(nation))] if compare else []) for row in presence]
    principals = facts.service_parts(units, "principal")
    forms = facts.service_parts(units, "operating_form")
    tables = [
        _table("verksamheter", "Samlokaliserade verksamheter", columns, rows, sources.registry),
        _table("huvudman", "Huvudman för kärnverksamheterna",
               [("label", "Verksamhet", "text"), *[(v, label, "count") for v, label in Principal.choices]],
               [[row["label"], *row["counts"].values()] for row in principals], sources.registry),
        _table("driftsform", "Driftsform för kärnverksamheterna",
               [("label", "Verksamhet", "text"), *[(v, label, "count") for v, label in OperatingForm.choices]],
               [[row["label"], *row["counts"].values()] for row in forms], sources.registry),
    ]
    private = sum(row["counts"]["private"] + row["counts"]["non_profit"] for row in principals)
    core = sum(sum(row["counts"].values()) for row in principals)
    text = [
        "Tabellen visar hur många enheter som har varje verksamhet och hur ofta verksamheten finns på plats hela "
        "tiden (samlokaliserad fullt ut). Övriga verksamheter är sådana som finns utöver de fyra kärnverksamheterna.",
        f"Av kärnverksamheterna drivs {format_number(private)} av {format_number(core)} av privata utförare eller "
        "idéburna organisationer; övriga har region eller kommun som huvudman.",
    ]
    figure = {"id": "figur-verksamheter", "kind": "bar", "title": "Andel av enheterna som har verksamheten",
              "note": sources.registry, "horizontal": True, "stacked": False, "value_kind": "share",
              "categories": [row["label"] for row in presence],
              "series": [{"key": "scope", "label": scope.label, "values": [_share(r["units"], total) for r in presence]}]
              + ([{"key": "nation", "label": "Riket",
                   "values": [_share(nation_presence[r["service"]], len(nation)) for r in presence]}] if compare else [])}
    share_of = {row["service"]: _share(row["units"], total) for row in presence}
    finding = (f"Öppen förskola finns vid {_percent(share_of['open_preschool'])} av enheterna, förebyggande "
               f"socialtjänst vid {_percent(share_of['preventive_social_services'])} och mödrahälsovård vid "
               f"{_percent(share_of['maternal_health'])}; {format_number(private)} av {format_number(core)} "
               "kärnverksamheter drivs av privata eller idéburna utförare.")
    return {"id": "verksamheter", "title": "Samlokaliserade verksamheter, huvudmän och driftsformer",
            "finding": finding, "text": text,
            "tables": tables, "figures": [figure]}


def _share_table(id_, title, heading, rows, units, nation_rows, nation, compare, note) -> dict:
    columns = [("label", heading, "text"), ("units", "Enheter", "count"), ("share", "Andel", "share")]
    if compare:
        columns.append(("nation_share", "Andel i riket", "share"))
    return _table(id_, title, columns, [
        [row["label"], row["units"], _share(row["units"], len(units))]
        + ([_share(nation_row["units"], len(nation))] if compare else [])
        for row, nation_row in zip(rows, nation_rows)], note)


def _target_group_chapter(scope: Scope, units, nation, sources: _Sources) -> dict:
    rows = facts.target_groups(units)
    table = _share_table("malgrupper", "Målgrupper", "Målgrupp", rows, units, facts.target_groups(nation), nation,
                         _with_nation(scope), sources.registry)
    older = rows[3]["units"]
    text = [
        "Barnhälsovården når barn till och med fem år; en del enheter tar också emot äldre barn och deras föräldrar. "
        f"Här räknas en enhet som öppen för äldre barn när den tar emot barn från {facts.OLDER_CHILDREN_FROM_AGE} år.",
        f"{format_number(older)} av {format_number(len(units))} enheter tar emot äldre barn.",
    ]
    newly_arrived = rows[6]["units"]
    finding = (f"{_percent(_share(older, len(units)))} av enheterna tar emot äldre barn (från "
               f"{facts.OLDER_CHILDREN_FROM_AGE} år) och {_percent(_share(newly_arrived, len(units)))} vänder sig "
               "särskilt till nyanlända familjer.")
    return {"id": "malgrupper", "title": "Målgrupper", "finding": finding, "text": text, "tables": [table],
            "figures": []}


def _methods_chapter(scope: Scope, units, nation, sources: _Sources) -> dict:
    compare = _with_nation(scope)
    rows = facts.working_methods(units)
    nation_rows = facts.working_methods(nation)
    table = _share_table("arbetssatt", "Arbetssätt", "Arbetssätt", rows, units, nation_rows, nation, compare,
                         sources.registry)
    theme = [(row, nation_row) for row, nation_row in zip(rows, nation_rows) if row["theme"]]
    theme_table = _share_table("vald-och-jamstalldhet", "Våld i nära relationer och jämställt föräldraskap",
                               "Arbetssätt", [r for r, _ in theme], units, [n for _, n in theme], nation, compare,
                               sources.registry)
    ordered = sorted(rows, key=lambda row: -row["units"])
    figure = {"id": "figur-arbetssatt", "kind": "bar", "title": "Andel av enheterna som använder arbetssättet",
              "note": sources.registry, "horizontal": True, "stacked": False, "value_kind": "share",
              "categories": [row["label"] for row in ordered],
              "series": [{"key": "scope", "label": scope.label,
                          "values": [_share(row["units"], len(units)) for row in ordered]}]
              + ([{"key": "nation", "label": "Riket", "values": [
                  _share(next(n["units"] for n in nation_rows if n["code"] == row["code"]), len(nation))
                  for row in ordered]}] if compare else [])}
    routine = next((row["units"] for row in rows if row["code"] == "violence_routine_questions"), 0)
    text = [
        "Arbetssätten följer registrets förteckning över metoder och arbetssätt. En enhet kan ha flera.",
        f"{format_number(routine)} av {format_number(len(units))} enheter ställer rutinmässigt frågor om våld till "
        "alla föräldrar. Regeringens uppdrag lyfter särskilt arbetet mot våld, inklusive hedersrelaterat våld och "
        "förtryck, och för ett jämställt föräldraskap, till exempel utrikes födda pappors delaktighet.",
    ]
    equal = next((row["units"] for row in rows if row["code"] == "gender_equal_parenting"), 0)
    fathers = next((row["units"] for row in rows if row["code"] == "father_partner_groups"), 0)
    finding = (f"{_percent(_share(routine, len(units)))} av enheterna frågar alla föräldrar om våld, "
               f"{_percent(_share(equal, len(units)))} arbetar uttalat med jämställt föräldraskap och "
               f"{_percent(_share(fathers, len(units)))} har pappa- och partnergrupper.")
    return {"id": "arbetssatt", "title": "Arbetssätt, våld och jämställt föräldraskap", "finding": finding,
            "text": text,
            "tables": [table, theme_table], "figures": [figure]}


def _governance_chapter(scope: Scope, units, nation, sources: _Sources) -> dict:
    compare = _with_nation(scope)
    nation_rows = {row["field"]: row for row in facts.governance(nation)}

    def known_share(row):
        return _share(row["yes"], row["yes"] + row["no"])

    columns = [("label", "Fråga", "text"), ("yes", "Ja", "count"), ("no", "Nej", "count"),
               ("unknown", "Uppgift saknas", "count"), ("share", "Andel ja av kända", "share")]
    if compare:
        columns.append(("nation_share", "Andel ja i riket", "share"))
    rows = [[row["label"], row["yes"], row["no"], row["unknown"], known_share(row)]
            + ([known_share(nation_rows[row["field"]])] if compare else []) for row in facts.governance(units)]
    text = ["Styrning och finansiering enligt enheternas egna uppgifter. Andelen räknas bland de enheter som har "
            "lämnat uppgiften; enheter utan uppgift redovisas för sig."]
    by_field = {row[0]: row[4] for row in rows}
    finding = (f"{_percent(by_field['Samverkansavtal mellan huvudmännen'])} har samverkansavtal, "
               f"{_percent(by_field['Gemensam styrgrupp'])} en gemensam styrgrupp och "
               f"{_percent(by_field['Gemensam budget'])} en gemensam budget, bland enheterna som lämnat uppgiften.")
    return {"id": "styrning", "title": "Finansiering och styrning", "finding": finding, "text": text,
            "tables": [_table("styrning", "Styrning och finansiering", columns, rows, sources.registry)],
            "figures": []}


def _staffing_chapter(units, sources: _Sources) -> dict:
    rows = [[row["label"], row["units"], row["fte"], row["median_fte"]] for row in facts.staffing(units)]
    table = _table("bemanning", "Bemanning i årsarbetare",
                   [("label", "Yrkesgrupp", "text"), ("units", "Enheter med yrkesgruppen", "count"),
                    ("fte", "Årsarbetare totalt", "decimal"), ("median", "Median per enhet", "decimal")],
                   rows, sources.registry)
    reported = sum(1 for unit in units if unit.staffing)
    text = [f"{format_number(reported)} av {format_number(len(units))} enheter har uppgift om bemanning. "
            "Medianen räknas bland de enheter som har yrkesgruppen."]
    professions = [row for row in facts.staffing(units) if row["profession"] != "coordinator_fte"]
    largest = max(professions, key=lambda row: row["fte"])
    finding = (f"Enheterna har sammanlagt {format_number(sum(row['fte'] for row in professions), 1)} årsarbetare; "
               f"störst är yrkesgruppen {largest['label']} ({format_number(largest['fte'], 1)}).")
    return {"id": "bemanning", "title": "Bemanning", "finding": finding, "text": text, "tables": [table],
            "figures": []}


def _coverage_chapter(scope: Scope, units, coverage, nation_coverage, sources: _Sources, radius_m, year) -> dict:
    compare = _with_nation(scope)
    distance = format_distance(radius_m)

    def covered_share(row):
        return _share(row["children"] - row["uncovered"], row["children"])

    def rows_of(key, report):
        return {row["label"]: row for row in report[key]}

    tables = []
    for key, id_, title, heading in (("area_types", "omradestyp", "SCB:s områdestyper", "Områdestyp (SCB)"),
                                     ("vulnerability", "polisens-omraden", "Polisens utsatta områden", "Område")):
        nation_rows = rows_of(key, nation_coverage)
        columns = [("label", heading, "text"), ("children", "Barn 0–5 år", "count"),
                   ("uncovered", f"Barn längre bort än {distance}", "count"),
                   ("share", f"Andel inom {distance}", "share")]
        if compare:
            columns.append(("nation_share", "Andel inom i riket", "share"))
        tables.append(_table(id_, f"Barn 0–5 år inom {distance} från en enhet, efter {title[0].lower() + title[1:]}",
                             columns, [[row["label"], row["children"], row["uncovered"], covered_share(row)]
                                       + ([covered_share(nation_rows[row["label"]])] if compare else [])
                                       for row in coverage[key]], sources.coverage))
    tables.insert(0, _table("avstand", "Barn 0–5 år efter avstånd till närmaste enhet",
                            [("band", "Avstånd", "text"), ("children", "Barn 0–5 år", "count"),
                             ("share", "Andel", "share")],
                            [[row["band"], row["children"], row["share"]] for row in coverage["distance_bands"]],
                            sources.coverage))
    tables.append(_table("omraden-utan-enhet", f"Polisens områden ({year}) utan enhet inom {distance}",
                         [("name", "Område", "text"), ("kommun", "Kommun", "text"),
                          ("category", "Kategori", "text"), ("nearest", "Närmaste enhet", "distance")],
                         [[a["name"], a["municipality_name"], a["category_label"], a["nearest_unit_m"]]
                          for a in coverage["areas_without_unit"]], sources.coverage))
    figures = [{
        "id": "figur-omradestyp", "kind": "bar", "title": f"Andel barn 0–5 år inom {distance}, efter SCB:s områdestyp",
        "note": sources.coverage, "horizontal": True, "stacked": False, "value_kind": "share",
        "categories": [row["label"] for row in coverage["area_types"]],
        "series": [{"key": "scope", "label": scope.label, "values": [covered_share(r) for r in coverage["area_types"]]}]
        + ([{"key": "nation", "label": "Riket", "values": [covered_share(r) for r in nation_coverage["area_types"]]}]
           if compare else []),
    }]
    if scope.kind == "municipality":
        areas = small_area_table(municipality=scope.code, radius_m=radius_m, year=year)["rows"]
        values = {row["code"]: row["share_uncovered"] for row in areas}
        tables.append(_table("regso", f"Regionala statistikområden (RegSO) i {scope.name}",
                             [("name", "Område", "text"), ("children", "Barn 0–5 år", "count"),
                              ("uncovered", f"Längre bort än {distance}", "count"),
                              ("share", "Andel längre bort", "share"), ("type", "Områdestyp (SCB)", "text"),
                              ("police", f"Polisens kategori {year}", "text")],
                             [[r["name"], r["children"], r["uncovered"], r["share_uncovered"],
                               r["area_type_label"] or "", r["police_category_label"] or ""] for r in areas],
                             sources.coverage) | {"appendix": True})
    else:
        values = {row["code"]: row["share_uncovered"] for row in coverage_by_municipality(radius_m=radius_m, year=year)[
            "rows"] if scope.is_national or row["code"][:2] == scope.code}
        comparison = comparison_table(level="region" if scope.is_national else "municipality",
                                      region=scope.code or None, radius_m=radius_m, year=year)
        heading = "Region" if scope.is_national else "Kommun"
        tables.append(_table("jamforelse", f"{'Regionerna' if scope.is_national else 'Kommunerna'} jämförda",
                             [("name", heading, "text"), ("units", "Enheter", "count"),
                              ("children", "Barn 0–5 år", "count"), ("per", "Enheter per 10 000 barn", "decimal"),
                              ("share", f"Andel barn inom {distance}", "share"),
                              ("challenged", "Andel inom, områdestyp 1–2", "share"),
                              ("police", "Andel inom, Polisens områden", "share")],
                             [[r["name"], r["units"], r["children"], r["units_per_10000"], r["share_covered"],
                               r["share_covered_challenged"], r["share_covered_police"]] for r in comparison["rows"]],
                             sources.coverage))
    figures.append({
        "id": "karta-tackning", "kind": "map", "title": f"Andel barn 0–5 år längre bort än {distance} från en enhet",
        "note": sources.coverage + " Gränser: SCB.", "level": "small_area" if scope.kind == "municipality"
        else "municipality", "scope": {"kind": scope.kind, "code": scope.code},
        "values": values, "legend_title": f"Andel barn längre bort än {distance}",
        "points": [[round(u.longitude, 5), round(u.latitude, 5), u.classification] for u in units
                   if u.longitude is not None and u.classification != "not_qualifying"],
    })
    share = coverage["share_covered"]
    text = [
        f"Av {format_number(coverage['children'])} barn 0–5 år bor {format_percent(share) if share is not None else '–'} "
        f"inom {distance} fågelvägen från en familjecentral eller familjecentralsliknande verksamhet.",
        f"I SCB:s områdestyper 1 och 2 (socioekonomiska utmaningar) bor {format_number(coverage['uncovered_in_challenged_areas'])} "
        f"barn längre bort än {distance}; i Polisens utsatta områden (listan {year}) "
        f"{format_number(coverage['uncovered_in_vulnerable_areas'])}.",
        f"{format_number(len(coverage['areas_without_unit']))} av Polisens områden har ingen enhet inom {distance}.",
    ]
    if compare:
        text.append(f"I riket bor {format_percent(nation_coverage['share_covered'])} av barnen inom {distance}.")
    return {"id": "tackning", "title": "Geografisk spridning och täckning", "finding": text[0], "text": text,
            "tables": tables,
            "figures": figures}


def _over_time_chapter(scope: Scope, sources: _Sources, this_year: int, compare_on: date | None) -> dict:
    series = facts.in_operation_by_year(scope, FIRST_YEAR_OVER_TIME, this_year)
    rows = [[row["year"]] + [row[value] for value in Classification.values] + [sum(row[v] for v in Classification.values)]
            for row in series]
    tables = [_table("over-tid", "Enheter i drift vid årets slut",
                     [("year", "År", "text"), *CLASS_COLUMNS, ("total", "Totalt", "count")], rows, sources.over_time)]
    figures = [{"id": "figur-over-tid", "kind": "line", "title": "Enheter i drift vid årets slut",
                "note": sources.over_time, "value_kind": "count", "categories": [row[0] for row in rows],
                "series": [{"key": value, "label": label, "values": [row[1 + i] for row in rows]}
                           for i, (value, label) in enumerate(Classification.choices)]}]
    first, last = rows[0], rows[-1]
    text = [f"Enheter i drift vid slutet av {first[0]}: {format_number(first[-1])}; vid slutet av {last[0]}: "
            f"{format_number(last[-1])}. Serien bygger på enheternas öppnings- och stängningsdatum i registret och "
            "visar dagens klassificering för varje år."]
    waves = list(Wave.objects.order_by("opens_on"))
    if waves:
        place = Q(region_id=scope.code) if scope.kind == "region" else (
            Q(municipality_id=scope.code) if scope.kind == "municipality" else Q())
        wave_rows = []
        for wave in waves:
            totals = followup.total(followup.rates(wave, place)["region"])
            wave_rows.append([wave.name, f"{wave.opens_on.isoformat()} – {wave.closes_on.isoformat()}",
                              totals.invited, totals.submitted, totals.share])
        tables.append(_table("enkatomgangar", "Kartläggningens enkätomgångar",
                             [("wave", "Omgång", "text"), ("period", "Period", "text"), ("invited", "Inbjudna", "count"),
                              ("submitted", "Inskickade svar", "count"), ("share", "Svarsandel", "share")],
                             wave_rows, sources.survey))
        text.append(f"Kartläggningen har {format_number(len(waves))} enkätomgång{'ar' if len(waves) > 1 else ''}; "
                    "tabellen visar hur många som svarat i varje.")
    else:
        text.append("Ingen enkätomgång har genomförts i systemet ännu; när det finns två omgångar visas förändringen "
                    "mellan dem här.")
    if compare_on is not None:
        then_and_now = _registry_then_and_now(scope, compare_on, sources)
        tables.append(then_and_now["table"])
        text.append(then_and_now["text"])
    if scope.is_national:
        tables.append(_published_comparison(rows[-1][-1], sources))
    return {"id": "over-tid", "title": "Förändring över tid", "finding": text[0].split(" Serien")[0],
            "text": text, "tables": tables, "figures": figures}


def _in_scope(record: dict, scope: Scope) -> bool:
    code = record.get("municipality_id") or ""
    return scope.is_national or (code[:2] == scope.code if scope.kind == "region" else code == scope.code)


def _registry_then_and_now(scope: Scope, compare_on: date, sources: _Sources) -> dict:
    """The units in operation by classification at the end of ``compare_on`` (replayed from the registry's
    history) and now, with how many came, went and changed classification in between."""
    moment = timezone.make_aware(datetime.combine(compare_on, time.max))
    serving = set(facts.IN_OPERATION)
    then = {number: record for number, record in records_at(moment).items()
            if record.get("status") in serving and _in_scope(record, scope)}
    now = {number: record for number, record in records_at(timezone.now()).items()
           if record.get("status") in serving and _in_scope(record, scope)}
    rows = []
    for value, label in Classification.choices:
        before = sum(1 for r in then.values() if r["classification"] == value)
        after = sum(1 for r in now.values() if r["classification"] == value)
        rows.append([label, before, after, after - before])
    rows.append(["Totalt", len(then), len(now), len(now) - len(then)])
    came, went = len(now.keys() - then.keys()), len(then.keys() - now.keys())
    changed = sum(1 for number in now.keys() & then.keys()
                  if now[number]["classification"] != then[number]["classification"])
    rows += [["Tillkomna enheter", None, came, None], ["Enheter som inte längre är i drift", None, went, None],
             ["Enheter med ändrad klassificering", None, changed, None]]
    day = compare_on.isoformat()
    table = _table("registret-da-och-nu", f"Registret den {day} och i dag",
                   [("label", "Klassificering", "text"), ("then", f"{day}", "count"), ("now", "I dag", "count"),
                    ("change", "Förändring", "count")], rows,
                   f"Källa: fcatlas register: ändringshistoriken till och med {day}, jämförd med läget "
                   f"{sources.stamp}; enheter i drift.{sources.demo}")
    text = (f"Den {day} hade registret {format_number(len(then))} enheter i drift, i dag {format_number(len(now))}: "
            f"{format_number(came)} har tillkommit, {format_number(went)} är inte längre i drift och "
            f"{format_number(changed)} har bytt klassificering.")
    return {"table": table, "text": text}


PUBLISHED_MAPPINGS = [
    ("Kartläggning 2008 (Socialstyrelsen)", 131, None, None),
    ("Kartläggning 2023 (Folkhälsomyndigheten och Socialstyrelsen)", 246, 158, 18),
]
"""The national mappings' published totals (familjecentraler and similar services together): 131 units in 2008;
246 units in 158 kommuner and 18 of 21 regions in 2023 (Folkhälsomyndigheten, 'Kartläggning av familjecentraler
och familjecentralsliknande verksamheter')."""


def _published_comparison(units_now: int, sources: _Sources) -> dict:
    rows = [[name, total, kommuner, regions] for name, total, kommuner, regions in PUBLISHED_MAPPINGS]
    return _table("publicerade-kartlaggningar", "Tidigare nationella kartläggningar",
                  [("mapping", "Kartläggning", "text"), ("units", "Enheter", "count"),
                   ("municipalities", "Kommuner med enhet", "count"), ("regions", "Regioner med enhet", "count")],
                  rows, "Källa: Folkhälsomyndigheten, Kartläggning av familjecentraler och familjecentralsliknande "
                        "verksamheter (2023), som också anger Socialstyrelsens siffra för 2008. Definitionerna 2008 "
                        f"och 2023 skiljer sig något. Registret har i dag {format_number(units_now)} enheter i drift "
                        f"enligt tabellen ovan. {sources.registry}")


def _method(scope: Scope, demand: dict, radius_m: float, year: int, synthetic: bool) -> list[str]:
    paragraphs = [
        "Rapporten bygger på fcatlas register över familjecentraler och familjecentralsliknande verksamheter. "
        "Varje enhet klassificeras enligt den nationella definitionen utifrån vilka verksamheter som finns på plats: "
        "familjecentral (mödrahälsovård, barnhälsovård, öppen förskola och förebyggande socialtjänst) eller "
        "familjecentralsliknande verksamhet (barnhälsovård och minst en av öppen förskola och förebyggande "
        "socialtjänst). Enheter i drift är de som är öppna eller tillfälligt stängda; planerade och nedlagda enheter "
        "redovisas bara i statustabellen.",
        f"Befolkningen är {demand['label']}: {demand['text']}. {demand['children_method']}. Barnen är placerade "
        f"{demand['placement']}. Täckningen är andelen barn 0–5 år som bor inom {format_distance(radius_m)} fågelvägen "
        "från en familjecentral eller familjecentralsliknande verksamhet i drift; avstånden räknas i SWEREF 99 TM.",
        "SCB:s socioekonomiska områdestyper (1–5) gäller regionala statistikområden (RegSO). Typ 1 och 2 är områden "
        f"med socioekonomiska utmaningar. Polisens utsatta, särskilt utsatta och riskområden följer Polisens lista {year}.",
        "Förändringen över tid bygger på enheternas öppnings- och stängningsdatum och på kartläggningens "
        "enkätomgångar. Varje tabell och figur anger sin källa och det datum uppgifterna gäller.",
        "Kommun- och länsgränser: SCB. Utsatta områden: Polisen. Postnummer: GeoNames (CC BY 4.0). "
        "Uppgifternas ursprung och licenser finns i filen data/SOURCES.md som följer med systemet.",
    ]
    if synthetic:
        paragraphs.insert(0, "Observera: enheterna i registret är syntetisk demodata. De är påhittade för att visa hur "
                             "rapporten fungerar och beskriver inga verkliga familjecentraler. Befolkningsuppgifterna "
                             "är verkliga men modellerat placerade.")
    return paragraphs
