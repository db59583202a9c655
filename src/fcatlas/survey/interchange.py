"""Answers collected elsewhere on the same XLSForm — ODK Collect / ODK Central, KoboToolbox — imported as responses
of a wave: an ODK submission (instance XML), or a CSV or XLSX export (Kobo's repeat sheets included), read through
the one tabular reader, checked row by row and imported all or nothing.

Each submission names its respondent in the form's hidden question ``fcatlas_respondent`` (``enhet:123``,
``kommun:1280``, ``region:12``); ODK and Kobo carry it when the form is opened with it prefilled. A submission
already imported (the same ``meta/instanceID``) is left alone, so importing a file again changes nothing. An import
never merges into an existing response: a second response for the same respondent is a conflict in review.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fcatlas.reference.models import Municipality, Region
from fcatlas.registry.models import Unit
from fcatlas.tabular import DEFAULT_LIMITS, Table, TabularError, read_table, read_workbook

from . import engine
from .answering import RESPONDENT_FIELD, receipt_number
from .definition import FormDefinition
from .models import Audience, QuestionnaireVersion, Response, ResponseSource, ResponseStatus, Wave
from .questionnaires import definition_of

META_COLUMNS = {"_id", "_uuid", "_submission_time", "_index", "_parent_index", "_parent_table_name", "_status",
                "_submitted_by", "_validation_status", "_notes", "_tags", "__version__", "_version_", "KEY",
                "PARENT_KEY", "SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "instanceID",
                "start", "end", "today", "deviceid"}
RESPONDENT = re.compile(r"^(enhet|kommun|region):(\w+)$")


class InterchangeError(ValueError):
    """A file that cannot be imported at all; the message is Swedish."""


@dataclass
class Submission:
    number: int                                    # the row (or file) the person sees
    answers: dict = field(default_factory=dict)    # instance path → text
    respondent: str = ""
    instance_id: str = ""
    submitted_at: str = ""


@dataclass
class RowReport:
    number: int
    respondent: str = ""
    target: str = ""
    action: str = "create"                         # create | unchanged | error
    messages: list[str] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    audience: str = ""
    target_id: str = ""
    instance_id: str = ""
    submitted_at: str = ""


@dataclass
class ImportPlan:
    wave_id: int
    version_id: int
    filename: str
    source: str
    row_word: str = "rad"
    rows: list[RowReport] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.messages) or any(row.action == "error" for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary_text(self) -> str:
        text = (f"{len(self.rows)} {'inskick' if self.row_word == 'inskick' else 'rader'}: {self.count('create')} nya "
                f"svar, {self.count('unchanged')} redan inlästa, {self.count('error')} med fel.")
        return text + (" Inget sparas förrän alla fel är rättade." if self.has_errors else "")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportPlan:
        data = json.loads(text)
        data["rows"] = [RowReport(**row) for row in data["rows"]]
        return cls(**data)


# -- reading ------------------------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _from_instance(definition: FormDefinition, root: Element, number: int) -> Submission:
    submission = Submission(number)

    def walk(element: Element, path: str):
        counts: dict[str, int] = {}
        for child in element:
            name = _local(child.tag)
            schema = engine.schema_path(f"{path}/{name}")
            if schema in definition.repeats:
                counts[name] = counts.get(name, 0) + 1
                walk(child, f"{path}/{name}[{counts[name]}]")
            elif len(child):
                walk(child, f"{path}/{name}")
            else:
                text = (child.text or "").strip()
                if schema == f"/{definition.root}/meta/instanceID":
                    submission.instance_id = text
                elif schema == f"/{definition.root}/{RESPONDENT_FIELD}":
                    submission.respondent = text
                elif text:
                    submission.answers[f"{path}/{name}"] = text

    walk(root, f"/{definition.root}")
    return submission


def read_submission_xml(definition: FormDefinition, data: bytes, filename: str) -> tuple[list[Submission], list[str]]:
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as error:
        raise InterchangeError(f"Filen {filename} är inte giltig XML ({error}).") from None
    except Exception:  # defusedxml refuses entities and DTDs
        raise InterchangeError(f"Filen {filename} innehåller XML som inte tillåts (entiteter eller DTD).") from None
    problems = []
    if _local(root.tag) != definition.root or root.get("id") != definition.form_id:
        problems.append(f"Filen är ett inskick av formuläret ”{root.get('id', _local(root.tag))}”, inte av "
                        f"”{definition.form_id}”.")
    elif root.get("version") and root.get("version") != definition.version:
        problems.append(f"Inskicket gjordes på formulärversion {root.get('version')}; omgången använder version "
                        f"{definition.version}. Ladda upp den versionen av formuläret först, eller exportera på nytt.")
    return ([] if problems else [_from_instance(definition, root, 1)]), problems


def _column_paths(definition: FormDefinition, columns: list[str], repeat: str | None = None) -> tuple[dict, list]:
    """Each column's question path (relative to ``repeat`` when given); unknown columns as Swedish messages."""
    by_name: dict[str, list[str]] = {}
    for node in definition.binds.values():
        if node.kind == "field":
            by_name.setdefault(node.name, []).append(node.path)
    known = {node.path for node in definition.binds.values() if node.kind == "field"}
    paths, problems = {}, []
    for column in columns:
        if not column or column in META_COLUMNS or column.startswith("_") or column.startswith("meta"):
            if column in ("meta/instanceID", "meta-instanceID", "instanceID", "_uuid", "KEY"):
                paths[column] = "instance_id"
            continue
        if column in ("_submission_time", "SubmissionDate"):
            continue
        candidates = []
        for separator in ("/", "-", "."):
            candidate = f"/{definition.root}/" + column.strip("/").removeprefix(f"{definition.root}/").replace(
                separator, "/")
            if candidate in known:
                candidates.append(candidate)
        leaf = re.split(r"[/\-.]", column)[-1]
        if not candidates and len(by_name.get(column, [])) == 1:
            candidates = by_name[column]
        elif not candidates and len(by_name.get(leaf, [])) == 1 and leaf == column.rsplit("/", 1)[-1]:
            candidates = by_name[leaf]
        if not candidates:
            problems.append(f"Kolumnen ”{column}” är ingen fråga i formuläret {definition.form_id}.")
            continue
        path = candidates[0]
        if engine.schema_path(path) == f"/{definition.root}/{RESPONDENT_FIELD}":
            paths[column] = "respondent"
            continue
        inside = next((r for r in definition.repeats if path.startswith(r + "/")), None)
        if inside != repeat and not (repeat and inside and inside.startswith(repeat)):
            problems.append(f"Kolumnen ”{column}” hör till upprepningen {inside.rsplit('/', 1)[-1]} och ska stå på "
                            f"bladet med samma namn." if inside else f"Kolumnen ”{column}” hör inte till "
                            f"upprepningen {repeat.rsplit('/', 1)[-1] if repeat else ''}.")
            continue
        paths[column] = path
    return paths, problems


def _text(value) -> str:
    """A cell as XForms would store it (a spreadsheet's date at midnight as a date)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _submissions_from_table(definition: FormDefinition, main: Table, repeat_sheets: dict[str, Table]
                            ) -> tuple[list[Submission], list[str]]:
    paths, problems = _column_paths(definition, main.columns)
    submissions, by_index = [], {}
    for line, cells in main.records():
        submission = Submission(line)
        for column, value in cells.items():
            target, text = paths.get(column), _text(value)
            if target is None or not text:
                if column in ("_submission_time", "SubmissionDate") and text:
                    submission.submitted_at = text
                continue
            if target == "instance_id":
                submission.instance_id = text
            elif target == "respondent":
                submission.respondent = text
            else:
                submission.answers[target] = text
        if "_index" in cells and cells["_index"] is not None:
            by_index[_text(cells["_index"])] = submission
        submissions.append(submission)
    for sheet, table in repeat_sheets.items():
        repeat = next((r for r in definition.repeats if r.rsplit("/", 1)[-1] == sheet), None)
        if repeat is None:
            problems.append(f"Bladet ”{sheet}” är ingen upprepning i formuläret {definition.form_id}.")
            continue
        repeat_paths, repeat_problems = _column_paths(definition, table.columns, repeat)
        problems += [f"Bladet {sheet}: {problem}" for problem in repeat_problems]
        counts: dict[int, int] = {}
        for line, cells in table.records():
            parent = by_index.get(_text(cells.get("_parent_index")))
            if parent is None:
                problems.append(f"Bladet {sheet}, rad {line}: _parent_index {_text(cells.get('_parent_index'))} "
                                "finns inte på huvudbladet.")
                continue
            counts[id(parent)] = counts.get(id(parent), 0) + 1
            instance = f"{repeat}[{counts[id(parent)]}]"
            for column, value in cells.items():
                target, text = repeat_paths.get(column), _text(value)
                if target and target not in ("instance_id", "respondent") and text:
                    parent.answers[instance + target[len(repeat):]] = text
    return submissions, problems


def _source_of(columns: list[str]) -> str:
    """ODK Central's exports have KEY and SubmissionDate; KoboToolbox's have _uuid and _submission_time."""
    return ResponseSource.ODK if {"KEY", "SubmissionDate"} & set(columns) else ResponseSource.KOBO


def read_file(definition: FormDefinition, data: bytes, filename: str
              ) -> tuple[list[Submission], list[str], str, str]:
    """(submissions, file problems, row word, source) of an ODK/Kobo file."""
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".xml":
            submissions, problems = read_submission_xml(definition, data, filename)
            return submissions, problems, "inskick", ResponseSource.ODK
        if suffix in (".xlsx", ".xlsm"):
            sheets = read_workbook(data, filename, DEFAULT_LIMITS)
            if not sheets:
                raise InterchangeError(f"Excel-filen {filename} har inget blad.")
            first, *others = sheets.items()
            submissions, problems = _submissions_from_table(definition, first[1], dict(others))
            return submissions, problems, "rad", _source_of(first[1].columns)
        if suffix in (".csv", ".txt"):
            table = read_table(data, filename, DEFAULT_LIMITS)
            submissions, problems = _submissions_from_table(definition, table, {})
            return submissions, problems, "rad", _source_of(table.columns)
    except TabularError as error:
        raise InterchangeError(str(error)) from None
    raise InterchangeError(f"Filtypen {suffix or '(ingen)'} kan inte läsas in: ladda upp en ODK-inskickning (.xml) "
                           "eller en export från ODK Central eller KoboToolbox (.csv eller .xlsx).")


# -- planning and importing ---------------------------------------------------------------------------------------

def _target(wave: Wave, respondent: str, version: QuestionnaireVersion) -> tuple[str, str, str, str | None]:
    """(audience, id, name, problem) of a respondent key."""
    match = RESPONDENT.match(respondent.strip())
    if not match:
        return "", "", "", ("Inskicket säger inte vem det gäller: frågan fcatlas_respondent ska vara till exempel "
                            "enhet:123, kommun:1280 eller region:12." if not respondent else
                            f"”{respondent}” säger inte vem inskicket gäller; skriv enhet:123, kommun:1280 eller "
                            "region:12.")
    kind, key = match.groups()
    for_units = version.questionnaire.for_units
    if kind == "enhet":
        if not for_units:
            return "", "", "", "Formuläret är för kommuner och regioner, men inskicket gäller en enhet."
        unit = Unit.objects.filter(pk=key).first() if key.isdigit() else None
        if unit is None:
            return "", "", "", f"Det finns ingen enhet {key} i registret."
        return Audience.UNIT, str(unit.pk), unit.name, None
    if for_units:
        return "", "", "", "Formuläret är för enheter, men inskicket gäller en kommun eller region."
    model, audience = (Municipality, Audience.MUNICIPALITY) if kind == "kommun" else (Region, Audience.REGION)
    place = model.objects.filter(code=key).first()
    if place is None:
        return "", "", "", f"Det finns ingen {'kommun' if kind == 'kommun' else 'region'} med koden {key}."
    return audience, place.code, place.name, None


def plan_import(wave: Wave, version: QuestionnaireVersion, data: bytes, filename: str) -> ImportPlan:
    """Check every submission of a file against the wave and the form; write nothing."""
    definition = definition_of(version)
    plan = ImportPlan(wave.pk, version.pk, filename, ResponseSource.ODK)
    try:
        submissions, problems, plan.row_word, plan.source = read_file(definition, data, filename)
    except InterchangeError as error:
        plan.messages.append(str(error))
        return plan
    plan.messages += problems
    if not submissions and not problems:
        plan.messages.append(f"Filen {filename} har inga inskick.")
    seen: dict[str, int] = {}
    for submission in submissions:
        row = RowReport(submission.number, submission.respondent, submitted_at=submission.submitted_at)
        audience, target_id, row.target, problem = _target(wave, submission.respondent, version)
        row.audience, row.target_id = audience, target_id
        if problem:
            row.messages.append(problem)
        answers: dict = {}
        for path, text in sorted(submission.answers.items()):
            try:
                engine.set_answer(definition, answers, path, text)
            except engine.AnswerPathError as error:
                row.messages.append(str(error))
        evaluation = engine.evaluate(definition, engine.without_missing_repeats(definition, answers))
        for path, message in evaluation.errors.items():
            node = definition.node(engine.schema_path(path))
            row.messages.append(f"{node.name if node else path}: {message}")
        instance_id = submission.instance_id.removeprefix("uuid:")
        try:
            row.instance_id = str(uuid.UUID(instance_id)) if instance_id else str(uuid.uuid5(
                uuid.NAMESPACE_URL, f"fcatlas:{wave.pk}:{filename}:{submission.number}:{json.dumps(submission.answers, sort_keys=True)}"))
        except ValueError:
            row.messages.append(f"meta/instanceID ”{submission.instance_id}” är inget uuid.")
        if row.instance_id in seen:
            row.messages.append(f"Samma inskick (instanceID) finns redan på {plan.row_word} {seen[row.instance_id]}.")
        seen.setdefault(row.instance_id, row.number)
        row.answers = evaluation.answers
        if row.messages:
            row.action = "error"
        elif Response.objects.filter(instance_id=row.instance_id).exists():
            row.action = "unchanged"
        plan.rows.append(row)
    return plan


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


@transaction.atomic
def apply_import(plan: ImportPlan) -> ImportResult:
    """Create the planned responses, all or nothing (a submission imported meanwhile is left as it is)."""
    if plan.has_errors:
        raise InterchangeError("Filen har fel; inget har sparats.")
    wave = Wave.objects.get(pk=plan.wave_id)
    version = QuestionnaireVersion.objects.get(pk=plan.version_id)
    created = unchanged = 0
    for row in plan.rows:
        if row.action != "create" or Response.objects.filter(instance_id=row.instance_id).exists():
            unchanged += 1
            continue
        target = {"audience": row.audience}
        if row.audience == Audience.UNIT:
            unit = Unit.objects.select_related("municipality").get(pk=row.target_id)
            target |= {"unit": unit, "unit_number": unit.pk, "municipality": unit.municipality,
                       "region_id": unit.municipality.region_id}
        elif row.audience == Audience.MUNICIPALITY:
            municipality = Municipality.objects.get(code=row.target_id)
            target |= {"municipality": municipality, "region_id": municipality.region_id}
        else:
            target |= {"region_id": row.target_id}
        submitted_at = parse_datetime(row.submitted_at) if row.submitted_at else None
        if submitted_at is not None and timezone.is_naive(submitted_at):
            submitted_at = timezone.make_aware(submitted_at)
        response = Response.objects.create(
            wave=wave, version=version, instance_id=row.instance_id, answers=row.answers, source=plan.source,
            status=ResponseStatus.SUBMITTED, submitted_at=submitted_at or timezone.now(), **target)
        response.receipt = receipt_number(response)
        response.save(update_fields=["receipt"])
        created += 1
    return ImportResult(created, unchanged)
