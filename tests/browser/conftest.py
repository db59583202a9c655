import os

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from fcatlas.reference.loading import load_reference

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FCATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run .ci/run or apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server):
    """The live server with the reference geography and the working methods (live-server tests run on a database
    emptied of what migrations wrote)."""
    from fcatlas.registry.models import WorkingMethod
    from fcatlas.registry.working_methods import install

    load_reference(settings.DATA_DIR)
    install(WorkingMethod)
    return live_server.url
