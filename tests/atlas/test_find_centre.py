"""Hitta familjecentral: a parent types a postcode, a place or an address, or gives a position, and gets the nearest
centres across kommun borders with what is needed to go there today."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from fcatlas.registry.schedules import parse

pytestmark = pytest.mark.django_db

FOUR_CORE = ("maternal_health", "child_health", "open_preschool", "preventive_social_services")
HJALLBO = (11.9386, 57.7696)     # Göteborg, north-east
BACKA = (11.9833, 57.7417)       # Göteborg, Backa
LINDOME = (12.0747, 57.5760)     # Mölndal
KUNGSBACKA = (12.0776, 57.4875)  # Kungsbacka, in Halland


@pytest.fixture
def centres(make_unit):
    every_day = parse("mån–fre 8.30–16, lör–sön 10–14")
    return {
        "hjallbo": make_unit(name="Familjecentralen Hjällbo", municipality="1480", services=FOUR_CORE,
                             longitude=HJALLBO[0], latitude=HJALLBO[1], phone="031-365 00 00",
                             opening_hours=every_day, drop_in_hours=parse("tis 9–12"), languages=["sv", "ar"]),
        "backa": make_unit(name="Familjecentralen Backa", municipality="1480", services=FOUR_CORE,
                           longitude=BACKA[0], latitude=BACKA[1]),
        "lindome": make_unit(name="Familjecentralen Lindome", municipality="1481", services=FOUR_CORE,
                             longitude=LINDOME[0], latitude=LINDOME[1]),
        "kungsbacka": make_unit(name="Familjecentralen Kungsbacka", municipality="1384",
                                services=("child_health", "open_preschool"),
                                longitude=KUNGSBACKA[0], latitude=KUNGSBACKA[1]),
        "closed": make_unit(name="Familjecentralen Stängd", municipality="1480", services=FOUR_CORE,
                            longitude=BACKA[0], latitude=BACKA[1], status="closed", closed_on="2025-06-30"),
    }


def names(page: str) -> list[str]:
    import re
    return re.findall(r'<h3><a href="/enheter/\d+/">([^<]+)</a></h3>', page)


def test_a_postcode_with_or_without_its_space_gives_the_three_nearest_centres_nearest_first(client, centres):
    with_space = client.get("/hitta/", {"q": "415 05"})  # Göteborg, Gamlestaden
    page = with_space.content.decode()
    assert with_space.status_code == 200 and "Närmast <bdi dir='ltr'>415 05, Göteborg</bdi>" in page
    assert names(page) == ["Familjecentralen Backa", "Familjecentralen Hjällbo", "Familjecentralen Lindome"]
    assert names(client.get("/hitta/", {"q": "41505"}).content.decode()) == names(page)
    assert "Familjecentralen Stängd" not in page
    assert "Postnummer: GeoNames (CC BY 4.0)" in page


def test_a_centre_shows_its_phone_todays_hours_languages_and_a_way_there(client, centres):
    page = client.get("/hitta/", {"lat": f"{HJALLBO[1]}", "lon": f"{HJALLBO[0]}"}).content.decode()
    assert names(page)[0] == "Familjecentralen Hjällbo"
    assert '<a href="tel:0313650000" dir="ltr">031-365 00 00</a>' in page
    today = "10.00–14.00" if date.today().weekday() >= 5 else "08.30–16.00"
    assert f'<dt>Öppet i dag</dt><dd><bdi dir="ltr">{today}</bdi></dd>' in page
    assert "arabiska" in page and "svenska" in page
    assert "https://www.openstreetmap.org/directions?route=" in page


def test_a_district_name_finds_its_small_area_and_offers_the_others(client, centres):
    page = client.get("/hitta/", {"q": "Biskopsgården"}).content.decode()
    assert "Närmast <bdi dir='ltr'>Norra Biskopsgården, Göteborg</bdi>" in page
    assert "Menade du en annan plats?" in page and "Södra Biskopsgården" in page
    assert names(page)[0] in ("Familjecentralen Backa", "Familjecentralen Hjällbo")


def test_names_are_found_without_the_swedish_letters(client, centres):
    page = client.get("/hitta/", {"q": "molndal"}).content.decode()
    assert "Närmast <bdi dir='ltr'>Mölndal, Västra Götalands län</bdi>" in page and names(page)[0] == "Familjecentralen Lindome"


def test_a_kommun_without_a_centre_points_across_the_border(client, centres):
    page = client.get("/hitta/", {"q": "Härryda"}).content.decode()  # no unit in Härryda (1401)
    assert len(names(page)) == 3
    assert "också i grannkommunerna" in page


def test_a_position_from_the_browser_gives_the_centres_nearest_it(client, centres):
    page = client.get("/hitta/", {"lat": f"{KUNGSBACKA[1]}", "lon": f"{KUNGSBACKA[0]}"}).content.decode()
    assert "Närmast dig" in page and names(page)[0] == "Familjecentralen Kungsbacka"
    abroad = client.get("/hitta/", {"lat": "52.52", "lon": "13.40"})
    assert abroad.status_code == 404 and "Positionen ligger inte i Sverige" in abroad.content.decode()


def test_a_place_that_is_not_found_is_said_in_swedish_and_the_typed_text_kept(client, centres):
    response = client.get("/hitta/", {"q": "Xyzzyköping"})
    page = response.content.decode()
    assert response.status_code == 404
    assert "Vi hittade ingen plats som heter ”Xyzzyköping”" in page and 'value="Xyzzyköping"' in page
    assert "Adresser går inte att söka på här." in page


def test_the_list_shows_ten_centres_when_asked(client, make_unit):
    for number in range(12):
        make_unit(name=f"Familjecentralen {number:02d}", municipality="0180", services=FOUR_CORE,
                  longitude=18.0 + number / 100, latitude=59.33)
    assert len(names(client.get("/hitta/", {"q": "Stockholm", "antal": "10"}).content.decode())) == 10


class _Nominatim(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps([{"display_name": "Exempelgatan 1, Kungsbacka", "lat": str(KUNGSBACKA[1]),
                            "lon": str(KUNGSBACKA[0])}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_address_is_looked_up_where_a_geocoder_is_configured(client, centres, settings):
    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search"
    try:
        page = client.get("/hitta/", {"q": "Exempelgatan 1 Kungsbacka"}).content.decode()
    finally:
        server.shutdown()
    assert "Närmast <bdi dir='ltr'>Exempelgatan 1, Kungsbacka</bdi>" in page
    assert names(page)[0] == "Familjecentralen Kungsbacka"


def test_an_unreachable_geocoder_is_said_and_the_page_still_answers(client, centres, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9/search"
    response = client.get("/hitta/", {"q": "Exempelgatan 1 Kungsbacka"})
    assert response.status_code == 404
    assert "Adressökningen svarar inte just nu" in response.content.decode()


def test_a_geocoder_that_did_not_answer_is_asked_again_at_the_next_search(client, centres, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9/search"
    assert client.get("/hitta/", {"q": "Exempelgatan 1 Kungsbacka"}).status_code == 404

    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search"
    try:
        again = client.get("/hitta/", {"q": "Exempelgatan 1 Kungsbacka"})
    finally:
        server.shutdown()
    assert again.status_code == 200
    assert names(again.content.decode())[0] == "Familjecentralen Kungsbacka"


def test_the_finder_speaks_english_and_arabic_right_to_left_and_the_switch_keeps_the_page(client, centres):
    english = client.get("/hitta/", {"q": "415 05"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in english
    assert "Find a family centre" in english and "Nearest to <bdi dir='ltr'>415 05, Göteborg</bdi>" in english
    assert "as the crow flies" in english and "Open today" in english
    arabic = client.get("/hitta/", {"q": "415 05"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "ابحث عن مركز أسرة" in arabic
    assert "الأقرب إلى <bdi dir='ltr'>415 05, Göteborg</bdi>" in arabic and "الثلاثاء" in arabic  # Tuesday's drop-in

    switched = client.post("/i18n/setlang/", {"language": "ar", "next": "/hitta/?q=415+05"})
    assert switched["Location"] == "/hitta/?q=415+05"
    assert '<html lang="ar" dir="rtl">' in client.get("/hitta/", {"q": "415 05"}).content.decode()
    staff = client.get("/region/").content.decode()
    assert '<html lang="sv" dir="ltr">' in staff and "Regioner" in staff  # staff pages stay Swedish


def test_a_unit_page_in_arabic_leads_with_how_to_get_there_and_marks_the_swedish_part(client, centres):
    page = client.get(centres["hjallbo"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "كيف تصل إلى هنا" in page
    assert "العربية" in page and "السويدية" in page  # the languages spoken there
    assert "المعلومات أدناه مخصصة للعاملين ومتوفرة باللغة السويدية فقط." in page
    assert '<div lang="sv" dir="ltr">' in page


def test_a_page_not_translated_stays_swedish_whatever_the_visitor_chose(client):
    for path in ("/tillganglighet/", "/kontakt/", "/region/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        assert '<html lang="sv" dir="ltr">' in page, path
