"""A report's own words are versioned; an issued report is frozen, reproducible and checkable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fcatlas.analysis.police import DEFAULT_LIST_YEAR
from fcatlas.reports import issuing
from fcatlas.reports.models import FileStatus, Report, ReportStatus
from fcatlas.reports.rendering import render
from fcatlas.reports.scopes import NATIONAL

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def draft(make_unit):
    make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038)
    return issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR, reference="S2026/01234")


def units_in_operation(content) -> int:
    return next(row["value"] for row in content["summary"] if row["label"] == "Enheter i drift")


def test_saving_the_words_keeps_every_revision(draft, make_user):
    writer = make_user("national_administrator")
    assert issuing.save_texts(draft, conclusions="Första.", proposals="", expected_revision=0, user=writer)
    assert issuing.save_texts(draft, conclusions="Första.\n\nAndra.", proposals="Fler centraler.",
                              expected_revision=1, user=writer)
    assert not issuing.save_texts(draft, conclusions="Första.\n\nAndra.", proposals="Fler centraler.",
                                  expected_revision=2, user=writer)  # nothing changed: no new revision
    draft.refresh_from_db()
    assert draft.text_revision == 2 and draft.proposals == "Fler centraler."
    kept = list(draft.revisions.order_by("revision").values_list("revision", "conclusions", "saved_by__username"))
    assert kept == [(1, "Första.", writer.username), (2, "Första.\n\nAndra.", writer.username)]


def test_words_saved_on_an_old_revision_are_refused_and_the_newer_words_kept(draft):
    issuing.save_texts(draft, conclusions="Av den som sparade först.", proposals="", expected_revision=0)
    with pytest.raises(issuing.TextConflict, match="nu version 1"):
        issuing.save_texts(draft, conclusions="Av den som öppnade samtidigt.", proposals="", expected_revision=0)
    draft.refresh_from_db()
    assert draft.conclusions == "Av den som sparade först." and draft.revisions.count() == 1


def test_an_issued_report_does_not_change_when_the_registry_does(draft, make_unit):
    issuing.save_texts(draft, conclusions="Slutsats.", proposals="Förslag.", expected_revision=0)
    issuing.request_issue(draft, queue=False)
    issuing.freeze(draft)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.ISSUED and len(draft.content_sha256) == 64
    texts = issuing.texts_of(draft)
    before = render(issuing.content_of(draft), texts, "html", status=issuing.status_label(draft))

    make_unit(name="Familjecentralen Ny", municipality="0180", services=FOUR_CORE, latitude=59.33, longitude=18.07)
    draft.refresh_from_db()
    after = render(issuing.content_of(draft), texts, "html", status=issuing.status_label(draft))
    assert after == before
    assert units_in_operation(draft.content) == 1
    live = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    assert units_in_operation(issuing.content_of(live)) == 2  # a draft follows the registry
    assert issuing.verify(draft)
    assert sorted(draft.files.filter(status=FileStatus.DONE).values_list("format", flat=True)) == ["html", "pdf", "xlsx"]
    assert bytes(draft.files.get(format="pdf").data).startswith(b"%PDF")


def test_an_issued_report_refuses_new_words(draft):
    issuing.request_issue(draft, queue=False)
    with pytest.raises(issuing.ReportLocked):
        issuing.save_texts(draft, conclusions="Ändrad i efterhand.", proposals="", expected_revision=0)
    with pytest.raises(issuing.ReportLocked):
        issuing.request_issue(draft, queue=False)
    draft.refresh_from_db()
    assert draft.conclusions == "" and not draft.revisions.exists()


def test_the_command_line_reproduces_an_issued_report_and_checks_it(draft, make_unit, tmp_path):
    out = StringIO()
    call_command("report", "--report", str(draft.pk), "--issue", stdout=out)
    draft.refresh_from_db()
    assert draft.content_sha256 in out.getvalue()
    make_unit(name="Familjecentralen Senare", municipality="0180", services=FOUR_CORE, latitude=59.33, longitude=18.07)
    for attempt in ("first.xlsx", "second.xlsx"):
        out = StringIO()
        call_command("report", "--report", str(draft.pk), "--format", "xlsx", "-o", str(tmp_path / attempt),
                     stdout=out)
        assert draft.content_sha256[:40] in out.getvalue().replace("\n", "").replace("│", "").replace(" ", "")
    out = StringIO()
    call_command("report", "--report", str(draft.pk), "--verify", stdout=out)
    assert "är oförändrad" in out.getvalue()

    tampered = dict(draft.content, title="Något annat")
    Report.objects.filter(pk=draft.pk).update(content=tampered)
    with pytest.raises(CommandError, match="har ändrats sedan den fastställdes"):
        call_command("report", "--report", str(draft.pk), "--verify", stdout=StringIO())
