"""One vocabulary for a unit's record: each field's Swedish label, export header, the other headers an import
accepts, and the words people use for its values.

The importer, the exporter, the edit history and the API all read it, so a field is named once. Headers and
words are compared after :func:`normalise_header` (lower case, no accents, one ``_`` between words).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .models import Budget, OperatingForm, Principal, Profession, ServiceType, Status


def normalise_header(text) -> str:
    """``"Besöks-adress "`` → ``"besoksadress"``-style key: lower case, no accents, one ``_`` between words."""
    return _normalised(str(text or ""))


@functools.lru_cache(maxsize=8192)  # the same few hundred headers and words, once per cell of a 10 000-row file
def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass(frozen=True)
class Field:
    """One field of the unit record."""

    key: str
    label: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"
    """text | long_text | postcode | date | bool | nullable_bool | age | fte | choice | coordinate | phone |
    email | url | languages | schedule | external_id"""


FIELDS: dict[str, Field] = {field.key: field for field in (
    Field("external_id", "Externt id", "externt id", ("external_id", "id", "extern_id"), "external_id"),
    Field("name", "Namn", "namn", ("name", "enhet", "enhetens_namn", "enhetsnamn", "familjecentral")),
    Field("status", "Status", "status", (), "choice"),
    Field("opened_on", "Öppnade", "öppnade", ("opened_on", "oppningsdatum", "startdatum", "oppnad", "opened"), "date"),
    Field("closed_on", "Stängde", "stängde", ("closed_on", "stangd", "nedlagd_datum", "closed"), "date"),
    Field("street_address", "Besöksadress", "besöksadress", ("adress", "street_address", "gatuadress", "address")),
    Field("postcode", "Postnummer", "postnummer", ("postcode", "postnr", "postal_code"), "postcode"),
    Field("locality", "Postort", "postort", ("locality", "ort", "city")),
    Field("municipality_id", "Kommun", "kommunkod", (), "municipality"),
    Field("latitude", "Latitud (WGS 84)", "latitud", ("lat", "latitude", "wgs84_lat"), "coordinate"),
    Field("longitude", "Longitud (WGS 84)", "longitud", ("lon", "lng", "long", "longitude", "wgs84_lon"), "coordinate"),
    Field("phone", "Telefon", "telefon", ("phone", "telefonnummer", "tel"), "phone"),
    Field("email", "E-post", "e-post", ("email", "e_post", "epost", "mejl", "mail"), "email"),
    Field("website", "Webbplats", "webbplats", ("website", "url", "hemsida", "webb"), "url"),
    Field("opening_hours", "Öppettider", "öppettider", ("opening_hours", "oppettid"), "schedule"),
    Field("drop_in_hours", "Drop-in-tider", "drop-in-tider", ("drop_in_hours", "drop_in", "dropin", "oppet_hus"),
          "schedule"),
    Field("languages", "Språk", "språk", ("languages", "sprak_som_talas", "talade_sprak"), "languages"),
    Field("accessibility", "Tillgänglighet", "tillgänglighet", ("accessibility", "fysisk_tillganglighet"),
          "long_text"),
    Field("serves_expectant_parents", "Blivande föräldrar", "blivande föräldrar",
          ("serves_expectant_parents", "expectant_parents"), "bool"),
    Field("serves_parents", "Föräldrar", "föräldrar", ("serves_parents", "parents"), "bool"),
    Field("children_age_from", "Barn från ålder (år)", "barn från ålder",
          ("children_age_from", "barn_fran_alder_ar", "alder_fran"), "age"),
    Field("children_age_to", "Barn till och med ålder (år)", "barn till och med ålder",
          ("children_age_to", "barn_till_alder", "barn_till_och_med_alder_ar", "alder_till"), "age"),
    Field("serves_other_adults", "Andra viktiga vuxna", "andra viktiga vuxna",
          ("serves_other_adults", "other_adults"), "bool"),
    Field("serves_newly_arrived", "Nyanlända familjer", "nyanlända familjer",
          ("serves_newly_arrived", "nyanlanda", "newly_arrived"), "bool"),
    Field("has_cooperation_agreement", "Samverkansavtal", "samverkansavtal",
          ("has_cooperation_agreement", "cooperation_agreement"), "nullable_bool"),
    Field("has_steering_group", "Styrgrupp", "styrgrupp", ("has_steering_group", "steering_group"), "nullable_bool"),
    Field("has_coordinator", "Samordnare", "samordnare", ("has_coordinator", "coordinator"), "nullable_bool"),
    Field("coordinator_fte", "Samordnare, årsarbetare", "samordnare årsarbetare",
          ("coordinator_fte", "samordnare_arsarbetare_tjanst"), "fte"),
    Field("budget", "Budget", "budget", (), "choice"),
    Field("has_state_or_project_funding", "Statliga medel eller projektmedel", "statliga medel eller projektmedel",
          ("has_state_or_project_funding", "projektmedel", "statliga_medel"), "nullable_bool"),
    Field("assured_date", "Säkerställd", "säkerställd", ("assured_date", "sakerstalld_datum", "senast_kontrollerad"),
          "date"),
    Field("synthetic", "Syntetisk demo", "syntetisk", ("synthetic", "syntetisk_demo", "syntetisk_demodata"), "bool"),
    Field("source", "Källa", "källa", (), "internal"),
    Field("source_detail", "Källa, detalj", "källa detalj", (), "internal"),
    Field("services", "Verksamheter", "verksamheter", ("services", "tjanster", "verksamheter_pa_plats"), "services"),
    Field("working_methods", "Arbetssätt", "arbetssätt", ("working_methods", "metoder", "arbetssatt_metoder"),
          "working_methods"),
    Field("staffing", "Bemanning", "bemanning", ("staffing", "personal"), "staffing"),
)}
"""Every field of the unit record, in the order exports write them."""

RELATED_KEYS = ("services", "working_methods", "staffing")
LIST_KEYS = ("languages", "opening_hours", "drop_in_hours")
SCALAR_KEYS = tuple(key for key in FIELDS if key not in RELATED_KEYS and key not in LIST_KEYS)


def label(key: str) -> str:
    """The Swedish label of a record key (as screens and the history show it)."""
    field = FIELDS.get(key)
    return field.label if field else key


def header(key: str) -> str:
    return FIELDS[key].header


# --- columns that are not record fields -----------------------------------------------------------

PLACE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "municipality_code": ("kommunkod", ("municipality_code", "kommun_kod", "kommunnummer", "kod")),
    "municipality_name": ("kommun", ("municipality", "municipality_name", "kommunnamn", "kommun_namn")),
    "sweref_x": ("x", ()),
    "sweref_y": ("y", ()),
    "easting": ("e", ("easting", "ost", "sweref_e", "sweref99_e", "sweref_99_tm_e", "e_koordinat")),
    "northing": ("n", ("northing", "nord", "sweref_n", "sweref99_n", "sweref_99_tm_n", "n_koordinat")),
    "target_groups": ("målgrupper", ("target_groups", "malgrupp")),
}
"""Columns an import understands that are not one record field each: the kommun by code or name, SWEREF
99 TM coordinates, and target groups as one list."""

COMPUTED_COLUMNS = ("region", "länskod", "klassificering", "skäl", "samlokaliserad fullt ut", "skäl samlokalisering",
                    "fullständighet", "källa", "källa detalj", "version", "ändrad")
"""Columns an export writes for people to read; an import knows them and leaves them alone."""


# --- services --------------------------------------------------------------------------------------

SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "maternal_health": ("modrahalsovard", "mhv", "mvc", "bmm", "barnmorskemottagning", "maternal_health",
                        "modravardscentral"),
    "child_health": ("barnhalsovard", "bhv", "bvc", "barnavardscentral", "child_health"),
    "open_preschool": ("oppen_forskola", "oppna_forskolan", "open_preschool", "of"),
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
SERVICE_HEADERS = {kind: label_.lower() for kind, label_ in ServiceType.choices}
"""The export column of each service: its Swedish name in lower case ("barnhälsovård")."""
SERVICE_WORDS = {alias: kind for kind, aliases in SERVICE_ALIASES.items() for alias in aliases} | {
    normalise_header(label_): kind for kind, label_ in ServiceType.choices}

SERVICE_PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "principal": ("huvudman", ("huvudman", "principal")),
    "operating_form": ("driftsform", ("driftsform", "operating_form")),
    "provider_name": ("utförare", ("utforare", "provider", "provider_name")),
}
"""The parts of a service with a column of their own: "huvudman barnhälsovård", "driftsform bvc", …"""
SERVICE_PART_LABELS = {"principal": "huvudman", "operating_form": "driftsform", "provider_name": "utförare",
                       "fully_co_located": "på plats hela tiden"}


def service_part_header(kind: str, part: str) -> str:
    return f"{SERVICE_PARTS[part][0]} {SERVICE_HEADERS[kind]}"


# --- value words -----------------------------------------------------------------------------------

TRUE_WORDS = {"ja", "j", "yes", "y", "1", "x", "true", "sant", "sann"}
FALSE_WORDS = {"nej", "n", "no", "0", "false", "falskt", "falsk"}
UNKNOWN_WORDS = {"", "vet ej", "vet inte", "okant", "unknown", "-"}
PART_TIME_WORDS = {"delvis", "deltid", "del av tiden", "partly", "part time", "part-time", "partial"}


def _words(choices, extra: dict[str, str]) -> dict[str, str]:
    return {**{normalise_header(label_): value for value, label_ in choices.choices},
            **{normalise_header(value): value for value, _ in choices.choices}, **extra}


VALUE_WORDS: dict[str, dict[str, str]] = {
    "status": _words(Status, {"aktiv": "active", "oppen": "active", "drift": "active", "open": "active",
                              "stangd": "closed", "nedlagd": "closed", "avvecklad": "closed", "inactive": "closed",
                              "tillfalligt_stangd": "temporarily_closed", "planerad": "planned",
                              "kommande": "planned"}),
    "budget": _words(Budget, {"gemensam": "shared", "separat": "separate", "separata": "separate"}),
    "principal": _words(Principal, {"kommun": "municipality", "kommunen": "municipality", "regionen": "region",
                                    "landsting": "region", "privat": "private", "ideburen": "non_profit",
                                    "ideell": "non_profit", "ideell_forening": "non_profit"}),
    "operating_form": _words(OperatingForm, {"vardval": "choice_scheme", "lov": "choice_scheme",
                                             "egen": "own_management"}),
    "profession": _words(Profession, {"bvc_sjukskoterska": "child_health_nurse",
                                      "sjukskoterska": "child_health_nurse"}),
}
"""normalised word → stored value, per choice."""

CHOICE_LABELS = {"status": dict(Status.choices), "budget": dict(Budget.choices),
                 "principal": dict(Principal.choices), "operating_form": dict(OperatingForm.choices),
                 "profession": dict(Profession.choices), "service_type": dict(ServiceType.choices)}

TARGET_GROUP_WORDS = {
    "blivande_foraldrar": "serves_expectant_parents", "expectant_parents": "serves_expectant_parents",
    "foraldrar": "serves_parents", "parents": "serves_parents",
    "andra_viktiga_vuxna": "serves_other_adults", "other_adults": "serves_other_adults",
    "nyanlanda": "serves_newly_arrived", "nyanlanda_familjer": "serves_newly_arrived",
    "newly_arrived": "serves_newly_arrived",
}

LANGUAGES: dict[str, str] = {
    "sv": "svenska", "en": "engelska", "ar": "arabiska", "so": "somaliska", "fa": "persiska", "prs": "dari",
    "ti": "tigrinja", "am": "amhariska", "ku": "kurdiska", "tr": "turkiska", "pl": "polska", "uk": "ukrainska",
    "ru": "ryska", "bs": "bosniska", "hr": "kroatiska", "sr": "serbiska", "fi": "finska", "es": "spanska",
    "fr": "franska", "de": "tyska", "ps": "pashto", "th": "thailändska", "vi": "vietnamesiska", "zh": "kinesiska",
    "rom": "romani", "se": "nordsamiska", "yi": "jiddisch", "swl": "svenskt teckenspråk",
}
"""Languages a unit can serve families in: ISO 639-1 (or 639-3 where there is none) → Swedish name."""
LANGUAGE_WORDS = {normalise_header(name): code for code, name in LANGUAGES.items()} | {
    code: code for code in LANGUAGES} | {"teckensprak": "swl", "samiska": "se", "persiska_farsi": "fa",
                                          "farsi": "fa", "english": "en", "arabic": "ar", "swedish": "sv"}
