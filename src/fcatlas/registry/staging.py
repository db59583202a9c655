"""Uploaded files kept between "check" and "confirm": in Django's file storage under ``VAR_DIR/uploads``, named
by a token signed with Django's ``TimestampSigner``, so a token is good for one person, one purpose and
``MAX_AGE_S`` seconds, and cannot be guessed or forged. Shared by the registry import and the survey's imports.

What is kept: the bytes as uploaded and, for the import, the plan the person read (JSON) — the confirm step
applies that plan, not a new reading of the file. Files older than ``MAX_AGE_S`` are removed whenever something
is staged, and by ``prune`` (``fcatlas prune-uploads``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

MAX_AGE_S = 60 * 60


class StagingError(Exception):
    """A token that is unknown, expired, someone else's or for another purpose; the message says so in Swedish."""


@dataclass(frozen=True)
class Staged:
    data: bytes
    filename: str
    plan: str | None


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "uploads")


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"fcatlas.staging.{purpose}")


def prune(max_age_s: int = MAX_AGE_S) -> int:
    """Remove staged files older than ``max_age_s``; returns how many were removed."""
    storage = _storage()
    limit = timezone.now() - timedelta(seconds=max_age_s)
    removed = 0
    try:
        folders, _ = storage.listdir("")
    except FileNotFoundError:
        return 0
    for folder in folders:
        for name in storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if storage.get_modified_time(path) < limit:
                storage.delete(path)
                removed += 1
    return removed


def stage(data: bytes, filename: str, user, *, purpose: str, plan: str | None = None) -> str:
    """Keep ``data`` (and the plan) for ``user``; returns the signed token that fetches them back."""
    prune()
    storage = _storage()
    name = storage.save(f"{purpose}/{uuid.uuid4().hex}", ContentFile(data))
    if plan is not None:
        storage.save(f"{name}.plan.json", ContentFile(plan.encode("utf-8")))
    return _signer(purpose).sign_object({"name": name, "filename": filename, "user": user.pk})


def _unsigned(token: str, user, purpose: str) -> dict:
    try:
        value = _signer(purpose).unsign_object(token or "", max_age=MAX_AGE_S)
    except signing.SignatureExpired:
        raise StagingError(f"Kontrollen gäller i {MAX_AGE_S // 60} minuter och den här har gått ut. Ingenting har "
                           "sparats. Ladda upp filen igen.") from None
    except signing.BadSignature:
        raise StagingError("Kontrollen känns inte igen. Ingenting har sparats. Ladda upp filen igen.") from None
    if value.get("user") != user.pk:
        raise StagingError("Kontrollen gjordes av någon annan. Ingenting har sparats. Ladda upp filen själv.")
    return value


def load(token: str, user, *, purpose: str) -> Staged:
    value = _unsigned(token, user, purpose)
    storage = _storage()
    if not storage.exists(value["name"]):
        raise StagingError("Filen du kontrollerade finns inte längre kvar. Ingenting har sparats. Ladda upp filen igen.")
    with storage.open(value["name"]) as file:
        data = file.read()
    plan = None
    if storage.exists(f"{value['name']}.plan.json"):
        with storage.open(f"{value['name']}.plan.json") as file:
            plan = file.read().decode("utf-8")
    return Staged(data, value["filename"], plan)


def discard(token: str, user, *, purpose: str) -> None:
    value = _unsigned(token, user, purpose)
    storage = _storage()
    for name in (value["name"], f"{value['name']}.plan.json"):
        storage.delete(name)
