"""The registry's rules: every problem with a unit record, as (field, Swedish message).

A pure function of the record, its kommun's boundary (EPSG:3006) and the working-method codes in use — no
database. ``editing.save_unit`` refuses to save a record with problems, and the edit form, the importer and
the survey review show these same messages, so a rule is written once and holds for every writer.

Fields are record keys (``closed_on``), or ``services.<kind>.<part>`` and ``staffing.<profession>`` for the
parts of a service and a staffing row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from fcatlas.formatting import format_distance, format_number
from fcatlas.geo import SWEDEN_LATITUDE, SWEDEN_LONGITUDE, in_sweden
from fcatlas.reference.geometry import point
from fcatlas.tabular import check_text

from . import schedules
from .models import Budget, OperatingForm, Principal, Profession, ServiceType, Status
from .vocabulary import LANGUAGES

MAX_LENGTHS = {"external_id": 100, "name": 200, "street_address": 200, "locality": 100, "phone": 40, "email": 254,
               "website": 300, "accessibility": 1000, "source_detail": 300}
MAX_DISTANCE_OUTSIDE_KOMMUN_M = 20_000
"""A unit's point may lie this far outside its kommun's generalised boundary (coasts and islands are simplified)."""
EARLIEST_OPENING = date(1970, 1, 1)
MAX_CHILD_AGE = 18
MAX_COORDINATOR_FTE = 5
MAX_FTE = {profession: 25 for profession in Profession.values}
"""Plausible full-time equivalents of one profession at one unit (the largest family centres have about 15)."""
PRIVATE_PRINCIPALS = (Principal.PRIVATE, Principal.NON_PROFIT)
# Django computes an enum's .values on every access; the rules run per row of a 10 000-row file. Tuples, not sets:
# a value of the wrong type (a list from a JSON body) must compare unequal, not fail to hash.
STATUSES, BUDGETS, SERVICE_TYPES = tuple(Status.values), ("", None, *Budget.values), tuple(ServiceType.values)
PRINCIPALS, OPERATING_FORMS, PROFESSIONS = tuple(Principal.values), tuple(OperatingForm.values), tuple(Profession.values)
SERVICE_LABELS, PROFESSION_LABELS = dict(ServiceType.choices), dict(Profession.choices)

_PHONE = re.compile(r"^\+?[\d\s\-–()/]{5,25}$")
_POSTCODE = re.compile(r"^\d{5}$")
_EMAIL = EmailValidator()
_WEBSITE = URLValidator(schemes=["http", "https"])
"""Built once: a validator built for each record compiled its expressions again (a tenth of an import's plan)."""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class RuleViolation(ValueError):
    """A record that breaks the registry's rules; nothing was saved. ``index`` is the record's place in a batch."""

    def __init__(self, problems: list[Problem], index: int = 0):
        self.problems = problems
        self.index = index
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def _shown(value) -> str:
    """A value as the message shows it: numbers in Swedish (1,5; 175), anything else quoted."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float | Decimal) and math.isfinite(float(value)):
        return format_number(float(value), 0 if float(value).is_integer() else min(_decimal_places(value), 4))
    return repr(value)


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def compile_patterns() -> None:
    """Compile now the patterns the e-mail and web address rules use, which Django compiles on first use (a tenth
    of a second for the web address's): before processes are forked to check rows, so that each need not."""
    _EMAIL("familjecentralen@example.se")
    _WEBSITE("https://example.se")


def problems(record: dict, *, municipality_polygon=None, municipality_name: str = "kommunen",
             place_of: Callable[[float, float], str | None] | None = None,
             known_methods: set[str] | None = None, today: date | None = None) -> list[Problem]:
    """Every problem with a normalised unit record (``editing.normalised``), in the order of the record.

    ``municipality_polygon`` is the kommun's boundary in EPSG:3006 (for the point-in-kommun check),
    ``municipality_name`` its name and ``place_of(lon, lat)`` the name of the kommun a point does lie in, for
    the message."""
    today = today or date.today()
    found: list[Problem] = []

    def add(field: str, message: str) -> None:
        found.append(Problem(field, message))

    for field in (*MAX_LENGTHS, "postcode"):
        value = record.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            add(field, f"Värdet {_shown(value)} är inte text.")
        elif problem := check_text(value):
            add(field, f"Texten {problem}.")
        elif field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]:
            add(field, f"Texten är {format_number(len(value))} tecken lång; högst "
                       f"{format_number(MAX_LENGTHS[field])} får plats.")
    if not str(record.get("name") or "").strip():
        add("name", "Namn saknas. Varje enhet behöver ett namn.")
    if not record.get("municipality_id"):
        add("municipality_id", "Kommun saknas. Ange vilken kommun enheten ligger i.")

    status = record.get("status")
    if status not in STATUSES:
        add("status", f"Okänd status {status!r}; välj någon av: {', '.join(Status.labels).lower()}.")
    dates = {}
    for field in ("opened_on", "closed_on", "assured_date"):
        value = record.get(field)
        dates[field] = _date(value)
        if value not in (None, "") and dates[field] is None:
            add(field, f"Datumet {value!r} går inte att läsa; skriv det som ÅÅÅÅ-MM-DD.")
    opened, closed, assured = dates["opened_on"], dates["closed_on"], dates["assured_date"]
    if opened and not EARLIEST_OPENING <= opened <= today + timedelta(days=5 * 366):
        add("opened_on", f"Öppningsdatumet {opened.isoformat()} är inte rimligt; det ska ligga mellan "
                         f"{EARLIEST_OPENING.year} och fem år framåt.")
    if status == Status.CLOSED and not closed:
        add("closed_on", "Ange när enheten stängde.")
    if closed and status != Status.CLOSED:
        label = Status(status).label if status in STATUSES else status
        add("closed_on", f"Enheten har ett stängningsdatum men status är ”{label}”. Ändra status till ”Nedlagd” "
                         "eller ta bort datumet.")
    if opened and closed and closed < opened:
        add("closed_on", f"Enheten kan inte stänga ({closed.isoformat()}) innan den öppnade ({opened.isoformat()}).")
    if closed and closed > today + timedelta(days=1):
        add("closed_on", f"Stängningsdatumet {closed.isoformat()} ligger i framtiden; ange det när enheten har stängt.")
    if assured and assured > today + timedelta(days=1):
        add("assured_date", f"Datumet för när uppgifterna säkerställdes ({assured.isoformat()}) ligger i framtiden.")

    postcode = _text(record, "postcode")
    if postcode and not _POSTCODE.match(postcode):
        add("postcode", f"Postnumret {postcode!r} har inte fem siffror.")
    _coordinates(record, municipality_polygon, municipality_name, place_of, add)
    _ages(record, add)
    _organisation(record, add)
    _contact(record, add)
    for field in ("opening_hours", "drop_in_hours"):
        _schedule(field, record.get(field) or [], add)
    _services(record.get("services") or {}, add)
    methods = record.get("working_methods") or []
    if known_methods is not None:
        for code in methods:
            if code not in known_methods:
                add("working_methods", f"Okänt arbetssätt {code!r}.")
    _staffing(record.get("staffing") or {}, add)
    if not isinstance(record.get("synthetic", False), bool):
        add("synthetic", "Syntetisk ska vara ja eller nej.")
    return found


def _text(record, field: str) -> str:
    """A text field's value, or "" when it is none or not text (which the type check names)."""
    value = record.get(field)
    return value if isinstance(value, str) else ""


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _coordinates(record, polygon, place: str, place_of, add) -> None:
    lat, lon = record.get("latitude"), record.get("longitude")
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        add("latitude" if lat is None else "longitude", "Ange både latitud och longitud, eller ingen av dem.")
        return
    lat, lon = _number(lat), _number(lon)
    if lat is None or lon is None:
        add("latitude", "Koordinaterna är inte tal i grader (WGS 84).")
        return
    if not in_sweden(lon, lat):
        add("latitude", f"Koordinaterna ligger inte i Sverige (latitud {format_number(SWEDEN_LATITUDE[0], 1)}–"
                        f"{format_number(SWEDEN_LATITUDE[1], 1)}, longitud {format_number(SWEDEN_LONGITUDE[0], 1)}–"
                        f"{format_number(SWEDEN_LONGITUDE[1], 1)} i WGS 84).")
        return
    if polygon is not None:
        outside = polygon.distance(point(lon, lat))
        if outside > MAX_DISTANCE_OUTSIDE_KOMMUN_M:
            actual = place_of(lon, lat) if place_of else None
            add("latitude", f"Punkten ligger {format_distance(outside)} utanför {place}"
                            + (f" (i {actual})" if actual else "") + ". Kontrollera koordinaterna eller kommunen.")


def _ages(record, add) -> None:
    ages = {}
    for field in ("children_age_from", "children_age_to"):
        value = record.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CHILD_AGE:
            add(field, f"Åldern {_shown(value)} är inte ett helt antal år mellan 0 och {MAX_CHILD_AGE}.")
        else:
            ages[field] = value
    if len(ages) == 2 and ages["children_age_from"] > ages["children_age_to"]:
        add("children_age_to", "Åldern ”till och med” kan inte vara lägre än ”från”.")


def _decimal_places(value) -> int:
    if type(value) is float and math.isfinite(value):  # the common case, without a Decimal: 1.5 → "1.5" → 1
        whole, _, fraction = repr(value).partition(".")
        if "e" not in fraction and "e" not in whole:
            return len(fraction.rstrip("0"))
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except InvalidOperation:
        return 99
    return max(0, -exponent) if isinstance(exponent, int) else 99


def _organisation(record, add) -> None:
    for field in ("has_cooperation_agreement", "has_steering_group", "has_coordinator", "has_state_or_project_funding"):
        if record.get(field) not in (True, False, None):
            add(field, "Svaret ska vara ja, nej eller vet inte.")
    for field in ("serves_expectant_parents", "serves_parents", "serves_other_adults", "serves_newly_arrived"):
        if record.get(field) not in (True, False):
            add(field, "Svaret ska vara ja eller nej.")
    fte = record.get("coordinator_fte")
    if fte is not None:
        number = _number(fte)
        if number is None or not 0 < number <= MAX_COORDINATOR_FTE or _decimal_places(fte) > 2:
            add("coordinator_fte", f"Samordnarens årsarbetare ska vara ett tal över 0 och högst {MAX_COORDINATOR_FTE}, "
                                   f"med högst två decimaler, inte {_shown(fte)}.")
        elif record.get("has_coordinator") is False:
            add("coordinator_fte", "Samordnare är ”Nej” men samordnarens årsarbetare är angivna. Ändra det ena.")
    if record.get("budget") not in BUDGETS:
        add("budget", f"Okänd budgetform {record.get('budget')!r}; välj någon av: {', '.join(Budget.labels).lower()}.")


def _contact(record, add) -> None:
    phone = _text(record, "phone")
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5):
        add("phone", f"Telefonnumret {phone!r} går inte att läsa; skriv till exempel 08-123 45 67 eller +46 8 123 45 67.")
    email = _text(record, "email")
    if email:
        try:
            _EMAIL(email)
        except ValidationError:
            add("email", f"E-postadressen {email!r} är inte giltig; skriv till exempel familjecentralen@kommun.se.")
    website = _text(record, "website")
    if website:
        try:
            _WEBSITE(website)
        except ValidationError:
            add("website", f"Webbadressen {website!r} är inte giltig; den ska börja med https:// eller http://.")
    for code in record.get("languages") or []:
        if code not in LANGUAGES:
            add("languages", f"Okänt språk {code!r}.")


def _schedule(field: str, entries, add) -> None:
    if not isinstance(entries, list):
        add(field, "Tiderna ska vara veckodagar med klockslag, till exempel mån–fre 8.30–16.30.")
        return
    for entry in entries:
        days = str(entry.get("days", "")).split(",") if isinstance(entry, dict) else []
        opens, closes = (entry.get("opens"), entry.get("closes")) if isinstance(entry, dict) else (None, None)
        if not days or any(day not in schedules.WEEKDAYS for day in days) or not all(
                isinstance(t, str) and re.fullmatch(r"([01]\d|2[0-4]):[0-5]\d", t) for t in (opens, closes)):
            add(field, f"Tiden {entry!r} är inte veckodagar med klockslag; skriv till exempel mån–fre 8.30–16.30.")
        elif closes <= opens:
            add(field, f"Tiden {opens}–{closes} slutar inte efter att den börjar.")


def _services(services, add) -> None:
    if not isinstance(services, dict):
        add("services", "Verksamheterna går inte att läsa.")
        return
    for kind, values in services.items():
        field = f"services.{kind}"
        if kind not in SERVICE_TYPES:
            add("services", f"Okänd verksamhet {kind!r}.")
            continue
        label = SERVICE_LABELS[kind]
        if not isinstance(values, dict):
            add(field, f"{label}: uppgifterna går inte att läsa.")
            continue
        principal = values.get("principal")
        if principal not in PRINCIPALS:
            add(f"{field}.principal", f"{label}: välj huvudman ({', '.join(Principal.labels).lower()}).")
        if values.get("operating_form", OperatingForm.OWN_MANAGEMENT) not in OPERATING_FORMS:
            add(f"{field}.operating_form", f"{label}: okänd driftsform {values.get('operating_form')!r}; välj någon "
                                           f"av: {', '.join(OperatingForm.labels).lower()}.")
        provider = values.get("provider_name") or ""
        if not isinstance(provider, str) or len(provider) > 200 or check_text(provider):
            add(f"{field}.provider_name", f"{label}: utförarens namn får vara högst 200 tecken vanlig text.")
        elif principal in PRIVATE_PRINCIPALS and not provider.strip():
            add(f"{field}.provider_name", f"{label}: ange utförarens namn när huvudmannen är privat eller idéburen.")
        if not isinstance(values.get("fully_co_located", True), bool):
            add(f"{field}.fully_co_located", f"{label}: ange om verksamheten är på plats hela tiden (ja eller nej).")


def _staffing(staffing, add) -> None:
    if not isinstance(staffing, dict):
        add("staffing", "Bemanningen går inte att läsa.")
        return
    for profession, fte in staffing.items():
        if profession not in PROFESSIONS:
            add("staffing", f"Okänd yrkesgrupp {profession!r}; välj någon av: {', '.join(Profession.labels).lower()}.")
            continue
        label = PROFESSION_LABELS[profession]
        number = _number(fte)
        limit = MAX_FTE[profession]
        if number is None or not 0 < number <= limit or _decimal_places(fte) > 2:
            add(f"staffing.{profession}", f"{label}: årsarbetare ska vara ett tal över 0 och högst "
                                          f"{format_number(limit)} vid en enhet, med högst två decimaler, inte {_shown(fte)}.")
