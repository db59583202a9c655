"""Where an answer goes in the registry: questions name a registry field in the form (``fcatlas:registry``), in
the registry's own vocabulary. From here the answers prefill from a unit's record, a response proposes changes to
it, and a form is checked to use the registry's codes.

Keys: the record's own (``phone``, ``services``, ``working_methods``, ``languages``, ``opening_hours`` …),
``services.<kind>.<principal|operating_form|provider_name|fully_co_located>``, ``staffing.<profession>``, and
``unit`` on a repeat whose every instance reports a unit the registry lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from fcatlas.formatting import format_number
from fcatlas.registry import schedules
from fcatlas.registry.models import (
    DEFAULT_PRINCIPAL,
    Budget,
    OperatingForm,
    Principal,
    Profession,
    ServiceType,
    Status,
)
from fcatlas.registry.vocabulary import FIELDS, LANGUAGES
from fcatlas.registry.working_methods import INITIAL_WORKING_METHODS

from .definition import FormDefinition, Node
from .engine import Evaluation

YES, NO = "ja", "nej"
NEW_UNIT = "unit"
BOOL_KINDS = ("bool", "nullable_bool")
SERVICE_PARTS = ("principal", "operating_form", "provider_name", "fully_co_located")
METHOD_NAMES = {code: name for code, name, *_ in INITIAL_WORKING_METHODS}
NOT_FROM_SURVEYS = {"external_id", "municipality_id", "latitude", "longitude", "synthetic", "source", "source_detail",
                    "assured_date", "closed_on"}


def _codes(key: str) -> set[str] | None:
    """The values a mapped select question may offer (None: any text)."""
    top, _, rest = key.partition(".")
    if top == "services" and rest:
        part = rest.partition(".")[2]
        return {"principal": set(Principal.values), "operating_form": set(OperatingForm.values),
                "fully_co_located": {YES, NO}}.get(part)
    if top == "staffing":
        return None
    kind = FIELDS[top].kind if top in FIELDS else None
    return {"status": set(Status.values), "budget": set(Budget.values), "services": set(ServiceType.values),
            "languages": set(LANGUAGES), "working_methods": set(METHOD_NAMES)}.get(top) or (
        {YES, NO} if kind in BOOL_KINDS else None)


def key_problem(key: str) -> str | None:
    top, _, rest = key.partition(".")
    if top == "services" and rest:
        kind, _, part = rest.partition(".")
        if kind not in ServiceType.values or part not in SERVICE_PARTS:
            return (f"”{key}” är inget registerfält: skriv services.<verksamhet>.<{'|'.join(SERVICE_PARTS)}> med "
                    f"en verksamhet av {', '.join(ServiceType.values)}.")
        return None
    if top == "staffing":
        return None if rest in Profession.values else (
            f"”{key}” är inget registerfält: skriv staffing.<yrke> med ett yrke av {', '.join(Profession.values)}.")
    if top not in FIELDS or top in NOT_FROM_SURVEYS:
        return f"”{key}” är inget registerfält som en enkät kan fylla i."
    return None


def mapping_problems(definition: FormDefinition) -> list[str]:
    """What is wrong with a form's registry mapping, in Swedish (empty: nothing)."""
    problems = []
    for node in definition.binds.values():
        if not node.registry:
            continue
        if node.registry == NEW_UNIT:
            if node.kind != "repeat":
                problems.append(f"Frågan {node.name}: ”{NEW_UNIT}” kan bara stå på en upprepning (begin_repeat).")
            continue
        problem = key_problem(node.registry)
        if problem:
            problems.append(f"Frågan {node.name}: {problem}")
            continue
        allowed = _codes(node.registry)
        if allowed is not None and node.control in ("select1", "select"):
            offered = {choice.value for choice in definition.choice_lists.get(node.choices_instance or "", [])}
            unknown = sorted(offered - allowed)
            if unknown:
                problems.append(f"Frågan {node.name} hör till registerfältet {node.registry}, men svarsalternativet "
                                f"”{unknown[0]}” finns inte där (tillåtna: {', '.join(sorted(allowed))}).")
    return problems


def _within_new_unit(definition: FormDefinition, node: Node) -> str | None:
    """The path of the ``unit`` repeat a question sits in, if any."""
    for path in definition.repeats:
        repeat = definition.node(path)
        if repeat is not None and repeat.registry == NEW_UNIT and node.path.startswith(path + "/"):
            return path
    return None


def _from_answer(key: str, text: str):
    top = key.partition(".")[0]
    if text == "":
        return None
    if key.startswith("staffing."):
        return float(text)
    if key.startswith("services."):
        return text == YES if key.endswith(".fully_co_located") else text
    kind = FIELDS[top].kind
    if kind in BOOL_KINDS:
        return text == YES
    if kind == "age":
        return int(text)
    if kind == "fte":
        return float(text)
    if kind in ("languages", "working_methods", "services"):
        return text.split()
    if kind == "schedule":
        return schedules.parse(text)
    return text


def _to_answer(key: str, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    top = key.partition(".")[0]
    if isinstance(value, bool):
        return YES if value else NO
    if top in ("languages", "working_methods"):
        return " ".join(value)
    if top in FIELDS and FIELDS[top].kind == "schedule":
        return schedules.format_entries(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


@dataclass
class Proposal:
    """What a response says about a unit, as record values; ``unreadable`` holds answers that could not be read
    as their registry field (key → Swedish message), which review shows instead of a value."""

    record: dict
    questions: dict[str, str]       # record key → the question path it came from
    unreadable: dict[str, str]


def _proposal(definition: FormDefinition, answered: dict[str, str], paths: dict[str, str]) -> Proposal:
    record, unreadable, questions = {}, {}, {}
    services: dict[str, dict] = {}
    for key, text in answered.items():
        question = paths[key]
        if key.startswith("services."):
            _, kind, part = key.split(".", 2)
            value = _from_answer(key, text)
            if value is not None:
                services.setdefault(kind, {})[part] = value
            continue
        try:
            value = _from_answer(key, text)
        except schedules.ScheduleError as error:
            unreadable[key] = str(error)
            questions[key] = question
            continue
        except ValueError:
            unreadable[key] = f"Svaret ”{text}” går inte att läsa som {FIELDS.get(key.partition('.')[0], key)}."
            questions[key] = question
            continue
        if key.startswith("staffing."):
            if value is not None and value > 0:
                record.setdefault("staffing", {})[key.partition(".")[2]] = value
                questions.setdefault("staffing", question)
            continue
        record[key] = value
        questions[key] = question
    if "services" in record:
        chosen = record["services"] or []
        record["services"] = {kind: {"principal": DEFAULT_PRINCIPAL.get(kind, "municipality")}
                              | services.get(kind, {}) for kind in chosen}
        for kind, values in record["services"].items():
            if values.get("principal") not in ("private", "non_profit"):
                values.pop("provider_name", None)
    if "staffing" not in record and any(key.startswith("staffing.") for key in answered):
        record["staffing"] = {}
        questions["staffing"] = next(paths[key] for key in answered if key.startswith("staffing."))
    return Proposal(record, questions, unreadable)


def unit_proposal(definition: FormDefinition, evaluation: Evaluation) -> Proposal:
    """The record values a unit's response proposes (only questions that apply and map to a field)."""
    answered, paths = {}, {}
    for node in definition.fields():
        if not node.registry or _within_new_unit(definition, node):
            continue
        if not evaluation.applies(node.path):
            continue
        answered[node.registry] = evaluation.value(node.path)
        paths[node.registry] = node.path
    return _proposal(definition, answered, paths)


def new_unit_proposals(definition: FormDefinition, evaluation: Evaluation) -> list[tuple[str, Proposal]]:
    """(instance path, proposal) for every reported unit the registry lacks (repeats marked ``unit``)."""
    proposals = []
    for repeat_path in sorted(definition.repeats):
        repeat = definition.node(repeat_path)
        if repeat is None or repeat.registry != NEW_UNIT:
            continue
        for instance in evaluation.instances(repeat_path):
            if not evaluation.applies(instance):
                continue
            answered, paths = {}, {}
            for node in repeat.walk():
                if node.kind == "field" and node.registry:
                    path = instance + node.path[len(repeat_path):]
                    if evaluation.applies(path):
                        answered[node.registry], paths[node.registry] = evaluation.value(path), path
            if any(answered.values()):
                proposals.append((instance, _proposal(definition, answered, paths)))
    return proposals


def prefilled(definition: FormDefinition, record: dict) -> dict[str, str]:
    """{question path: answer} that a unit's current record gives the form's mapped questions."""
    answers = {}
    for node in definition.fields():
        if not node.registry or node.registry == NEW_UNIT or _within_new_unit(definition, node):
            continue
        key = node.registry
        if key.startswith("services."):
            _, kind, part = key.split(".", 2)
            service = (record.get("services") or {}).get(kind)
            value = service.get(part) if service else None
        elif key.startswith("staffing."):
            value = (record.get("staffing") or {}).get(key.partition(".")[2])
        elif key == "services":
            value = " ".join(sorted(record.get("services") or {}))
        else:
            value = record.get(key)
        text = _to_answer(key, value)
        if text:
            answers[node.path] = text
    return answers


def shown(key: str, value) -> str:
    """A record value as a person reads it, in Swedish."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    top = key.partition(".")[0]
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if top == "services":
        return "; ".join(
            f"{ServiceType(kind).label} ({Principal(values.get('principal', DEFAULT_PRINCIPAL.get(kind))).label}"
            + (f", {OperatingForm(values['operating_form']).label}" if values.get("operating_form") else "")
            + (", delar av tiden" if values.get("fully_co_located") is False else "") + ")"
            for kind, values in sorted(value.items()))
    if top == "working_methods":
        return "; ".join(METHOD_NAMES.get(code, code) for code in value)
    if top == "languages":
        return ", ".join(LANGUAGES.get(code, code) for code in value)
    if top == "staffing":
        return "; ".join(f"{Profession(p).label} {format_number(fte, 2)}" for p, fte in sorted(value.items()))
    if top in FIELDS and FIELDS[top].kind == "schedule":
        return schedules.format_entries(value)
    if top == "status":
        return Status(value).label
    if top == "budget":
        return Budget(value).label
    if isinstance(value, float):
        return format_number(value, 2)
    return str(value)


