"""Reading one cell as the value a record field holds: ja/nej, dates, numbers, choices, lists, schedules.

A value that cannot be read raises :class:`ValueProblem` with a Swedish text and a hint; the row checker
places it "på rad N (kolumn X)".
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .. import schedules
from ..vocabulary import (
    CHOICE_LABELS,
    FALSE_WORDS,
    FIELDS,
    LANGUAGE_WORDS,
    LANGUAGES,
    PART_TIME_WORDS,
    TRUE_WORDS,
    UNKNOWN_WORDS,
    VALUE_WORDS,
    normalise_header,
)


class ValueProblem(Exception):
    """A cell's value cannot be read: ``problem`` is placed before "på rad N (kolumn X)", ``hint`` after."""

    def __init__(self, problem: str, hint: str = ""):
        super().__init__(problem)
        self.problem, self.hint = problem, hint

    def message(self, where: str) -> str:
        return f"{self.problem} {where}." + (f" {self.hint}" if self.hint else "")


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: whole numbers without ".0", dates ISO 8601, lists joined with "; "."""
    if type(value) is str:  # nearly every cell of a CSV file: spared the tests below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(text(v) for v in value)
    return str(value).strip()


def boolean(value, *, nullable: bool):
    if isinstance(value, bool):
        return value
    word = text(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if word in UNKNOWN_WORDS:
        return None if nullable else False
    raise ValueProblem(f"Värdet '{text(value)}' är inte ja eller nej")


def number(value) -> float:
    if isinstance(value, bool):
        raise ValueProblem(f"Värdet '{value}' är inte ett tal")
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError:
            raise ValueProblem(f"Talet {text(value)[:20]}… är för stort") from None
    else:
        cleaned = text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            result = float(cleaned)
        except (ValueError, OverflowError):
            raise ValueProblem(f"Värdet '{text(value)[:40]}' är inte ett tal") from None
    if not math.isfinite(result):
        raise ValueProblem(f"Värdet '{text(value)[:40]}' är inte ett tal")
    return result


def read_date(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    written = text(value)
    if not written:
        return None
    try:
        return date.fromisoformat(written[:10] if re.match(r"^\d{4}-\d\d-\d\d[T ]", written) else written).isoformat()
    except ValueError:
        raise ValueProblem(f"Datumet '{written[:40]}' går inte att läsa",
                           "Skriv det som ÅÅÅÅ-MM-DD, till exempel 2024-03-01.") from None


def choice(value, kind: str, what: str) -> str:
    """A choice by its Swedish label, its stored value or a common word for it (``vocabulary.VALUE_WORDS``)."""
    written = text(value)
    key = normalise_header(written)
    if key in VALUE_WORDS[kind]:
        return VALUE_WORDS[kind][key]
    options = ", ".join(label.lower() for label in CHOICE_LABELS[kind].values())
    raise ValueProblem(f"Okänd {what} '{written[:40]}'", f"Skriv något av: {options}.")


def items(value, *, commas: bool = False) -> list[str]:
    """A list cell: a GeoJSON list, or text split at ``;`` (and ``,`` where a comma cannot be part of an item)."""
    if isinstance(value, list):
        return [text(v) for v in value if text(v)]
    return [part.strip() for part in re.split(r"[;\n|,]+" if commas else r"[;\n|]+", text(value)) if part.strip()]


def presence(value) -> bool | None:
    """A service column: True present all the time, False present part of the time, None absent."""
    if isinstance(value, bool):
        return True if value else None
    word = text(value).casefold()
    if word in PART_TIME_WORDS:
        return False
    try:
        return True if boolean(value, nullable=False) else None
    except ValueProblem:
        raise ValueProblem(f"Värdet '{text(value)[:40]}' är inte ja, nej eller delvis") from None


def languages(value) -> list[str]:
    codes = []
    for item in items(value, commas=True):
        code = LANGUAGE_WORDS.get(normalise_header(item))
        if code is None:
            raise ValueProblem(f"Okänt språk '{item[:40]}'",
                               f"Skriv språkens namn, till exempel: svenska; arabiska; somaliska "
                               f"({len(LANGUAGES)} språk finns).")
        codes.append(code)
    return sorted(set(codes))


def schedule(value) -> list[dict]:
    try:
        return schedules.parse(text(value))
    except schedules.ScheduleError as error:
        raise ValueProblem(str(error).rstrip(".")) from None


def scalar(field_name: str, value):
    """One cell as the value of a record field, by the field's kind in ``vocabulary.FIELDS``."""
    kind = FIELDS[field_name].kind
    written = text(value)
    if kind == "bool":
        return boolean(value, nullable=False)
    if kind == "nullable_bool":
        return boolean(value, nullable=True)
    if kind == "date":
        return read_date(value)
    if kind == "age":
        if not written:
            return None
        age = number(value)
        if not age.is_integer() or age < 0:
            raise ValueProblem(f"Värdet '{written[:40]}' är inte en ålder i hela år")
        return int(age)
    if kind == "fte":
        if not written:
            return None
        try:
            return float(Decimal(str(number(value))))
        except InvalidOperation:
            raise ValueProblem(f"Värdet '{written[:40]}' är inte ett tal") from None
    if kind == "choice":
        if field_name == "status":
            return choice(value, "status", "status") if written else "active"
        return choice(value, "budget", "budgetform") if written else ""
    if kind == "postcode":
        digits = re.sub(r"[\s\u00a0]", "", written)
        if digits.endswith(".0"):
            digits = digits[:-2]
        if digits and not re.fullmatch(r"\d{5}", digits):
            raise ValueProblem(f"Postnumret '{written[:40]}' har inte fem siffror")
        return digits
    if kind == "languages":
        return languages(value)
    if kind == "schedule":
        return schedule(value)
    return written
