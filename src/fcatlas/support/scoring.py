"""Scoring a self-assessment: a pure function of a rubric's definition and a round's answers (no Django), with
a Swedish explanation of the result — as ``registry.classification`` explains a unit's class.

A rubric definition is ``{"themes": [{"code", "title", "criteria": [{"key", "text", "levels": [four texts]}]}]}``.
Answers are ``{criterion key: {"level": 1–4 or None, "evidence": str, "action_plan": str}}``. A theme's score is
the mean level of its answered criteria, also given as per cent of the way from level 1 to level 4; unanswered
criteria are left out and said so. Rounds on two rubric versions compare on the criteria whose key both share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fcatlas.formatting import format_number

LEVELS = (1, 2, 3, 4)
LEVEL_NAMES = {1: "Saknas", 2: "Påbörjat", 3: "Etablerat", 4: "Etablerat och följs upp"}
ESTABLISHED_LEVEL = 3
"""A theme whose mean level is below this is one to work on: it suggests material and support."""
MAX_WEAKEST = 2


@dataclass(frozen=True)
class ThemeScore:
    code: str
    title: str
    criteria: int
    answered: int
    mean_level: float | None

    @property
    def percent(self) -> float | None:
        return None if self.mean_level is None else (self.mean_level - 1) / (len(LEVELS) - 1) * 100


@dataclass(frozen=True)
class Score:
    themes: tuple[ThemeScore, ...]
    criteria: int
    answered: int
    mean_level: float | None
    weakest: tuple[str, ...]
    explanation: str

    @property
    def percent(self) -> float | None:
        return None if self.mean_level is None else (self.mean_level - 1) / (len(LEVELS) - 1) * 100

    def theme(self, code: str) -> ThemeScore | None:
        return next((theme for theme in self.themes if theme.code == code), None)


def criterion_keys(definition: dict) -> list[str]:
    return [criterion["key"] for theme in definition["themes"] for criterion in theme["criteria"]]


def check_definition(definition: dict) -> None:
    """Raise ``ValueError`` naming the first criterion that is malformed or repeated."""
    seen = set()
    if not definition.get("themes"):
        raise ValueError("a rubric needs at least one theme")
    for theme in definition["themes"]:
        for name in ("code", "title", "criteria"):
            if not theme.get(name):
                raise ValueError(f"theme {theme.get('code')!r} lacks {name!r}")
        for criterion in theme["criteria"]:
            key = criterion.get("key")
            if not key or key in seen:
                raise ValueError(f"criterion key {key!r} is missing or repeated")
            seen.add(key)
            if len(criterion.get("levels") or ()) != len(LEVELS) or not criterion.get("text"):
                raise ValueError(f"criterion {key!r} needs a text and {len(LEVELS)} level descriptions")


def level_of(answer) -> int | None:
    level = (answer or {}).get("level")
    return level if level in LEVELS else None


def score(definition: dict, answers: dict, only_keys: Iterable[str] | None = None) -> Score:
    """The round's score per theme and in all, its weakest themes and a Swedish explanation. ``only_keys``
    restricts it to those criteria (the ones two rubric versions share)."""
    keep = None if only_keys is None else set(only_keys)
    themes, every_level = [], []
    for theme in definition["themes"]:
        criteria = [c for c in theme["criteria"] if keep is None or c["key"] in keep]
        if not criteria:
            continue
        levels = [level for c in criteria if (level := level_of(answers.get(c["key"]))) is not None]
        every_level += levels
        themes.append(ThemeScore(code=theme["code"], title=theme["title"], criteria=len(criteria),
                                 answered=len(levels), mean_level=sum(levels) / len(levels) if levels else None))
    criteria = sum(theme.criteria for theme in themes)
    weakest = _weakest(themes)
    mean = sum(every_level) / len(every_level) if every_level else None
    return Score(themes=tuple(themes), criteria=criteria, answered=len(every_level), mean_level=mean,
                 weakest=tuple(theme.code for theme in weakest),
                 explanation=_explain(themes, criteria, len(every_level), mean, weakest))


def _weakest(themes: list[ThemeScore]) -> list[ThemeScore]:
    below = sorted((t for t in themes if t.mean_level is not None and t.mean_level < ESTABLISHED_LEVEL),
                   key=lambda t: t.mean_level)
    if len(below) <= MAX_WEAKEST:
        return below
    cut = below[MAX_WEAKEST - 1].mean_level
    return [t for t in below if t.mean_level <= cut]


def _level_text(mean: float) -> str:
    return f"nivå {format_number(mean, 1)} av {len(LEVELS)}"


def _explain(themes: list[ThemeScore], criteria: int, answered: int, mean: float | None,
             weakest: list[ThemeScore]) -> str:
    if not answered:
        return f"Inget av de {criteria} kriterierna är besvarat ännu, så det finns inget resultat."
    parts = [f"{answered} av {criteria} kriterier är besvarade; medelnivån är {format_number(mean, 1)} av "
             f"{len(LEVELS)}."]
    scored = [t for t in themes if t.mean_level is not None]
    best = max(t.mean_level for t in scored)
    strongest = [t for t in scored if t.mean_level == best]
    if len(scored) > len(strongest) and len(strongest) <= MAX_WEAKEST and best >= ESTABLISHED_LEVEL:
        listed = " och ".join(t.title.lower() for t in strongest)
        parts.append(f"Starkast är {listed} ({_level_text(best)}).")
    if weakest:
        listed = " och ".join(f"{t.title.lower()} ({_level_text(t.mean_level)})" for t in weakest)
        parts.append(f"Att arbeta vidare med först: {listed}, under nivå {ESTABLISHED_LEVEL} "
                     f"({LEVEL_NAMES[ESTABLISHED_LEVEL].lower()}).")
    else:
        parts.append(f"Alla besvarade teman når minst nivå {ESTABLISHED_LEVEL} "
                     f"({LEVEL_NAMES[ESTABLISHED_LEVEL].lower()}).")
    unanswered = [t.title.lower() for t in themes if t.answered < t.criteria]
    if unanswered:
        parts.append(f"Obesvarade kriterier räknas inte; de finns inom {', '.join(unanswered)}.")
    return " ".join(parts)


def shared_keys(first: dict, second: dict) -> list[str]:
    """The criteria two rubric definitions share, in the order of the second."""
    earlier = set(criterion_keys(first))
    return [key for key in criterion_keys(second) if key in earlier]


@dataclass(frozen=True)
class Change:
    code: str
    title: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def compare(earlier: tuple[dict, dict], later: tuple[dict, dict]) -> tuple[list[Change], list[str]]:
    """Each theme's mean level in two rounds, ``(definition, answers)`` each, over the criteria both rubric
    versions share, and the keys compared."""
    keys = shared_keys(earlier[0], later[0])
    before, after = score(*earlier, only_keys=keys), score(*later, only_keys=keys)
    changes = []
    for theme in after.themes:
        old = before.theme(theme.code)
        changes.append(Change(code=theme.code, title=theme.title, before=old.mean_level if old else None,
                              after=theme.mean_level))
    return changes, keys
