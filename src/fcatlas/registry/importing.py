"""Import registry units from the files people keep them in: CSV, XLSX and GeoJSON.

``plan_import`` reads a file and checks every row without writing anything: for each row it says
what would happen (create, update, unchanged, error) and why, in Swedish, naming the row as the user
sees it in the spreadsheet (the header is row 1) and the column. ``apply_import`` then writes the plan in
one transaction through ``editing.save_unit``: either every row is saved or nothing is.

Headers may be Swedish or English, in any case, with or without accents, with spaces, underscores or
hyphens. Kommuner are found by code or by the names people write ("Falu kommun", "Göteborgs stad",
"Region Gotland"). Coordinates are WGS 84 (lat/lon) or SWEREF 99 TM (EPSG:3006, metres). The importer
reads back everything ``exporting`` writes, so an export re-imports to the same registry.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from fcatlas.accounts.permissions import can_edit_in_municipality
from fcatlas.datafiles import read_csv
from fcatlas.formatting import format_distance
from fcatlas.reference.models import Municipality, Postcode

from .editing import SCALAR_FIELDS, EditConflict, normalised, save_unit, unit_record
from .models import (DEFAULT_PRINCIPAL, Budget, OperatingForm, Principal, Profession, ServiceType, Status, Unit,
                     WorkingMethod)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_DISTANCE_OUTSIDE_KOMMUN_M = 20_000
SYNTHETIC_NOTICE = "Syntetisk demodata – inte verkliga familjecentraler"


# --- names -----------------------------------------------------------------------------------------

def normalise_header(text) -> str:
    """``"Besöks-adress "`` → ``"besoksadress"``-style key: lower case, no accents, one ``_`` between words."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _normalise_name(text: str) -> str:
    """Lower case with accents kept (Håbo and Habo are two kommuner); hyphens and spaces equivalent."""
    return re.sub(r"[\s\-_]+", " ", str(text).casefold()).strip()


def _strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# Record field → (header written by the exporter, other names the importer accepts).
SCALAR_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "external_id": ("externt id", ("external_id", "id", "extern_id", "externt_id")),
    "name": ("namn", ("name", "enhet", "enhetens_namn", "enhetsnamn", "familjecentral")),
    "status": ("status", ()),
    "opened_on": ("öppnade", ("opened_on", "oppningsdatum", "startdatum", "oppnad", "opened")),
    "closed_on": ("stängde", ("closed_on", "stangd", "nedlagd_datum", "closed")),
    "street_address": ("besöksadress", ("adress", "street_address", "gatuadress", "address")),
    "postcode": ("postnummer", ("postcode", "postnr", "postal_code")),
    "locality": ("postort", ("locality", "ort", "city")),
    "serves_expectant_parents": ("blivande föräldrar", ("serves_expectant_parents", "expectant_parents")),
    "serves_parents": ("föräldrar", ("serves_parents", "parents")),
    "children_age_from": ("barn från ålder", ("children_age_from", "barn_fran_alder_ar", "alder_fran")),
    "children_age_to": ("barn till och med ålder", ("children_age_to", "barn_till_alder", "barn_till_och_med_alder_ar",
                                                    "alder_till")),
    "serves_other_adults": ("andra viktiga vuxna", ("serves_other_adults", "other_adults")),
    "serves_newly_arrived": ("nyanlända familjer", ("serves_newly_arrived", "nyanlanda", "newly_arrived")),
    "has_cooperation_agreement": ("samverkansavtal", ("has_cooperation_agreement", "cooperation_agreement")),
    "has_steering_group": ("styrgrupp", ("has_steering_group", "steering_group")),
    "has_coordinator": ("samordnare", ("has_coordinator", "coordinator")),
    "coordinator_fte": ("samordnare årsarbetare", ("coordinator_fte", "samordnare_arsarbetare_tjanst")),
    "budget": ("budget", ()),
    "has_state_or_project_funding": ("statliga medel eller projektmedel", ("has_state_or_project_funding",
                                                                           "projektmedel", "statliga_medel")),
    "opening_hours": ("öppettider", ("opening_hours", "oppettid")),
    "assured_date": ("säkerställd", ("assured_date", "sakerstalld_datum", "senast_kontrollerad")),
    "synthetic": ("syntetisk", ("synthetic", "syntetisk_demo", "syntetisk_demodata")),
}
OTHER_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "municipality_code": ("kommunkod", ("municipality_code", "kommun_kod", "kommunnummer", "kod")),
    "municipality_name": ("kommun", ("municipality", "municipality_name", "kommunnamn", "kommun_namn")),
    "latitude": ("latitud", ("lat", "latitude", "wgs84_lat")),
    "longitude": ("longitud", ("lon", "lng", "long", "longitude", "wgs84_lon")),
    "sweref_x": ("x", ()),
    "sweref_y": ("y", ()),
    "easting": ("e", ("easting", "ost", "sweref_e", "sweref99_e", "sweref_99_tm_e", "e_koordinat")),
    "northing": ("n", ("northing", "nord", "sweref_n", "sweref99_n", "sweref_99_tm_n", "n_koordinat")),
    "services_list": ("verksamheter", ("services", "tjanster", "verksamheter_pa_plats")),
    "working_methods": ("arbetssätt", ("working_methods", "metoder", "arbetssatt_metoder")),
    "target_groups": ("målgrupper", ("target_groups", "malgrupp")),
    "staffing": ("bemanning", ("staffing", "personal")),
}
# Columns the exporter writes for people to read; the importer knows them and leaves them alone.
EXPORT_ONLY_COLUMNS = ("region", "länskod", "klassificering", "skäl", "samlokaliserad fullt ut",
                       "skäl samlokalisering", "fullständighet", "källa", "källa detalj", "version", "ändrad")

SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "maternal_health": ("modrahalsovard", "mhv", "mvc", "bmm", "barnmorskemottagning", "maternal_health",
                        "modravardscentral"),
    "child_health": ("barnhalsovard", "bhv", "bvc", "barnavardscentral", "child_health"),
    "open_preschool": ("oppen_forskola", "open_preschool", "of"),
    "preventive_social_services": ("forebyggande_socialtjanst", "socialtjanst", "preventive_social_services",
                                   "socialtjansten", "forebyggande_och_stodjande_socialtjanst"),
    "family_counselling": ("familjeradgivning", "family_counselling"),
    "dental_care": ("tandvard", "dental_care", "folktandvarden"),
    "library": ("bibliotek", "library"),
    "sfi": ("sfi", "svenska_for_invandrare", "svenska_for_invandrare_sfi"),
    "psychologist": ("psykolog", "psychologist"),
    "civil_society": ("civilsamhalle", "civil_society", "civilsamhallet"),
    "other": ("annan_verksamhet", "other", "ovrigt"),
}
SERVICE_EXPORT_NAMES = {kind: label.lower() for kind, label in ServiceType.choices}
SERVICE_PART_PREFIXES = {
    "principal": ("huvudman", "principal"),
    "operating_form": ("driftsform", "operating_form"),
    "provider_name": ("utforare", "provider", "provider_name"),
}
SERVICE_PART_EXPORT_NAMES = {"principal": "huvudman", "operating_form": "driftsform", "provider_name": "utförare"}

TRUE_WORDS = {"ja", "j", "yes", "y", "1", "x", "true", "sant", "sann"}
FALSE_WORDS = {"nej", "n", "no", "0", "false", "falskt", "falsk"}
UNKNOWN_WORDS = {"", "vet ej", "vet inte", "okant", "unknown", "-"}
PART_TIME_WORDS = {"delvis", "deltid", "del av tiden", "partly", "part time", "part-time", "partial"}

STATUS_WORDS = {
    **{normalise_header(label): value for value, label in Status.choices},
    **{normalise_header(value): value for value, _ in Status.choices},
    "aktiv": "active", "oppen": "active", "drift": "active", "open": "active",
    "stangd": "closed", "nedlagd": "closed", "avvecklad": "closed", "inactive": "closed",
    "tillfalligt_stangd": "temporarily_closed", "temporarily_closed": "temporarily_closed",
    "planerad": "planned", "kommande": "planned",
}
PRINCIPAL_WORDS = {
    **{normalise_header(label): value for value, label in Principal.choices},
    **{normalise_header(value): value for value, _ in Principal.choices},
    "kommun": "municipality", "kommunen": "municipality", "regionen": "region", "landsting": "region",
    "privat": "private", "ideburen": "non_profit", "ideell": "non_profit", "ideell_forening": "non_profit",
}
OPERATING_FORM_WORDS = {
    **{normalise_header(label): value for value, label in OperatingForm.choices},
    **{normalise_header(value): value for value, _ in OperatingForm.choices},
    "vardval": "choice_scheme", "lov": "choice_scheme", "egen": "own_management",
}
BUDGET_WORDS = {
    **{normalise_header(label): value for value, label in Budget.choices},
    **{normalise_header(value): value for value, _ in Budget.choices},
    "gemensam": "shared", "separat": "separate", "separata": "separate",
}
PROFESSION_WORDS = {
    **{normalise_header(label): value for value, label in Profession.choices},
    **{normalise_header(value): value for value, _ in Profession.choices},
    "bvc_sjukskoterska": "child_health_nurse", "sjukskoterska": "child_health_nurse",
}
TARGET_GROUP_WORDS = {
    "blivande_foraldrar": "serves_expectant_parents", "expectant_parents": "serves_expectant_parents",
    "foraldrar": "serves_parents", "parents": "serves_parents",
    "andra_viktiga_vuxna": "serves_other_adults", "other_adults": "serves_other_adults",
    "nyanlanda": "serves_newly_arrived", "nyanlanda_familjer": "serves_newly_arrived",
    "newly_arrived": "serves_newly_arrived",
}
BOOLEAN_FIELDS = {"serves_expectant_parents", "serves_parents", "serves_other_adults", "serves_newly_arrived",
                  "synthetic"}
NULLABLE_BOOLEAN_FIELDS = {"has_cooperation_agreement", "has_steering_group", "has_coordinator",
                           "has_state_or_project_funding"}
DATE_FIELDS = {"opened_on", "closed_on", "assured_date"}
INTEGER_FIELDS = {"children_age_from", "children_age_to"}
DECIMAL_FIELDS = {"coordinator_fte"}


def _build_header_index() -> dict[str, tuple]:
    """normalised header → what it means: ("scalar", field) | ("other", key) | ("service", kind)
    | ("service_part", kind, part) | ("ignore",)."""
    index: dict[str, tuple] = {}
    for kind in ("scalar", "other"):
        for key, (header, aliases) in (SCALAR_COLUMNS if kind == "scalar" else OTHER_COLUMNS).items():
            for name in (header, key, *aliases):
                index.setdefault(normalise_header(name), (kind, key))
    for name in EXPORT_ONLY_COLUMNS:
        index.setdefault(normalise_header(name), ("ignore",))
    for kind, aliases in SERVICE_ALIASES.items():
        names = {*aliases, normalise_header(SERVICE_EXPORT_NAMES[kind])}
        for alias in names:
            index.setdefault(alias, ("service", kind))
            for part, prefixes in SERVICE_PART_PREFIXES.items():
                for prefix in prefixes:
                    index.setdefault(f"{prefix}_{alias}", ("service_part", kind, part))
    return index


HEADER_INDEX = _build_header_index()
SERVICE_WORDS = {alias: kind for kind, aliases in SERVICE_ALIASES.items() for alias in aliases} | {
    normalise_header(label): kind for kind, label in ServiceType.choices}


# --- exported text and formulas --------------------------------------------------------------------

def escape_formula(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_PREFIXES) else text


def unescape_formula(text):
    """Undo ``escape_formula``: strip exactly the apostrophe it added, nothing else."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# --- plan ------------------------------------------------------------------------------------------

class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was written. The message says why, in Swedish."""

    def __init__(self, message: str, plan: "ImportPlan | None" = None):
        super().__init__(message)
        self.plan = plan


@dataclass
class Message:
    text: str
    column: str = ""
    level: str = "error"  # "error" | "warning" | "info"


@dataclass
class RowPlan:
    number: int                      # the row (or feature) number the user sees
    action: str = "create"           # create | update | unchanged | error
    name: str = ""
    municipality_code: str = ""
    municipality_name: str = ""
    record: dict = field(default_factory=dict)
    unit_pk: int | None = None
    unit_version: int | None = None
    changed_fields: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.level == "error"]

    ACTION_LABELS = {"create": "Ny", "update": "Ändras", "unchanged": "Oförändrad", "error": "Fel"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS[self.action]


@dataclass
class ImportPlan:
    filename: str
    row_word: str = "rad"            # "rad" in spreadsheets, "objekt" in GeoJSON
    rows: list[RowPlan] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)   # about the whole file
    columns: list[str] = field(default_factory=list)

    @property
    def file_errors(self) -> list[Message]:
        return [m for m in self.messages if m.level == "error"]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action == "error"]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.error_rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("create", "update", "unchanged", "error")}

    def summary_text(self) -> str:
        s = self.summary
        text = (f"{len(self.rows)} {'rader' if self.row_word == 'rad' else 'objekt'}: {s['create']} nya, "
                f"{s['update']} ändras, {s['unchanged']} oförändrade, {s['error']} med fel.")
        if self.has_errors:
            text += " Inget sparas förrän alla fel är rättade."
        return text


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


# --- reading files ---------------------------------------------------------------------------------

def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    return file.read()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, row) for number, row in enumerate(reader, start=1)]


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _read_geojson(data: bytes) -> tuple[list[str], list[tuple[int, dict]], list[Message]]:
    collection = json.loads(_decode(data))
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ImportRefused("Filen är inte en GeoJSON FeatureCollection.")
    columns: list[str] = []
    rows, messages = [], []
    for number, feature in enumerate(collection.get("features") or [], start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise ImportRefused(f"Objekt {number} i filen är inte ett GeoJSON-objekt (Feature) med egenskaper.")
        properties = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        if geometry:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
                messages.append(Message(f"Objekt {number} har geometrin {kind}; bara punkter (Point) kan läsas in."))
            elif not (isinstance(coordinates, list) and len(coordinates) >= 2
                      and all(isinstance(c, int | float) for c in coordinates[:2])):
                raise ImportRefused(f"Objekt {number} är en punkt utan giltiga koordinater [longitud, latitud].")
            else:
                lon, lat = geometry["coordinates"][:2]
                for key in list(properties):
                    if HEADER_INDEX.get(normalise_header(key), ("",))[0] == "other" and \
                            HEADER_INDEX[normalise_header(key)][1] in ("latitude", "longitude", "sweref_x",
                                                                       "sweref_y", "easting", "northing"):
                        del properties[key]
                properties["longitud"], properties["latitud"] = lon, lat
        for key in properties:
            if key not in columns:
                columns.append(key)
        rows.append((number, properties))
    return columns, rows, messages


def _read_table(data: bytes, filename: str) -> tuple[str, list[str], list[tuple[int, dict]], list[Message]]:
    suffix = Path(filename).suffix.lower()
    if suffix in (".geojson", ".json"):
        columns, rows, messages = _read_geojson(data)
        return "objekt", columns, rows, messages
    if suffix in (".csv", ".txt"):
        table = _read_csv(data)
    elif suffix == ".xlsx":
        try:
            table = _read_xlsx(data)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ImportRefused(f"Excel-filen {filename} går inte att öppna ({error}).") from None
    else:
        raise ImportRefused(f"Filtypen {suffix or '(ingen)'} kan inte läsas in. "
                            "Spara filen som CSV, XLSX (Excel) eller GeoJSON och försök igen.")
    table = [(n, row) for n, row in table if any(_blank(v) is False for v in row)]
    if not table:
        raise ImportRefused(f"Filen {filename} är tom.")
    header_number, header = table[0]
    columns = [str(h).strip() if h is not None else "" for h in header]
    rows = []
    for number, values in table[1:]:
        row = {}
        for index, column in enumerate(columns):
            if column:
                row[column] = values[index] if index < len(values) else None
        rows.append((number, row))
    return "rad", columns, rows, []


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- kommun names ----------------------------------------------------------------------------------

IRREGULAR_KOMMUN_FORMS = {"Falun": ("Falu",), "Gotland": ("Region Gotland",)}


class MunicipalityNames:
    """Finds a kommun by code or by the names people write for it."""

    def __init__(self):
        self.by_code = {m.code: m for m in Municipality.objects.select_related("region")}
        forms: dict[str, set[str]] = {}

        def add(text, code):
            forms.setdefault(_normalise_name(text), set()).add(code)

        long_names = {}
        long_names = {r["municipality_code"]: r["municipality_name"]
                      for r in read_csv(Path(settings.DATA_DIR) / "geo" / "kommun_koder.csv")}
        for code, m in self.by_code.items():
            variants = {m.name, *IRREGULAR_KOMMUN_FORMS.get(m.name, ())}
            if not m.name.endswith(("s", "x", "z")):
                variants.add(m.name + "s")
            if code in long_names:
                variants.add(re.sub(r"\s+(kommun|stad)$", "", long_names[code]))
            for variant in variants:
                add(variant, code)
        exact = {name: codes for name, codes in forms.items()}
        # The plain name always wins over another kommun's genitive form.
        for code, m in self.by_code.items():
            exact[_normalise_name(m.name)] = {code}
        self.forms = {name: next(iter(codes)) for name, codes in exact.items() if len(codes) == 1}
        loose: dict[str, set[str]] = {}
        for name, code in self.forms.items():
            loose.setdefault(_strip_accents(name), set()).add(code)
        self.loose = {name: next(iter(codes)) for name, codes in loose.items() if len(codes) == 1}

    def by_name(self, text: str) -> Municipality | None:
        name = _normalise_name(text)
        candidates = [name]
        stripped = re.sub(r"^(region|kommun)\s+", "", re.sub(r"\s+(kommun|kommune|stad|stads|kommuns)$", "", name))
        candidates.append(stripped)
        for candidate in candidates:
            if candidate in self.forms:
                return self.by_code[self.forms[candidate]]
        for candidate in candidates:
            if _strip_accents(candidate) in self.loose:
                return self.by_code[self.loose[_strip_accents(candidate)]]
        return None

    def suggestion(self, text: str) -> str | None:
        name = re.sub(r"\s+(kommun|stad)$", "", _normalise_name(text))
        match = difflib.get_close_matches(name, list(self.forms), n=1, cutoff=0.6)
        return self.by_code[self.forms[match[0]]].name if match else None

    def by_code_text(self, value) -> Municipality | None:
        code = _code_text(value)
        return self.by_code.get(code) if code else None


def _code_text(value) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(4) if text.isdigit() and len(text) <= 4 else None


# --- geography -------------------------------------------------------------------------------------

class Geography:
    """Kommun polygons in SWEREF 99 TM for the coordinate checks, built once per plan."""

    def __init__(self, municipalities: dict[str, Municipality]):
        from pyproj import Transformer
        self.to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)
        self.to_wgs84 = Transformer.from_crs(3006, 4326, always_xy=True)
        self.municipalities = municipalities

    @cached_property
    def polygons(self) -> dict:
        import numpy as np
        import shapely
        from shapely.geometry import shape

        def to_sweref(xy):
            return np.column_stack(self.to_sweref.transform(xy[:, 0], xy[:, 1]))

        return {code: shapely.transform(shape(m.geometry), to_sweref) for code, m in self.municipalities.items()}

    @cached_property
    def tree(self):
        from shapely import STRtree
        codes = list(self.polygons)
        return codes, STRtree([self.polygons[c] for c in codes])

    def point(self, lon: float, lat: float):
        from shapely.geometry import Point
        return Point(*self.to_sweref.transform(lon, lat))

    def containing(self, lon: float, lat: float) -> tuple[str | None, float]:
        """(kommun code containing or nearest to the point, distance to it in metres)."""
        codes, tree = self.tree
        point = self.point(lon, lat)
        nearest = tree.nearest(point)
        code = codes[int(nearest)]
        return code, self.polygons[code].distance(point)

    def distance_to(self, code: str, lon: float, lat: float) -> float:
        return self.polygons[code].distance(self.point(lon, lat))


# --- values ----------------------------------------------------------------------------------------

class ValueProblem(Exception):
    """A cell's value cannot be read: ``problem`` is placed before "på rad N (kolumn X)", ``hint`` after."""

    def __init__(self, problem: str, hint: str = ""):
        super().__init__(problem)
        self.problem, self.hint = problem, hint

    def message(self, where: str) -> str:
        return f"{self.problem} {where}." + (f" {self.hint}" if self.hint else "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return str(unescape_formula(str(value))).strip()


def _boolean(value, *, nullable: bool):
    if isinstance(value, bool):
        return value
    word = _text(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if word in UNKNOWN_WORDS:
        return None if nullable else False
    raise ValueProblem(f"Värdet '{_text(value)}' är inte ja eller nej")


def _number(value) -> float:
    if isinstance(value, bool):
        raise ValueProblem(f"Värdet '{value}' är inte ett tal")
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueProblem(f"Värdet '{_text(value)}' är inte ett tal") from None


def _date(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10] if re.match(r"^\d{4}-\d\d-\d\d[T ]", text) else text).isoformat()
    except ValueError:
        raise ValueProblem(f"Datumet '{text}' går inte att läsa",
                           "Skriv det som ÅÅÅÅ-MM-DD, till exempel 2024-03-01.") from None


def _choice(value, words: dict[str, str], what: str, options) -> str:
    text = _text(value)
    key = normalise_header(text)
    if key in words:
        return words[key]
    raise ValueProblem(f"Okänd {what} '{text}'", f"Skriv något av: {', '.join(str(o).lower() for o in options)}.")


def _list(value, *, commas: bool = False) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [part.strip() for part in re.split(r"[;\n|,]+" if commas else r"[;\n|]+", _text(value)) if part.strip()]


def _scalar(field_name: str, value):
    text = _text(value)
    if field_name in BOOLEAN_FIELDS:
        return _boolean(value, nullable=False)
    if field_name in NULLABLE_BOOLEAN_FIELDS:
        return _boolean(value, nullable=True)
    if field_name in DATE_FIELDS:
        return _date(value)
    if field_name in INTEGER_FIELDS:
        if not text:
            return None
        number = _number(value)
        if not number.is_integer() or number < 0:
            raise ValueProblem(f"Värdet '{text}' är inte en ålder i hela år")
        return int(number)
    if field_name in DECIMAL_FIELDS:
        if not text:
            return None
        try:
            return float(Decimal(str(_number(value))).quantize(Decimal("0.01")))
        except InvalidOperation:
            raise ValueProblem(f"Värdet '{text}' är inte ett tal") from None
    if field_name == "status":
        return _choice(value, STATUS_WORDS, "status", Status.labels) if text else "active"
    if field_name == "budget":
        return _choice(value, BUDGET_WORDS, "budgetform", Budget.labels) if text else ""
    if field_name == "postcode":
        digits = re.sub(r"[\s\u00a0]", "", text)
        if digits.endswith(".0"):
            digits = digits[:-2]
        if digits and not re.fullmatch(r"\d{5}", digits):
            raise ValueProblem(f"Postnumret '{text}' har inte fem siffror")
        return digits
    return text


# --- planning --------------------------------------------------------------------------------------

FIELD_LABELS = {field_name: header for field_name, (header, _) in SCALAR_COLUMNS.items()} | {
    "municipality_id": "kommun", "latitude": "latitud", "longitude": "longitud",
    "services": "verksamheter", "working_methods": "arbetssätt", "staffing": "bemanning",
}


class _Planner:
    def __init__(self, plan: ImportPlan, user):
        self.plan = plan
        self.user = user
        self.names = MunicipalityNames()
        self.geography = Geography(self.names.by_code)
        methods = list(WorkingMethod.objects.all())
        self.methods = {normalise_header(m.code): m.code for m in methods} | {
            normalise_header(m.name): m.code for m in methods}
        self.method_names = {m.code: m.name for m in methods}
        self.seen: dict[tuple, int] = {}
        self.headers: dict[str, str] = {}   # record key or other column key → the file's header for it

    def header(self, *keys: str, default: str) -> str:
        """The file's own header for the first of ``keys`` it has, else ``default``."""
        return next((self.headers[k] for k in keys if k in self.headers), default)

    def where(self, row: RowPlan, column: str) -> str:
        place = f"på {self.plan.row_word} {row.number}"
        return f"{place} (kolumn {column})" if column else place

    def error(self, row: RowPlan, column: str, text: str):
        row.messages.append(Message(text, column))

    def plan_row(self, number: int, values: dict, meaning: dict[str, tuple]) -> RowPlan:
        row = RowPlan(number=number)
        record: dict = {}
        given: dict[str, tuple[str, object]] = {}   # key → (column, raw value)
        services: dict[str, dict] = {}
        covered: set[str] = set()
        service_parts: dict[str, dict[str, tuple[str, object]]] = {}

        for column, value in values.items():
            kind = meaning.get(column)
            if not kind or kind[0] == "ignore":
                continue
            try:
                if kind[0] == "scalar":
                    if kind[1] == "external_id" and _blank(value):
                        continue
                    record[kind[1]] = _scalar(kind[1], value)
                    given[kind[1]] = (column, value)
                elif kind[0] == "other":
                    given[kind[1]] = (column, value)
                elif kind[0] == "service":
                    covered.add(kind[1])
                    present = self.presence(value)
                    if present is not None:
                        services[kind[1]] = {"fully_co_located": present}
                elif kind[0] == "service_part":
                    service_parts.setdefault(kind[1], {})[kind[2]] = (column, value)
            except ValueProblem as problem:
                self.error(row, column, problem.message(self.where(row, column)))

        row.name = record.get("name", "")
        self.list_columns(row, record, given, services, covered)
        municipality = self.municipality(row, given)
        coordinates = self.coordinates(row, given)
        if coordinates:
            record["longitude"], record["latitude"] = coordinates
        if municipality is None and not row.errors:
            municipality = self.municipality_from_place(row, record, coordinates)
        if municipality and coordinates:
            self.check_distance(row, municipality, coordinates, given)
        if municipality:
            record["municipality_id"] = municipality.code
            row.municipality_code, row.municipality_name = municipality.code, municipality.name

        existing = self.identify(row, record, municipality)
        self.services(row, record, services, covered, service_parts, existing)
        self.permissions(row, municipality, existing)
        if not row.errors:
            self.validate(row, record, existing)
        row.record = record
        if row.errors:
            row.action = "error"
        return row

    def presence(self, value) -> bool | None:
        """True: present all the time; False: present part of the time; None: absent."""
        if isinstance(value, bool):
            return True if value else None
        word = _text(value).casefold()
        if word in PART_TIME_WORDS:
            return False
        try:
            return True if _boolean(value, nullable=False) else None
        except ValueProblem:
            raise ValueProblem(f"Värdet '{_text(value)}' är inte ja, nej eller delvis") from None

    def list_columns(self, row, record, given, services, covered):
        if "services_list" in given:
            column, value = given["services_list"]
            covered.update(SERVICE_ALIASES)
            for item in _list(value, commas=True):
                part_time = bool(re.search(r"\((delvis|deltid)\)|\s(delvis|deltid)$", item, re.I))
                word = normalise_header(re.sub(r"\(?(delvis|deltid)\)?", "", item, flags=re.I))
                if word not in SERVICE_WORDS:
                    close = difflib.get_close_matches(word, list(SERVICE_WORDS), n=1)
                    hint = f" Menade du {SERVICE_EXPORT_NAMES[SERVICE_WORDS[close[0]]]}?" if close else ""
                    self.error(row, column, f"Okänd verksamhet '{item}' {self.where(row, column)}.{hint}")
                    continue
                kind = SERVICE_WORDS[word]
                if kind not in services:
                    services[kind] = {"fully_co_located": not part_time}
        if "working_methods" in given:
            column, value = given["working_methods"]
            codes = []
            items = []
            for item in _list(value):
                parts = [p.strip() for p in item.split(",") if p.strip()]
                known = normalise_header(item) in self.methods
                items += parts if not known and all(normalise_header(p) in self.methods for p in parts) else [item]
            for item in items:
                code = self.methods.get(normalise_header(item))
                if code is None:
                    close = difflib.get_close_matches(normalise_header(item), list(self.methods), n=1)
                    hint = f" Menade du {self.method_names[self.methods[close[0]]]}?" if close else ""
                    self.error(row, column, f"Okänt arbetssätt '{item}' {self.where(row, column)}.{hint}")
                else:
                    codes.append(code)
            record["working_methods"] = sorted(set(codes))
        if "target_groups" in given:
            column, value = given["target_groups"]
            for item in _list(value, commas=True):
                ages = re.search(r"(\d+)\s*[-–]\s*(\d+)", item)
                if ages and "barn" in item.casefold() or ages and "child" in item.casefold():
                    record["children_age_from"], record["children_age_to"] = int(ages[1]), int(ages[2])
                    continue
                target = TARGET_GROUP_WORDS.get(normalise_header(item))
                if target is None:
                    self.error(row, column, f"Okänd målgrupp '{item}' {self.where(row, column)}. Skriv till "
                                            "exempel: blivande föräldrar; föräldrar; barn 0–6 år; andra viktiga "
                                            "vuxna; nyanlända.")
                else:
                    record[target] = True
        if "staffing" in given:
            column, value = given["staffing"]
            staffing = {}
            for item in _list(value):
                match = re.fullmatch(r"(.+?)\s*[:=]\s*([\d.,]+)\s*(åa|årsarbetare)?", item.strip())
                profession = PROFESSION_WORDS.get(normalise_header(match[1])) if match else None
                if profession is None:
                    self.error(row, column, f"Bemanningen '{item}' {self.where(row, column)} går inte att läsa. "
                                            "Skriv yrkesgrupp och årsarbetare, till exempel: barnmorska: 1,5; "
                                            "BVC-sjuksköterska: 2")
                    continue
                staffing[profession] = float(match[2].replace(",", "."))
            record["staffing"] = staffing

    def municipality(self, row, given) -> Municipality | None:
        by_code = by_name = None
        if "municipality_code" in given and not _blank(given["municipality_code"][1]):
            column, value = given["municipality_code"]
            by_code = self.names.by_code_text(value)
            if by_code is None:
                self.error(row, column, f"Okänd kommunkod '{_text(value)}' {self.where(row, column)}. "
                                        "En kommunkod har fyra siffror, till exempel 0114 för Upplands Väsby.")
                return None
        if "municipality_name" in given and not _blank(given["municipality_name"][1]):
            column, value = given["municipality_name"]
            text = _text(value)
            by_name = self.names.by_name(text) or self.names.by_code_text(text)
            if by_name is None:
                suggestion = self.names.suggestion(text)
                hint = f" Menade du {suggestion}?" if suggestion else " Skriv kommunens namn eller kommunkod."
                self.error(row, column, f"Okänd kommun '{text}' {self.where(row, column)}.{hint}")
                return None
        if by_code and by_name and by_code != by_name:
            column = given["municipality_name"][0]
            self.error(row, column, f"Kommunen '{_text(given['municipality_name'][1])}' {self.where(row, column)} "
                                    f"stämmer inte med kommunkoden {by_code.code} ({by_code.name}).")
            return None
        return by_code or by_name

    def coordinates(self, row, given) -> tuple[float, float] | None:
        """(lon, lat) in WGS 84, from lat/lon or SWEREF 99 TM columns; None if not given."""
        pairs = [("latitude", "longitude"), ("northing", "easting"), ("sweref_x", "sweref_y")]
        for first, second in pairs:
            if first not in given and second not in given:
                continue
            (c1, v1), (c2, v2) = given.get(first, ("", None)), given.get(second, ("", None))
            if _blank(v1) and _blank(v2):
                continue
            if _blank(v1) or _blank(v2):
                missing = c1 or FIELD_LABELS.get(first, first) if _blank(v1) else c2 or second
                self.error(row, missing, f"Koordinaten saknas {self.where(row, missing)}; "
                                         "ange båda koordinaterna eller ingen.")
                return None
            try:
                a, b = _number(v1), _number(v2)
            except ValueProblem as problem:
                column = c1 if not _is_number(v1) else c2
                self.error(row, column, problem.message(self.where(row, column)))
                return None
            if first == "latitude" and abs(a) <= 90 and abs(b) <= 180:
                return round(b, 7), round(a, 7)
            # SWEREF 99 TM: northing 6.1–7.7 million m, easting 0.2–1 million m (x/y in either order).
            northing, easting = (a, b) if a > b else (b, a)
            if not (6_000_000 <= northing <= 7_800_000 and 200_000 <= easting <= 1_000_000):
                self.error(row, c1, f"Koordinaterna {_text(v1)}, {_text(v2)} {self.where(row, c1)} är varken "
                                    "WGS 84 (latitud/longitud i grader) eller SWEREF 99 TM (meter) i Sverige.")
                return None
            lon, lat = self.geography.to_wgs84.transform(easting, northing)
            return round(lon, 7), round(lat, 7)
        return None

    def municipality_from_place(self, row, record, coordinates) -> Municipality | None:
        postcode = record.get("postcode")
        if postcode:
            found = Postcode.objects.filter(code=postcode).select_related("municipality").first()
            if found:
                return self.names.by_code[found.municipality_id]
        if coordinates:
            code, distance = self.geography.containing(*coordinates)
            if distance == 0:
                return self.names.by_code[code]
            self.outside_sweden(row, coordinates, distance)
            return None
        what = "kommun, kommunkod, postnummer eller koordinater"
        column = self.header("municipality_name", default="kommun")
        self.error(row, column, f"Kommun saknas {self.where(row, '')}. Ange {what} så att enheten hamnar rätt.")
        return None

    def outside_sweden(self, row, coordinates, distance):
        lon, lat = coordinates
        self.error(row, "latitud", f"Punkten {_coordinate_text(lat, lon)} {self.where(row, '')} ligger utanför "
                                   f"Sverige ({format_distance(distance)} från närmaste kommun). Kontrollera koordinaterna.")

    def check_distance(self, row, municipality, coordinates, given):
        lon, lat = coordinates
        code, nearest = self.geography.containing(lon, lat)
        if nearest > MAX_DISTANCE_OUTSIDE_KOMMUN_M:
            self.outside_sweden(row, coordinates, nearest)
            return
        distance = self.geography.distance_to(municipality.code, lon, lat)
        if distance > MAX_DISTANCE_OUTSIDE_KOMMUN_M:
            column = next((given[k][0] for k in ("latitude", "northing", "sweref_x") if k in given), "")
            inside = self.names.by_code[code].name
            self.error(row, column, f"Punkten {_coordinate_text(lat, lon)} {self.where(row, '')} ligger "
                                    f"{format_distance(distance)} utanför {municipality.name} (i {inside}). Kontrollera "
                                    "koordinaterna eller kommunen.")

    def identify(self, row, record, municipality) -> Unit | None:
        existing = None
        if record.get("external_id"):
            key = ("id", record["external_id"])
            existing = Unit.objects.filter(external_id=record["external_id"]).first()
        elif record.get("name") and municipality:
            key = ("name", _normalise_name(record["name"]), municipality.code)
            matches = list(Unit.objects.filter(municipality=municipality, name__iexact=record["name"].strip()))
            if len(matches) > 1:
                column = self.header("name", default="namn")
                self.error(row, column, f"Det finns {len(matches)} enheter som heter '{record['name']}' i "
                                        f"{municipality.name} ({self.where(row, column)}). Ange externt id.")
            existing = matches[0] if len(matches) == 1 else None
        else:
            key = None
        if key:
            if key in self.seen:
                self.error(row, "", f"Samma enhet finns redan på {self.plan.row_word} {self.seen[key]} "
                                    f"({self.where(row, '')}). Ta bort den ena.")
            self.seen.setdefault(key, row.number)
        if existing:
            row.unit_pk, row.unit_version = existing.pk, existing.version
            row.name = row.name or existing.name
        return existing

    def services(self, row, record, services, covered, parts, existing):
        before = unit_record(existing)["services"] if existing else {}
        if not covered and not parts:
            return
        result = {kind: values for kind, values in before.items() if kind not in covered}
        for kind, values in services.items():
            old = before.get(kind, {})
            service = {
                "principal": old.get("principal", DEFAULT_PRINCIPAL[kind]),
                "operating_form": old.get("operating_form", "own_management"),
                "provider_name": old.get("provider_name", ""),
                "fully_co_located": values["fully_co_located"],
            }
            for part, (column, value) in parts.get(kind, {}).items():
                if _blank(value):
                    if part == "provider_name":
                        service[part] = ""
                    elif part == "principal":
                        service[part] = DEFAULT_PRINCIPAL[kind]
                    else:
                        service[part] = "own_management"
                    continue
                try:
                    if part == "principal":
                        service[part] = _choice(value, PRINCIPAL_WORDS, "huvudman", Principal.labels)
                    elif part == "operating_form":
                        service[part] = _choice(value, OPERATING_FORM_WORDS, "driftsform",
                                                OperatingForm.labels)
                    else:
                        service[part] = _text(value)
                except ValueProblem as problem:
                    self.error(row, column, problem.message(self.where(row, column)))
            result[kind] = service
        for kind, given_parts in parts.items():
            if kind in covered or kind in services:
                continue
            # A principal column without a presence column: the service is present if the principal is given.
            column, value = given_parts.get("principal", ("", None))
            if not _blank(value) and kind not in result:
                try:
                    principal = _choice(value, PRINCIPAL_WORDS, "huvudman", Principal.labels)
                except ValueProblem as problem:
                    self.error(row, column, problem.message(self.where(row, column)))
                    continue
                result[kind] = {"principal": principal, "operating_form": "own_management", "provider_name": "",
                                "fully_co_located": True}
        record["services"] = result

    def permissions(self, row, municipality, existing):
        if self.user is None:
            return
        codes = {municipality.code} if municipality else set()
        if existing:
            codes.add(existing.municipality_id)
        for code in sorted(codes):
            if not can_edit_in_municipality(self.user, code):
                name = self.names.by_code[code].name
                column = self.header("municipality_name", "municipality_code", default="kommun")
                self.error(row, column, f"Du får inte ändra enheter i {name} {self.where(row, column)}. "
                                          f"Ta bort raden eller be en samordnare för {name} att läsa in den.")

    def validate(self, row, record, existing):
        before = unit_record(existing) if existing else None
        after = normalised((before or {}) | record)
        if before is not None:
            ignore = {"source", "source_detail"}
            before = normalised(before)
            changed = [k for k in after if k not in ignore and before.get(k) != after[k]]
            row.action = "update" if changed else "unchanged"
            row.changed_fields = [FIELD_LABELS.get(k, k) for k in changed]
        else:
            row.action = "create"
            if not record.get("name"):
                column = self.header("name", default="namn")
                self.error(row, column, f"Namn saknas {self.where(row, column)}. Varje enhet behöver ett namn.")
                return
        unit = Unit(**{k: after[k] for k in SCALAR_FIELDS if k not in ("source", "source_detail")})
        if existing:
            unit.pk, unit._state.adding = existing.pk, False
        try:
            unit.full_clean(exclude=["source", "source_detail"], validate_constraints=False)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                column = self.header(field_name, default=FIELD_LABELS.get(field_name, field_name))
                for text in messages:
                    self.error(row, column, f"{text.rstrip('.')} {self.where(row, column)}.")
        if after["children_age_from"] is not None and after["children_age_to"] is not None \
                and after["children_age_from"] > after["children_age_to"]:
            self.error(row, "barn från ålder", f"Barnens ålder 'från' är högre än 'till och med' "
                                               f"{self.where(row, 'barn från ålder')}.")


def _is_number(value) -> bool:
    try:
        _number(value)
        return True
    except ValueProblem:
        return False


def _coordinate_text(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}".replace(".", ",", 1).replace(".", ",")


def plan_import(file, filename: str, *, user=None) -> ImportPlan:
    """Read and check a file of units without writing anything; say per row what an import would do."""
    plan = ImportPlan(filename=filename)
    try:
        plan.row_word, columns, rows, messages = _read_table(_read_bytes(file), filename)
    except ImportRefused as refusal:
        plan.messages.append(Message(str(refusal)))
        return plan
    except (ValueError, UnicodeDecodeError, csv.Error) as error:
        plan.messages.append(Message(f"Filen {filename} går inte att läsa ({error})."))
        return plan
    plan.messages.extend(messages)
    plan.columns = columns
    meaning = {}
    for column in columns:
        if not column:
            continue
        kind = HEADER_INDEX.get(normalise_header(column))
        if kind is None:
            plan.messages.append(Message(f"Kolumnen '{column}' känns inte igen och läses inte in.", column,
                                         "warning"))
        else:
            meaning[column] = kind
    if plan.row_word == "rad" and not any(k == ("scalar", "name") for k in meaning.values()) \
            and not any(k == ("scalar", "external_id") for k in meaning.values()):
        plan.messages.append(Message("Filen saknar kolumnen namn (eller externt id) på rad 1. Första raden "
                                     "ska vara rubriker, till exempel: namn; kommun; besöksadress; postnummer."))
        return plan
    if not rows:
        plan.messages.append(Message(f"Filen {filename} har rubriker men inga enheter."))
        return plan
    planner = _Planner(plan, user)
    for column, kind in meaning.items():
        if len(kind) == 2:
            planner.headers.setdefault(kind[1], column)
    order = {column: index for index, column in enumerate(columns)}
    for number, values in rows:
        row = planner.plan_row(number, values, meaning)
        row.messages.sort(key=lambda m: order.get(m.column, len(order)))  # in the file's column order
        plan.rows.append(row)
    return plan


def apply_import(plan: ImportPlan, *, user=None, source_detail: str | None = None) -> ImportResult:
    """Write a checked plan, all or nothing; raises ``ImportRefused`` (and writes nothing) if anything is wrong."""
    if plan.has_errors:
        raise ImportRefused(
            f"Filen {plan.filename} har fel ({len(plan.error_rows) or len(plan.file_errors)} "
            f"{'rader' if plan.row_word == 'rad' else 'objekt'} eller filfel). Ingenting har sparats; "
            "rätta felen och läs in filen igen.", plan)
    detail = (source_detail if source_detail is not None else plan.filename)[:300]
    created = updated = unchanged = 0
    with transaction.atomic():
        for row in plan.rows:
            if row.action == "unchanged":
                unchanged += 1
                continue
            unit = None
            if row.unit_pk is not None:
                unit = Unit.objects.filter(pk=row.unit_pk).first()
                if unit is None:
                    raise ImportRefused(f"Enheten på {plan.row_word} {row.number} har tagits bort sedan filen "
                                        "kontrollerades. Ingenting har sparats; läs in filen igen.", plan)
            try:
                result = save_unit(unit, row.record, user=user, source="import_file", source_detail=detail,
                                   expected_version=row.unit_version)
            except EditConflict:
                raise ImportRefused(f"Enheten '{row.name}' på {plan.row_word} {row.number} har ändrats av någon "
                                    "annan sedan filen kontrollerades. Ingenting har sparats; läs in filen "
                                    "igen.", plan) from None
            except ValidationError as error:
                raise ImportRefused(f"{plan.row_word.capitalize()} {row.number} kunde inte sparas: "
                                    f"{'; '.join(error.messages)}. Ingenting har sparats.", plan) from None
            if result.created:
                created += 1
            elif result.changed:
                updated += 1
            else:
                unchanged += 1
    return ImportResult(created, updated, unchanged)
