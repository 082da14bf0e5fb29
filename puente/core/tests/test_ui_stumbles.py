"""What users stumbled on, checked through HTTP: the error summary, the favicon and the script file, the
collapsible menu, valid ``data-hx-*`` attributes on search, help text markup on sign-up and the grouped
time-zone list."""

import re
from html.parser import HTMLParser

from django.test import TestCase

from puente.core.tests.factories import make_meeting


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


class LayoutTests(TestCase):
    def test_favicon_script_file_and_no_inline_script(self):
        html = self.client.get("/en/practices/").content.decode()
        page = Elements(html)
        icons = page.find("link", rel="icon")
        self.assertEqual(len(icons), 1)
        self.assertTrue(icons[0]["href"].endswith("puente/img/favicon.svg"))
        self.assertEqual(icons[0]["type"], "image/svg+xml")
        scripts = page.find("script")
        self.assertTrue(any(s.get("src", "").endswith("puente/js/puente.js") for s in scripts))
        self.assertTrue(all(s.get("src") for s in scripts), "inline scripts break the CSP")

    def test_main_menu_is_a_details_element_with_a_toggle(self):
        html = self.client.get("/es/practices/").content.decode()
        self.assertRegex(
            html, r'<details class="nav-menu">\s*<summary class="nav-menu__toggle">[^<]+</summary>'
        )
        menu = html[
            html.index('<details class="nav-menu">') : html.index("</details>", html.index("nav-menu"))
        ]
        self.assertIn('aria-label="Principal"', menu)
        self.assertIn('href="/es/practices/"', menu)


class ErrorSummaryTests(TestCase):
    def test_failed_sign_up_lists_each_error_with_a_link_to_its_field(self):
        response = self.client.post(
            "/en/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        page = Elements(html)
        (summary,) = page.find("div", **{"class": "error-summary"})
        self.assertEqual(summary["tabindex"], "-1")
        self.assertIn("data-error-summary", summary)
        self.assertIn("There is a problem", html)
        start = html.index('class="error-summary"')
        form_start = html.rindex("<form", 0, start)
        # First thing in the form (after the CSRF token), before any field.
        self.assertNotIn('class="field', html[form_start:start])
        block = html[start : html.index("</div>", start)]
        targets = re.findall(r'<a href="#([^"]+)">', block)
        self.assertIn("id_email", targets)
        self.assertIn("id_password1", targets)
        for target in targets:
            self.assertIn(f'id="{target}"', html)
        self.assertIn("Email: Enter a valid email address.", block)

    def test_failed_sign_in_shows_the_summary_in_spanish(self):
        response = self.client.post(
            "/es/accounts/login/", {"login": "nobody@example.org", "password": "wrong"}
        )
        self.assertContains(response, "data-error-summary")

    def test_valid_page_has_no_summary(self):
        self.assertNotContains(self.client.get("/en/accounts/signup/"), "data-error-summary")


class MarkupValidityTests(TestCase):
    def test_search_uses_data_hx_attributes(self):
        html = self.client.get("/en/search/?q=migration").content.decode()
        self.assertIn("data-hx-get=", html)
        self.assertIsNone(re.search(r"\shx-[a-z-]+=", html), "hx-* attributes are not valid HTML")

    def test_sign_up_help_text_is_not_a_list_inside_a_paragraph(self):
        html = self.client.get("/en/accounts/signup/").content.decode()
        self.assertNotRegex(html, r"<p[^>]*>\s*<ul")
        # The password input's aria-describedby points at an element that exists.
        described = re.search(r'aria-describedby="(id_password1_helptext)"', html)
        if described:
            self.assertIn(f'id="{described.group(1)}"', html)


class TimeZoneListTests(TestCase):
    def test_common_zones_first_then_grouped_without_deprecated_names(self):
        make_meeting()
        html = self.client.get("/en/events/").content.decode()
        select = html[html.index('id="tz-select"') : html.index("</select>", html.index('id="tz-select"'))]
        groups = re.findall(r'<optgroup label="([^"]+)">', select)
        self.assertEqual(groups[0], "Common time zones")
        self.assertIn("Americas", groups)
        self.assertIn("Europe", groups)
        values = re.findall(r'<option value="([^"]+)"', select)
        self.assertEqual(values[0], "UTC")
        self.assertLess(values.index("America/Mexico_City"), values.index("Africa/Abidjan"))
        self.assertLess(len(values), 360)
        self.assertEqual(len(values), len(set(values)))
        for deprecated in (
            "US/Eastern",
            "Asia/Calcutta",
            "America/Buenos_Aires",
            "Europe/Kiev",
            "EST",
            "Etc/GMT+5",
        ):
            self.assertNotIn(deprecated, values)
        self.assertIn(">Mexico City (America)<", select)

    def test_spanish_group_labels(self):
        make_meeting()
        html = self.client.get("/es/events/").content.decode()
        self.assertIn('<optgroup label="Europa">', html)

    def test_a_zone_chosen_under_an_old_name_stays_selected(self):
        make_meeting()
        self.client.cookies["tz"] = "Asia/Calcutta"
        html = self.client.get("/en/events/").content.decode()
        self.assertIn('<option value="Asia/Calcutta" selected>', html)


class DateFormatTests(TestCase):
    """One date format per page and language: day/month/year, as the commitment pages (and the seeds) show."""

    DATES = re.compile(
        r"\b\d{1,2}/\d{2}/\d{4}\b"  # 31/10/2026
        r"|\b[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\b"  # Oct. 31, 2026
        r"|\b\d{1,2} (?:de )?[a-zéûA-Z][a-zéû]+\.? (?:de )?\d{4}\b"  # 31 Oct 2026, 31 de octubre de 2026
    )

    def dates_on(self, url: str) -> set[str]:
        html = self.client.get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", html[html.index("<main") :])
        return set(self.DATES.findall(text))

    def test_meeting_and_commitment_dates_share_one_format_in_each_language(self):
        import datetime as dt

        from puente.core.tests.factories import make_commitment

        meeting = make_meeting("Format meeting", date=dt.date(2026, 10, 31))
        commitment = make_commitment("Format plan", start_date=dt.date(2026, 1, 5))
        for language in ("en", "es", "fr"):
            with self.subTest(language=language):
                meeting_dates = self.dates_on(meeting.get_absolute_url().replace("/en/", f"/{language}/", 1))
                self.assertIn("31/10/2026", meeting_dates)
                self.assertEqual(meeting_dates, {"31/10/2026"})
                commitment_dates = self.dates_on(
                    commitment.get_absolute_url().replace("/en/", f"/{language}/", 1)
                )
                self.assertEqual(commitment_dates, {"05/01/2026"})
