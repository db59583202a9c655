"""A report's life: a draft whose figures follow the registry and whose own words are versioned, then issued —
its content frozen with a checksum — and its files built by the task runner, never inside a request.

Profiles (one region or kommun, compared with the nation) are the same content, shown live; their files are
built the same way and reused while the data they come from are unchanged.
"""

import time
from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fcatlas.planning.answers import data_versions, versioned

from .document import build_content, report_title
from .models import FileStatus, Report, ReportFile, ReportStatus, ReportTextRevision
from .rendering import content_checksum, render, with_figures
from .scopes import Scope, parse_scope


class ReportLocked(Exception):
    """The report is issued (or being issued): its figures and words no longer change."""

    message = "Rapporten är fastställd. Dess text och siffror ändras inte längre; skapa en ny rapport för att skriva om."


class TextConflict(Exception):
    """Someone saved the report's words after this person opened them."""

    def __init__(self, report: Report):
        self.report = report
        self.message = (f"Någon annan har sparat texten efter att du öppnade den (nu version {report.text_revision}). "
                        "Din text finns kvar i formuläret; jämför med den sparade och spara igen.")
        super().__init__(self.message)


@versioned
def live_content(scope_text: str, radius_m: int, year: int, compare_on: date | None = None) -> dict:
    """The content of a draft or a profile as of the data's current versions (figures drawn when shown)."""
    return build_content(parse_scope(scope_text), radius_m=radius_m, year=year, compare_on=compare_on)


def new_report(scope: Scope, *, user=None, title: str = "", reference: str = "", radius_m: int = 2000,
               year: int, compare_on: date | None = None) -> Report:
    return Report.objects.create(
        title=title.strip() or report_title(scope), scope_kind=scope.kind, scope_code=scope.code, scope_name=scope.name,
        reference=reference.strip(), radius_m=radius_m, police_year=year, compare_on=compare_on,
        created_by=user if user is not None and user.is_authenticated else None)


def texts_of(report: Report) -> dict:
    return {"conclusions": report.conclusions, "proposals": report.proposals}


def content_of(report: Report) -> dict:
    """An issued report's frozen content; a draft's live one."""
    if report.status == ReportStatus.ISSUED:
        return report.content
    return live_content(report.scope.as_text(), report.radius_m, report.police_year, report.compare_on)


def save_texts(report: Report, *, conclusions: str, proposals: str, expected_revision: int, user=None) -> bool:
    """Save the report's own words as a new revision (``False`` when nothing changed)."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status != ReportStatus.DRAFT:
            raise ReportLocked()
        if current.text_revision != expected_revision:
            raise TextConflict(current)
        conclusions, proposals = conclusions.replace("\r\n", "\n").strip(), proposals.replace("\r\n", "\n").strip()
        if (conclusions, proposals) == (current.conclusions, current.proposals):
            return False
        current.conclusions, current.proposals = conclusions, proposals
        current.text_revision += 1
        current.save(update_fields=["conclusions", "proposals", "text_revision"])
        ReportTextRevision.objects.create(report=current, revision=current.text_revision, conclusions=conclusions,
                                          proposals=proposals,
                                          saved_by=user if user is not None and user.is_authenticated else None)
    report.refresh_from_db()
    return True


FILE_FORMATS_ON_ISSUE = ("pdf", "xlsx", "html")


def request_issue(report: Report, *, user=None, queue: bool = True) -> None:
    """Lock the report's words and ask the task runner to freeze its content and build its files."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status != ReportStatus.DRAFT:
            raise ReportLocked()
        current.status = ReportStatus.ISSUING
        current.issued_by = user if user is not None and user.is_authenticated else None
        current.save(update_fields=["status", "issued_by"])
        if queue:
            transaction.on_commit(lambda: freeze_report.enqueue(current.pk))
    report.refresh_from_db()


def freeze(report: Report) -> Report:
    """Take the report's content as of now, drawn, and keep it with its checksum; then build its files."""
    if report.status == ReportStatus.ISSUED:
        return report
    content = with_figures(build_content(report.scope, radius_m=report.radius_m, year=report.police_year,
                                         compare_on=report.compare_on))
    report.content = content
    report.content_sha256 = content_checksum(content, texts_of(report))
    report.status = ReportStatus.ISSUED
    report.issued_at = timezone.now()
    report.save(update_fields=["content", "content_sha256", "status", "issued_at"])
    for file_format in FILE_FORMATS_ON_ISSUE:
        build(ReportFile.objects.create(report=report, scope=report.scope.as_text(), radius_m=report.radius_m,
                                        police_year=report.police_year, format=file_format,
                                        requested_by=report.issued_by))
    return report


def verify(report: Report) -> bool:
    """Whether an issued report's content and words are still what was issued (the checksum matches)."""
    return report.status == ReportStatus.ISSUED and content_checksum(report.content, texts_of(report)) == \
        report.content_sha256


def status_label(report: Report | None) -> str:
    if report is None:
        return "Aktuella uppgifter, inte fastställd"
    if report.status == ReportStatus.ISSUED:
        return f"Fastställd {timezone.localtime(report.issued_at):%Y-%m-%d}"
    return report.get_status_display()


def meta_of(report: Report | None) -> dict:
    if report is None:
        return {}
    meta = {}
    if report.reference:
        meta["Diarienummer"] = report.reference
    if report.status == ReportStatus.ISSUED:
        if report.issued_by:
            meta["Fastställd av"] = report.issued_by.get_full_name() or report.issued_by.username
        meta["Kontrollsumma"] = report.content_sha256
    else:
        meta["Textversion"] = str(report.text_revision)
    return meta


def _data_version() -> str:
    return repr(data_versions())


def request_file(*, file_format: str, report: Report | None = None, scope: Scope | None = None,
                 radius_m: int = 2000, year: int | None = None, user=None, queue: bool = True) -> ReportFile:
    """A file of a report or a profile: the one already built for the same content, or a new one queued."""
    if report is not None:
        scope, radius_m, year = report.scope, report.radius_m, report.police_year
    version = report.content_sha256 if report is not None and report.status == ReportStatus.ISSUED else (
        _data_version() + (f"/text {report.text_revision}" if report is not None else ""))
    reusable = ReportFile.objects.filter(report=report, scope=scope.as_text(), radius_m=radius_m, police_year=year,
                                         format=file_format, data_version=version).exclude(status=FileStatus.FAILED)
    found = reusable.first()
    if found is not None:
        return found
    made = ReportFile.objects.create(report=report, scope=scope.as_text(), radius_m=radius_m, police_year=year,
                                     format=file_format, data_version=version,
                                     requested_by=user if user is not None and user.is_authenticated else None)
    if queue:
        transaction.on_commit(lambda: build_report_file.enqueue(made.pk))
    return made


def build(report_file: ReportFile) -> ReportFile:
    """Render one file and keep it; a failure is kept with its reason, never half a file."""
    if report_file.status == FileStatus.DONE:
        return report_file
    started = time.perf_counter()
    report = report_file.report
    try:
        if report is not None:
            content, texts = content_of(report), texts_of(report)
        else:
            content, texts = live_content(report_file.scope, report_file.radius_m, report_file.police_year), None
        data = render(content, texts, report_file.format, status=status_label(report), meta=meta_of(report))
    except Exception as error:  # kept on the file so the person who asked sees why
        report_file.status, report_file.error = FileStatus.FAILED, f"Filen kunde inte byggas: {error}"[:2000]
        report_file.save(update_fields=["status", "error"])
        raise
    report_file.data, report_file.status, report_file.as_of = data, FileStatus.DONE, content["as_of_text"]
    report_file.content_sha256 = content_checksum(content, texts)
    if report is not None and report.status == ReportStatus.ISSUED:
        report_file.data_version = report.content_sha256
    report_file.built_at, report_file.seconds = timezone.now(), time.perf_counter() - started
    report_file.save(update_fields=["data", "status", "as_of", "content_sha256", "data_version", "built_at",
                                    "seconds"])
    return report_file


@task()
def freeze_report(report_id: int) -> str:
    return freeze(Report.objects.get(pk=report_id)).content_sha256


@task()
def build_report_file(file_id: int) -> int:
    return len(build(ReportFile.objects.select_related("report").get(pk=file_id)).data)


def file_name(report_file: ReportFile) -> str:
    scope = parse_scope(report_file.scope)
    stamp = (report_file.as_of or "")[:10]
    kind = "rapport" if report_file.report_id else "profil"
    return f"fcatlas-{kind}-{scope.slug}-{stamp}.{report_file.format}"
