"""What a report covers: the whole country, one region or one kommun."""

from dataclasses import dataclass

from fcatlas.reference.models import Municipality, Region

SCOPE_KINDS = {"national": "Riket", "region": "Region", "municipality": "Kommun"}
SCOPE_WORDS = {"national": "national", "riket": "national", "region": "region", "kommun": "municipality",
               "municipality": "municipality"}


class ScopeError(ValueError):
    """A scope that names no place; the message says why in Swedish."""


@dataclass(frozen=True)
class Scope:
    kind: str
    code: str = ""
    name: str = "Sverige"

    @property
    def is_national(self) -> bool:
        return self.kind == "national"

    @property
    def label(self) -> str:
        return "Riket" if self.is_national else self.name

    @property
    def slug(self) -> str:
        return "riket" if self.is_national else f"{'region' if self.kind == 'region' else 'kommun'}-{self.code}"

    def as_text(self) -> str:
        return "national" if self.is_national else f"{'region' if self.kind == 'region' else 'kommun'}:{self.code}"

    def unit_filter(self) -> dict:
        """Keyword arguments that limit a unit queryset to this scope."""
        if self.kind == "region":
            return {"municipality__region_id": self.code}
        if self.kind == "municipality":
            return {"municipality_id": self.code}
        return {}

    def planning_arguments(self) -> dict:
        """The ``region=``/``municipality=`` arguments of ``fcatlas.planning.services``."""
        return {"region": self.code} if self.kind == "region" else (
            {"municipality": self.code} if self.kind == "municipality" else {})


NATIONAL = Scope("national")


def scope_of(kind: str, code: str = "") -> Scope:
    """The scope of ``kind`` (national, region, municipality) and ``code`` (2-digit län or 4-digit kommun code)."""
    if kind == "national":
        return NATIONAL
    if kind == "region":
        region = Region.objects.filter(code=code).only("code", "name").first()
        if region is None:
            raise ScopeError(f"Det finns ingen region med länskod {code!r}. Länskoder har två siffror, t.ex. 14.")
        return Scope("region", region.code, region.name)
    if kind == "municipality":
        municipality = Municipality.objects.filter(code=code).only("code", "name").first()
        if municipality is None:
            raise ScopeError(f"Det finns ingen kommun med kod {code!r}. Kommunkoder har fyra siffror, t.ex. 0180.")
        return Scope("municipality", municipality.code, municipality.name)
    raise ScopeError(f"Okänd omfattning {kind!r}: välj riket, en region eller en kommun.")


def parse_scope(text: str) -> Scope:
    """``national``/``riket``, ``region:14`` or ``kommun:0180`` as a ``Scope``."""
    word, _, code = text.strip().partition(":")
    kind = SCOPE_WORDS.get(word.lower())
    if kind is None:
        raise ScopeError(f"Okänd omfattning {text!r}. Skriv national, region:LÄNSKOD eller kommun:KOMMUNKOD "
                         "(t.ex. region:14 eller kommun:0180).")
    return scope_of(kind, code.strip())
