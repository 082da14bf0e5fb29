"""Browser test in Debian's headless Chromium: home page → topic → practice, without and with JavaScript."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_topic_practice(page, live_server, demo_db):
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="Local Development").first.click()
    page.wait_for_url("**/en/topics/local-development/")
    assert "Subscribe to Local Development" in page.content()
    page.get_by_role("link", name="Migra Empresas").click()
    page.wait_for_url("**/en/practices/**")
    assert page.locator("h1").inner_text().strip() == "Migra Empresas"
    assert "Ms. Charlotte" in page.locator("main").inner_text()


def test_pages_work_without_javascript(browser, live_server, demo_db):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/es/practices/")
    page.get_by_label("Tema", exact=True).select_option("remittances")
    page.get_by_role("button", name="Filtrar").click()
    assert "topic=remittances" in page.url
    assert "3x1 Remittance Programme" in page.locator("main").inner_text()
    context.close()


def test_small_screen_has_no_horizontal_overflow(browser, live_server, demo_db):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    for path in ("/en/", "/en/practices/", "/en/jmdi/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} overflows by {overflow}px"
    context.close()


AXE = __import__("pathlib").Path(__file__).parent / "vendor" / "axe.min.js"
KEY_PAGES = [
    "/en/",
    "/en/practices/",
    "/es/commitments/",
    "/en/jmdi/",
    "/fr/topics/local-development/",
    "/en/organisations/",
    "/en/events/?when=past",
    "/es/search/?q=remesas",
    "/fr/search/?q=migrants&kind=practice",
    "/en/assessments/frameworks/cities-of-solidarity/",
    "/en/organisations/carmen-de-la-legua/",
    "/en/organisations/villa-demo/",
]


def test_key_pages_have_no_serious_accessibility_violations(page, live_server, demo_db):
    """axe-core (vendored from npm) finds no serious or critical WCAG 2 A/AA violation."""
    from puente.commitments.models import Commitment
    from puente.groups.models import WorkingGroup

    paths = [*KEY_PAGES, Commitment.objects.get(slug__startswith="carmen").get_absolute_url()]
    paths.append(WorkingGroup.objects.get().get_absolute_url())
    _assert_accessible(page, live_server, paths)


def _assert_accessible(page, live_server, paths):
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.evaluate(AXE.read_text())  # a <script> tag would be refused by the Content-Security-Policy
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        )
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{path}: {serious}"


def test_assessment_pages_have_no_serious_accessibility_violations(page, live_server, demo_db):
    from puente.assessments.models import Round

    round_ = Round.objects.get()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill('input[name="login"]', "focal.demo")  # focal point of the fictional demo organisation
    page.fill('input[name="password"]', "puente-demo")
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_load_state()
    paths = [f"/en/assessments/{round_.pk}/results/", f"/es/assessments/{round_.pk}/", "/en/assessments/"]
    paths.append(f"/en/assessments/{round_.pk}/report/")
    _assert_accessible(page, live_server, paths)
