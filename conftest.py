"""Shared pytest fixtures: the browser (Debian's Chromium through Playwright) and the demo content."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    if os.environ.get("PUENTE_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"PUENTE_REQUIRE_BROWSER is set but {CHROMIUM} is not installed")
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    if chromium_available():
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: SKIPPED, no Chromium at {CHROMIUM}"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django's ORM refuses to run inside one unless told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_db(transactional_db):
    """The demo content, loaded through the real management command (for browser tests)."""
    import io

    from django.core.management import call_command
    from wagtail.models import Collection, Locale, Page

    # A transactional test that ran earlier flushed every table, Wagtail's root page, root collection and
    # default locale (made by its migrations) included; put them back as the migrations do.
    if not Locale.objects.exists():
        Locale.objects.create(language_code="en")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request to /es/ leaves Spanish active in the test's thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
