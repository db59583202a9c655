"""Names of places in one place: the official organisation names of the 21 regions and 290 kommuner, and
finding a kommun by the names people write for it ("Falu kommun", "Göteborgs stad", "goteborg").

The official names are a curated data file (``data/geo/organisationsnamn.csv``, see data/SOURCES.md): "Region
Jönköpings län", "Region Sörmland", "Västra Götalandsregionen", "Borås stad", "Falu kommun", "Region Gotland".
"""

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from fcatlas.datafiles import DataFileError, read_csv

from .models import Municipality

NAMES_FILE = "geo/organisationsnamn.csv"


@lru_cache(maxsize=1)
def _organisation_names(data_dir: str) -> dict[tuple[str, str], str]:
    rows = read_csv(Path(data_dir) / NAMES_FILE)
    names = {(row["typ"], row["kod"]): row["organisation"] for row in rows}
    if len(names) != len(rows):
        raise DataFileError(f"{NAMES_FILE}: samma kod finns på flera rader")
    return names


def organisation_name(place) -> str:
    """The official name of a region's or kommun's organisation (``Region`` or ``Municipality``)."""
    return organisation_name_of("kommun" if isinstance(place, Municipality) else "region", place.code)


def organisation_name_of(kind: str, code: str) -> str:
    """The official name of the organisation of ``kind`` ("kommun" or "region") with ``code``."""
    try:
        return _organisation_names(str(settings.DATA_DIR))[(kind, code)]
    except KeyError:
        raise DataFileError(f"{NAMES_FILE}: {kind} {code} saknas") from None


def normalise_name(text: str) -> str:
    """Lower case with accents kept (Håbo and Habo are two kommuner); hyphens and spaces equivalent."""
    return re.sub(r"[\s\-_]+", " ", str(text).casefold()).strip()


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class MunicipalityNames:
    """Finds a kommun by code or by the names people write for it: its name, its organisation's name with or
    without "kommun"/"stad" ("Falu", "Göteborgs stad"), with or without accents where that is unambiguous."""

    def __init__(self):
        self.by_code = {m.code: m for m in Municipality.objects.select_related("region").defer(
            "geometry", "region__geometry")}
        forms: dict[str, set[str]] = {}
        for code, municipality in self.by_code.items():
            organisation = organisation_name(municipality)
            genitive = re.sub(r"\s+(kommun|stad)$", "", organisation)
            for variant in {municipality.name, organisation, genitive}:
                forms.setdefault(normalise_name(variant), set()).add(code)
        for code, municipality in self.by_code.items():  # the plain name wins over another kommun's genitive
            forms[normalise_name(municipality.name)] = {code}
        self.forms = {name: next(iter(codes)) for name, codes in forms.items() if len(codes) == 1}
        loose: dict[str, set[str]] = {}
        for name, code in self.forms.items():
            loose.setdefault(strip_accents(name), set()).add(code)
        self.loose = {name: next(iter(codes)) for name, codes in loose.items() if len(codes) == 1}

    def by_name(self, text: str) -> Municipality | None:
        name = normalise_name(text)
        stripped = re.sub(r"^(region|kommun)\s+", "", re.sub(r"\s+(kommun|kommune|stad|stads|kommuns)$", "", name))
        for candidate in (name, stripped):
            if candidate in self.forms:
                return self.by_code[self.forms[candidate]]
        for candidate in (name, stripped):
            if strip_accents(candidate) in self.loose:
                return self.by_code[self.loose[strip_accents(candidate)]]
        return None

    def suggestion(self, text: str) -> str | None:
        name = re.sub(r"\s+(kommun|stad)$", "", normalise_name(text))
        match = difflib.get_close_matches(name, list(self.forms), n=1, cutoff=0.6)
        return self.by_code[self.forms[match[0]]].name if match else None

    def by_code_text(self, value) -> Municipality | None:
        code = municipality_code_text(value)
        return self.by_code.get(code) if code else None


def municipality_code_text(value) -> str | None:
    """"114", 114, 114.0 or "0114" → "0114"; None for anything that is not a kommun code's digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text.zfill(4) if text.isdigit() and len(text) <= 4 else None
