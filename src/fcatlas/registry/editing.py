"""Every change to a unit goes through ``save_unit`` (or ``remove_unit``): checked by ``rules``, classified,
scored, versioned, kept in history.

A unit's editable state is a plain, JSON-friendly *record* (``unit_record``): the scalar fields of
``vocabulary.SCALAR_KEYS``, the lists ``languages``, ``opening_hours`` and ``drop_in_hours`` (weekly entries,
``schedules``), and ``services`` (service type → principal, operating form, provider, fully co-located),
``working_methods`` (taxonomy codes) and ``staffing`` (profession → FTE). Forms, imports, the survey review, the
demo generator and exports all speak this one record format.
"""

import contextlib
import functools
import hashlib
import operator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, connections, models, transaction
from django.utils import timezone

from fcatlas import jsontext
from fcatlas.bulk import made_in_thread
from fcatlas.reference.geometry import municipality_name, municipality_polygon, place_of

from . import rules, schedules
from .classification import classify
from .completeness import completeness
from .models import Source, Unit, UnitChange, UnitSchedule, UnitService, UnitStaffing, WorkingMethod
from .search import search_text
from .vocabulary import LIST_KEYS, RELATED_KEYS, SCALAR_KEYS

SCALAR_FIELDS = SCALAR_KEYS
SERVICE_FIELDS = ("principal", "operating_form", "provider_name", "fully_co_located")
SCHEDULE_KINDS = {"opening_hours": UnitSchedule.Kind.OPENING, "drop_in_hours": UnitSchedule.Kind.DROP_IN}
PREFETCH = ("services", "working_methods", "staffing", "schedules")
"""What a queryset prefetches so that ``unit_record`` costs no query per unit."""
RECORD_KEYS = frozenset((*SCALAR_FIELDS, *LIST_KEYS, *RELATED_KEYS))


class EditConflict(Exception):
    """The unit changed since the editor loaded it; nothing was saved. ``index`` is its place in a batch."""

    def __init__(self, unit: Unit, expected_version: int, index: int = 0):
        self.unit = unit
        self.expected_version = expected_version
        self.index = index
        self.newer_changes = list(unit.changes.filter(version__gt=expected_version).order_by("version"))
        super().__init__(f"Enheten har ändrats (version {unit.version}) sedan du öppnade version {expected_version}.")


@dataclass(frozen=True)
class Edit:
    """One unit to write: ``unit`` is None (or unsaved) to create one, else the unit at ``expected_version``."""

    unit: Unit | None
    record: dict
    expected_version: int | None = None
    checked: str = ""
    """``checked_digest`` of the record as ``check`` found it without problems (an import's plan): the same record
    on the same version is not checked a second time."""
    fingerprint: str = ""
    """The import row's fingerprint (``importing.rows.row_fingerprint``), kept with the unit it writes; any other
    write clears it."""

    @property
    def creates(self) -> bool:
        return self.unit is None or self.unit.pk is None


@dataclass(frozen=True)
class SaveResult:
    unit: Unit
    created: bool
    change: UnitChange | None

    @property
    def changed(self) -> bool:
        return self.change is not None

    @property
    def changed_fields(self) -> list[str]:
        return list(self.change.fields) if self.change else []


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _model_value(field: str, value):
    """The plain record value in the type the model field stores (floats for decimals go via str, ISO dates as
    dates; no text as the empty string, which text columns store instead of NULL)."""
    if value is None:
        return "" if field in _TEXT_NOT_NULL_FIELDS else None
    if field in _DECIMAL_FIELDS:
        return Decimal(str(value))
    if field in _DATE_FIELDS and isinstance(value, str):
        return date.fromisoformat(value) if value else None  # the rules read "" as no date
    return value


_TEXT_NOT_NULL_FIELDS = frozenset(field.name for field in Unit._meta.concrete_fields
                                  if isinstance(field, models.CharField | models.TextField) and not field.null)
_DECIMAL_FIELDS = frozenset(field.name for field in Unit._meta.concrete_fields
                            if isinstance(field, models.DecimalField))
_DATE_FIELDS = frozenset(field.name for field in Unit._meta.concrete_fields
                         if type(field) is models.DateField)


def unit_record(unit: Unit) -> dict:
    """The unit's editable state as plain values (dates ISO 8601, numbers as floats).

    Reads the related rows with ``.all()``, so a queryset with ``prefetch_related(*PREFETCH)`` costs no query
    per unit.
    """
    record = {field: _plain(getattr(unit, field)) for field in SCALAR_FIELDS}
    record["languages"] = sorted(unit.languages or [])
    if unit.pk is None:
        return record | {"opening_hours": [], "drop_in_hours": [], "services": {}, "working_methods": [],
                         "staffing": {}}
    rows = list(unit.schedules.all())
    for key, kind in SCHEDULE_KINDS.items():
        record[key] = schedules.normalised([{"days": s.days, "opens": s.opens, "closes": s.closes}
                                            for s in rows if s.kind == kind])
    record["services"] = {
        s.service_type: {field: getattr(s, field) for field in SERVICE_FIELDS}
        for s in sorted(unit.services.all(), key=lambda s: s.service_type)
    }
    record["working_methods"] = sorted(method.code for method in unit.working_methods.all())
    record["staffing"] = {s.profession: float(s.fte) for s in sorted(unit.staffing.all(), key=lambda s: s.profession)}
    return record


_DATE_OR_DECIMAL_FIELDS = tuple(field for field in SCALAR_FIELDS
                          if isinstance(Unit._meta.get_field(field), models.DateField | models.DecimalField))


def unit_records(units) -> dict[int, dict]:
    """``unit_record`` of every unit of a queryset, read in five queries without building a model instance per
    row (a list page or an export of 10 000 units)."""
    ids = units.values("pk")
    records = {}
    for pk, languages, *scalars in units.values_list("pk", "languages", *SCALAR_FIELDS):
        record = dict(zip(SCALAR_FIELDS, scalars))
        for field in _DATE_OR_DECIMAL_FIELDS:  # what _plain would change, without asking it for each of 31 fields
            if record[field] is not None:
                record[field] = _plain(record[field])
        record["languages"] = sorted(languages or [])
        record |= {"opening_hours": [], "drop_in_hours": [], "services": {}, "working_methods": [], "staffing": {}}
        records[pk] = record
    kinds = {kind: key for key, kind in SCHEDULE_KINDS.items()}
    for unit_id, kind, days, opens, closes in UnitSchedule.objects.filter(unit__in=ids).order_by(
            "unit_id", "kind", "pk").values_list("unit_id", "kind", "days", "opens", "closes"):
        records[unit_id][kinds[kind]].append({"days": days, "opens": opens, "closes": closes})
    for record in records.values():
        for key in SCHEDULE_KINDS:
            if record[key]:
                record[key] = schedules.normalised(record[key])
    for unit_id, service_type, *fields in UnitService.objects.filter(unit__in=ids).order_by(
            "unit_id", "service_type").values_list("unit_id", "service_type", *SERVICE_FIELDS):
        records[unit_id]["services"][service_type] = dict(zip(SERVICE_FIELDS, fields, strict=True))
    through = Unit.working_methods.through
    for unit_id, code in through.objects.filter(unit__in=ids).order_by("unit_id", "workingmethod__code").values_list(
            "unit_id", "workingmethod__code"):
        records[unit_id]["working_methods"].append(code)
    for unit_id, profession, fte in UnitStaffing.objects.filter(unit__in=ids).order_by(
            "unit_id", "profession").values_list("unit_id", "profession", "fte"):
        records[unit_id]["staffing"][profession] = float(fte)
    return records


@functools.cache
def _empty_record() -> dict:
    return unit_record(Unit())


def normalised(record: dict) -> dict:
    """A record with every key present and values in the plain form ``unit_record`` returns."""
    complete = {key: _plain(value) if isinstance(value, (date, Decimal)) else value
                for key, value in (_empty_record() | record).items()}
    complete["services"] = {
        kind: {"provider_name": "", "fully_co_located": True, "operating_form": "own_management"} | values
        if isinstance(values, dict) else values
        for kind, values in sorted((complete["services"] or {}).items())
    } if isinstance(complete["services"], dict) else complete["services"]
    complete["working_methods"] = sorted(set(complete["working_methods"] or []))
    complete["languages"] = sorted(set(complete["languages"] or []))
    for key in SCHEDULE_KINDS:
        entries = complete[key] or []
        complete[key] = schedules.normalised(entries) if entries and all(
            isinstance(e, dict) and "days" in e and "opens" in e and "closes" in e for e in entries) else entries
    if isinstance(complete["staffing"], dict):
        complete["staffing"] = {p: _fte(fte) for p, fte in sorted(complete["staffing"].items())}
    return complete


def _fte(value):
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return value


def _differences(before: dict, after: dict) -> dict:
    """{field: [old, new]}; for a new unit (empty ``before``) only the fields given a value."""
    if not before:
        return {key: [None, value] for key, value in after.items() if value}
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def checked_digest(record: dict) -> str:
    """A fingerprint of a normalised record's values, its source aside."""
    values = {key: value for key, value in record.items() if key not in ("source", "source_detail")}
    return hashlib.blake2b(jsontext.dumps(values, sort_keys=True, default=str), digest_size=16).hexdigest()


def check(record: dict, *, known_methods: set[str] | None = None) -> list[rules.Problem]:
    """The problems ``save_unit`` would refuse a normalised record for (the rules, with the kommun's boundary)."""
    code = record.get("municipality_id") or ""
    if known_methods is None:
        known_methods = set(WorkingMethod.objects.values_list("code", flat=True))
    name = municipality_name(code) if isinstance(code, str) else None
    found = rules.problems(record, municipality_polygon=municipality_polygon(code) if name else None,
                           municipality_name=name or "kommunen", place_of=place_of, known_methods=known_methods)
    if code and name is None:
        found.append(rules.Problem("municipality_id", f"Okänd kommunkod {str(code)[:20]!r}; en kommunkod är fyra "
                                                      "siffror, till exempel 2080 för Falun."))
    return found


def save_unit(unit: Unit | None, record: dict, *, user=None, source: str, source_detail: str = "",
              expected_version: int | None = None) -> SaveResult:
    """Create or update a unit from a record; a no-op when nothing differs.

    Updating needs ``expected_version``, the version the editor started from: if the unit has moved on since,
    ``EditConflict`` is raised and nothing is written. A record that breaks ``rules`` raises
    ``rules.RuleViolation`` with every problem, and nothing is written.
    """
    return save_units([Edit(unit, record, expected_version)], user=user, source=source,
                      source_detail=source_detail)[0]


UPDATED_FIELDS = [f.name for f in Unit._meta.concrete_fields if f.name not in ("id", "created_at")]
UPDATE_BATCH = 100  # units per UPDATE statement: each sets every field of each unit by CASE


def _external_id_problems(afters: dict[int, dict], own_pks: dict[int, int | None]) -> dict[int, rules.Problem]:
    """An external id belongs to one unit: {index: problem} for records that take one already taken."""
    wanted = {index: after["external_id"] for index, after in afters.items() if after["external_id"]}
    taken = {external_id: (pk, name) for external_id, pk, name in Unit.objects.filter(
        external_id__in=set(wanted.values())).values_list("external_id", "pk", "name")}
    found, first = {}, {}
    for index, external_id in wanted.items():
        holder = taken.get(external_id)
        if holder and holder[0] != own_pks[index]:
            found[index] = rules.Problem("external_id", f"Externt id {external_id!r} används redan av enheten "
                                                        f"{holder[1]} (nummer {holder[0]}).")
        elif external_id in first:
            found[index] = rules.Problem("external_id", f"Externt id {external_id!r} ges två enheter.")
        first.setdefault(external_id, index)
    return found


@transaction.atomic
def save_units(edits: list[Edit], *, user=None, source: str, source_detail: str = "") -> list[SaveResult]:
    """``save_unit`` for many units at once, by the same rules, all or nothing: every unit to update is locked
    and its version checked, every record checked by ``rules``, then the units, their related rows and their
    history are written in a fixed number of statements per ``PIPELINE_CHUNK`` units (an import of 10 000 rows).

    Raises ``EditConflict`` or ``rules.RuleViolation`` for the first edit that fails, with its ``index`` in
    ``edits``; nothing is written then.
    """
    source_detail = source_detail[:300]
    updating = [edit.unit.pk for edit in edits if not edit.creates]
    if any(edit.expected_version is None for edit in edits if not edit.creates):
        raise TypeError("save_unit needs the version the editor started from to update a unit")
    locked = Unit.objects.select_for_update().in_bulk(updating) if updating else {}
    for index, edit in enumerate(edits):
        if not edit.creates:
            unit = locked.get(edit.unit.pk)
            if unit is None:
                raise Unit.DoesNotExist(f"Enhet {edit.unit.pk} finns inte längre.")
            if unit.version != edit.expected_version:
                raise EditConflict(unit, edit.expected_version, index)
    befores = unit_records(Unit.objects.filter(pk__in=updating)) if updating else {}
    method_pks = dict(WorkingMethod.objects.values_list("code", "pk"))
    method_codes = set(method_pks)

    units, afters, results = {}, {}, [None] * len(edits)  # units: the locked unit, or None for one to create
    unverified = set()
    for index, edit in enumerate(edits):
        unit = None if edit.creates else locked[edit.unit.pk]
        before = {} if edit.creates else befores[unit.pk]
        after = normalised({k: v for k, v in (before | edit.record).items() if k in RECORD_KEYS})
        after["source"], after["source_detail"] = source, source_detail
        if not (edit.checked and edit.checked == checked_digest(after)
                and set(after["working_methods"]) <= method_codes):  # a method removed since the plan
            unverified.add(index)
            problems = check(after, known_methods=method_codes)
            if problems:
                raise rules.RuleViolation(problems, index)
        if not edit.creates and set(_differences(before, after)) <= {"source", "source_detail"}:
            results[index] = SaveResult(unit, False, None)
            continue
        units[index], afters[index] = unit, after
    for index, problem in _external_id_problems(afters, {i: u and u.pk for i, u in units.items()}).items():
        raise rules.RuleViolation([problem], index)

    now = timezone.now()
    changed_by = user if user and user.is_authenticated else None
    municipality_name("")  # the kommun names read here: the rows may be prepared by a thread without the database
    new_ids = iter(_new_ids(Unit, sum(1 for unit in units.values() if unit is None)))
    change_ids = iter(_new_ids(UnitChange, len(units)))
    _remove_related(units, afters, befores, method_pks)
    changes = {}
    writes = _prepared_writes(units, afters, befores, edits, unverified, method_pks, new_ids, change_ids, changes,
                              UnitChange(changed_at=now, changed_by=changed_by, source=source,
                                         source_detail=source_detail), now, transaction.get_connection())
    pipelined = connection.vendor in PIPELINE_VENDORS and len(units) >= PIPELINE_MIN_UNITS
    for write, *arguments in made_in_thread(writes, within=_without_database) if pipelined else writes:
        write(*arguments)
    for index, unit in units.items():
        results[index] = SaveResult(unit, edits[index].creates, changes[index])
    return results


PIPELINE_MIN_UNITS = 2000
"""From this many units written at once, on PostgreSQL, their rows are prepared by a thread while this one writes
the rows prepared before: the server's part of the writing (reading the rows, filling the indexes) takes
longer than preparing the rows, and the two overlap instead of adding up (10 000 new units: 2.95 s → 2.45 s).
SQLite works in this process, holding the interpreter between rows, so there is nothing to overlap there."""
PIPELINE_VENDORS = ("postgresql",)
PIPELINE_CHUNK = 2000
"""Units prepared and written at a time: the first writing starts after one chunk is prepared."""


def _prepared_writes(units: dict[int, Unit | None], afters: dict[int, dict], befores: dict[int, dict],
                     edits: list[Edit], unverified: set[int], method_pks: dict[str, int], new_ids, change_ids,
                     changes: dict[int, UnitChange], change_template: UnitChange, now, database):
    """The writes of ``save_units``, ``PIPELINE_CHUNK`` units at a time, as (function, *arguments): the new units
    and their related rows inserted, the updated ones saved, their related rows written again where they changed,
    and a history row each. Fills ``units`` with the unit each index writes and ``changes`` with its history row.
    Uses no database (``_without_database``), only the connection ``database``'s conversions."""
    unit_row, change_row = _row_maker(Unit, database, now), _row_maker(UnitChange, database, now)
    unit_columns = tuple(field.name for field in Unit._meta.concrete_fields)
    change_columns = tuple(field.name for field in UnitChange._meta.concrete_fields)
    template = {name: getattr(change_template, name) for name in _attnames(UnitChange)}
    indexes = list(units)
    for start in range(0, len(indexes), PIPELINE_CHUNK):
        chunk = indexes[start:start + PIPELINE_CHUNK]
        created, updated = [], []
        for index in chunk:
            unit, state = units[index], _stored_state(afters[index], edits[index].fingerprint)
            if unit is None:
                unit = units[index] = _built(Unit, state | {"id": next(new_ids), "version": 1, "created_at": now,
                                                            "updated_at": now})
                created.append(unit)
            else:
                for name, value in state.items():
                    setattr(unit, name, value)
                unit.version += 1
                unit.updated_at = now
                updated.append(unit)
            # Field validation is the net under the rules for a record checked here. A record the import's plan
            # checked, to the value, needs none: the rules hold every constraint a field has
            # (test_rules_cover_fields), and the net cost a sixth of an import of 10 000 units. The kommun and the
            # external id's uniqueness were checked in bulk; the e-mail and web addresses by the rules, with
            # Django's own validators.
            if index in unverified:
                unit.clean_fields(exclude=["municipality", "email", "website"])
        if created:
            yield _insert, Unit, unit_columns, [unit_row(unit) for unit in created]
        if updated:
            yield Unit.objects.bulk_update, updated, UPDATED_FIELDS, UPDATE_BATCH
        for model, keys, columns, rows_of in _related_tables(method_pks):
            yield _insert, model, columns, [
                row for index in chunk if _changed(befores.get(units[index].pk), afters[index], keys)
                for row in rows_of(units[index].pk, afters[index])]
        for index in chunk:
            unit = units[index]
            changes[index] = _built(UnitChange, template | {
                "id": next(change_ids), "unit_id": unit.pk, "unit_number": unit.pk, "unit_name": unit.name,
                "version": unit.version, "fields": _differences(befores.get(unit.pk, {}), afters[index])})
        yield _insert, UnitChange, change_columns, [change_row(changes[index]) for index in chunk]
        for unit in created:
            unit._state.adding, unit._state.db = False, database.alias
        for index in chunk:
            changes[index]._state.adding, changes[index]._state.db = False, database.alias


def _refuse_database(*args):
    raise RuntimeError("the thread that prepares the rows to write does not use the database")


@contextlib.contextmanager
def _without_database():
    """For a thread preparing what the caller writes: the caller's transaction is not the thread's, so the thread's
    own connection refuses any query (and is closed, if one was opened before it was refused)."""
    try:
        with connection.execute_wrapper(_refuse_database):
            yield
    finally:
        connections.close_all()


def _stored_state(after: dict, fingerprint: str) -> dict:
    """A unit's columns (by attname) as a normalised record and its import fingerprint give them, with what is
    computed from the record: classification, completeness and search text."""
    state = {field: _model_value(field, after[field]) for field in SCALAR_FIELDS}
    result = classify({kind: values["fully_co_located"] for kind, values in after["services"].items()})
    return state | {
        "languages": after["languages"], "classification": result.value,
        "classification_reason": result.reason, "fully_co_located": result.fully_co_located,
        "co_location_reason": result.co_location_reason, "completeness": completeness(after),
        "search_text": search_text(name=after["name"], locality=after["locality"],
                                   street_address=after["street_address"], postcode=after["postcode"],
                                   municipality_name=municipality_name(after["municipality_id"]) or "",
                                   service_types=after["services"]),
        "import_fingerprint": fingerprint}


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _built(model, values: dict):
    """A new instance from a value for every concrete field, by attname, passed in field order: Django's quick
    path, where keywords look up each field's default first (a tenth of an import's confirm)."""
    return model(*map(values.__getitem__, _attnames(model)))


def _related_tables(method_pks: dict[str, int]) -> tuple:
    """(model, record keys, columns, rows of a unit) for the services, working methods, staffing and schedules."""
    return (
        (UnitService, ("services",), ("unit", "service_type", *SERVICE_FIELDS), lambda pk, after: [
            (pk, kind, *(values[f] for f in SERVICE_FIELDS)) for kind, values in after["services"].items()]),
        (Unit.working_methods.through, ("working_methods",), ("unit", "workingmethod"), lambda pk, after: [
            (pk, method_pks[code]) for code in after["working_methods"]]),
        (UnitStaffing, ("staffing",), ("unit", "profession", "fte"), lambda pk, after: [
            (pk, profession, Decimal(str(fte))) for profession, fte in after["staffing"].items()]),
        (UnitSchedule, tuple(SCHEDULE_KINDS), ("unit", "kind", "days", "opens", "closes"), lambda pk, after: [
            (pk, kind, entry["days"], entry["opens"], entry["closes"]) for key, kind in SCHEDULE_KINDS.items()
            for entry in after[key]]),
    )


def _changed(before: dict | None, after: dict, keys: tuple[str, ...]) -> bool:
    """Whether a unit's related rows of ``keys`` are to be written: it is new (no ``before``) or they changed."""
    return before is None or any(before[key] != after[key] for key in keys)


def _remove_related(units: dict[int, Unit | None], afters: dict[int, dict], befores: dict[int, dict],
                    method_pks: dict[str, int]) -> None:
    """Remove the services, working methods, staffing and schedules of the units to update whose lists changed:
    ``_prepared_writes`` writes them again."""
    for model, keys, _, _ in _related_tables(method_pks):
        existing = [unit.pk for index, unit in units.items()
                    if unit is not None and _changed(befores[unit.pk], afters[index], keys)]
        if existing:
            model.objects.filter(unit_id__in=existing).delete()


def _new_ids(model, count: int) -> list[int]:
    """Ids for ``count`` new rows, taken before they are written, so that their related rows and history can be
    prepared with them and everything written by ``_insert`` (Django's batched insert spends most of an import of
    10 000 units building and escaping its statements)."""
    if not count:
        return []
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, model._meta.pk.column, count])
            return [pk for (pk,) in cursor.fetchall()]
        # the transaction holds SQLite's write lock; AUTOINCREMENT never gives a removed row's id again
        cursor.execute(f"SELECT MAX(COALESCE((SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}), 0),"
                       " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", [table])
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _row_maker(model, database, moment):
    """A function giving a new instance's row as ``_insert`` writes it: every concrete field's value as the database
    stores it. The times set on saving (auto_now, auto_now_add) are ``moment``, prepared once for all rows."""
    fields = model._meta.concrete_fields
    as_json_text = {field for field in fields if isinstance(field, models.JSONField) and field.encoder is None}

    def prepared(field, value):
        if field in as_json_text:  # the history's changes: json.dumps took a tenth of an import's confirm
            return jsontext.dumps(value).decode()
        return field.get_db_prep_save(value, database)

    stamped = {at: prepared(field, moment) for at, field in enumerate(fields)
               if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)}
    saved_by_pre_save = [(at, field) for at, field in enumerate(fields) if at not in stamped
                         and type(field).pre_save is not models.Field.pre_save
                         and not (isinstance(field, models.DateField) and not field.auto_now
                                  and not field.auto_now_add)]  # whose pre_save does more than read the value
    stored_as_is = []  # per field, the one Python type get_db_prep_save hands on unchanged for it
    for at, field in enumerate(fields):
        if isinstance(field, models.ForeignKey):  # stored as the key of the row it points to
            field = field.target_field
        if at in stamped:
            stored_as_is.append(type(moment))  # passed on, then replaced by its prepared value
        elif isinstance(field, models.CharField | models.TextField):
            stored_as_is.append(str)
        elif isinstance(field, models.BooleanField):
            stored_as_is.append(bool)
        elif isinstance(field, models.FloatField):
            stored_as_is.append(float)
        elif isinstance(field, models.IntegerField):
            stored_as_is.append(int)
        else:
            stored_as_is.append(None)
    stamped_attnames = [fields[at].attname for at in stamped]
    values_of = operator.attrgetter(*(field.attname for field in fields))  # every field's value in one call

    def row_of(instance) -> list:
        for attname in stamped_attnames:
            setattr(instance, attname, moment)
        values = list(values_of(instance))
        for at, field in saved_by_pre_save:
            values[at] = field.pre_save(instance, add=True)
        # None and the types stored as they are pass unchanged, as from get_db_prep_save, at a fraction of its cost
        row = [value if value is None or type(value) is kind else prepared(field, value)
               for value, kind, field in zip(values, stored_as_is, fields)]
        for at, stored in stamped.items():
            row[at] = stored
        return row

    return row_of


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain rows inserted in bulk: the related rows of 10 000 units (services, methods, staffing, opening hours:
    about 180 000) without building a model instance for each, which costs most of the time. PostgreSQL takes
    them by ``COPY``, SQLite by one ``executemany``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


@transaction.atomic
def remove_unit(unit: Unit, *, user=None, source: str = Source.MANUAL_EDIT, source_detail: str = "",
                expected_version: int) -> UnitChange:
    """Remove a unit, keeping its history: a last change records every field's value going to nothing."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.version != expected_version:
        raise EditConflict(unit, expected_version)
    before = unit_record(unit)
    change = UnitChange.objects.create(
        unit=unit, unit_number=unit.pk, unit_name=unit.name, version=unit.version + 1, removed=True,
        changed_by=user if user and user.is_authenticated else None, source=source, source_detail=source_detail[:300],
        fields={key: [value, None] for key, value in before.items() if value not in (None, "", False, [], {})},
    )
    unit.delete()
    return change
