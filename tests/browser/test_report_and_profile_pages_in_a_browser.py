"""The report, profile and dashboard pages pass axe-core's WCAG 2.1 A and AA rules, their map and charts load, and
on paper they show the content without the menu, the forms or the map's controls."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fcatlas.analysis.police import DEFAULT_LIST_YEAR
from fcatlas.reports import issuing
from fcatlas.reports.scopes import NATIONAL

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")


@pytest.fixture
def units(make_unit):
    make_unit(name="Familjecentralen Sorgenfri", municipality="1280", services=FOUR_CORE, latitude=55.605,
              longitude=13.0038, working_methods=["violence_routine_questions"])
    make_unit(name="BVC Lund", municipality="1281", services=("child_health", "open_preschool"), latitude=55.7047,
              longitude=13.191)


def violations(page) -> list[str]:
    found = Axe().run(page, options=WCAG_21_AA).response["violations"]
    return [f"{page.url}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}" for v in found]


def test_the_report_profile_and_dashboard_pages_are_accessible(page, site, units):
    report = issuing.new_report(NATIONAL, year=DEFAULT_LIST_YEAR)
    issuing.request_issue(report, queue=False)
    issuing.freeze(report)
    found = []
    for path in ["/rapporter/", f"/rapporter/{report.pk}/", "/region/12/profil/", "/kommun/1280/profil/",
                 "/oversikt/?region=12", "/om/", "/hjalp/", "/kontakt/", "/personuppgifter/", "/tillganglighet/",
                 "/finns-inte/", "/hitta/?q=Malmö"]:
        page.goto(site + path)
        for image in page.locator("figure img").all():
            image.scroll_into_view_if_needed()
            assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle()), path
        found += violations(page)
    assert found == []


def test_the_dashboard_map_shows_the_units_of_the_filters(page, site, units):
    page.goto(site + "/oversikt/?region=12&metod=violence_routine_questions")
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)
    expect(page.locator("#map .unit-marker")).to_have_count(1)
    expect(page.locator("#map path.kommun")).to_have_count(33)


def test_on_paper_a_page_has_no_menu_forms_or_map_controls(page, site, units):
    page.goto(site + "/oversikt/?region=12")
    page.wait_for_selector("#map[data-ready='true']", timeout=20_000)
    page.emulate_media(media="print")
    for hidden in (".site-header nav", "form.filter-form", ".leaflet-control-container", ".skip-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".data-table").first).to_be_visible()
    page.goto(site + "/region/12/profil/")
    page.emulate_media(media="print")
    expect(page.locator(".report-actions")).to_be_hidden()
    expect(page.locator("#sammanfattning-rubrik")).to_be_visible()
