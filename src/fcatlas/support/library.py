"""The knowledge library: saving an article (versioned) and finding articles by words.

Search is real full-text search with Swedish stemming: PostgreSQL's ``swedish`` text search configuration, or
on SQLite an FTS5 table of words stemmed by the same Snowball algorithm. Every query word also matches as a
prefix of a stemmed word, so that "våld" finds "våldet" and "föräldraskap" finds "föräldraskapet" whichever
way the stemmer treats the definite form.
"""

import re

import snowballstemmer
from django.db import connection, transaction
from django.utils.text import slugify

from .models import Article, Revision
from .revisions import check_current, keep
from .vocabulary import ArticleKind, TargetRole, Theme

WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("swedish")
MAX_QUERY_WORDS = 12


class ArticleError(ValueError):
    """What is wrong with an article a person saved: {field: Swedish message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def query_words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text or "")][:MAX_QUERY_WORDS]


def stemmed(text: str) -> str:
    return " ".join(_stemmer.stemWords([word.lower() for word in WORD.findall(text)]))


def search(text: str) -> list[Article]:
    """The articles that hold every word of ``text`` (stemmed, or as the start of a word), best match first."""
    words = query_words(text)
    if not words:
        return []
    if connection.vendor == "postgresql":
        ids = _postgres_search(words)
    else:
        ids = _sqlite_search(words)
    found = Article.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _postgres_search(words: list[str]) -> list[int]:
    document = "to_tsvector('swedish', title || ' ' || summary || ' ' || body)"  # the index's own expression
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM support_article, to_tsquery('swedish', %s) AS query WHERE {document} @@ query "
            f"ORDER BY ts_rank({document}, query) DESC, title",
            [" & ".join(f"{word}:*" for word in words)])
        return [row[0] for row in cursor.fetchall()]


def _sqlite_search(words: list[str]) -> list[int]:
    terms = " AND ".join(f'"{stem}"*' for stem in _stemmer.stemWords(words))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM support_article_search WHERE support_article_search MATCH %s "
                       "ORDER BY rank", [terms])
        return [row[0] for row in cursor.fetchall()]


def _index(article: Article) -> None:
    if connection.vendor != "sqlite":
        return  # PostgreSQL's expression index follows the row by itself
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM support_article_search WHERE rowid = %s", [article.pk])
        cursor.execute("INSERT INTO support_article_search (rowid, words) VALUES (%s, %s)",
                       [article.pk, stemmed(f"{article.title} {article.summary} {article.body}")])


def reindex_library() -> None:
    """Rebuild the SQLite search index from the articles (after a restore wrote them directly)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM support_article_search")
    for article in Article.objects.all():
        _index(article)


ARTICLE_FIELDS = ("title", "kind", "summary", "body", "based_on", "publisher", "year", "themes", "target_roles")


def checked_values(raw: dict) -> dict:
    """The values of a form or a file, checked; :class:`ArticleError` names every field that is wrong."""
    errors = {}
    text = {name: str(raw.get(name) or "").strip() for name in ("title", "kind", "summary", "body", "based_on",
                                                                 "publisher")}
    for name, label in (("title", "Rubrik"), ("summary", "Sammanfattning"), ("based_on", "Bygger på")):
        if not text[name]:
            errors[name] = f"{label} behöver fyllas i."
    kind = text["kind"] or ArticleKind.WRITTEN_HERE
    if kind not in ArticleKind.values:
        errors["kind"] = f"Okänt slag ”{kind}”; välj ”skrivet för fcatlas” eller ”hänvisning”."
    if kind == ArticleKind.PUBLIC_GUIDANCE and not text["publisher"]:
        errors["publisher"] = "En hänvisning till offentlig vägledning behöver en utgivare."
    year = None
    year_text = str(raw.get("year") or "").strip()
    if year_text:
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
            errors["year"] = f"Året ska vara ett årtal som 2024, inte ”{year_text}”."
        else:
            year = int(year_text)
    if kind == ArticleKind.PUBLIC_GUIDANCE and year is None and "year" not in errors:
        errors["year"] = "En hänvisning till offentlig vägledning behöver ett utgivningsår."
    themes = [theme for theme in raw.get("themes") or [] if theme]
    unknown = [theme for theme in themes if theme not in Theme.values]
    if unknown:
        errors["themes"] = f"Okänt tema ”{unknown[0]}”."
    elif not themes:
        errors["themes"] = "Välj minst ett tema."
    roles = [role for role in raw.get("target_roles") or [] if role]
    if any(role not in TargetRole.values for role in roles):
        errors["target_roles"] = "Okänd målgrupp bland ”för vem”."
    if errors:
        raise ArticleError(errors)
    return text | {"kind": kind, "year": year, "themes": list(dict.fromkeys(themes)),
                   "target_roles": list(dict.fromkeys(roles))}


@transaction.atomic
def save_article(article: Article | None, raw: dict, user=None, *, slug: str | None = None,
                 revision: str | None = None) -> Article:
    """Create or change an article, keep the saved version in its history and update the search index. A change
    must name the ``revision`` its form was opened at (``revisions.StaleEdit`` if it is not the newest)."""
    values = checked_values(raw)
    if article is None:
        article = Article(slug=slug or _free_slug(values["title"]))
    else:
        check_current(Revision.Kind.ARTICLE, article, revision)
    for name in ARTICLE_FIELDS:
        setattr(article, name, values[name])
    article.updated_by = user if user is not None and user.is_authenticated else None
    article.save()
    keep(Revision.Kind.ARTICLE, article.pk, user, values)
    _index(article)
    return article


def _free_slug(title: str) -> str:
    base = slugify(title.replace("å", "a").replace("ä", "a").replace("ö", "o"))[:100] or "underlag"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def articles_on(themes, *, limit: int | None = None) -> list[Article]:
    """The articles tagged with any of ``themes``, those on the first theme first."""
    order = {theme: position for position, theme in enumerate(themes)}
    found = [article for article in Article.objects.all() if set(article.themes) & set(order)]
    found.sort(key=lambda article: (min(order[t] for t in article.themes if t in order), article.title))
    return found[:limit] if limit else found
