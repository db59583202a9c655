"""The knowledge library's full-text index: PostgreSQL's Swedish text search over an expression index, or an
SQLite FTS5 table of Snowball-stemmed words that ``support.library`` keeps in step with the articles."""

from django.db import migrations

POSTGRES_INDEX = ("CREATE INDEX support_article_search ON support_article USING gin "
                  "(to_tsvector('swedish', title || ' ' || summary || ' ' || body))")
SQLITE_TABLE = ("CREATE VIRTUAL TABLE support_article_search USING fts5(words, "
                "tokenize = 'unicode61 remove_diacritics 0')")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_INDEX)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS support_article_search")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS support_article_search")


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
