"""A page of a form as the templates draw it: each question with its label (outputs filled in), hint, value,
choices, error and whether it applies, in the respondent's language. Pure Python; no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .definition import FormDefinition, Node
from .engine import Evaluation

WORDS = {
    "sv": {
        "language_name": "Svenska", "page": "Sida {number} av {total}", "next": "Spara och fortsätt",
        "previous": "Föregående sida", "save": "Spara", "overview": "Översikt", "submit": "Skicka in svaret",
        "add": "Lägg till", "remove": "Ta bort", "saved": "Sparat {time}.", "saving": "Sparar …",
        "offline": "Kunde inte spara – försöker igen. Det du skrivit finns kvar på sidan.",
        "required": "obligatorisk", "choose": "Välj …", "errors": "{count} svar på sidan behöver rättas.",
        "kept_theirs": "Någon annan sparade nya svar på samma frågor medan du skrev. Deras svar står kvar; "
                       "ditt svar finns här nedanför så att du kan välja.",
        "your_answer": "Ditt svar", "done": "Klar", "not_started": "Inte påbörjad", "to_fix": "{count} att rätta",
        "print": "Skriv ut", "receipt": "Kvitto", "other_language": "English",
    },
    "en": {
        "language_name": "English", "page": "Page {number} of {total}", "next": "Save and continue",
        "previous": "Previous page", "save": "Save", "overview": "Overview", "submit": "Submit the answers",
        "add": "Add", "remove": "Remove", "saved": "Saved {time}.", "saving": "Saving …",
        "offline": "Could not save – trying again. What you wrote stays on the page.",
        "required": "required", "choose": "Choose …", "errors": "{count} answers on the page need correcting.",
        "kept_theirs": "Someone else saved new answers to the same questions while you were writing. Their answers "
                       "are kept; yours is shown below so that you can choose.",
        "your_answer": "Your answer", "done": "Done", "not_started": "Not started", "to_fix": "{count} to correct",
        "print": "Print", "receipt": "Receipt", "other_language": "Svenska",
    },
}
MAX_RADIO_CHOICES = 8


def language_code(form_language: str) -> str:
    """'Svenska (sv)' → 'sv' (the code in brackets, as XLSForm writes languages)."""
    match = re.search(r"\(([a-z]{2,3})\)\s*$", form_language)
    return match.group(1) if match else form_language[:2].lower()


def form_language(definition: FormDefinition, code: str) -> str:
    return next((language for language in definition.languages if language_code(language) == code),
                definition.default_language)


@dataclass
class Item:
    kind: str                      # field | note | group | repeat | instance
    path: str
    label: str = ""
    hint: str = ""
    control: str = ""
    input_type: str = "text"
    inputmode: str = ""
    value: str = ""
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    widget: str = ""               # text | textarea | radio | checkbox | dropdown | date
    required: bool = False
    error: str = ""
    hidden: bool = False
    children: list[Item] = field(default_factory=list)
    number: int = 0

    @property
    def element_id(self) -> str:
        return "q" + re.sub(r"[^a-zA-Z0-9]+", "-", self.path).strip("-")


def _text(evaluation: Evaluation, text, language: str, default: str, context: str) -> str:
    if text is None:
        return ""
    return "".join(part if isinstance(part, str) else evaluation.output(part[1], context)
                   for part in text.parts(language, default)).strip()


def _instance_path(node_path: str, base_schema: str, base_instance: str) -> str:
    return base_instance + node_path[len(base_schema):]


def _field(definition: FormDefinition, evaluation: Evaluation, node: Node, path: str, language: str) -> Item:
    default = definition.default_language
    item = Item("note" if node.is_note else "field", path, label=_text(evaluation, node.label, language, default, path),
                hint=_text(evaluation, node.hint, language, default, path), control=node.control or "",
                value=evaluation.value(path), error=evaluation.errors.get(path, ""),
                hidden=not evaluation.applies(path), required=node.required == "true()")
    if node.control in ("select1", "select"):
        item.choices = [(choice.value, choice.label.plain(language, default))
                        for choice in evaluation.choices(node, path)]
        item.values = item.value.split()
        item.widget = ("checkbox" if node.control == "select" else
                       "dropdown" if "minimal" in node.appearance or len(item.choices) > MAX_RADIO_CHOICES else "radio")
    elif node.datatype == "date":
        item.widget, item.input_type = "date", "date"
    elif node.datatype == "int":
        item.widget, item.inputmode = "text", "numeric"
    elif node.datatype == "decimal":
        item.widget, item.inputmode = "text", "decimal"
        item.value = item.value.replace(".", ",") if language_code(language) == "sv" else item.value
    else:
        item.widget = "textarea" if "multiline" in node.appearance else "text"
        if node.registry == "email":
            item.input_type = "email"
        elif node.registry == "phone":
            item.input_type = "tel"
        elif node.registry == "website":
            item.input_type = "url"
    return item


def _items(definition: FormDefinition, evaluation: Evaluation, nodes: list[Node], schema: str, instance: str,
           language: str) -> list[Item]:
    items = []
    default = definition.default_language
    for node in nodes:
        path = _instance_path(node.path, schema, instance)
        if node.kind == "field":
            if node.control is None:
                continue  # calculations have no place on the page
            items.append(_field(definition, evaluation, node, path, language))
        elif node.kind == "group":
            items.append(Item("group", path, label=_text(evaluation, node.label, language, default, path),
                              hidden=not evaluation.applies(path),
                              children=_items(definition, evaluation, node.children, node.path, path, language)))
        elif node.kind == "repeat":
            repeat = Item("repeat", path, label=_text(evaluation, node.label, language, default, path),
                          hidden=not evaluation.applies(path))
            for number, instance_path in enumerate(evaluation.instances(path), start=1):
                repeat.children.append(Item(
                    "instance", instance_path, label=f"{repeat.label} {number}", number=number,
                    hidden=not evaluation.applies(instance_path),
                    children=_items(definition, evaluation, node.children, node.path, instance_path, language)))
            items.append(repeat)
    return items


def page_items(definition: FormDefinition, evaluation: Evaluation, section: Node, language: str) -> list[Item]:
    """The items of one page (a top-level group) in the form language ``language``."""
    return _items(definition, evaluation, section.children, section.path, section.path, language)


def page_fields(items: list[Item]) -> list[str]:
    """The paths of every answerable question drawn on a page (to know which were left empty when posted)."""
    paths = []
    for item in items:
        if item.kind == "field":
            paths.append(item.path)
        paths.extend(page_fields(item.children))
    return paths
