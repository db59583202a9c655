"""Questionnaires and their versions: the shipped ones installed from ``questionnaires/*.md``, new versions from an
uploaded XLSForm (compiled and checked before anything is stored), and each version's form definition, cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from .definition import FormDefinition, read_form
from .mapping import mapping_problems
from .models import Questionnaire, QuestionnaireVersion
from .xlsform import CompiledForm, FormProblem, XLSFormError, compile_xlsform

SHIPPED_DIR = Path(__file__).parent / "questionnaires"
SHIPPED = {
    "enhet": ("Kartläggning av familjecentraler – enhet", True),
    "huvudman": ("Kartläggning av familjecentraler – kommun eller region", False),
}
"""code → (title, for units) of the questionnaires the project ships, each in ``questionnaires/<code>.md``."""


@dataclass(frozen=True)
class Installed:
    version: QuestionnaireVersion
    created: bool


def check_form(data: bytes, filename: str) -> CompiledForm:
    """Compile an XLSForm and check its registry mapping; ``XLSFormError`` with every problem."""
    compiled = compile_xlsform(data, filename)
    problems = mapping_problems(compiled.definition)
    if problems:
        raise XLSFormError([FormProblem(problem) for problem in problems])
    return compiled


@transaction.atomic
def add_version(questionnaire: Questionnaire, data: bytes, filename: str, user=None) -> Installed:
    """A new version of ``questionnaire`` from an XLSForm file, or the existing version with the same source."""
    compiled = check_form(data, filename)
    digest = QuestionnaireVersion.digest(data)
    existing = questionnaire.versions.filter(sha256=digest).first()
    if existing:
        return Installed(existing, False)
    latest = questionnaire.versions.select_for_update().order_by("-number").first()
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=(latest.number + 1) if latest else 1, form_version=compiled.version,
        source_name=filename, source=data, sha256=digest, xform=compiled.xform,
        created_by=user if user and user.is_authenticated else None)
    return Installed(version, True)


def install_shipped() -> list[Installed]:
    """Install (or leave as they are) the shipped questionnaires; a changed file becomes a new version."""
    installed = []
    for code, (title, for_units) in SHIPPED.items():
        questionnaire, _ = Questionnaire.objects.get_or_create(code=code, defaults={"title": title,
                                                                                    "for_units": for_units})
        path = SHIPPED_DIR / f"{code}.md"
        installed.append(add_version(questionnaire, path.read_bytes(), path.name))
    return installed


@lru_cache(maxsize=32)
def _definition(pk: int, sha256: str, xform: str) -> FormDefinition:
    return read_form(xform)


def definition_of(version: QuestionnaireVersion) -> FormDefinition:
    """The version's form definition (read once per process: versions never change)."""
    return _definition(version.pk, version.sha256, version.xform)
