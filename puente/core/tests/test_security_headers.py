"""Production headers: a Content-Security-Policy with no inline script but those given the response's nonce (the
admin's included), and a Permissions-Policy, on public pages, admin pages and uploaded files."""

from html.parser import HTMLParser

from django.test import TestCase
from wagtail.models import Page

from puente.core.tests.factories import (
    make_commitment,
    make_document,
    make_meeting,
    make_organisation,
    make_user,
)

NOT_RUN = {"application/json", "text/template", "text/django-form-template"}  # data, not scripts


class InlineElements(HTMLParser):
    """The nonce of every inline ``<script>`` and ``<style>`` in a page (None when it has none)."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in NOT_RUN:
            self.scripts.append(attrs.get("nonce"))
        elif tag == "style":
            self.styles.append(attrs.get("nonce"))


def inline_elements(response) -> InlineElements:
    parser = InlineElements()
    parser.feed(response.content.decode())
    return parser


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def nonce_of(response) -> str:
    """The nonce the policy allows; every allowed inline script or style must carry it."""
    (source,) = [s for s in directives(response)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").removesuffix("'")


class PublicPageTests(TestCase):
    def test_it_forbids_inline_scripts_framing_plugins_and_other_origins(self):
        response = self.client.get("/en/practices/")
        policy = directives(response)
        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["script-src"][0], "'self'")
        self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"])
        self.assertNotIn("'unsafe-eval'", response["Content-Security-Policy"])
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertEqual(policy["base-uri"], ["'self'"])
        self.assertEqual(policy["form-action"], ["'self'"])
        self.assertEqual(inline_elements(response).scripts, [])

    def test_it_denies_powerful_browser_features(self):
        response = self.client.get("/en/")
        features = dict(part.strip().split("=") for part in response["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            self.assertEqual(features[feature], "()")

    def test_error_pages_have_the_headers_too(self):
        response = self.client.get("/en/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertIn("camera=()", response["Permissions-Policy"])

    def test_progress_bar_needs_no_inline_style(self):
        commitment = make_commitment()
        type(commitment).objects.filter(pk=commitment.pk).update(progress_percent=47)
        response = self.client.get(commitment.get_absolute_url())
        self.assertContains(response, '<rect width="47"')
        self.assertNotIn(" style=", response.content.decode())

    def test_uploaded_files_keep_their_own_stricter_policy(self):
        self.client.force_login(make_user(is_superuser=True, is_staff=True))
        document = make_document()
        response = self.client.get(document.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")
        self.assertIn("camera=()", response["Permissions-Policy"])


class AdminPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True, is_staff=True)
        cls.meeting = make_meeting()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_inline_script_of_an_edit_form_carries_the_nonce(self):
        # Date and time pickers (form widgets), choosers (snippets, documents) and inline panels.
        for url in (
            "/admin/snippets/events/meeting/add/",
            f"/admin/snippets/events/meeting/edit/{self.meeting.pk}/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                scripts = inline_elements(response).scripts
                for marker in (
                    "initDateChooser",
                    "initTimeChooser",
                    "SnippetChooser",
                    "DocumentChooser",
                    "InlinePanel",
                ):
                    self.assertContains(response, marker)
                self.assertGreaterEqual(len(scripts), 10)
                self.assertEqual(set(scripts), {nonce_of(response)})

    def test_the_nonce_is_new_on_every_response(self):
        url = "/admin/snippets/events/meeting/add/"
        nonces = {nonce_of(self.client.get(url)) for _ in range(3)}
        self.assertEqual(len(nonces), 3)
        self.assertGreaterEqual(min(len(n) for n in nonces), 22)  # 128 random bits, base64

    def test_listing_filters_and_page_editor_scripts_carry_the_nonce(self):
        home = Page.objects.get(depth=2)
        self.assertContains(self.client.get("/admin/pages/"), "initDateChooser")  # the listing's date filter
        for url in ("/admin/pages/", f"/admin/pages/{home.pk}/edit/", "/admin/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                scripts = set(inline_elements(response).scripts)
                if scripts:
                    self.assertEqual(scripts, {nonce_of(response)})
                self.assertNotIn("'unsafe-inline'", " ".join(directives(response)["script-src"]))

    def test_admin_allows_inline_style_elements_only(self):
        policy = directives(self.client.get("/admin/"))
        # The rich-text editor writes <style> elements; style attributes and scripts stay strict.
        self.assertEqual(policy["style-src-elem"], ["'self'", "'unsafe-inline'"])
        self.assertNotIn("'unsafe-inline'", policy["style-src"])
        self.assertNotIn("style-src-attr", policy)
        self.assertNotIn("'unsafe-inline'", " ".join(directives(self.client.get("/en/"))["style-src"]))

    def test_live_preview_may_be_framed_by_the_admin(self):
        home = Page.objects.get(depth=2).specific
        url = f"/admin/pages/{home.pk}/edit/preview/"
        self.client.post(url, {"title": home.title, "slug": home.slug})
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(directives(response)["frame-ancestors"], ["'self'"])


class InlineStyleTests(TestCase):
    def test_assessment_report_style_carries_the_nonce(self):
        from puente.assessments.models import Round, RoundStatus
        from puente.assessments.tests.helpers import load_bank, member
        from puente.organizations.models import MembershipRole

        version = load_bank().current_version()
        city = make_organisation("Ciudad A", is_verified=True)
        focal = member(city, "focal-a", MembershipRole.FOCAL_POINT)
        round_ = Round.objects.create(
            organisation=city, version=version, year=2026, title="Ronda", status=RoundStatus.CLOSED
        )
        self.client.force_login(focal)
        response = self.client.get(f"/en/assessments/{round_.pk}/report/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(inline_elements(response).styles, [nonce_of(response)])
