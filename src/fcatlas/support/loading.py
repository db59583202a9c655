"""Loading the shipped support material: the self-assessment rubric versions and the starter knowledge library
(``data/support/``). Loading again adds what is missing and never overwrites what editors have changed."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .library import save_article
from .models import Article, Rubric
from .scoring import check_definition

SUPPORT_DATA = "support"
LIBRARY_FILE = "kunskapsbank.json"
RUBRIC_PATTERN = "sjalvskattning-v*.json"


class LoadError(ValueError):
    """A shipped file that cannot be loaded; the message names the file and what is wrong."""


@dataclass
class Loaded:
    rubrics_added: int
    articles_added: int
    articles_kept: int


def support_dir() -> Path:
    return Path(settings.DATA_DIR) / SUPPORT_DATA


@transaction.atomic
def load_rubric(path: Path) -> bool:
    """Store the rubric version in ``path``; False when that version is already stored as it is. A stored
    version differs from the file → :class:`LoadError`: a published version never changes, make a new one."""
    content = json.loads(path.read_text(encoding="utf-8"))
    definition = {"based_on": content.get("based_on", ""), "themes": content["themes"]}
    try:
        check_definition(definition)
    except ValueError as error:
        raise LoadError(f"{path.name}: {error}") from None
    stored = Rubric.objects.filter(version=content["version"]).first()
    if stored is not None:
        if stored.definition != definition:
            raise LoadError(f"{path.name}: version {content['version']} finns redan med annat innehåll. En "
                            "publicerad version ändras inte – lägg ändringarna i en ny version.")
        return False
    Rubric.objects.create(version=content["version"], title=content["title"],
                          published_on=date.fromisoformat(content["published_on"]), definition=definition)
    return True


@transaction.atomic
def load_library(path: Path) -> tuple[int, int]:
    """Add the starter articles that are not in the library yet (by address); (added, already there)."""
    content = json.loads(path.read_text(encoding="utf-8"))
    added = kept = 0
    for number, item in enumerate(content["articles"], start=1):
        if Article.objects.filter(slug=item["slug"]).exists():
            kept += 1
            continue
        try:
            save_article(None, item, slug=item["slug"])
        except ValueError as error:
            raise LoadError(f"{path.name}, underlag {number} ({item.get('slug')}): {error}") from None
        added += 1
    return added, kept


def load_support(directory: Path | None = None) -> Loaded:
    directory = directory or support_dir()
    rubrics = sum(load_rubric(path) for path in sorted(directory.glob(RUBRIC_PATTERN)))
    added, kept = load_library(directory / LIBRARY_FILE)
    return Loaded(rubrics_added=rubrics, articles_added=added, articles_kept=kept)
