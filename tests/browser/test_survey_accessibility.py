"""Every page of the shipped questionnaire, and the survey's staff pages, pass axe-core's WCAG 2.1 A and AA rules
and fit a phone's width — also with error messages showing."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from fcatlas.survey import tokens
from fcatlas.survey.models import Audience, Questionnaire
from fcatlas.survey.questionnaires import install_shipped
from fcatlas.survey.waves import create_wave

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    found = Axe().run(page, options=WCAG_21_AA).response["violations"]
    return [f"{page.url}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}" for v in found]


def test_the_questionnaire_and_the_staff_pages_are_accessible_on_a_phone(browser, site, make_unit, make_user):
    install_shipped()
    unit = make_unit(name="Familjecentralen Tillgänglig", municipality="1280", email="t@exempel.se")
    today = dt.date.today()
    wave = create_wave(name="Kartläggning 2026", opens_on=today, closes_on=today + dt.timedelta(days=30),
                       unit_version=Questionnaire.objects.get(code="enhet").latest_version(),
                       organisation_version=Questionnaire.objects.get(code="huvudman").latest_version())
    link = site + f"/svar/{tokens.link_token(wave.invitations.get(audience=Audience.UNIT, unit=unit))}/"
    page = browser.new_context(locale="sv-SE", viewport={"width": 360, "height": 800}).new_page()
    found, too_wide = [], {}
    for url in [link] + [f"{link}sida/{number}/" for number in range(1, 9)]:
        page.goto(url)
        if url.endswith("sida/1/"):
            page.get_by_label("Postnummer").fill("1")
            page.get_by_role("button", name="Spara och fortsätt").click()  # the page again, with its errors
            assert page.locator(".error-summary").is_visible()
        found += violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[url] = width

    staff = browser.new_context(locale="sv-SE", viewport={"width": 360, "height": 800}).new_page()
    staff.goto(site + "/konto/logga-in/")
    staff.fill("#id_username", make_user("national_administrator").username)
    staff.fill("#id_password", "lösen-ord-123")
    staff.locator("main button[type=submit]").click()
    for path in ["/kartlaggning/", f"/kartlaggning/{wave.pk}/", f"/kartlaggning/{wave.pk}/saknas/",
                 "/kartlaggning/ny/", "/kartlaggning/formular/", f"/kartlaggning/{wave.pk}/granska/"]:
        staff.goto(site + path)
        found += violations(staff)
        width = staff.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert found == []
    assert too_wide == {}
