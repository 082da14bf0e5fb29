"""Browser: under the Content-Security-Policy an injected script does not run, and nothing the site or its admin
needs is blocked (no violation reported; the admin's date pickers, inline panels, choosers and preview work)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
);
"""


def watch(page) -> list[str]:
    """Every policy violation (CSP event or console message, Permissions-Policy errors too) on any page ``page``
    shows from now on."""
    violations = []

    def on_console(message):
        if "Security Policy" in message.text or "Permissions-Policy" in message.text:
            violations.append(message.text)

    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    return violations


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")  # violations are reported async


def test_public_pages_run_no_injected_script_and_break_nothing(page, live_server, demo_db):
    from puente.commitments.models import Commitment

    violations = watch(page)
    with_progress = Commitment.objects.filter(progress_percent__gt=0).first()
    for path in ("/en/", "/en/practices/", "/en/events/", with_progress.get_absolute_url()):
        visit(page, f"{live_server.url}{path}")
    assert page.locator(".progress-bar rect").bounding_box()["width"] > 0

    # The search page refreshes its results and suggestions in place (htmx).
    visit(page, f"{live_server.url}/en/search/?q=migrants")
    page.locator(".search-facets input[type=checkbox]").first.check()
    page.wait_for_url(lambda url: url != f"{live_server.url}/en/search/?q=migrants")
    page.locator("#search-q").fill("remit")
    page.locator("#search-suggestions a").first.wait_for()
    visit(page, page.url)
    assert violations == []

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        ran = page.evaluate(
            """() => { const s = document.createElement("script"); s.textContent = "window.injected = true";
                       document.body.append(s); return window.injected === true; }"""
        )
    assert ran is False


def test_admin_works_under_the_policy(browser, live_server, demo_db):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect
    from wagtail.models import Page

    from puente.events.models import Meeting

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    violations = watch(page)
    base = live_server.url

    visit(page, f"{base}/admin/")
    visit(page, f"{base}/en/")  # with the user bar and its accessibility checker
    page.locator("[data-wagtail-userbar] button, #wagtail-userbar-trigger").first.click()

    visit(page, f"{base}/admin/snippets/events/meeting/edit/{Meeting.objects.first().pk}/")
    page.locator("#id_date").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.locator("#id_action_items-ADD").click()  # the new form's date picker runs the empty form's script
    page.locator("[id^=id_action_items-][id$=-due_date]").last.click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.locator("[data-chooser-action-choose]:visible").first.click()
    expect(page.locator(".modal:visible")).to_have_count(1)
    page.keyboard.press("Escape")

    home = Page.objects.get(depth=2)
    visit(page, f"{base}/admin/pages/{home.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()
    expect(page.frame_locator("#w-preview-iframe").locator("h1").first).to_be_visible()

    visit(page, f"{base}/admin/localize/submit/page/{home.pk}/")
    page.locator("[name=select_all]").check()
    expect(page.locator("[name=locales]:not(:checked)")).to_have_count(0)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    translated = Page.objects.get(translation_key=home.translation_key, locale__language_code="es")
    visit(page, f"{base}/admin/pages/{translated.pk}/edit/")  # wagtail-localize's translation editor
    expect(page.get_by_text("Download PO file").first).to_be_visible()
    visit(page, f"{base}/admin/pages/")
    assert violations == []
    context.close()
