"""Backup and restore of the whole database, on SQLite and PostgreSQL alike: every table as Django's JSON
serialisation (natural keys for content types and permissions, which ``migrate`` recreates), gzip-compressed,
headed by the migrations it was made with. A restore refuses a file from another schema and replaces every
table's rows in one transaction: all or nothing."""

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder, Serializer as JSONSerializer
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.migrations.loader import MigrationLoader

from fcatlas.support.library import reindex_library

FORMAT = "fcatlas-backup"
FORMAT_VERSION = 1
LEFT_OUT = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
"""Rebuilt by ``migrate`` (content types, permissions) or not worth keeping (sessions: everyone logs in again)."""


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Times with their microseconds: Django's encoder cuts them to milliseconds, and the registry's history is
    ordered by them."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = _FullPrecisionEncoder


class BackupError(ValueError):
    """A file that cannot be restored; the message says why in Swedish."""


@dataclass
class Summary:
    tables: int
    rows: int


def backed_up_models() -> list:
    models = [model for model in apps.get_models() if model._meta.label_lower not in LEFT_OUT]
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def schema() -> list[str]:
    """Every migration applied to the database, as "app.name", sorted."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.applied_migrations)


def code_schema() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def write_backup(path: Path, progress: Callable[[str, int], None] = lambda label, rows: None) -> Summary:
    """Write every table to ``path`` (gzip JSON), in one consistent read."""
    models = backed_up_models()
    rows = 0
    with transaction.atomic(), gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "version": FORMAT_VERSION,
                              "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "database": connection.vendor, "schema": schema(),
                              "tables": [model._meta.label_lower for model in models]}, ensure_ascii=False))
        out.write("\n")
        for model in models:
            objects = model._default_manager.using(DEFAULT_DB_ALIAS).order_by("pk")
            count = objects.count()
            out.write(_Serializer().serialize(objects.iterator(chunk_size=2000), use_natural_foreign_keys=True,
                                              ensure_ascii=False))
            out.write("\n")
            rows += count
            progress(model._meta.label, count)
    return Summary(tables=len(models), rows=rows)


def _read(path: Path) -> tuple[dict, Iterator[str]]:
    try:
        handle = gzip.open(path, "rt", encoding="utf-8")
        header = json.loads(handle.readline())
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{path} är ingen säkerhetskopia från fcatlas (filen går inte att läsa som en).") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} är ingen säkerhetskopia från fcatlas.")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(f"Säkerhetskopian har format {header.get('version')}; den här versionen av fcatlas läser "
                          f"format {FORMAT_VERSION}.")
    return header, handle


def check_schema(header: dict) -> None:
    here = set(code_schema())
    there = set(header.get("schema") or [])
    if here != there:
        only_there, only_here = sorted(there - here), sorted(here - there)
        parts = []
        if only_there:
            parts.append("filen har migreringar som saknas här: " + ", ".join(only_there[:5]))
        if only_here:
            parts.append("här finns migreringar som filen saknar: " + ", ".join(only_here[:5]))
        raise BackupError("Säkerhetskopian är gjord med en annan version av databasens schema ("
                          + "; ".join(parts) + "). Återställ den med den version av fcatlas som gjorde den.")


def restore_backup(path: Path, progress: Callable[[str, int], None] = lambda label, rows: None) -> Summary:
    """Replace every table's rows with those in ``path``; nothing changes if anything in it is wrong."""
    header, lines = _read(path)
    check_schema(header)
    models = [apps.get_model(label) for label in header["tables"]]
    rows = 0
    with lines, transaction.atomic():
        with connection.constraint_checks_disabled():
            for model in [*apps.get_models(include_auto_created=True)]:
                if model._meta.label_lower not in LEFT_OUT and not model._meta.proxy:
                    model._base_manager.all()._raw_delete(DEFAULT_DB_ALIAS)
            for model in models:
                try:
                    objects = list(serializers.deserialize("json", lines.readline(), handle_forward_references=True))
                except serializers.base.DeserializationError as error:
                    raise BackupError(f"Tabellen {model._meta.label} i säkerhetskopian går inte att läsa: {error}") from None
                for item in objects:
                    item.save()
                for item in objects:
                    if item.deferred_fields:
                        item.save_deferred_fields()
                rows += len(objects)
                progress(model._meta.label, len(objects))
        connection.check_constraints()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        reindex_library()
    cache.clear()  # answers cached per data version: a restored registry may repeat an earlier version
    return Summary(tables=len(models), rows=rows)
