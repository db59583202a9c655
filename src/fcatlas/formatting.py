"""Numbers as Swedish readers expect them: 12 345, 3,5 km, 34 %; names sorted and folded as Swedish readers
look for them. Pure Python, no Django."""

import re
import unicodedata

NO_BREAK_SPACE = "\u00a0"


def format_number(value: float | int, decimals: int = 0) -> str:
    """``12345.6`` → ``"12 346"``; with ``decimals=1`` → ``"12 345,6"`` (no-break spaces)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NO_BREAK_SPACE).replace(".", ",")


def format_percent(share: float, decimals: int = 0) -> str:
    """``0.345`` → ``"35 %"``."""
    return f"{format_number(share * 100, decimals)}{NO_BREAK_SPACE}%"


def format_distance(metres: float) -> str:
    """A distance in metres as Swedish text: 800 → ``"800 m"``, 1500 → ``"1,5 km"``, 2000 → ``"2 km"``,
    4923.6 → ``"4,9 km"`` (kilometres to one decimal)."""
    if metres < 1_000:
        return f"{format_number(metres)}{NO_BREAK_SPACE}m"
    kilometres = round(metres / 1000, 1)
    return f"{format_number(kilometres, 0 if kilometres.is_integer() else 1)}{NO_BREAK_SPACE}km"


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e", "ü": "y"})


def swedish_key(text: str) -> str:
    """A sort key in Swedish alphabetical order: å, ä, ö after z, in that order (``sorted(names, key=swedish_key)``)."""
    return str(text).casefold().translate(_SWEDISH_ORDER)


_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o"})
_POSTCODE_WITH_SPACE = re.compile(r"\b(\d{3}) (\d{2})\b")


def fold(text: str) -> str:
    """Text as a search compares it: ``"Södra  Biskopsgården-Östra"`` → ``"sodra biskopsgarden ostra"`` (lower
    case, å/ä/ö folded, accents and punctuation dropped, spaces collapsed) and a postcode's space dropped
    (``"413 19"`` → ``"41319"``), so that what a person types finds what is written however they spell it."""
    text = unicodedata.normalize("NFC", str(text)).casefold().translate(_FOLD)
    if not text.isascii():  # most Swedish text is ASCII once å, ä and ö are folded: no accents left to drop
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _POSTCODE_WITH_SPACE.sub(r"\1\2", " ".join(re.sub(r"[^\w]+", " ", text).split()))
