"""Opening and drop-in hours: Swedish text ("mån–fre 8.30–16.30, ons 9–18") ↔ weekly schedule entries.

An entry is ``{"days": "MO,TU,WE,TH,FR", "opens": "08:30", "closes": "16:30"}``: iCalendar weekday codes (as
HSDS 3 ``schedule.byday`` and RFC 5545 ``BYDAY`` write them) and 24-hour local times. Pure Python.
"""

from __future__ import annotations

import functools
import re

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {"MO": "mån", "TU": "tis", "WE": "ons", "TH": "tors", "FR": "fre", "SA": "lör", "SU": "sön"}
_DAY_WORDS = {
    "MO": ("mån", "måndag", "måndagar", "man", "mandag", "mon", "monday", "mo"),
    "TU": ("tis", "tisdag", "tisdagar", "tue", "tues", "tuesday", "tu"),
    "WE": ("ons", "onsdag", "onsdagar", "wed", "wednesday", "we"),
    "TH": ("tors", "tor", "torsdag", "torsdagar", "thu", "thur", "thurs", "thursday", "th"),
    "FR": ("fre", "fredag", "fredagar", "fri", "friday", "fr"),
    "SA": ("lör", "lördag", "lördagar", "lor", "lordag", "sat", "saturday", "sa"),
    "SU": ("sön", "söndag", "söndagar", "son", "sondag", "sun", "sunday", "su"),
}
DAY_WORDS = {word: code for code, words in _DAY_WORDS.items() for word in words}
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
_TIME_RANGE = re.compile(rf"^(?:kl\.?\s*)?{_TIME}\s*[-–—]\s*{_TIME}$")
_DAY_RANGE = re.compile(r"^([a-zåäö]+)\.?\s*[-–—]\s*([a-zåäö]+)\.?$")


class ScheduleError(ValueError):
    """Text that is not a weekly schedule; the message says why, in Swedish."""


def _time(hours: str, minutes: str | None, text: str) -> str:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ScheduleError(f"Klockslaget i ”{text}” finns inte; skriv till exempel 8.30–16.30.")
    return f"{hour:02d}:{minute:02d}"


def _days(token: str) -> list[str]:
    word = token.strip(". ").casefold()
    if word in DAY_WORDS:
        return [DAY_WORDS[word]]
    match = _DAY_RANGE.match(word)
    if match and match[1] in DAY_WORDS and match[2] in DAY_WORDS:
        first, last = WEEKDAYS.index(DAY_WORDS[match[1]]), WEEKDAYS.index(DAY_WORDS[match[2]])
        if last < first:
            raise ScheduleError(f"Dagarna ”{token}” går baklänges; skriv till exempel mån–fre.")
        return list(WEEKDAYS[first:last + 1])
    raise ScheduleError(f"”{token}” är ingen veckodag; skriv till exempel mån–fre 8.30–16.30 eller tis, tors 9–12.")


def parse(text: str) -> list[dict]:
    """Weekly entries from Swedish text; an empty text is no entries. :class:`ScheduleError` if it cannot be read."""
    return [dict(zip(("days", "opens", "closes"), entry)) for entry in _parsed((text or "").strip())]


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[tuple[str, str, str], ...]:
    """``parse`` as (days, opens, closes) tuples: a file of 10 000 units writes a few dozen schedules, read once."""
    return tuple((entry["days"], entry["opens"], entry["closes"]) for entry in _read(text))


def _read(text: str) -> list[dict]:
    if not text:
        return []
    tokens = [token.strip() for token in re.split(r"[,;\n]|\s(?=[a-zA-ZåäöÅÄÖ])|(?<=[a-zåäö.])\s+(?=\d)", text)
              if token.strip()]
    entries, days = [], []
    for token in tokens:
        times = _TIME_RANGE.match(token.casefold())
        if times:
            if not days:
                raise ScheduleError(f"Tiden ”{token}” har ingen veckodag före sig; skriv till exempel mån–fre {token}.")
            opens, closes = _time(times[1], times[2], token), _time(times[3], times[4], token)
            if closes <= opens:
                raise ScheduleError(f"Tiden ”{token}” slutar inte efter att den börjar.")
            entries.append({"days": ",".join(sorted(set(days), key=WEEKDAYS.index)), "opens": opens, "closes": closes})
            days = []
        elif token.casefold() in ("och", "samt", "&", "kl", "kl."):
            continue
        else:
            days += _days(token)
    if days:
        names = ", ".join(DAY_NAMES[day] for day in days)
        raise ScheduleError(f"Dagarna ”{names}” saknar tider; skriv till exempel {names} 9–12.")
    return normalised(entries)


def normalised(entries: list[dict]) -> list[dict]:
    """Entries in one order (first day, then opening time), so that equal schedules compare equal."""
    return sorted(({"days": entry["days"], "opens": entry["opens"], "closes": entry["closes"]} for entry in entries),
                  key=lambda entry: (WEEKDAYS.index(entry["days"].split(",")[0]), entry["opens"], entry["days"]))


def _day_text(days: list[str], names: dict[str, str] = DAY_NAMES) -> str:
    indexes = [WEEKDAYS.index(day) for day in days]
    runs, start = [], indexes[0]
    for previous, current in zip(indexes, indexes[1:] + [None]):
        if current != previous + 1 if current is not None else True:
            runs.append((start, previous))
            start = current
    return ", ".join(names[WEEKDAYS[a]] if a == b else
                     (f"{names[WEEKDAYS[a]]}, {names[WEEKDAYS[b]]}" if b == a + 1 else
                      f"{names[WEEKDAYS[a]]}–{names[WEEKDAYS[b]]}") for a, b in runs)


def _clock(time: str) -> str:
    hours, minutes = time.split(":")
    return f"{int(hours)}.{minutes}"


def entry_parts(entries: list[dict], day_names: dict[str, str] = DAY_NAMES) -> list[tuple[str, str]]:
    """``[("mån–fre", "8.30–16.30"), ("ons", "9.00–18.00")]``: the days and the hours of each entry, apart, so that
    a right-to-left page can keep each time range left to right."""
    return [(_day_text(entry["days"].split(","), day_names), f"{_clock(entry['opens'])}–{_clock(entry['closes'])}")
            for entry in normalised(entries)]


def format_entries(entries: list[dict], day_names: dict[str, str] = DAY_NAMES) -> str:
    """``"mån–fre 8.30–16.30, ons 9.00–18.00"``; the text :func:`parse` reads back to the same entries (with the
    Swedish ``day_names``; a page in another language passes its own)."""
    return ", ".join(f"{days} {hours}" for days, hours in entry_parts(entries, day_names))


def hours_on(entries: list[dict], weekday: int) -> list[tuple[str, str]]:
    """(opens, closes) on one weekday (0 = Monday), in order."""
    code = WEEKDAYS[weekday]
    return sorted((entry["opens"], entry["closes"]) for entry in entries if code in entry["days"].split(","))
