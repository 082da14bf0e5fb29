"""A seeded, bounded fuzz of the whole site: hostile values in the path parameters of every URL pattern, in
query strings and in every field of the forms the site renders, signed out, as an ordinary member and as a
superuser (Wagtail's admin included). Every answer must be a page or a 4xx, never a server error.

The sampling is seeded, so a failure reproduces, and bounded (``MAX_REQUESTS``, a share of Wagtail's own
admin screens) so the run takes seconds. Each request runs in a savepoint that is rolled back: one request's
writes (or a failed statement on PostgreSQL) never change what the next one sees."""

import datetime as dt
import random
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize
from wagtail.models import Page, Site

from puente.assessments.models import Round
from puente.assessments.tests.helpers import load_bank
from puente.core.models import HomePage
from puente.news.models import BlogIndexPage, NewsIndexPage, NewsPage
from puente.organizations.models import Membership, MembershipRole
from puente.programmes.models import ProgrammePage, Project

from .factories import (
    make_commitment,
    make_country,
    make_group,
    make_meeting,
    make_organisation,
    make_practice,
    make_resource,
    make_topic,
    make_user,
)

SEED = 21
MAX_REQUESTS = 2000
BIG = str(2**64)
HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "\r\nSet-Cookie: hacked=1",
    "\u202e\u200b\ufeff",
    "e\u0301\u0301\u0301",
    "日本語",
    "🙂" * 40,
    "' OR '1'='1' --",
    "'; DROP TABLE auth_user; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "//evil.example.org/",
    "../../../../etc/passwd",
    "..%2F..%2Fsettings.py",
    "%s%s%s%n",
    "{0}{1}{__class__}",
    "{{ request.user }}",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    BIG,
    str(-(2**63) - 1),
    "9" * 5000,
    "{",
    '{"blocks": [{"text": 1}], "entityMap": []}',
    "[1, 2",
    "null",
    "true",
    "2026-02-30",
    "25:61",
    "Europe/Nowhere",
    "practices:index",
]
# A formset builds as many forms as its management form asks for, up to Django's cap (``absolute_max``,
# 2,000 by default): a huge count costs seconds per request without testing anything more.
MANAGEMENT_FIELD = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
SMALL = [v for v in HOSTILE if not v.lstrip("-").isdigit() or len(v) < 4]
# Query parameters the site and Wagtail's admin read (forms add their own fields).
QUERY_PARAMS = [
    "q",
    "page",
    "p",
    "id",
    "next",
    "sort",
    "ordering",
    "tz",
    "topic",
    "country",
    "year",
    "status",
]
ROLES = ("visitor", "member", "superuser")
# Not fuzzed: Wagtail's page that fails on purpose (to preview the 500 page), its icon sprite and
# translation catalogues, and the htmx parts and previews of screens fuzzed whole.
SKIPPED = re.compile(r"^admin/(failwhale|sprite|jsi18n|localize/jsi18n)/|/results/$|/preview/")
# Admin screens always fuzzed; the rest of Wagtail's admin is sampled.
ADMIN_CORE = re.compile(
    r"^admin/(snippets/(\w+/){2}(add/|edit/[^/]+/)?$|snippets/choose/(\w+/){2}chosen-multiple/"
    r"|pages/(%\(\w+\)s/(edit/)?|add/.*)?$|deleted/|assessments/|choose-page/chosen-multiple/"
    r"|(documents|images)/chooser/chosen-multiple/|$)"
)
ADMIN_SAMPLE = 0.1
INT_PARAM = re.compile(r"(^|_)(pk|id|year|month)$")


class FormParser(HTMLParser):
    """The forms of a page: method, action and fields with the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action"),
                "fields": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "option" and self._select is not None:
            if self._select[2] is None or "selected" in attrs:
                self._select[2] = attrs.get("value", "")
        elif not attrs.get("name"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            checked = kind not in ("checkbox", "radio") or "checked" in attrs
            fields.append([attrs["name"], kind, attrs.get("value", "on") if checked else None])
        elif tag == "button":
            fields.append([attrs["name"], "submit", attrs.get("value", "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], "textarea", ""]
            fields.append(self._textarea)
        elif tag == "select":
            self._select = [attrs["name"], "select", None]
            fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def url_patterns():
    """(format, parameter names) of every URL pattern; the language prefix is the active language's."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, regex)
            else:
                fmt, params = normalize(regex)[0]
                yield fmt, tuple(params)

    return sorted(set(walk(get_resolver(), "")))


class SiteFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="fuzz-home"))
        Site.objects.update(root_page=home)
        cls.news = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
        home.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
        cls.article = cls.news.add_child(
            instance=NewsPage(
                title="An article",
                slug="an-article",
                date=dt.date(2026, 1, 5),
                intro="Intro",
                body="<p>Body</p>",
            )
        )
        programme = home.add_child(instance=ProgrammePage(title="Programme", slug="programme"))
        country = make_country()
        cls.topic = make_topic()
        cls.city = make_organisation("Ciudad Fuzz", is_verified=True, country=country)
        cls.member = make_user("fuzz-member", verified_email=True)
        Membership.objects.create(user=cls.member, organisation=cls.city, role=MembershipRole.MEMBER)
        cls.superuser = make_user("fuzz-admin", verified_email=True, is_staff=True, is_superuser=True)
        cls.practice = make_practice(topics=[cls.topic], country=country)
        cls.commitment = make_commitment(local_government=cls.city, priorities=["A help desk"])
        cls.resource = make_resource(topics=[cls.topic])
        cls.group = make_group()
        cls.meeting = make_meeting(group=cls.group)
        cls.project = Project.objects.create(
            programme=programme,
            title="A project",
            slug="a-project",
            main_objectives="Objectives",
            country=country,
            duration_months=12,
            funding_amount=1000,
        )
        version = load_bank().current_version()
        cls.round = Round.objects.create(organisation=cls.city, version=version, year=2026, title="Round")
        cls.criterion = version.criteria()[0]

    def setUp(self):
        cache.clear()  # the fuzz trips the sign-in throttles; no later test should inherit them
        self.rng = random.Random(SEED)
        self.clients = {role: Client(raise_request_exception=False) for role in ROLES}
        for role in ROLES:
            self.sign_in(role)
        self.requests = 0
        self.failures = []
        self.forms = {}
        self.admin_pages = self.forms_posted = 0

    def tearDown(self):
        cache.clear()

    # --- real values for path parameters -----------------------------------------------------------------

    def object_for(self, fmt):
        path = re.sub(r"^[a-z]{2}/", "", fmt)
        for prefix, obj in {
            "practices/": self.practice,
            "commitments/": self.commitment,
            "organisations/": self.city,
            "topics/": self.topic,
            "projects/": self.project,
            "groups/": self.group,
            "events/": self.meeting,
            "resources/": self.resource,
            "assessments/": self.round,
            "contribute/": self.practice,
            "admin/pages/": self.article,
        }.items():
            if path.startswith(prefix):
                return obj
        snippet = re.match(r"admin/snippets/(?:choose/)?(\w+)/(\w+)/", fmt)
        content_type = snippet and ContentType.objects.filter(app_label=snippet[1], model=snippet[2]).first()
        if content_type:
            return content_type.model_class()._default_manager.order_by("pk").first()
        return None

    def real_values(self, fmt, params):
        obj = self.object_for(fmt)
        today = dt.date.today()
        known = {
            "slug": getattr(obj, "slug", "x"),
            "username": self.member.username,
            "year": today.year,
            "month": today.month,
            "kind": "practice",
            "content_type_id": ContentType.objects.get_for_model(self.practice).pk,
            "object_id": self.practice.pk,
            "criterion_id": self.criterion.pk,
            "app_label": "practices",
            "app_name": "practices",
            "model_name": "practice",
            "content_type_app_name": "news",
            "content_type_model_name": "newspage",
            "parent_page_id": self.news.pk,
            "page_id": self.article.pk,
            "page_to_move_id": self.article.pk,
            "destination_id": self.news.pk,
            "pk": obj.pk if obj is not None else 1,
        }
        return {name: str(known.get(name, 1)) for name in params}

    # --- requests ----------------------------------------------------------------------------------------

    def sign_in(self, role):
        if role != "visitor":
            self.clients[role].force_login(getattr(self, role))

    def fetch(self, role, method, url, data=None):
        if self.requests >= MAX_REQUESTS:
            return None
        self.requests += 1
        client = self.clients[role]
        savepoint = transaction.savepoint()
        try:
            response = getattr(client, method)(url, data or {})
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code >= 500:
            self.failures.append(f"{role} {method.upper()} {url} {_short(data)} -> {response.status_code}")
        # Signing out (a form, or Wagtail's logout page, which drops the cookie even on a GET it refuses)
        # would leave the rest of this role's fuzz signed out.
        if role != "visitor" and "_auth_user_id" not in client.session:
            self.sign_in(role)
        return response

    def hostile(self, name=""):
        return self.rng.choice(SMALL if MANAGEMENT_FIELD.search(name) else HOSTILE)

    def collect_forms(self, role, url, response):
        if response is None or response.status_code != 200:
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        parser = FormParser()
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            action = urlsplit(form["action"] or url).path or urlsplit(url).path
            if action.startswith("/"):
                key = (role, form["method"], action, tuple(sorted({f[0] for f in form["fields"]})))
                self.forms.setdefault(key, form)

    # --- the fuzz ----------------------------------------------------------------------------------------

    def roles_for(self, fmt):
        if not fmt.startswith("admin/"):
            return ROLES
        # Everyone but the superuser is sent to the sign-in page: a sample is enough.
        others = [role for role in ROLES[:2] if self.rng.random() < ADMIN_SAMPLE / 2]
        return [*others, "superuser"]

    def fuzz_pattern(self, fmt, params):
        """The pattern with real values for each role, then one hostile value per parameter, then hostile
        query strings on a page that answered."""
        values = self.real_values(fmt, params)
        if re.match(r"^[a-z]{2}/", fmt):  # every language's pages, their translations included
            fmt = self.rng.choice(["en", "es", "fr"]) + fmt[2:]
        url = "/" + fmt % {k: quote(v, safe="") for k, v in values.items()}
        roles = self.roles_for(fmt)
        answered = []
        for role in roles:
            response = self.fetch(role, "get", url)
            self.collect_forms(role, url, response)
            if response is not None and response.status_code == 200:
                answered.append(role)
                self.admin_pages += fmt.startswith("admin/") and role == "superuser"
        for name in params:
            value = BIG if INT_PARAM.search(name) else self.hostile()
            bad = {k: quote(value if k == name else v, safe="") for k, v in values.items()}
            self.fetch(self.rng.choice(roles), "get", "/" + fmt % bad)
        # Wagtail's admin screens read query strings where they list (search, order, pages): the others get
        # a sample.
        lists = not params and not fmt.endswith("add/")
        if answered and (not fmt.startswith("admin/") or lists or self.rng.random() < 0.2):
            if self.rng.random() < 0.5:
                query = {name: self.hostile() for name in QUERY_PARAMS}
            else:  # lists where one value is expected
                query = {name: [self.hostile(), self.hostile()] for name in QUERY_PARAMS}
            self.fetch(self.rng.choice(answered), "get", url, query)

    def fuzz_form(self, role, action, form):
        """Every field of the form hostile (some of them lists of values), with the CSRF token and the first
        submit button as a browser sends them; the site's own forms twice, Wagtail's admin forms once."""
        fields = [f for f in form["fields"] if f[1] != "file"]
        names = sorted({name for name, kind, value in fields if name != "csrfmiddlewaretoken"})
        token = next((value for name, kind, value in fields if name == "csrfmiddlewaretoken"), None)
        submit = next(([name, value] for name, kind, value in fields if kind == "submit"), None)
        method = "post" if form["method"] == "post" else "get"
        for _ in range(1 if action.startswith("/admin/") else 2):
            data = {
                name: [self.hostile(name), self.hostile(name)]
                if self.rng.random() < 0.3
                else self.hostile(name)
                for name in names
            }
            if submit:
                data[submit[0]] = submit[1]
            if token:
                data["csrfmiddlewaretoken"] = token
            self.fetch(role, method, action, data)
            self.forms_posted += method == "post"

    def patterns(self):
        for fmt, params in url_patterns():
            if SKIPPED.search(fmt):
                continue
            if fmt.startswith("admin/") and not ADMIN_CORE.match(fmt) and self.rng.random() > ADMIN_SAMPLE:
                continue
            yield fmt, params

    def test_no_request_gets_a_server_error(self):
        for fmt, params in self.patterns():
            self.fuzz_pattern(fmt, params)
        for (role, _method, action, _names), form in self.forms.items():
            self.fuzz_form(role, action, form)
        self.assertFalse(self.failures, f"{len(self.failures)} server errors:\n" + "\n".join(self.failures))
        # The fuzz reached what it is meant to: the admin's screens and the forms behind them.
        self.assertGreater(self.admin_pages, 100)
        self.assertGreater(self.forms_posted, 150)
        self.assertLess(self.requests, MAX_REQUESTS)


def _short(data):
    text = repr(data) if data else ""
    return text if len(text) < 300 else text[:300] + "…"
