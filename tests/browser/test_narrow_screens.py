"""Every page fits a 320 px wide phone: no sideways scrolling of the page itself (wide tables scroll in their box)."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_no_page_scrolls_sideways_on_a_320_px_screen(browser, site, make_user, make_unit):
    unit = make_unit(name="Familjecentralen Smal med ett mycket långt namn, Rosengård", municipality="1280",
                     latitude=55.585, longitude=13.04, email="en-mycket-lang-adress.till.familjecentralen@exempel.se",
                     website="https://www.exempel.se/familjecentralen/rosengard/oppettider-och-kontakt")
    make_user("municipal_coordinator", municipality="1280", username="smal")
    context = browser.new_context(locale="sv-SE", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/konto/logga-in/")
    page.fill("#id_username", "smal")
    page.fill("#id_password", "lösen-ord-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/enheter/|/konto/"))

    too_wide = {}
    for path in ["/", "/region/", "/region/12/", "/kommun/", "/kommun/1280/", "/enheter/", f"/enheter/{unit.pk}/",
                 f"/enheter/{unit.pk}/andra/", f"/enheter/historik/{unit.pk}/", "/enheter/import/", "/konto/",
                 "/konto/mina-enheter/", "/planering/prioritet/", "/planering/forslag/", "/planering/scenarier/",
                 "/oversikt/", "/oversikt/?region=12", "/rapporter/", "/region/12/profil/", "/kommun/1280/profil/",
                 "/hitta/", "/hitta/?q=212+11", "/om/", "/hjalp/", "/kontakt/", "/personuppgifter/",
                 "/tillganglighet/", "/finns-inte/"]:
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    context.close()
    assert too_wide == {}
