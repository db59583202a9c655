"""Planning an import and applying exactly that plan.

``plan_import`` reads a file through the one tabular reader and checks every row without writing anything: for
each row it says what would happen (create, update, unchanged, error) and why, in Swedish, naming the row as the
user sees it (the header is row 1) and the column. ``apply_import`` then writes *that plan* in one transaction
through ``editing.save_unit``, each unit at the version the plan saw: if any of them has been changed since, the
import is refused with those units listed and nothing is written. A plan travels between the two steps as JSON
(``to_json``/``from_json``), so the web's confirm step applies what the person read, not a fresh reading of the file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from fcatlas.bulk import fewer_collections
from fcatlas.tabular import DEFAULT_LIMITS, Limits, Table, TabularError, read_path, read_table, unescape_formula

from ..editing import Edit, EditConflict, save_units
from ..models import Unit
from ..rules import RuleViolation
from ..vocabulary import label, normalise_header
from .rows import HEADER_INDEX, Message, RowChecker, RowPlan, fingerprint_salt, row_fingerprint


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was written. The message says why, in Swedish."""

    def __init__(self, message: str, plan: ImportPlan | None = None, conflicts: list[dict] | None = None):
        super().__init__(message)
        self.plan = plan
        self.conflicts = conflicts or []


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportPlan:
        data = json.loads(text)
        data["rows"] = [RowPlan(**{**row, "messages": [Message(**m) for m in row["messages"]]})
                        for row in data["rows"]]
        data["messages"] = [Message(**m) for m in data["messages"]]
        return cls(**data)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _read(file, filename: str, limits: Limits) -> Table:
    """A path is measured before it is read and an open file read no further than one byte past the cap, so
    that a file too large is refused without being read into memory."""
    if isinstance(file, str | Path):
        return read_path(Path(file), limits)
    data = bytes(file) if isinstance(file, bytes | bytearray) else file.read(limits.max_bytes + 1)
    return read_table(data, filename, limits)


@fewer_collections()
def plan_import(file, filename: str, *, user=None, limits: Limits = DEFAULT_LIMITS) -> ImportPlan:
    """Read and check a file of units without writing anything; say per row what an import would do."""
    plan = ImportPlan(filename=filename)
    try:
        table = _read(file, filename, limits)
    except TabularError as error:
        plan.messages.append(Message(str(error), error.column or ""))
        return plan
    plan.row_word, plan.columns = table.row_word, table.columns
    plan.messages.extend(Message(note, level="warning") for note in table.notes)
    if not table.columns:
        plan.messages.append(Message(f"Filen {filename} är tom."))
        return plan
    meaning = {}
    for column in table.columns:
        if not column:
            continue
        kind = HEADER_INDEX.get(normalise_header(column))
        if kind is None:
            plan.messages.append(Message(f"Kolumnen '{column}' känns inte igen och läses inte in.", column, "warning"))
        else:
            meaning[column] = kind
    if table.kind != "geojson" and not any(k in (("scalar", "name"), ("scalar", "external_id"))
                                           for k in meaning.values()):
        plan.messages.append(Message("Filen saknar kolumnen namn (eller externt id) på rad 1. Första raden "
                                     "ska vara rubriker, till exempel: namn; kommun; besöksadress; postnummer."))
        return plan
    if not table.rows:
        plan.messages.append(Message(f"Filen {filename} har rubriker men inga enheter."))
        return plan
    headers: dict[str, str] = {}
    for column, kind in meaning.items():
        if kind[0] in ("scalar", "other"):
            headers.setdefault(kind[1], column)
        elif kind[0] == "service":
            headers.setdefault(f"service:{kind[1]}", column)
        elif kind[0] == "service_part":
            headers.setdefault(f"{kind[1]}.{kind[2]}", column)
    checker = RowChecker(plan.row_word, user, headers)
    order = {column: index for index, column in enumerate(table.columns)}
    read = [column for column, kind in meaning.items() if kind[0] != "ignore"]
    salt = fingerprint_salt(checker.method_names, [(column, meaning[column]) for column in read])
    for number, cells in table.records():
        if table.kind == "csv":
            cells = {column: unescape_formula(value) if type(value) is str and value[:1] == "'" else value
                     for column, value in cells.items()}
        fingerprint = row_fingerprint([cells.get(column) for column in read], salt)
        row = checker.unchanged(number, cells, meaning, fingerprint) or checker.check(number, cells, meaning)
        if row.action in ("create", "update"):
            row.fingerprint = fingerprint
        row.messages.sort(key=lambda m: order.get(m.column, len(order)))  # in the file's column order
        plan.rows.append(row)
    return plan


def conflicting_units(plan: ImportPlan) -> list[dict]:
    """The units the plan would change that have been changed or removed since it was made."""
    planned = {row.unit_pk: row for row in plan.rows if row.unit_pk is not None and row.action == "update"}
    current = dict(Unit.objects.filter(pk__in=planned).values_list("pk", "version"))
    return [{"row": row.number, "name": row.name, "unit": pk, "planned_version": row.unit_version,
             "current_version": current.get(pk)}
            for pk, row in planned.items() if current.get(pk) != row.unit_version]


def _conflict_text(plan: ImportPlan, conflicts: list[dict]) -> str:
    listed = "; ".join(f"{c['name']} ({plan.row_word} {c['row']}: "
                       + ("borttagen" if c["current_version"] is None else
                          f"version {c['current_version']}, kontrollerad vid version {c['planned_version']}") + ")"
                       for c in conflicts[:20])
    more = f" och {len(conflicts) - 20} till" if len(conflicts) > 20 else ""
    return (f"Ingenting har sparats: {len(conflicts)} enheter i filen har ändrats av någon annan sedan filen "
            f"kontrollerades: {listed}{more}. Läs in filen igen så att du ser de nya uppgifterna innan du bekräftar.")


@fewer_collections()
def apply_import(plan: ImportPlan, *, user=None, source_detail: str | None = None) -> ImportResult:
    """Write exactly the checked plan, all or nothing. Raises ``ImportRefused`` (and writes nothing) if the plan has
    errors or if any unit it changes has moved on from the version the plan saw."""
    if plan.has_errors:
        raise ImportRefused(
            f"Filen {plan.filename} har fel ({len(plan.error_rows) or len(plan.file_errors)} "
            f"{'rader' if plan.row_word == 'rad' else 'objekt'} eller filfel). Ingenting har sparats; "
            "rätta felen och läs in filen igen.", plan)
    conflicts = conflicting_units(plan)
    if conflicts:
        raise ImportRefused(_conflict_text(plan, conflicts), plan, conflicts)
    detail = (source_detail if source_detail is not None else plan.filename)[:300]
    written = [row for row in plan.rows if row.action != "unchanged"]
    with transaction.atomic():
        units = Unit.objects.in_bulk([row.unit_pk for row in written if row.unit_pk is not None])
        for row in written:
            if row.unit_pk is not None and row.unit_pk not in units:
                conflict = {"row": row.number, "name": row.name, "unit": row.unit_pk,
                            "planned_version": row.unit_version, "current_version": None}
                raise ImportRefused(_conflict_text(plan, [conflict]), plan, [conflict])
        edits = [Edit(units.get(row.unit_pk), row.record, row.unit_version, row.checked, row.fingerprint) for row in written]
        try:
            results = save_units(edits, user=user, source="import_file", source_detail=detail)
        except EditConflict as conflict:
            row = written[conflict.index]
            found = {"row": row.number, "name": row.name, "unit": row.unit_pk,
                     "planned_version": row.unit_version, "current_version": conflict.unit.version}
            raise ImportRefused(_conflict_text(plan, [found]), plan, [found]) from None
        except RuleViolation as violation:
            raise ImportRefused(f"{plan.row_word.capitalize()} {written[violation.index].number} kunde inte sparas: "
                                f"{'; '.join(f'{label(p.field)}: {p.message}' for p in violation.problems)} Ingenting har sparats.",
                                plan) from None
    created = sum(1 for result in results if result.created)
    updated = sum(1 for result in results if result.changed and not result.created)
    return ImportResult(created, updated, len(plan.rows) - created - updated)
