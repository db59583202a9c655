"""Saving a scenario: the scenario page's state (its query) checked by the same rules as the scenario itself."""

from urllib.parse import parse_qs

from fcatlas.analysis.police import LIST_YEARS
from fcatlas.reference.models import Region

from .models import SavedScenario
from .services import RADIUS_CHOICES_M, PlanningError, ScenarioRequest, scenario_delta


def scenario_from_query(query: str) -> tuple[Region, int, int, ScenarioRequest]:
    """The region, radius, list year and request of a scenario page's query (``region=…&add=lon,lat&close=id``)."""
    params = parse_qs(query.lstrip("?"), keep_blank_values=False)
    region = Region.objects.filter(code=(params.get("region") or [""])[0]).defer("geometry").first()
    if region is None:
        raise PlanningError("Scenariot saknar en region. Öppna scenariot på kartan och spara igen.")
    try:
        radius = int((params.get("radie") or ["2000"])[0])
        year = int((params.get("ar") or [str(LIST_YEARS[-1])])[0])
        additions = [tuple(float(part) for part in text.split(",")) for text in params.get("add", [])]
        closures = [int(text) for text in params.get("close", [])]
    except ValueError:
        raise PlanningError("Scenariots punkter eller enheter går inte att läsa. Öppna scenariot på kartan och "
                            "spara igen.") from None
    if radius not in RADIUS_CHOICES_M:
        raise PlanningError(f"Radien {radius} m finns inte bland valen.")
    if any(len(point) != 2 for point in additions):
        raise PlanningError("En tänkt enhet ska ha longitud och latitud.")
    return region, radius, year, ScenarioRequest(add=additions, close=closures, radius_m=radius)


def save_scenario(*, name: str, description: str, query: str, user) -> SavedScenario:
    """Check the scenario as the scenario page does (points in Sweden, units that count) and keep it."""
    name = name.strip()
    if not name:
        raise PlanningError("Ge scenariot ett namn, så att andra kan hitta det.")
    if len(name) > 120:
        raise PlanningError(f"Namnet får vara högst 120 tecken (nu {len(name)}).")
    if len(description) > 2000:
        raise PlanningError(f"Beskrivningen får vara högst 2 000 tecken (nu {len(description)}).")
    region, radius, year, request = scenario_from_query(query)
    if not request.add and not request.close:
        raise PlanningError("Scenariot har inga ändringar att spara. Lägg till eller stäng en enhet först.")
    scenario_delta(request, region=region.code, year=year)
    return SavedScenario.objects.create(
        name=name, description=description.strip(), region=region, radius_m=radius, police_year=year,
        additions=[list(point) for point in request.add], closures=list(request.close),
        created_by=user if user.is_authenticated else None)


def before_and_after(saved: SavedScenario) -> dict:
    return scenario_delta(ScenarioRequest(add=[tuple(p) for p in saved.additions], close=saved.closures,
                                          radius_m=saved.radius_m), region=saved.region_id, year=saved.police_year)
