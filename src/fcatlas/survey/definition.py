"""A compiled form (XForm XML, as pyxform writes it) read into what the web renderer and the engine need.

The XForm is the one definition: the binds give types, relevance, constraints, calculations and the registry field
a question maps to (``fcatlas:registry``); the body gives order, labels, hints and choices; the primary instance
gives the shape of the answers. Pure Python (``defusedxml`` for the parsing); no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

XF = "http://www.w3.org/2002/xforms"
H = "http://www.w3.org/1999/xhtml"
JR = "http://openrosa.org/javarosa"
FCATLAS = "https://fcatlas.se/xforms"
NS = {"xf": XF, "h": H, "jr": JR}
CONTROLS = {"input", "select1", "select", "trigger", "range", "upload"}
_ITEXT = re.compile(r"""jr:itext\(\s*['"](.+?)['"]\s*\)""")


class FormDefinitionError(ValueError):
    """XForm XML that is not a form this system can render; the message is Swedish."""


@dataclass
class Text:
    """A label or hint in every language of the form; ``parts`` are strings and ``("output", xpath)`` pairs."""

    parts_by_language: dict[str, list]

    def parts(self, language: str, default: str) -> list:
        return self.parts_by_language.get(language) or self.parts_by_language.get(default) or next(
            iter(self.parts_by_language.values()), [])

    def plain(self, language: str, default: str) -> str:
        return "".join(part if isinstance(part, str) else "…" for part in self.parts(language, default)).strip()


@dataclass
class Choice:
    value: str
    label: Text
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Node:
    """A question, group or repeat. ``path`` is the absolute path of its instance node (``/data/grupp/fraga``)."""

    path: str
    kind: str                       # "field" | "group" | "repeat"
    control: str | None = None      # input | select1 | select | trigger (a field in the body); None for calculate
    datatype: str = "string"        # int | decimal | date | string | …
    label: Text | None = None
    hint: Text | None = None
    appearance: str = ""
    required: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    calculate: str | None = None
    readonly: str | None = None
    constraint_message: Text | None = None
    required_message: Text | None = None
    registry: str | None = None
    itemset: str | None = None      # nodeset of the choices, e.g. instance('lista')/root/item[filter]
    choices_instance: str | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_note(self) -> bool:
        return self.kind == "field" and self.control == "input" and self.readonly == "true()" and not self.calculate

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class FormDefinition:
    title: str
    form_id: str
    version: str
    root: str                       # the primary instance's root element name ("data")
    languages: list[str]
    default_language: str
    template: Element               # the primary instance (repeat templates marked jr:template)
    sections: list[Node]            # the top-level groups, one page each
    binds: dict[str, Node]          # every bound node by path, also calculates outside the body
    choice_lists: dict[str, list[Choice]]
    repeats: set[str]
    xform: str

    def node(self, path: str) -> Node | None:
        return self.binds.get(path)

    def fields(self):
        """Every question and calculate, in the form's order."""
        for section in self.sections:
            for node in section.walk():
                if node.kind == "field":
                    yield node
        in_body = {node.path for section in self.sections for node in section.walk()}
        for path, node in self.binds.items():
            if path not in in_body and node.kind == "field":
                yield node


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_parts(element: Element) -> list:
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) == "output":
            parts.append(("output", child.get("value", "").strip()))
        parts.append(child.tail or "")
    cleaned = [part for part in parts if part != ""]
    if cleaned and isinstance(cleaned[0], str):
        cleaned[0] = cleaned[0].lstrip()
    if cleaned and isinstance(cleaned[-1], str):
        cleaned[-1] = cleaned[-1].rstrip()
    return cleaned


def _read_itext(model: Element) -> tuple[dict[str, dict[str, list]], list[str], str | None]:
    texts: dict[str, dict[str, list]] = {}
    languages, default = [], None
    itext = model.find("xf:itext", NS)
    if itext is None:
        return texts, languages, default
    for translation in itext.findall("xf:translation", NS):
        language = translation.get("lang", "")
        languages.append(language)
        if translation.get("default") in ("true()", "true"):
            default = language
        for text in translation.findall("xf:text", NS):
            values = text.findall("xf:value", NS)
            plain = next((v for v in values if v.get("form") is None), values[0] if values else None)
            if plain is not None:
                texts.setdefault(text.get("id"), {})[language] = _text_parts(plain)
    return texts, languages, default


class _Reader:
    def __init__(self, xform: str):
        try:
            self.document = SafeET.fromstring(xform)
        except SafeET.ParseError as error:
            raise FormDefinitionError(f"Formulärets XML går inte att läsa ({error}).") from None
        head = self.document.find("h:head", NS)
        self.model = head.find("xf:model", NS) if head is not None else None
        body = self.document.find("h:body", NS)
        if self.model is None or body is None:
            raise FormDefinitionError("Filen är inget XForm: h:head/model eller h:body saknas.")
        self.head, self.body = head, body
        self.texts, self.languages, default = _read_itext(self.model)
        self.default_language = default or (self.languages[0] if self.languages else "")
        instances = self.model.findall("xf:instance", NS)
        primary = next((i for i in instances if i.get("id") is None), None)
        if primary is None or len(primary) == 0:
            raise FormDefinitionError("Formuläret saknar sin huvudinstans (instance utan id).")
        self.template = primary[0]
        self.secondary = {i.get("id"): i for i in instances if i.get("id")}
        self.binds: dict[str, Node] = {}
        for bind in self.model.findall("xf:bind", NS):
            self.binds[bind.get("nodeset", "").strip()] = self._node_from_bind(bind)
        self.repeats: set[str] = set()
        self.inline: dict[str, list[Choice]] = {}

    def text(self, element: Element | None) -> Text | None:
        if element is None:
            return None
        ref = element.get("ref")
        if ref:
            match = _ITEXT.fullmatch(ref.strip())
            if match and match.group(1) in self.texts:
                return Text(self.texts[match.group(1)])
        parts = _text_parts(element)
        return Text({self.default_language: parts}) if parts else None

    def _message(self, value: str | None) -> Text | None:
        if not value:
            return None
        match = _ITEXT.fullmatch(value.strip())
        if match:
            return Text(self.texts.get(match.group(1), {}))
        return Text({self.default_language: [value]})

    def _node_from_bind(self, bind: Element) -> Node:
        def attribute(name: str) -> str | None:
            value = bind.get(name)
            return value.strip() if value and value.strip() else None

        return Node(
            path=bind.get("nodeset", "").strip(), kind="field", datatype=attribute("type") or "string",
            required=attribute("required"), relevant=attribute("relevant"), constraint=attribute("constraint"),
            calculate=attribute("calculate"), readonly=attribute("readonly"),
            constraint_message=self._message(bind.get(f"{{{JR}}}constraintMsg")),
            required_message=self._message(bind.get(f"{{{JR}}}requiredMsg")),
            registry=attribute(f"{{{FCATLAS}}}registry"),
        )

    def _bound(self, path: str, kind: str) -> Node:
        node = self.binds.get(path)
        if node is None:
            node = Node(path=path, kind=kind)
            self.binds[path] = node
        node.kind = kind
        return node

    def body_nodes(self, parent: Element) -> list[Node]:
        nodes = []
        for element in parent:
            tag = _local(element.tag)
            if tag == "group":
                ref = (element.get("ref") or "").strip()
                repeat = element.find("xf:repeat", NS)
                if repeat is not None:
                    node = self._bound((repeat.get("nodeset") or ref).strip(), "repeat")
                    self.repeats.add(node.path)
                    node.children = self.body_nodes(repeat)
                elif ref:
                    node = self._bound(ref, "group")
                    node.children = self.body_nodes(element)
                else:  # a group without a node only arranges its children
                    nodes.extend(self.body_nodes(element))
                    continue
                node.label = self.text(element.find("xf:label", NS))
                node.appearance = element.get("appearance", "")
                nodes.append(node)
            elif tag == "repeat":
                node = self._bound(element.get("nodeset", "").strip(), "repeat")
                self.repeats.add(node.path)
                node.children = self.body_nodes(element)
                nodes.append(node)
            elif tag in CONTROLS:
                node = self._bound(element.get("ref", "").strip(), "field")
                node.control = tag
                node.label = self.text(element.find("xf:label", NS))
                node.hint = self.text(element.find("xf:hint", NS))
                node.appearance = element.get("appearance", "")
                itemset = element.find("xf:itemset", NS)
                if itemset is not None:
                    node.itemset = itemset.get("nodeset", "").strip()
                    match = re.match(r"""instance\(\s*['"](.+?)['"]\s*\)""", node.itemset)
                    node.choices_instance = match.group(1) if match else None
                elif element.findall("xf:item", NS):
                    node.choices_instance = f"_inline:{node.path}"
                    self.inline[node.choices_instance] = [
                        Choice(item.findtext("xf:value", "", NS).strip(), self.text(item.find("xf:label", NS)))
                        for item in element.findall("xf:item", NS)]
                nodes.append(node)
        return nodes

    def choice_lists(self) -> dict[str, list[Choice]]:
        lists = dict(self.inline)
        for name, instance in self.secondary.items():
            items = [item for root in instance for item in root if _local(item.tag) == "item"]
            choices = []
            for item in items:
                values = {_local(child.tag): (child.text or "").strip() for child in item}
                label = (Text(self.texts.get(values.get("itextId", ""), {})) if "itextId" in values
                         else Text({self.default_language: [values.get("label", values.get("name", ""))]}))
                choices.append(Choice(values.get("name", ""), label,
                                      {k: v for k, v in values.items() if k not in ("name", "itextId", "label")}))
            lists[name] = choices
        return lists


def read_form(xform: str) -> FormDefinition:
    """The form a compiled XForm describes; ``FormDefinitionError`` (Swedish) if it is not one."""
    reader = _Reader(xform)
    sections = reader.body_nodes(reader.body)
    stray = [node.path for node in sections if node.kind != "group"]
    if stray:
        raise FormDefinitionError(
            f"Frågan {stray[0]} står utanför en grupp. Lägg varje fråga i en grupp (begin_group … end_group): "
            "varje grupp på översta nivån blir en sida.")
    title = reader.head.findtext("h:title", "", NS)
    return FormDefinition(
        title=title, form_id=reader.template.get("id", ""), version=reader.template.get("version", ""),
        root=_local(reader.template.tag), languages=reader.languages or [reader.default_language],
        default_language=reader.default_language, template=reader.template, sections=sections,
        binds=reader.binds, choice_lists=reader.choice_lists(), repeats=reader.repeats, xform=xform)
