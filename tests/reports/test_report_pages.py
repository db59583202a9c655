"""The report pages: who may write and issue, the words saved without loss, files built by the task runner,
and the public profiles of a region and a kommun."""

import io

import openpyxl
import pytest

from fcatlas.analysis.police import DEFAULT_LIST_YEAR
from fcatlas.reports import issuing
from fcatlas.reports.models import FileStatus, Report, ReportFile, ReportStatus
from fcatlas.reports.scopes import NATIONAL, parse_scope

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def units(make_unit):
    make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038)
    make_unit(name="Familjecentralen Rinkeby", municipality="0180", services=FOUR_CORE, latitude=59.3293,
              longitude=18.0686)


def new_report_form(**values):
    return {"kind": "national", "region": "", "municipality": "", "title": "", "reference": "",
            "radius": "2000", "year": str(DEFAULT_LIST_YEAR)} | values


def test_a_national_administrator_creates_a_draft_of_the_national_report(client, make_user, units):
    client.force_login(make_user("national_administrator"))
    response = client.post("/rapporter/ny/", new_report_form(reference="S2026/01234", compare_on="2025-12-31"),
                           follow=True)
    report = Report.objects.get()
    assert report.compare_on.isoformat() == "2025-12-31"
    assert response.redirect_chain[-1][0] == f"/rapporter/{report.pk}/"
    assert report.scope_kind == "national" and report.reference == "S2026/01234"
    page = response.content.decode()
    assert "Rapportens status: Utkast" in page and "Familjecentraler och familjecentralsliknande" in page
    assert f"/rapporter/{report.pk}/figur/karta-enheter.svg" in page
    assert "Registret den 2025-12-31 och i dag" in page


def test_a_municipal_coordinator_may_not_write_the_national_report(client, make_user, units):
    client.force_login(make_user("municipal_coordinator", municipality="1280"))
    response = client.post("/rapporter/ny/", new_report_form())
    assert response.status_code == 403
    assert "Det får en nationell administratör" in response.content.decode()
    assert not Report.objects.exists()


def test_a_regional_coordinator_writes_a_report_for_the_own_region_only(client, make_user, units):
    client.force_login(make_user("regional_coordinator", region="12"))
    assert client.post("/rapporter/ny/", new_report_form(kind="region", region="12")).status_code == 302
    assert client.post("/rapporter/ny/", new_report_form(kind="region", region="01")).status_code == 403
    assert list(Report.objects.values_list("scope_name", flat=True)) == ["Skåne län"]


def test_a_form_with_bad_choices_says_what_is_wrong_and_creates_nothing(client, make_user):
    client.force_login(make_user("national_administrator"))
    response = client.post("/rapporter/ny/", new_report_form(kind="municipality", municipality="9999", radius="7",
                                                             compare_on="31/12/2025"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Det finns ingen kommun med kod" in page and "Välj en av radierna i listan." in page
    assert "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-12-31" in page and 'value="31/12/2025"' in page
    assert not Report.objects.exists()


def test_a_draft_is_hidden_from_visitors_and_an_issued_report_is_public(client, units):
    report = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    assert client.get(f"/rapporter/{report.pk}/").status_code == 404
    assert report.title not in client.get("/rapporter/").content.decode()
    issuing.request_issue(report, queue=False)
    issuing.freeze(report)
    page = client.get(f"/rapporter/{report.pk}/").content.decode()
    assert "Kontrollsumma" in page and "stämmer" in page
    assert report.title in client.get("/rapporter/").content.decode()


def test_words_saved_over_someone_elses_newer_words_are_refused_and_kept_in_the_form(client, make_user, units):
    client.force_login(make_user("national_administrator"))
    report = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    issuing.save_texts(report, conclusions="Den andras text.", proposals="", expected_revision=0)
    response = client.post(f"/rapporter/{report.pk}/text/",
                           {"conclusions": "Min egen text.", "proposals": "Mitt förslag.", "revision": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min egen text." in page and "Mitt förslag." in page and "Den andras text." in page
    report.refresh_from_db()
    assert report.conclusions == "Den andras text." and report.text_revision == 1
    missing = client.post(f"/rapporter/{report.pk}/text/", {"conclusions": "Utan version.", "proposals": ""})
    assert missing.status_code == 400 and "Utan version." in missing.content.decode()
    saved = client.post(f"/rapporter/{report.pk}/text/",
                        {"conclusions": "Min egen text.", "proposals": "Mitt förslag.", "revision": "1"})
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.conclusions == "Min egen text." and report.revisions.count() == 2


def test_issuing_on_the_web_freezes_the_report_through_the_task_runner(
        client, make_user, units, django_capture_on_commit_callbacks, run_worker):
    client.force_login(make_user("national_administrator"))
    report = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{report.pk}/faststall/", follow=True)
    assert "Rapporten fastställs nu" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUING and report.content is None
    run_worker()
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and issuing.verify(report)
    pdf = report.files.get(format="pdf")
    download = client.get(f"/rapporter/filer/{pdf.pk}/")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert "fcatlas-rapport-riket-" in download["Content-Disposition"]


def test_a_file_asked_for_is_built_by_the_task_runner_and_then_downloaded(
        client, make_user, units, django_capture_on_commit_callbacks, run_worker):
    client.force_login(make_user("national_administrator"))
    report = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{report.pk}/fil/", {"format": "xlsx"}, follow=True)
    made = ReportFile.objects.get()
    assert made.status == FileStatus.QUEUED and "byggs" in response.content.decode()
    run_worker()
    download = client.get(f"/rapporter/filer/{made.pk}/")
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[0] == "Om filen"
    again = client.post(f"/rapporter/{report.pk}/fil/", {"format": "xlsx"})
    assert again["Location"] == f"/rapporter/filer/{made.pk}/"  # the same data: the built file is reused
    assert ReportFile.objects.count() == 1


def test_a_regional_profile_compares_the_region_with_the_nation(client, units):
    response = client.get("/region/12/profil/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Familjecentraler i Skåne län – regionprofil" in page and "Andel i riket" in page
    assert "Slutsatser och förslag" not in page
    figure = client.get("/region/12/profil/figur/karta-tackning.svg")
    assert figure["Content-Type"].startswith("image/svg+xml") and b"<svg" in figure.content
    assert client.get("/region/12/profil/figur/finns-inte.svg").status_code == 404
    assert client.get("/region/77/profil/").status_code == 404
    assert client.get("/land/12/profil/").status_code == 404


def test_a_municipal_profile_downloads_as_a_workbook_of_its_tables(client, units):
    response = client.get("/kommun/1280/profil/?format=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="fcatlas-profil-kommun-1280-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    expected = len([t for c in issuing.live_content(parse_scope("kommun:1280").as_text(), 2000, DEFAULT_LIST_YEAR)[
        "chapters"] for t in c["tables"]])
    assert len(book.sheetnames) == expected + 1


def test_a_profile_pdf_is_for_people_who_are_logged_in(client, make_user, units, django_capture_on_commit_callbacks,
                                                      run_worker):
    assert client.post("/kommun/1280/profil/pdf/").status_code == 302  # to the login page
    assert not ReportFile.objects.exists()
    client.force_login(make_user("reader"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kommun/1280/profil/pdf/")
    made = ReportFile.objects.get()
    assert response["Location"] == f"/rapporter/filer/{made.pk}/" and made.report is None
    run_worker()
    download = client.get(f"/rapporter/filer/{made.pk}/")
    assert download.content.startswith(b"%PDF") and "fcatlas-profil-kommun-1280-" in download["Content-Disposition"]


def test_region_and_kommun_pages_lead_to_their_profiles(client, units):
    assert "/region/12/profil/" in client.get("/region/12/").content.decode()
    assert "/kommun/1280/profil/" in client.get("/kommun/1280/").content.decode()
