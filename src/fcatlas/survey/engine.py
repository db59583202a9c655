"""Answers held against a form: calculations, relevance, types, required answers and constraints, evaluated on the
server with the XForm's own XPath expressions (``xpath``), as ODK Collect and Enketo evaluate them.

Answers are nested plain data shaped like the form's instance: a group is a dict, a repeat a list of dicts, an answer
a string (a select_multiple's values space-separated, as XForms store them). An answer's *instance path* names one
node, repeats counted from 1: ``/data/program/grupp[2]/grupp_namn``. Pure Python; no Django.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from . import xpath
from .definition import JR, Choice, FormDefinition, Node

MAX_ANSWER_CHARS = 10_000
MAX_REPEATS = 200
_STEP = re.compile(r"^([^\[\]/]+)(?:\[(\d+)\])?$")
_INT = re.compile(r"^[+-]?\d{1,10}$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AnswerPathError(ValueError):
    """An instance path that names no question of the form."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _steps(path: str) -> list[tuple[str, int | None]]:
    steps = []
    for step in path.strip("/").split("/")[1:]:
        match = _STEP.match(step)
        if not match:
            raise AnswerPathError(f"Sökvägen {path} är ogiltig.")
        steps.append((match.group(1), int(match.group(2)) if match.group(2) else None))
    return steps


def schema_path(instance_path: str) -> str:
    """The bind path of an instance path: ``/data/g/r[2]/q`` → ``/data/g/r/q``."""
    return re.sub(r"\[\d+\]", "", instance_path)


def get_answer(answers: dict, instance_path: str) -> str:
    value = answers
    for name, index in _steps(instance_path):
        if not isinstance(value, dict) or name not in value:
            return ""
        value = value[name]
        if index is not None:
            if not isinstance(value, list) or not 1 <= index <= len(value):
                return ""
            value = value[index - 1]
    return value if isinstance(value, str) else ""


def set_answer(definition: FormDefinition, answers: dict, instance_path: str, value: str) -> None:
    """Store one answer, creating the groups and repeat instances on its way (the form must have the question)."""
    node = definition.node(schema_path(instance_path))
    if node is None or node.kind != "field":
        raise AnswerPathError(f"Formuläret har ingen fråga {schema_path(instance_path)}.")
    steps = _steps(instance_path)
    target = answers
    prefix = f"/{definition.root}"
    for position, (name, index) in enumerate(steps):
        prefix += f"/{name}"
        last = position == len(steps) - 1
        if prefix in definition.repeats:
            if index is None or not 1 <= index <= MAX_REPEATS:
                raise AnswerPathError(f"{instance_path}: upprepningen {name} behöver ett nummer 1–{MAX_REPEATS}.")
            instances = target.setdefault(name, [])
            while len(instances) < index:
                instances.append({})
            target = instances[index - 1]
        elif last:
            target[name] = value
        else:
            target = target.setdefault(name, {})
            if not isinstance(target, dict):
                raise AnswerPathError(f"{instance_path} går inte att spara.")


def add_repeat(definition: FormDefinition, answers: dict, repeat_path: str) -> str:
    """Append an empty instance to a repeat (``repeat_path`` may carry indexes of outer repeats); returns its path."""
    if schema_path(repeat_path) not in definition.repeats:
        raise AnswerPathError(f"Formuläret har ingen upprepning {repeat_path}.")
    *outer, (name, _) = _steps(repeat_path)
    target = answers
    for step_name, index in outer:
        target = target.setdefault(step_name, [] if index else {})
        if index:
            while len(target) < index:
                target.append({})
            target = target[index - 1]
    instances = target.setdefault(name, [{}] if name not in target else [])
    if len(instances) >= MAX_REPEATS:
        raise AnswerPathError(f"Högst {MAX_REPEATS} svar i {name}.")
    instances.append({})
    return f"{repeat_path}[{len(instances)}]"


def remove_repeat(answers: dict, instance_path: str) -> None:
    *outer, (name, index) = _steps(instance_path)
    target = answers
    for step_name, step_index in outer:
        target = target.get(step_name, {}) if isinstance(target, dict) else {}
        if step_index:
            target = target[step_index - 1] if isinstance(target, list) and len(target) >= step_index else {}
    instances = target.get(name) if isinstance(target, dict) else None
    if isinstance(instances, list) and index and 1 <= index <= len(instances):
        del instances[index - 1]


@dataclass
class Evaluation:
    """The state of a set of answers: the answers as they count (calculations filled in, answers to questions that
    do not apply removed), which nodes apply, and each problem by instance path."""

    answers: dict
    relevant: dict[str, bool]
    errors: dict[str, str]
    document: ET.ElementTree
    elements: dict[str, ET.Element] = field(repr=False, default_factory=dict)
    definition: FormDefinition | None = field(repr=False, default=None)

    def applies(self, instance_path: str) -> bool:
        return self.relevant.get(instance_path, True)

    def errors_under(self, path: str) -> dict[str, str]:
        return {p: message for p, message in self.errors.items() if p == path or p.startswith(path + "/")
                or p.startswith(path + "[")}

    def instances(self, repeat_path: str) -> list[str]:
        """The instance paths of a repeat (``repeat_path`` with outer indexes, without its own)."""
        pattern = re.compile(re.escape(repeat_path) + r"\[(\d+)\]$")
        return sorted((p for p in self.elements if pattern.match(p)), key=lambda p: int(pattern.match(p).group(1)))

    def value(self, instance_path: str) -> str:
        element = self.elements.get(instance_path)
        return (element.text or "") if element is not None else ""

    def output(self, expression: str, context_path: str | None = None) -> str:
        item = self.elements.get(context_path) if context_path else None
        try:
            return xpath.string(xpath.evaluate(expression, self.document, item))
        except xpath.XPathError:
            return ""

    def choices(self, node: Node, instance_path: str) -> list[Choice]:
        """The choices a select offers at this node, its choice filter applied."""
        return _filtered_choices(self.definition, node, self.document, self.elements.get(instance_path))


def _filtered_choices(definition: FormDefinition, node: Node, document, element) -> list[Choice]:
    choices = definition.choice_lists.get(node.choices_instance or "", [])
    predicate = re.search(r"/item\[(.*)\]\s*$", node.itemset or "")
    if not predicate or element is None:
        return choices
    root = document.getroot()
    kept = []
    for choice in choices:
        item = ET.SubElement(root, "item")
        ET.SubElement(item, "name").text = choice.value
        for key, value in choice.attributes.items():
            ET.SubElement(item, key).text = value
        try:
            if xpath.boolean(xpath.evaluate(predicate.group(1), document, item, current=element)):
                kept.append(choice)
        except xpath.XPathError:
            kept.append(choice)
        finally:
            root.remove(item)
    return kept


def _build(definition: FormDefinition, answers: dict) -> tuple[ET.ElementTree, dict[str, ET.Element]]:
    elements: dict[str, ET.Element] = {}

    def build(template: ET.Element, given, path: str, schema: str) -> ET.Element:
        element = ET.Element(_local(template.tag))
        elements[path] = element
        children = [child for child in template if child.get(f"{{{JR}}}template") is None]
        if not len(template):
            element.text = given if isinstance(given, str) else ""
            return element
        given = given if isinstance(given, dict) else {}
        seen: set[str] = set()
        for child in children:
            name = _local(child.tag)
            child_schema = f"{schema}/{name}"
            if child_schema in definition.repeats:
                if name in seen:
                    continue  # pyxform writes one instance after the template: it stands for "one to start with"
                seen.add(name)
                instances = given.get(name)
                instances = instances if isinstance(instances, list) else [{}]
                for index, instance in enumerate(instances[:MAX_REPEATS], start=1):
                    element.append(build(child, instance, f"{path}/{name}[{index}]", child_schema))
            else:
                element.append(build(child, given.get(name), f"{path}/{name}", child_schema))
        return element

    root = build(definition.template, answers, f"/{definition.root}", f"/{definition.root}")
    return ET.ElementTree(root), elements


def _answers_from(definition: FormDefinition, element: ET.Element, template: ET.Element, schema: str):
    if not len(template):
        return element.text or ""
    templates = {_local(child.tag): child for child in template}
    result: dict = {}
    for name, child_template in templates.items():
        if f"{schema}/{name}" in definition.repeats:
            result[name] = []  # kept when empty: no instance means the respondent removed them all
    for child in element:
        child_schema = f"{schema}/{child.tag}"
        value = _answers_from(definition, child, templates[child.tag], child_schema)
        if child_schema in definition.repeats:
            result[child.tag].append(value)
        else:
            result[child.tag] = value
    return result


def _type_problem(node: Node, value: str) -> str | None:
    if node.datatype == "int" and not (_INT.match(value) and abs(int(value)) < 2 ** 31):
        return "Skriv ett heltal, till exempel 12."
    if node.datatype == "decimal" and not _DECIMAL.match(value):
        return "Skriv ett tal, till exempel 0,5."
    if node.datatype == "date":
        if not _DATE.match(value):
            return "Skriv ett datum som år-månad-dag, till exempel 2026-03-01."
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"Datumet {value} finns inte."
    return None


def _normalised(node: Node, value: str) -> str:
    value = value.strip() if node.datatype != "string" else value.replace("\r\n", "\n").strip()
    if node.datatype == "decimal" and _DECIMAL.match(value):
        value = value.replace(",", ".")
    if node.control == "select":
        value = " ".join(dict.fromkeys(value.split()))
    return value


def normalised_answer(definition: FormDefinition, instance_path: str, value: str) -> str:
    """An answer as it is stored: trimmed, a decimal comma as a point, a select_multiple's values once each."""
    node = definition.node(schema_path(instance_path))
    return _normalised(node, value) if node is not None and node.kind == "field" else value


def evaluate(definition: FormDefinition, answers: dict, language: str | None = None) -> Evaluation:
    """Calculate, decide what applies and check every answer (``language`` for the messages)."""
    language = language or definition.default_language
    document, elements = _build(definition, answers)
    by_schema: dict[str, list[str]] = {}
    for path in elements:
        by_schema.setdefault(schema_path(path), []).append(path)

    tree = None  # the document's node tree, built again after an answer is changed here

    def evaluated(expression: str, path: str):
        nonlocal tree
        if tree is None:
            tree = xpath.node_tree(document)
        return xpath.evaluate(expression, document, elements[path], tree=tree)

    for path, element in elements.items():
        node = definition.node(schema_path(path))
        if node is not None and node.kind == "field" and element.text:
            element.text = _normalised(node, element.text)

    relevant: dict[str, bool] = {}
    for _ in range(10):
        changed = False
        for node in definition.binds.values():
            if node.calculate and node.kind == "field":
                for path in by_schema.get(node.path, []):
                    try:
                        result = evaluated(node.calculate, path)
                        text = "" if isinstance(result, float) and math.isnan(result) else xpath.string(result)
                    except xpath.XPathError:
                        text = ""
                    if (elements[path].text or "") != text:
                        elements[path].text, changed, tree = text, True, None
        relevant = {}
        for path in elements:  # parents come before their children in ``elements``
            parent = path.rsplit("/", 1)[0]
            applies = relevant.get(parent, True)
            node = definition.node(schema_path(path))
            if applies and node is not None and node.relevant:
                try:
                    applies = xpath.boolean(evaluated(node.relevant, path))
                except xpath.XPathError:
                    applies = True
            relevant[path] = applies
            if not applies and not len(elements[path]) and elements[path].text:
                elements[path].text, changed, tree = "", True, None
        if not changed:
            break

    errors: dict[str, str] = {}
    for path, element in elements.items():
        node = definition.node(schema_path(path))
        if node is None or node.kind != "field" or not relevant.get(path, True) or node.calculate or node.is_note:
            continue
        value = element.text or ""
        message = _problem(definition, node, path, value, document, element, language, evaluated)
        if message:
            errors[path] = message
    cleaned = _answers_from(definition, document.getroot(), definition.template, f"/{definition.root}")
    return Evaluation(cleaned, relevant, errors, document, elements, definition)


def _problem(definition, node, path, value, document, element, language, evaluated) -> str | None:
    default = definition.default_language
    if "\x00" in value:
        return "Svaret innehåller ett otillåtet tecken (NUL); skriv om det."
    if len(value) > MAX_ANSWER_CHARS:
        return f"Svaret är {len(value)} tecken långt; högst {MAX_ANSWER_CHARS} tecken."
    if value == "":
        try:
            required = bool(node.required) and xpath.boolean(evaluated(node.required, path))
        except xpath.XPathError:
            required = node.required == "true()"
        if required:
            return node.required_message.plain(language, default) if node.required_message and \
                node.required_message.plain(language, default) else "Frågan måste besvaras."
        return None
    problem = _type_problem(node, value)
    if problem:
        return problem
    if node.control in ("select1", "select"):
        allowed = {choice.value for choice in _filtered_choices(definition, node, document, element)}
        chosen = value.split() if node.control == "select" else [value]
        unknown = [v for v in chosen if v not in allowed]
        if unknown:
            return f"”{unknown[0]}” är inget av svarsalternativen."
    if node.constraint:
        try:
            holds = xpath.boolean(evaluated(node.constraint, path))
        except xpath.XPathError:
            holds = False
        if not holds:
            message = node.constraint_message.plain(language, default) if node.constraint_message else ""
            return message or "Svaret är inte tillåtet."
    return None


def without_missing_repeats(definition: FormDefinition, answers: dict) -> dict:
    """``answers`` with every repeat they do not mention given no instance (not the one to start with that a form
    being filled in gets): for answers collected elsewhere, where no row means none."""

    def fill(template: ET.Element, given: dict, schema: str) -> None:
        for child in template:
            if child.get(f"{{{JR}}}template") is not None or not len(child):
                continue
            name, child_schema = _local(child.tag), f"{schema}/{_local(child.tag)}"
            if child_schema in definition.repeats:
                instances = given.setdefault(name, [])
                for instance in instances if isinstance(instances, list) else []:
                    fill(child, instance, child_schema)
            else:
                fill(child, given.setdefault(name, {}) if isinstance(given.get(name, {}), dict) else {}, child_schema)

    fill(definition.template, answers, f"/{definition.root}")
    return answers


def empty_answers(definition: FormDefinition) -> dict:
    """The answers of a form nobody has started: every repeat with one empty instance, as ODK starts."""
    return evaluate(definition, {}).answers


def copy_answers(answers: dict) -> dict:
    return copy.deepcopy(answers)
