"""XPath as ODK evaluates it in XForms: XPath 1.0 (elementpath) plus the XForms and ODK functions our forms use.

Expressions are parsed once and cached. ``evaluate(expression, document, item)`` evaluates against an instance
document (an ``xml.etree.ElementTree.ElementTree``) with ``item`` as the context node (``.``) and as ``current()``.
Pure Python; no Django.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from functools import lru_cache

from elementpath import XPath1Parser, XPathContext, get_node_tree
from elementpath.exceptions import ElementPathError
from elementpath.xpath_nodes import XPathNode

EPOCH = dt.date(1970, 1, 1)


class XPathError(ValueError):
    """An expression that cannot be parsed or evaluated; the message is Swedish and names the expression."""


class XFormsParser(XPath1Parser):
    """XPath 1.0 with the functions of the XForms 1.0 and ODK XForms specifications that the forms use."""

    symbol_table = {**XPath1Parser.symbol_table}


method, function = XFormsParser.method, XFormsParser.function


# -- XPath 1.0 comparisons and arithmetic ------------------------------------------------------------------------
# elementpath compares a node with a number as XPath 2.0 does (``/data/a = 5`` is false for <a>5</a>) and raises on
# ``'' > 0``; XForms are XPath 1.0, where both are defined (true, and NaN > 0 = false). These operators follow
# XPath 1.0 §3.4 and §3.5 exactly.

def _is_nodes(value) -> bool:
    return isinstance(value, list)


def _as_nodes(value):
    """A single node (``.`` evaluates to one) as the node-set of one it is in XPath 1.0."""
    return [value] if isinstance(value, XPathNode) else value


def _number(value) -> float:
    if _is_nodes(value):
        value = _node_text(value[0]) if value else ""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() and re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", value.strip()) else math.nan
        except ValueError:
            return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


_COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _compare(symbol: str, left, right) -> bool:
    op, equality = _COMPARE[symbol], symbol in ("=", "!=")
    if _is_nodes(left) and _is_nodes(right):
        if equality:
            return any(op(_node_text(a), _node_text(b)) for a in left for b in right)
        return any(op(_number([a]), _number([b])) for a in left for b in right)
    if _is_nodes(left) or _is_nodes(right):
        nodes, other, flipped = (left, right, False) if _is_nodes(left) else (right, left, True)
        if isinstance(other, bool):
            pair = (boolean(nodes), other)
            return op(*(reversed(pair) if flipped else pair)) if equality else op(
                *(_number(v) for v in (reversed(pair) if flipped else pair)))
        def one(node):
            if isinstance(other, str) and equality:
                pair = (_node_text(node), other)
            else:
                pair = (_number([node]), _number(other))
            return op(*(reversed(pair) if flipped else pair))
        return any(one(node) for node in nodes)
    if equality:
        if isinstance(left, bool) or isinstance(right, bool):
            return op(boolean(left), boolean(right))
        if not isinstance(left, str) or not isinstance(right, str):
            return op(_number(left), _number(right))
        return op(left, right)
    return op(_number(left), _number(right))


def _evaluate_comparison(self, context=None):
    return _compare(self.symbol, _as_nodes(self[0].evaluate(context)), _as_nodes(self[1].evaluate(context)))


def _divide(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    return math.nan if b == 0 or math.isinf(a) else math.fmod(a, b)


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "div": _divide, "mod": _modulo}


def _evaluate_arithmetic(base):
    def evaluate(self, context=None):
        if len(self) != 2:
            if self.symbol == "-" and len(self) == 1:
                return -_number(_as_nodes(self[0].evaluate(context)))
            return base.evaluate(self, context)
        left, right = _number(_as_nodes(self[0].evaluate(context))), _number(_as_nodes(self[1].evaluate(context)))
        try:
            return _ARITHMETIC[self.symbol](left, right)
        except (OverflowError, ValueError):
            return math.nan
    return evaluate


for _symbol in _COMPARE:
    _base = XPath1Parser.symbol_table[_symbol]
    XFormsParser.symbol_table[_symbol] = type(f"{_base.__name__}XPath1", (_base,), {"evaluate": _evaluate_comparison})
for _symbol in _ARITHMETIC:
    _base = XPath1Parser.symbol_table[_symbol]
    XFormsParser.symbol_table[_symbol] = type(f"{_base.__name__}XPath1", (_base,),
                                              {"evaluate": _evaluate_arithmetic(_base)})


def _string(token, context, index=0) -> str:
    return token.string_value(token.get_argument(context, index=index))


def _items(token, context, index=0) -> list[str]:
    return _string(token, context, index).split()


@method(function("selected", nargs=2))
def evaluate__selected(self, context=None):
    return _string(self, context, 1) in _items(self, context)


@method(function("count-selected", nargs=1))
def evaluate__count_selected(self, context=None):
    return len(_items(self, context))


@method(function("selected-at", nargs=2))
def evaluate__selected_at(self, context=None):
    items, index = _items(self, context), int(self.number_value(self.get_argument(context, index=1)))
    return items[index] if 0 <= index < len(items) else ""


@method(function("if", nargs=3))
def evaluate__if(self, context=None):
    chosen = self[1] if self.boolean_value(self[0].evaluate(context)) else self[2]
    return chosen.evaluate(context)


@method(function("coalesce", nargs=2))
def evaluate__coalesce(self, context=None):
    first = _string(self, context)
    return first if first != "" else _string(self, context, 1)


@method(function("regex", nargs=2))
def evaluate__regex(self, context=None):
    try:
        return re.search(_string(self, context, 1), _string(self, context)) is not None
    except re.error as error:
        raise self.error("FORX0002", f"invalid regular expression: {error}") from None


@method(function("today", nargs=0))
def evaluate__today(self, context=None):
    return dt.date.today().isoformat()


@method(function("now", nargs=0))
def evaluate__now(self, context=None):
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def days_since_epoch(text: str) -> float:
    """ODK's decimal-date-time: days since 1970-01-01 of an ISO date or date-time (NaN if it is neither)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return float((dt.date.fromisoformat(text) - EPOCH).days)
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).total_seconds() / 86400
    except ValueError:
        return math.nan


@method(function("decimal-date-time", nargs=1))
def evaluate__decimal_date_time(self, context=None):
    return days_since_epoch(_string(self, context))


@method(function("int", nargs=1))
def evaluate__int(self, context=None):
    number = self.number_value(self.get_argument(context))
    return math.nan if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


@method(function("boolean-from-string", nargs=1))
def evaluate__boolean_from_string(self, context=None):
    return _string(self, context) in ("true", "1")


_CURRENT = re.compile(r"""('[^']*'|"[^"]*")|\bcurrent\(\s*\)""")


def _with_current_as_variable(expression: str) -> str:
    """``current()`` as the variable ``$current``: elementpath's XPath 1.0 grammar lets a variable, not a function
    call, begin a path such as ``current()/../name`` (which pyxform writes in repeats and choice filters)."""
    return _CURRENT.sub(lambda match: match.group(1) or "$current", expression)


@lru_cache(maxsize=4096)
def parse(expression: str):
    """The parsed expression (cached); ``XPathError`` with a Swedish message if it is not valid XPath."""
    try:
        return XFormsParser(namespaces={"jr": "http://openrosa.org/javarosa"}).parse(_with_current_as_variable(expression))
    except ElementPathError as error:
        raise XPathError(f"Uttrycket ”{expression}” är inte giltig XPath ({_reason(error)}).") from None


def _reason(error: ElementPathError) -> str:
    text = str(error)
    if "unknown function" in text or "unknown symbol" in text or "XPST0017" in text:
        name = re.search(r"'([\w:-]+)'", text)
        return f"okänd funktion {name.group(1)}" if name else "okänd funktion"
    return "kontrollera parenteser, citattecken och operatorer"


def node_tree(document):
    """elementpath's tree of ``document``, built once for many expressions (building it is most of the cost of
    evaluating one); build it again after changing the document."""
    return get_node_tree(document)


def evaluate(expression: str, document, item=None, current=None, *, tree=None):
    """The value of ``expression`` with ``item`` (an element of ``document``) as ``.`` and ``current`` as
    ``current()`` (the item itself unless given: they differ only in choice filters). ``tree``: the document's
    ``node_tree`` as it is now."""
    token = parse(expression)
    root_item = item if item is not None else document.getroot()
    context = XPathContext(tree if tree is not None else document, item=root_item)
    # for $current, see _with_current_as_variable
    context.variables["current"] = context.item if current is None else context.get_context_item(current)
    try:
        return token.evaluate(context)
    except ElementPathError as error:
        raise XPathError(f"Uttrycket ”{expression}” kunde inte beräknas ({_reason(error)}).") from None


def _node_text(node) -> str:
    if hasattr(node, "string_value"):
        return node.string_value
    if hasattr(node, "itertext"):
        return "".join(node.itertext())
    return str(node)


def boolean(value) -> bool:
    """XPath 1.0's boolean() of an evaluated value."""
    value = _as_nodes(value)
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return bool(value)


def string(value) -> str:
    """XPath 1.0's string() of an evaluated value (numbers without a trailing .0, as ODK stores them)."""
    value = _as_nodes(value)
    if isinstance(value, list):
        if not value:
            return ""
        return _node_text(value[0])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return str(int(value)) if value == int(value) else repr(value)
    return "" if value is None else str(value)


__all__ = ["XFormsParser", "XPathError", "boolean", "days_since_epoch", "evaluate", "parse", "string"]
