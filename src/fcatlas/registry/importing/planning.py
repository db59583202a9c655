"""Planning an import and applying exactly that plan.

``plan_import`` reads a file through the one tabular reader and checks every row without writing anything: for
each row it says what would happen (create, update, unchanged, error) and why, in Swedish, naming the row as the
user sees it (the header is row 1) and the column. ``apply_import`` then writes *that plan* in one transaction
through ``editing.save_unit``, each unit at the version the plan saw: if any of them has been changed since, the
import is refused with those units listed and nothing is written. A plan travels between the two steps as JSON
(``to_json``/``from_json``), so the web's confirm step applies what the person read, not a fresh reading of the file.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connections, transaction

from fcatlas.bulk import no_collections
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


@no_collections()
def plan_import(file, filename: str, *, user=None, limits: Limits = DEFAULT_LIMITS, workers: int = 1) -> ImportPlan:
    """Read and check a file of units without writing anything; say per row what an import would do. ``workers``
    processes share a large file's rows (``_planned_rows``): for the command line and the benchmarks, not for a
    web worker, whose other threads a fork would copy mid-step."""
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
    reading = _Reading(meaning, read, salt, unescape=table.kind == "csv")
    for row in _planned_rows(checker, reading, table.records(), workers):
        row.messages.sort(key=lambda m: order.get(m.column, len(order)))  # in the file's column order
        plan.rows.append(row)
    return plan


@dataclass(frozen=True)
class _Reading:
    """How the rows of a file are read: what each column means, the columns the fingerprint covers, with what
    salt (``fingerprint_salt``), and whether cells carry the CSV export's apostrophe before formula-like text."""

    meaning: dict[str, tuple]
    read: list[str]
    salt: str
    unescape: bool

    def prepared(self, cells: dict) -> tuple[dict, str]:
        """A row's cells as the importer reads them, and their fingerprint."""
        if self.unescape:
            cells = {column: unescape_formula(value) if type(value) is str and value[:1] == "'" else value
                     for column, value in cells.items()}
        return cells, row_fingerprint([cells.get(column) for column in self.read], self.salt)

    def plan(self, checker: RowChecker, number: int, cells: dict) -> RowPlan:
        return checker.plan_row(number, *self.prepared(cells), self.meaning)


PARALLEL_MIN_ROWS = 2000
"""A file with fewer rows is checked in one process: starting another costs more than it saves."""
_checking: tuple[RowChecker, _Reading] | None = None
"""The checker and how the file is read, for the processes forked to check part of a file (they inherit it)."""


def _planned_rows(checker: RowChecker, reading: _Reading, records: list[tuple[int, dict]],
                  workers: int) -> list[RowPlan]:
    """The plan of every (number, cells) record, in order. With ``workers`` > 1 and a file large enough, the file is
    split into that many runs of rows: this process checks the first while forked processes check the others,
    with the database read beforehand (``read_ahead``) and closed to them. A row is the same whichever process
    checks it except where an earlier row named the same unit (a duplicate, found through ``checker.seen``): a
    row of a later run that looked up or marked a key an earlier run marked is checked again here, in order, as
    is every row of a run whose process failed."""
    global _checking
    if workers < 2 or len(records) < PARALLEL_MIN_ROWS or "fork" not in multiprocessing.get_all_start_methods() or (
            sum(1 for _, cells in records if not checker.names_a_known_unit(cells)) < PARALLEL_MIN_ROWS):
        # a file that names the units it writes, most likely a file imported again, is mostly rows known to be
        # unchanged by their fingerprints, which cost less to check here than to send to another process
        return [reading.plan(checker, *record) for record in records]
    checker.read_ahead([cells for _, cells in records], reading.prepared)
    size = -(-len(records) // workers)
    runs = [records[start:start + size] for start in range(0, len(records), size)]
    _checking = (checker, reading)
    try:
        with ProcessPoolExecutor(len(runs) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_plan_run, run) for run in runs[1:]]
            rows = [reading.plan(checker, *record) for record in runs[0]]
            for run, future in zip(runs[1:], futures, strict=True):
                try:
                    planned = future.result()
                except Exception:  # noqa: BLE001 - any failure there: the rows are checked here instead
                    planned = [(None, [], [])] * len(run)
                for record, (row, looked_up, marked) in zip(run, planned, strict=True):
                    if row is None or any(key in checker.seen for key in (*looked_up, *marked)):
                        row = reading.plan(checker, *record)
                    else:
                        for key in marked:
                            checker.seen.setdefault(key, row.number)
                    rows.append(row)
    finally:
        _checking = None
    return rows


class _DatabaseClosed(Exception):
    pass


def _refuse_database(*args):
    raise _DatabaseClosed("a row-checking process does not use the database")


def _plan_run(run: list) -> list[tuple[RowPlan, list, list]]:
    """In a forked process: the plans of a run of rows, each with the keys it looked up and marked. The database
    connections it inherited belong to the parent; any use of them stops the run, which the parent then checks."""
    checker, reading = _checking
    with contextlib.ExitStack() as stack:
        for connection in connections.all(initialized_only=True):
            stack.enter_context(connection.execute_wrapper(_refuse_database))
        planned = []
        for number, cells in run:
            row = reading.plan(checker, number, cells)
            planned.append((row, checker.looked_up, checker.marked))
        return planned


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


@no_collections()
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
