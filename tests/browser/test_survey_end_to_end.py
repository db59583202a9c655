"""The mapping survey from end to end in a real browser: a wave from the shipped questionnaires, invitations sent by
the task runner and received by an SMTP server on loopback, a respondent who meets skip logic and a constraint,
leaves and returns, submits twice and gets one receipt, and an analyst who accepts part of the answers into the
registry, where the unit's page and history show them with the wave as source."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fcatlas.registry.models import Source, Unit
from fcatlas.survey.models import Response
from fcatlas.survey.questionnaires import install_shipped

pytestmark = pytest.mark.browser


@pytest.fixture
def inbox(smtp_inbox, settings, site):
    settings.SITE_URL = site
    return smtp_inbox


def question(page, text):
    return page.locator("fieldset.question, div.question").filter(has=page.get_by_text(text, exact=False)).first


def choose(page, text, answer):
    question(page, text).get_by_label(answer, exact=True).check()


def next_page(page):
    page.get_by_role("button", name="Spara och fortsätt").click()


def test_a_wave_from_invitation_to_registry(browser, site, inbox, make_user, make_unit):
    install_shipped()
    unit = make_unit(name="Familjecentralen Solrosen", municipality="1280", email="solrosen@exempel.se",
                     street_address="Solrosvägen 3", postcode="21119", locality="Malmö",
                     services=("maternal_health", "child_health", "open_preschool", "preventive_social_services"),
                     opening_hours=[{"days": "MO,TU,WE,TH,FR", "opens": "08:30", "closes": "16:30"}],
                     languages=["sv", "ar"], serves_expectant_parents=True, serves_parents=True,
                     children_age_from=0, children_age_to=6, serves_other_adults=False, serves_newly_arrived=True,
                     has_coordinator=False, working_methods=["parent_groups"])
    analyst = make_user("national_administrator", username="analytiker")

    staff = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(site + "/konto/logga-in/")
    staff.fill("#id_username", analyst.username)
    staff.fill("#id_password", "lösen-ord-123")
    staff.locator("main button[type=submit]").click()
    staff.goto(site + "/kartlaggning/ny/")
    staff.fill("#id_name", "Kartläggning 2026")
    staff.locator("main button[type=submit]").click()
    expect(staff.locator("h1")).to_contain_text("Kartläggning 2026")
    staff.get_by_role("button", name="Skicka inbjudningar till dem som inte fått någon").click()
    expect(staff.locator(".messages")).to_contain_text("Inbjudningar till 1 mottagare skickas nu")
    assert inbox.messages == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [message["To"] for message in inbox.messages] == ["solrosen@exempel.se"]
    link = re.search(r"(http://\S+/svar/\S+/)", inbox.messages[0].get_content()).group(1)

    respondent = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
    page = respondent.new_page()
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Du svarar för Familjecentralen Solrosen")
    page.get_by_role("link", name="Börja eller fortsätt").click()
    expect(page.get_by_label("Enhetens namn")).to_have_value("Familjecentralen Solrosen")  # from the registry
    expect(page.get_by_label("Öppettider")).to_have_value("mån–fre 8.30–16.30")
    next_page(page)
    expect(question(page, "Vem driver barnhälsovården?").get_by_label("Region", exact=True)).to_be_checked()
    next_page(page)
    choose(page, "Når enheten också barn i åldern 6–12 år", "Nej")
    choose(page, "Når enheten familjer som bor i områden", "Ja, enheten ligger i ett sådant område")
    next_page(page)

    fte = question(page, "Hur många årsarbetare omfattar samordningsuppdraget?")
    expect(fte).to_be_hidden()
    choose(page, "Har enheten en samordnare?", "Ja")
    expect(fte).to_be_visible()  # skip logic, decided by the server as the answer is saved
    fte.get_by_role("textbox").fill("7")
    next_page(page)
    expect(page.locator(".error-summary")).to_contain_text("Ange årsarbetare större än 0 och högst 5")
    expect(fte.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    fte.get_by_role("textbox").fill("0,5")
    next_page(page)
    expect(page.locator("h1")).to_have_text("Arbetssätt")
    respondent.close()  # leaves …

    page = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844}).new_page()
    page.goto(link + "sida/4/")  # … and returns
    expect(question(page, "Hur många årsarbetare").get_by_role("textbox")).to_have_value("0,5")
    page.goto(link + "sida/5/")
    choose(page, "Hur frågar personalen föräldrar om erfarenheter av våld?",
           "Det finns en skriftlig rutin för att fråga alla föräldrar")
    choose(page, "Har personalen fått utbildning om hedersrelaterat våld", "Ja")
    question(page, "Vad gör enheten för ett jämställt föräldraskap").get_by_label(
        "Pappagrupper eller partnergrupper", exact=True).check()
    question(page, "Hur arbetar enheten med barns språkutveckling?").get_by_label(
        "Sagostunder och högläsning", exact=True).check()
    choose(page, "Erbjuder enheten föräldraskapsstödsprogram", "Nej")
    next_page(page)
    next_page(page)
    next_page(page)
    page.get_by_label("Ditt namn").fill("Sara Exempel")
    page.get_by_label("Din roll eller befattning").fill("Samordnare")
    page.get_by_label("Din e-postadress").fill("sara@exempel.se")
    next_page(page)
    expect(page.locator(".section-state.has-errors")).to_have_count(0)
    page.get_by_role("button", name="Skicka in svaret").click()
    receipt = page.locator("#receipt-number").inner_text()
    assert re.fullmatch(r"K\d{4}-\d{6}", receipt)
    page.go_back()
    page.get_by_role("button", name="Skicka in svaret").click()  # twice
    expect(page.locator("#receipt-number")).to_have_text(receipt)
    assert Response.objects.filter(unit_number=unit.pk).count() == 1

    staff.goto(site + f"/kartlaggning/svar/{Response.objects.get().pk}/granska/")
    rows = staff.locator("#review-fields tbody tr")
    expect(rows.filter(has_text="Samordnare, årsarbetare")).to_contain_text("0,5")
    rows.filter(has=staff.get_by_role("rowheader", name="Samordnare", exact=True)).get_by_label("Godkänn").check()
    rows.filter(has_text="Samordnare, årsarbetare").get_by_label("Godkänn").check()
    staff.get_by_role("button", name="Spara besluten").click()
    expect(staff.locator(".messages")).to_contain_text("Sparat: 2 godkända, 0 avvisade.")

    unit.refresh_from_db()
    assert unit.has_coordinator is True and float(unit.coordinator_fte) == 0.5
    staff.goto(site + unit.get_absolute_url())
    history = staff.locator("#history-table")
    expect(history).to_contain_text("Enkätomgång")
    expect(history).to_contain_text(f"Kartläggning 2026, svar {receipt}")
    assert Unit.objects.get(pk=unit.pk).changes.latest("version").source == Source.SURVEY_WAVE
