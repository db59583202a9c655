"""Searching units as people type: every word folded (``"goteborg"`` finds Göteborg), a postcode with or without
its space, and services by their names and common short forms (BVC, MVC, BMM, öppna förskolan).

Each unit keeps its words in ``Unit.search_text``, written by ``editing.save_units`` whenever a unit is saved, so
a search is one indexed-free ``LIKE`` per word on one column, the same on SQLite and PostgreSQL."""

import functools

from django.db.models import Q

from fcatlas.formatting import fold

from .models import ServiceType
from .vocabulary import SERVICE_ALIASES

SERVICE_LABELS = dict(ServiceType.choices)


def search_text(*, name: str, locality: str, street_address: str, postcode: str, municipality_name: str,
                service_types) -> str:
    """The folded words a unit is found by: its name, address, postcode, kommun and services (with short forms)."""
    own = fold(" ".join(text for text in (name, locality, street_address, postcode, municipality_name) if text))
    words = [*own.split(), *_service_words(tuple(sorted(service_types)))]
    return " " + " ".join(dict.fromkeys(words)) + " "


@functools.lru_cache(maxsize=512)
def _service_words(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The folded names and short forms of a set of services: the same for most units, so folded once."""
    texts = []
    for kind in kinds:
        texts.append(SERVICE_LABELS.get(kind, ""))
        texts += [alias.replace("_", " ") for alias in SERVICE_ALIASES.get(kind, ()) if alias != kind]
    return tuple(fold(" ".join(texts)).split())


def matching(text: str) -> Q:
    """Units whose words contain every word of ``text`` at a word's start (``"fami back"`` finds
    Familjecentralen Backa)."""
    condition = Q()
    for word in fold(text).split():
        condition &= Q(search_text__contains=f" {word}")
    return condition
