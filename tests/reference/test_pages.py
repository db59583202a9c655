import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_kommun_page_names_the_kommun_its_region_and_its_areas(client):
    page = client.get("/kommun/1280/").content.decode()
    assert "<h1>Malmö</h1>" in page
    assert 'href="/region/12/">Skåne län</a>' in page
    assert "Rosengård söder om Amiralsgatan" in page
    assert "Polisens lista 2025: 4 områden" in page


def test_a_kommun_without_areas_says_so(client):
    page = client.get("/kommun/2584/").content.decode()
    assert "<h1>Kiruna</h1>" in page
    assert "inget område på någon av Polisens listor" in page


def test_an_unknown_kommun_code_is_not_found(client):
    assert client.get("/kommun/9999/").status_code == 404


def test_the_region_page_lists_its_kommuner(client):
    page = client.get("/region/25/").content.decode()
    assert "<h1>Norrbottens län</h1>" in page
    assert len(set(re.findall(r'href="/kommun/(25\d\d)/"', page))) == 14


def test_the_kommun_list_links_all_290_kommuner(client):
    page = client.get("/kommun/").content.decode()
    assert len(set(re.findall(r'href="/kommun/(\d{4})/"', page))) == 290


def test_the_start_page_offers_every_list_year_and_a_text_alternative(client):
    page = client.get("/").content.decode()
    for year in (2015, 2017, 2019, 2021, 2023, 2025):
        assert f'<option value="{year}"' in page
    assert "Polisens utsatta områden 2023: <span data-area-count>59</span>" in page
    assert 'aria-label="Karta över Sveriges kommuner' in page
    assert "SCB (kommungränser" in page
