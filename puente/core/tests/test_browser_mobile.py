"""At 390 px in headless Chromium: a compact header whose menu opens, Escape closing the account menu, and the
error summary taking focus after a failed form."""

import pytest

from puente.core.tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_compact_header_and_menu(phone, live_server):
    for path in ("/en/practices/", "/es/practices/", "/fr/practices/"):
        phone.goto(f"{live_server.url}{path}")
        height = phone.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        assert height < 120, f"{path}: header is {height}px tall"
    links = phone.locator(".main-nav a")
    assert not links.first.is_visible()
    phone.locator(".nav-menu__toggle").click()
    assert links.first.is_visible()
    assert links.nth(links.count() - 1).is_visible()
    phone.keyboard.press("Escape")
    assert not links.first.is_visible()


def test_menu_opens_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/practices/")
    page.locator(".nav-menu__toggle").click()
    assert page.locator(".main-nav a").first.is_visible()
    context.close()


def test_main_menu_is_a_bar_on_wide_screens(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/practices/")
    assert not page.locator(".nav-menu__toggle").is_visible()
    assert page.locator(".main-nav a").first.is_visible()
    context.close()


def test_error_summary_takes_focus_and_escape_closes_the_account_menu(phone, live_server):
    make_user("rosa", verified_email=True, password="a-long-pass-phrase")
    phone.goto(f"{live_server.url}/en/accounts/login/?next=/en/practices/")
    phone.fill("input[name=login]", "rosa@example.org")
    phone.fill("input[name=password]", "wrong password")
    phone.locator("form.account-form button[type=submit]").click()
    phone.wait_for_selector("[data-error-summary]")
    focused = phone.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert focused, "the error summary should have focus"
    assert "There is a problem" in phone.locator("[data-error-summary]").inner_text()

    phone.fill("input[name=password]", "a-long-pass-phrase")
    phone.locator("form.account-form button[type=submit]").click()
    phone.wait_for_selector(".account-menu summary")
    phone.locator(".account-menu summary").click()
    assert phone.locator(".account-menu__list").is_visible()
    phone.keyboard.press("Escape")
    assert not phone.locator(".account-menu__list").is_visible()
    assert phone.evaluate("document.activeElement.closest('.account-menu') !== null")


def test_new_commitment_form_fits_a_phone(phone, live_server):
    from puente.commitments.tests.test_lifecycle import focal_point
    from puente.core.tests.factories import make_organisation

    city = make_organisation("Villa Movil")
    focal_point(city, "focal-movil")
    user = type(city)._meta.apps.get_model("accounts", "User").objects.get(username="focal-movil")
    user.set_password("a-long-pass-phrase")
    user.save()
    phone.goto(f"{live_server.url}/en/accounts/login/?next=/en/practices/")
    phone.fill("input[name=login]", user.email)
    phone.fill("input[name=password]", "a-long-pass-phrase")
    phone.locator("form.account-form button[type=submit]").click()
    phone.wait_for_selector(".account-menu summary")
    phone.goto(f"{live_server.url}/en/commitments/new/?organisation={city.pk}")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the form overflows by {overflow}px"
    phone.locator("button[name=add_priority]").click()
    assert phone.locator("table.formset tbody tr").count() == 3
