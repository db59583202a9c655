"""Checking the rows of a file: which column means what, and each row turned into a unit record with every
problem named by row and column.

Headers may be Swedish or English, in any case, with or without accents, with spaces, underscores or hyphens
(``vocabulary``). Kommuner are found by code or by the names people write (``reference.names``). Coordinates
are WGS 84 (lat/lon) or SWEREF 99 TM (metres). Whether a record is acceptable is decided by ``rules``, with the
same messages the edit form shows.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fcatlas import jsontext
from fcatlas.accounts.permissions import can_edit_in_municipality
from fcatlas.formatting import format_distance
from fcatlas.geo import sweref_in_sweden, to_wgs84
from fcatlas.reference import geometry
from fcatlas.reference.models import Municipality, Postcode
from fcatlas.reference.names import MunicipalityNames, normalise_name
from fcatlas.reference.versions import reference_version

from fcatlas.spreadsheets import decimal_comma

from ..editing import checked_digest, normalised
from ..exporting.rows import ExportItem, units_for_export
from ..exporting.rows import row as exported_row
from ..models import DEFAULT_PRINCIPAL, Unit, WorkingMethod
from ..rules import compile_patterns, problems
from ..vocabulary import (
    COMPUTED_COLUMNS,
    FIELDS,
    PLACE_COLUMNS,
    SERVICE_ALIASES,
    SERVICE_HEADERS,
    SERVICE_PARTS,
    SERVICE_WORDS,
    TARGET_GROUP_WORDS,
    VALUE_WORDS,
    header,
    label,
    normalise_header,
)
from . import values
from .values import ValueProblem

LIST_FIELDS = ("services", "working_methods", "staffing")


@dataclass
class KnownUnit:
    """A unit already in the registry that a row of the file may name: what finds it, what tells whether the row
    is the one that last wrote it, and (read for every known unit at once, the first time a row needs it,
    ``RowChecker.with_export_view``) how the export writes it and its normalised record."""

    pk: int
    version: int
    name: str
    municipality_id: str
    external_id: str | None
    synthetic: bool
    import_fingerprint: str
    exported: ExportItem | None = None

    @property
    def keys(self) -> tuple[tuple, ...]:
        """The ways a row can name it, as ``RowChecker.seen`` marks them: by name and kommun, and by external id."""
        by_name = ("name", normalise_name(self.name), self.municipality_id)
        return (by_name, ("id", self.external_id)) if self.external_id else (by_name,)

    @functools.cached_property
    def record(self) -> dict:
        return normalised(self.exported.record)


def _cell_text(value) -> str:
    """A cell as the CSV export writes it, whether read from a CSV (text) or an XLSX (typed values)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return decimal_comma(value)
    return str(value)


def _build_header_index() -> dict[str, tuple]:
    """normalised header → what it means: ("scalar", field) | ("other", key) | ("service", kind)
    | ("service_part", kind, part) | ("ignore",)."""
    index: dict[str, tuple] = {}
    for key, spec in FIELDS.items():
        if spec.kind in ("internal", "municipality"):
            continue
        meaning = ("other", key) if key in LIST_FIELDS or key in ("latitude", "longitude") else ("scalar", key)
        for name in (spec.header, key, *spec.aliases):
            index.setdefault(normalise_header(name), meaning)
    for key, (place_header, aliases) in PLACE_COLUMNS.items():
        for name in (place_header, key, *aliases):
            index.setdefault(normalise_header(name), ("other", key))
    for name in COMPUTED_COLUMNS:
        index.setdefault(normalise_header(name), ("ignore",))
    for kind, aliases in SERVICE_ALIASES.items():
        for alias in {*aliases, normalise_header(SERVICE_HEADERS[kind])}:
            index.setdefault(alias, ("service", kind))
            for part, (_, prefixes) in SERVICE_PARTS.items():
                for prefix in prefixes:
                    index.setdefault(f"{prefix}_{alias}", ("service_part", kind, part))
    return index


HEADER_INDEX = _build_header_index()
EXTERNAL_ID_HEADER, NAME_HEADER = header("external_id"), header("name")
MUNICIPALITY_CODE_HEADER = PLACE_COLUMNS["municipality_code"][0]


IMPORTER_SOURCES = ("registry/importing/rows.py", "registry/importing/values.py", "registry/vocabulary.py",
                    "registry/schedules.py", "registry/editing.py", "tabular.py")
"""The code that turns a row's cells into a unit record: a change to any of them changes every fingerprint."""


@functools.cache
def _importer_version() -> str:
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(digest_size=16)
    for source in IMPORTER_SOURCES:
        digest.update((package / source).read_bytes())
    return digest.hexdigest()


def fingerprint_salt(method_names: dict[str, str], read: list[tuple[str, tuple]]) -> str:
    """What a file's rows are read with besides their cells: the importer's code, the reference data (kommun names
    and codes), the working methods' names and the file's columns with what each means."""
    with_what = jsontext.dumps([_importer_version(), reference_version(), sorted(method_names.items()), read])
    return hashlib.blake2b(with_what, digest_size=16).hexdigest()


def row_fingerprint(cells: list, salt: str) -> str:
    """A fingerprint of a row's cells in the columns the importer reads, read with ``salt``
    (``fingerprint_salt``): the same fingerprint, the same unit record."""
    return hashlib.blake2b(jsontext.dumps([salt, cells], default=repr), digest_size=16).hexdigest()


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
    checked: str = ""                # editing.checked_digest of the record the rules passed
    fingerprint: str = ""            # row_fingerprint of the row's cells, kept with the unit it writes

    ACTION_LABELS = {"create": "Ny", "update": "Ändras", "unchanged": "Oförändrad", "error": "Fel"}

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.level == "error"]

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS[self.action]


class RowChecker:
    """Turns the rows of one file into ``RowPlan``s, with what it needs from the registry read once."""

    def __init__(self, row_word: str, user, headers: dict[str, str]):
        self.row_word = row_word
        self.user = user
        self.headers = headers            # record key or other column key → the file's header for it
        self.names = MunicipalityNames()
        methods = list(WorkingMethod.objects.all())
        self.known_methods = {m.code for m in methods}
        self.methods = {normalise_header(m.code): m.code for m in methods} | {
            normalise_header(m.name): m.code for m in methods}
        self.method_names = {m.code: m.name for m in methods}
        self.seen: dict[tuple, int] = {}
        """The keys (``KnownUnit.keys``) rows have named a unit by → the first such row."""
        self.looked_up: list[tuple] = []  # the keys the current row looked for in ``seen``, and those it marked
        self.marked: list[tuple] = []
        self.postcodes: dict[str, str | None] = {}  # postcode → its kommun's code, as read
        self.export_view_read = False
        self.units = [KnownUnit(*values) for values in Unit.objects.values_list(
            "pk", "version", "name", "municipality_id", "external_id", "synthetic", "import_fingerprint")]
        self.by_external_id = {unit.external_id: unit for unit in self.units if unit.external_id}
        self.by_name: dict[tuple[str, str], list[KnownUnit]] = {}
        for unit in self.units:
            self.by_name.setdefault((unit.municipality_id, normalise_name(unit.name)), []).append(unit)

    def mark(self, key: tuple, number: int) -> None:
        self.seen.setdefault(key, number)
        self.marked.append(key)

    def plan_row(self, number: int, cells: dict, fingerprint: str, meaning: dict[str, tuple]) -> RowPlan:
        """The plan of one row: ``unchanged`` if its fingerprint or the export says so, else ``check``. The keys
        it looked up and marked in ``seen`` are left in ``looked_up`` and ``marked`` until the next row."""
        self.looked_up, self.marked = [], []
        row = self.unchanged(number, cells, meaning, fingerprint) or self.check(number, cells, meaning)
        if row.action in ("create", "update"):
            row.fingerprint = fingerprint
        return row

    def read_ahead(self, rows: list[dict], prepared: Callable[[dict], tuple[dict, str]]) -> None:
        """Read now whatever the rows will ask the database for (the export view of the known units, unless
        every row that names one is the row that last wrote it; the kommuner of the file's postcodes; the
        boundaries; the user's role), and compile the rules' patterns, so that the rows can be checked in
        processes that do not use the database. ``rows`` are the cells as read and ``prepared`` gives them as the
        importer reads them, with their fingerprint. A row that needs more than this asks the database after all
        (``_planned_rows``)."""
        column = self.headers.get("postcode")
        written = set()
        for cells in rows:
            if column and not values.blank(cells.get(column)):
                try:
                    written.add(values.scalar("postcode", cells[column]))
                except ValueProblem:
                    pass
            if self.units and not self.export_view_read:
                named = self._named_unit(cells)
                if named is None or named.import_fingerprint != prepared(cells)[1]:
                    self.read_export_view()
        written = sorted(written - set(self.postcodes))
        for start in range(0, len(written), 5000):
            self.postcodes |= dict.fromkeys(written[start:start + 5000]) | dict(Postcode.objects.filter(
                code__in=written[start:start + 5000]).values_list("code", "municipality_id"))
        geometry.municipality_polygon("")  # the boundaries, decoded once, here
        compile_patterns()
        if self.user is not None:
            can_edit_in_municipality(self.user, "")

    def municipality_of_postcode(self, postcode: str) -> Municipality | None:
        if postcode not in self.postcodes:
            self.postcodes[postcode] = Postcode.objects.filter(code=postcode).values_list(
                "municipality_id", flat=True).first()
        code = self.postcodes[postcode]
        return self.names.by_code[code] if code else None

    def read_export_view(self) -> None:
        """How the export writes every known unit, read once, the first time a row needs it (a file whose rows all
        match their fingerprints never reads it); units removed since are forgotten."""
        if self.export_view_read:
            return
        items = {item.pk: item for item in units_for_export(Unit.objects.all())}
        for known in self.units:
            known.exported = items.get(known.pk)
        self.units = [known for known in self.units if known.exported is not None]
        self.by_external_id = {key: known for key, known in self.by_external_id.items() if known.exported}
        self.by_name = {key: [known for known in same if known.exported] for key, same in self.by_name.items()}
        self.export_view_read = True

    def with_export_view(self, unit: KnownUnit) -> KnownUnit | None:
        """``unit`` with how the export writes it; None if it has been removed since."""
        self.read_export_view()
        return unit if unit.exported is not None else None

    def header(self, *keys: str, default: str) -> str:
        """The file's own header for the first of ``keys`` it has, else ``default``."""
        return next((self.headers[k] for k in keys if k in self.headers), default)

    def where(self, row: RowPlan, column: str) -> str:
        place = f"på {self.row_word} {row.number}"
        return f"{place} (kolumn {column})" if column else place

    def error(self, row: RowPlan, column: str, text: str):
        row.messages.append(Message(text, column))

    def _unit_named_by(self, cells: dict) -> KnownUnit | None:
        """The known unit a row names as the export writes it: by external id, else by name and kommun code; None
        when that takes more than reading two cells."""
        external_id = cells.get(EXTERNAL_ID_HEADER)
        if external_id:
            return self.by_external_id.get(external_id)
        name, code = cells.get(NAME_HEADER), cells.get(MUNICIPALITY_CODE_HEADER)
        matches = self.by_name.get((code, normalise_name(name)), []) if name and code else []
        return matches[0] if len(matches) == 1 else None

    def names_a_known_unit(self, cells: dict) -> bool:
        return self._unit_named_by(cells) is not None

    def _named_unit(self, cells: dict) -> KnownUnit | None:
        """``_unit_named_by``, or None when the unit may not be touched without the full check (named by an earlier
        row, or in a kommun the user may not edit)."""
        existing = self._unit_named_by(cells)
        if existing is not None:
            self.looked_up += existing.keys
        if existing is None or any(key in self.seen for key in existing.keys) or (
                self.user is not None and not can_edit_in_municipality(self.user, existing.municipality_id)):
            return None
        return existing

    def unchanged(self, number: int, cells: dict, meaning: dict[str, tuple], fingerprint: str) -> RowPlan | None:
        """The plan of a row known to change nothing without parsing it: the row is, to the cell, the one that last
        wrote the unit it names (``fingerprint``; nothing has saved the unit since: a file imported again), or it
        reads, in every column the importer reads, exactly as the export writes that unit (an export handed back).
        Any other row, and any row ``check`` would find fault with (a duplicate, a kommun the user may not edit),
        gets ``None`` and is checked in full."""
        existing = self._named_unit(cells)
        if existing is None:
            return None
        if existing.import_fingerprint != fingerprint:
            if self.with_export_view(existing) is None:
                return None
            exported = exported_row(existing.exported, self.method_names)
            for column, value in cells.items():
                kind = meaning.get(column)
                if kind and kind[0] != "ignore" and (column not in exported or (
                        value != exported[column] and _cell_text(value) != _cell_text(exported[column]))):
                    return None
        for key in existing.keys:
            self.mark(key, number)
        scalars = {kind[1] for kind in meaning.values() if kind[0] == "scalar"}
        stored = {"name": existing.name, "external_id": existing.external_id,
                  "municipality_id": existing.municipality_id, "synthetic": existing.synthetic}
        municipality = self.names.by_code[existing.municipality_id]
        return RowPlan(number=number, action="unchanged", name=existing.name, municipality_code=municipality.code,
                       municipality_name=municipality.name, unit_pk=existing.pk, unit_version=existing.version,
                       record={field: value for field, value in stored.items() if field in scalars})

    def check(self, number: int, cells: dict, meaning: dict[str, tuple]) -> RowPlan:
        row = RowPlan(number=number)
        record: dict = {}
        given: dict[str, tuple[str, object]] = {}   # key → (column, raw value)
        services: dict[str, dict] = {}
        covered: set[str] = set()
        service_parts: dict[str, dict[str, tuple[str, object]]] = {}

        for column, value in cells.items():
            kind = meaning.get(column)
            if not kind or kind[0] == "ignore":
                continue
            try:
                if kind[0] == "scalar":
                    if kind[1] == "external_id" and values.blank(value):
                        continue
                    record[kind[1]] = values.scalar(kind[1], value)
                    given[kind[1]] = (column, value)
                elif kind[0] == "other":
                    given[kind[1]] = (column, value)
                elif kind[0] == "service":
                    covered.add(kind[1])
                    present = values.presence(value)
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

    def list_columns(self, row, record, given, services, covered):
        if "services" in given:
            column, value = given["services"]
            covered.update(SERVICE_ALIASES)
            for item in values.items(value, commas=True):
                part_time = bool(re.search(r"\((delvis|deltid)\)|\s(delvis|deltid)$", item, re.I))
                word = normalise_header(re.sub(r"\(?(delvis|deltid)\)?", "", item, flags=re.I))
                if word not in SERVICE_WORDS:
                    close = difflib.get_close_matches(word, list(SERVICE_WORDS), n=1)
                    hint = f" Menade du {SERVICE_HEADERS[SERVICE_WORDS[close[0]]]}?" if close else ""
                    self.error(row, column, f"Okänd verksamhet '{item[:40]}' {self.where(row, column)}.{hint}")
                    continue
                kind = SERVICE_WORDS[word]
                if kind not in services:
                    services[kind] = {"fully_co_located": not part_time}
        if "working_methods" in given:
            column, value = given["working_methods"]
            codes, found = [], []
            for item in values.items(value):
                parts = [p.strip() for p in item.split(",") if p.strip()]
                known = normalise_header(item) in self.methods
                found += parts if not known and all(normalise_header(p) in self.methods for p in parts) else [item]
            for item in found:
                code = self.methods.get(normalise_header(item))
                if code is None:
                    close = difflib.get_close_matches(normalise_header(item), list(self.methods), n=1)
                    hint = f" Menade du {self.method_names[self.methods[close[0]]]}?" if close else ""
                    self.error(row, column, f"Okänt arbetssätt '{item[:40]}' {self.where(row, column)}.{hint}")
                else:
                    codes.append(code)
            record["working_methods"] = sorted(set(codes))
        if "target_groups" in given:
            column, value = given["target_groups"]
            for item in values.items(value, commas=True):
                ages = re.search(r"(\d+)\s*[-–]\s*(\d+)", item)
                if ages and ("barn" in item.casefold() or "child" in item.casefold()):
                    record["children_age_from"], record["children_age_to"] = int(ages[1]), int(ages[2])
                    continue
                target = TARGET_GROUP_WORDS.get(normalise_header(item))
                if target is None:
                    self.error(row, column, f"Okänd målgrupp '{item[:40]}' {self.where(row, column)}. Skriv till "
                                            "exempel: blivande föräldrar; föräldrar; barn 0–6 år; andra viktiga "
                                            "vuxna; nyanlända.")
                else:
                    record[target] = True
        if "staffing" in given:
            column, value = given["staffing"]
            staffing = {}
            for item in values.items(value):
                match = re.fullmatch(r"(.+?)\s*[:=]\s*(-?[\d.,]+)\s*(åa|årsarbetare)?", item.strip())
                profession = VALUE_WORDS["profession"].get(normalise_header(match[1])) if match else None
                fte = None
                if profession is not None:
                    try:
                        fte = values.number(match[2])
                    except ValueProblem:
                        profession = None
                if profession is None:
                    self.error(row, column, f"Bemanningen '{item[:60]}' {self.where(row, column)} går inte att läsa. "
                                            "Skriv yrkesgrupp och årsarbetare, till exempel: barnmorska: 1,5; "
                                            "BVC-sjuksköterska: 2")
                    continue
                staffing[profession] = fte
            record["staffing"] = staffing

    def municipality(self, row, given) -> Municipality | None:
        by_code = by_name = None
        if "municipality_code" in given and not values.blank(given["municipality_code"][1]):
            column, value = given["municipality_code"]
            by_code = self.names.by_code_text(value)
            if by_code is None:
                self.error(row, column, f"Okänd kommunkod '{values.text(value)[:20]}' {self.where(row, column)}. "
                                        "En kommunkod har fyra siffror, till exempel 0114 för Upplands Väsby.")
                return None
        if "municipality_name" in given and not values.blank(given["municipality_name"][1]):
            column, value = given["municipality_name"]
            written = values.text(value)
            by_name = self.names.by_name(written) or self.names.by_code_text(written)
            if by_name is None:
                suggestion = self.names.suggestion(written[:100])
                hint = f" Menade du {suggestion}?" if suggestion else " Skriv kommunens namn eller kommunkod."
                self.error(row, column, f"Okänd kommun '{written[:60]}' {self.where(row, column)}.{hint}")
                return None
        if by_code and by_name and by_code != by_name:
            column = given["municipality_name"][0]
            self.error(row, column, f"Kommunen '{values.text(given['municipality_name'][1])}' "
                                    f"{self.where(row, column)} stämmer inte med kommunkoden {by_code.code} "
                                    f"({by_code.name}).")
            return None
        return by_code or by_name

    def coordinates(self, row, given) -> tuple[float, float] | None:
        """(lon, lat) in WGS 84, from lat/lon or SWEREF 99 TM columns; None if not given."""
        pairs = [("latitude", "longitude"), ("northing", "easting"), ("sweref_x", "sweref_y")]
        for first, second in pairs:
            if first not in given and second not in given:
                continue
            (c1, v1), (c2, v2) = given.get(first, ("", None)), given.get(second, ("", None))
            if values.blank(v1) and values.blank(v2):
                continue
            if values.blank(v1) or values.blank(v2):
                missing = c1 or label(first).lower() if values.blank(v1) else c2 or second
                self.error(row, missing, f"Koordinaten saknas {self.where(row, missing)}; "
                                         "ange båda koordinaterna eller ingen.")
                return None
            try:
                a = values.number(v1)
            except ValueProblem as problem:
                self.error(row, c1, problem.message(self.where(row, c1)))
                return None
            try:
                b = values.number(v2)
            except ValueProblem as problem:
                self.error(row, c2, problem.message(self.where(row, c2)))
                return None
            if first == "latitude" and abs(a) <= 90 and abs(b) <= 180:
                return round(b, 7), round(a, 7)
            northing, easting = (a, b) if a > b else (b, a)  # SWEREF 99 TM x/y in either order
            if not sweref_in_sweden(easting, northing):
                self.error(row, c1, f"Koordinaterna {values.text(v1)[:20]}, {values.text(v2)[:20]} "
                                    f"{self.where(row, c1)} är varken WGS 84 (latitud/longitud i grader) eller "
                                    "SWEREF 99 TM (meter) i Sverige.")
                return None
            lon, lat = to_wgs84(easting, northing)
            return round(lon, 7), round(lat, 7)
        return None

    def municipality_from_place(self, row, record, coordinates) -> Municipality | None:
        postcode = record.get("postcode")
        if postcode and (found := self.municipality_of_postcode(postcode)):
            return found
        if coordinates:
            code, distance = geometry.nearest_municipality(*coordinates)
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

    def identify(self, row, record, municipality) -> KnownUnit | None:
        existing = None
        if record.get("external_id"):
            key = ("id", record["external_id"])
            existing = self.by_external_id.get(record["external_id"])
        elif record.get("name") and municipality:
            key = ("name", normalise_name(record["name"]), municipality.code)
            matches = self.by_name.get((municipality.code, normalise_name(record["name"])), [])
            if len(matches) > 1:
                column = self.header("name", default="namn")
                self.error(row, column, f"Det finns {len(matches)} enheter som heter '{record['name']}' i "
                                        f"{municipality.name} ({self.where(row, column)}). Ange externt id.")
            existing = matches[0] if len(matches) == 1 else None
        else:
            key = None
        if key:
            # an earlier row may have named the same unit the other way (by its external id, or by name and kommun)
            self.looked_up += (key, *(existing.keys if existing else ()))
            earlier = self.seen.get(key) or next(
                (self.seen[other] for other in (existing.keys if existing else ()) if other in self.seen), None)
            if earlier:
                column = self.header("external_id" if key[0] == "id" else "name",
                                     default="externt id" if key[0] == "id" else "namn")
                where = self.where(row, column)  # capitalised by its first letter: the column keeps its own case
                self.error(row, column, f"{where[0].upper()}{where[1:]}: samma enhet som på "
                                        f"{self.row_word} {earlier}. Ta bort den ena.")
            for seen_key in (key, *(existing.keys if existing else ())):
                self.mark(seen_key, row.number)
        if existing:
            existing = self.with_export_view(existing)
        if existing:
            row.unit_pk, row.unit_version = existing.pk, existing.version
            row.name = row.name or existing.name
        return existing

    def services(self, row, record, services, covered, parts, existing):
        before = existing.record["services"] if existing else {}
        if not covered and not parts:
            return
        result = {kind: service for kind, service in before.items() if kind not in covered}
        for kind, presence in services.items():
            old = before.get(kind, {})
            service = {
                "principal": old.get("principal", DEFAULT_PRINCIPAL[kind]),
                "operating_form": old.get("operating_form", "own_management"),
                "provider_name": old.get("provider_name", ""),
                "fully_co_located": presence["fully_co_located"],
            }
            for part, (column, value) in parts.get(kind, {}).items():
                if values.blank(value):
                    service[part] = {"provider_name": "", "principal": DEFAULT_PRINCIPAL[kind]}.get(
                        part, "own_management")
                    continue
                try:
                    if part == "provider_name":
                        service[part] = values.text(value)
                    else:
                        service[part] = values.choice(value, part, "huvudman" if part == "principal" else "driftsform")
                except ValueProblem as problem:
                    self.error(row, column, problem.message(self.where(row, column)))
            result[kind] = service
        for kind, given_parts in parts.items():
            if kind in covered or kind in services:
                continue
            # A principal column without a presence column: the service is present if the principal is given.
            column, value = given_parts.get("principal", ("", None))
            if not values.blank(value) and kind not in result:
                try:
                    principal = values.choice(value, "principal", "huvudman")
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

    def column_of(self, problem_field: str) -> str:
        """The file's column a rules problem is about."""
        parts = problem_field.split(".")
        if parts[0] == "services" and len(parts) >= 2:
            kind = parts[1]
            if len(parts) == 3:
                return self.header(f"{kind}.{parts[2]}", f"service:{kind}", "services",
                                   default=f"{SERVICE_PARTS[parts[2]][0]} {SERVICE_HEADERS.get(kind, kind)}"
                                   if parts[2] in SERVICE_PARTS else SERVICE_HEADERS.get(kind, kind))
            return self.header(f"service:{kind}", "services", default="verksamheter")
        if parts[0] == "staffing":
            return self.header("staffing", default="bemanning")
        if problem_field in ("latitude", "longitude"):
            return self.header(problem_field, "northing", "sweref_x", default=FIELDS[problem_field].header)
        if problem_field == "municipality_id":
            return self.header("municipality_name", "municipality_code", default="kommun")
        return self.header(problem_field, default=FIELDS[problem_field].header if problem_field in FIELDS
                           else problem_field)

    def validate(self, row, record, existing):
        before = existing.record if existing else None
        after = normalised((before or {}) | record)
        if before is not None:
            ignore = {"source", "source_detail"}
            changed = [k for k in after if k not in ignore and before.get(k) != after[k]]
            row.action = "update" if changed else "unchanged"
            row.changed_fields = [label(k).lower() for k in changed]
        else:
            row.action = "create"
        polygon = geometry.municipality_polygon(after["municipality_id"]) if after.get("municipality_id") else None
        name = self.names.by_code[after["municipality_id"]].name if after.get("municipality_id") in self.names.by_code \
            else "kommunen"
        found = problems(after, municipality_polygon=polygon, municipality_name=name, place_of=geometry.place_of,
                         known_methods=self.known_methods)
        for problem in found:
            self.error(row, self.column_of(problem.field), problem.message)
        if not found:
            row.checked = checked_digest(after)


def _coordinate_text(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}".replace(".", ",")
