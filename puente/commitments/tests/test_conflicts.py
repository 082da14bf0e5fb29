"""Two people editing the same commitment: the second save never silently replaces the first, on the public
edit form or in Wagtail's admin (commitments and practices)."""

import re

from bs4 import BeautifulSoup
from django.test import TestCase
from django.urls import reverse

from puente.core.tests.factories import make_commitment, make_organisation, make_practice, make_user
from puente.organizations.models import Membership, MembershipRole
from puente.practices.models import Practice

VERSION = re.compile(r'name="loaded_revision" value="(\d+)"')


def loaded_version(response) -> str:
    return VERSION.search(response.content.decode()).group(1)


def conflict_rows(response) -> list[list[str]]:
    """The table of what changed on a conflict page: [field, your version, saved version] per row."""
    table = BeautifulSoup(response.content, "html.parser").select_one(".edit-conflict table")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.tbody("tr")
    ]


def edit_data(commitment, version, **overrides) -> dict:
    """The public edit form of ``commitment`` as saved, loaded at ``version``, with ``overrides``."""
    priorities = list(commitment.priorities.all())
    data = {
        "loaded_revision": version,
        "title": commitment.title,
        "summary": commitment.summary,
        "overview_text": "We commit to open a one-stop shop.",
        "mayor": commitment.mayor,
        "start_date": "",
        "end_date": "",
        "website": "",
        "language": "en",
        "priorities-TOTAL_FORMS": str(len(priorities)),
        "priorities-INITIAL_FORMS": str(len(priorities)),
        "priorities-MIN_NUM_FORMS": "0",
        "priorities-MAX_NUM_FORMS": "30",
    }
    for i, priority in enumerate(priorities):
        data.update(
            {
                f"priorities-{i}-id": str(priority.pk),
                f"priorities-{i}-commitment": str(commitment.pk),
                f"priorities-{i}-text": priority.text,
                f"priorities-{i}-competence": priority.competence,
                f"priorities-{i}-indicator": "",
                f"priorities-{i}-unit": "",
                f"priorities-{i}-baseline": "",
                f"priorities-{i}-target": "",
            }
        )
    data.update(overrides)
    return data


class PublicEditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Ciudad A", is_verified=True)
        cls.ana, cls.ben = make_user("ana"), make_user("ben")
        for user in (cls.ana, cls.ben):
            Membership.objects.create(user=user, organisation=cls.city, role=MembershipRole.FOCAL_POINT)

    def setUp(self):
        self.commitment = make_commitment(
            "Plan for newcomers",
            local_government=self.city,
            live=False,
            priorities=["Open a one-stop shop."],
            summary="The first summary.",
            overview="<p>We commit to open a one-stop shop.</p>",
        )
        self.url = f"/en/commitments/{self.commitment.slug}/edit/"

    def open_form(self, user) -> str:
        self.client.force_login(user)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return loaded_version(response)

    def test_the_second_save_is_refused_and_keeps_its_input(self):
        ana_version, ben_version = self.open_form(self.ana), self.open_form(self.ben)
        self.assertEqual(ana_version, ben_version)

        self.client.force_login(self.ana)
        response = self.client.post(
            self.url, edit_data(self.commitment, ana_version, title="Plan for newcomers 2026-2028")
        )
        self.assertRedirects(response, self.commitment.get_absolute_url(), fetch_redirect_response=False)

        self.client.force_login(self.ben)
        response = self.client.post(
            self.url, edit_data(self.commitment, ben_version, summary="Ben's better summary.")
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "someone else changed this while you were editing", status_code=409)
        # What changed: the field, Ben's value and the saved one; Ben's input is still in the form.
        rows = conflict_rows(response)
        self.assertEqual(rows, [["Title", "Plan for newcomers", "Plan for newcomers 2026-2028"]])
        self.assertContains(response, "Ben&#x27;s better summary.", status_code=409)
        # Nothing of Ana's was lost, nothing of Ben's saved.
        self.commitment.refresh_from_db()
        self.assertEqual(
            (self.commitment.title, self.commitment.summary),
            ("Plan for newcomers 2026-2028", "The first summary."),
        )
        # The form now carries the newest version: saving again is a conscious choice, and it is saved.
        new_version = loaded_version(response)
        self.assertEqual(int(new_version), self.commitment.latest_revision_id)
        self.assertNotEqual(new_version, ben_version)
        response = self.client.post(
            self.url,
            edit_data(
                self.commitment,
                new_version,
                title="Plan for newcomers 2026-2028",
                summary="Ben's better summary.",
            ),
        )
        self.assertRedirects(response, self.commitment.get_absolute_url(), fetch_redirect_response=False)
        self.commitment.refresh_from_db()
        self.assertEqual(
            (self.commitment.title, self.commitment.summary),
            ("Plan for newcomers 2026-2028", "Ben's better summary."),
        )

    def test_changed_priorities_are_listed(self):
        ana_version, ben_version = self.open_form(self.ana), self.open_form(self.ben)
        self.client.force_login(self.ana)
        priority_field = "priorities-0-text"
        self.client.post(
            self.url, edit_data(self.commitment, ana_version, **{priority_field: "Open two one-stop shops."})
        )
        self.client.force_login(self.ben)
        response = self.client.post(
            self.url, edit_data(self.commitment, ben_version, website="https://a.example")
        )
        self.assertContains(response, "Priorities", status_code=409)
        self.assertContains(response, "1. Open two one-stop shops. (The municipality)", status_code=409)
        self.assertEqual(self.commitment.priorities.get().text, "Open two one-stop shops.")
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.website, "")

    def test_a_change_outside_the_form_is_no_conflict(self):
        ben_version = self.open_form(self.ben)
        self.client.force_login(self.ana)
        self.client.post(
            f"/en/commitments/{self.commitment.slug}/sign-off/",
            {"mayor": "Ana Pérez", "signed_on": "2026-01-05"},
        )
        self.commitment.refresh_from_db()
        self.assertNotEqual(str(self.commitment.latest_revision_id), ben_version)
        self.client.force_login(self.ben)
        response = self.client.post(
            self.url, edit_data(self.commitment, ben_version, summary="Ben's summary.")
        )
        self.assertEqual(response.status_code, 302)
        self.commitment.refresh_from_db()
        self.assertEqual(
            (self.commitment.summary, self.commitment.signed_off_by_mayor), ("Ben's summary.", "Ana Pérez")
        )

    def test_a_version_that_is_not_a_number_is_a_conflict(self):
        self.client.force_login(self.ana)
        response = self.client.post(self.url, edit_data(self.commitment, "abc", summary="Changed."))
        self.assertContains(response, "Summary", status_code=409)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.summary, "The first summary.")


def admin_form(response) -> dict:
    """What Wagtail's edit form would send back as loaded: every named input, select and textarea."""
    form = BeautifulSoup(response.content, "html.parser").select_one("form[data-edit-form]") or BeautifulSoup(
        response.content, "html.parser"
    ).select_one("main form[method=post]")
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "select":
            values = [o.get("value", o.text) for o in field.find_all("option") if o.has_attr("selected")]
        elif field.name == "textarea":
            values = [field.text.lstrip("\n")]
        elif field.get("type") in ("checkbox", "radio"):
            values = [field.get("value", "on")] if field.has_attr("checked") else []
        else:
            values = [field.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


class AdminEditConflictTests(TestCase):
    """Wagtail's own edit view: two staff load the same revision; the second "Save" does not replace the first."""

    @classmethod
    def setUpTestData(cls):
        cls.ana = make_user("ana-admin", is_staff=True, is_superuser=True)
        cls.ben = make_user("ben-admin", is_staff=True, is_superuser=True)

    def check_second_save_refused(self, obj):
        url = reverse(type(obj).snippet_viewset.get_url_name("edit"), args=[obj.pk])
        self.client.force_login(self.ana)
        ana_form = admin_form(self.client.get(url))
        self.client.force_login(self.ben)
        ben_form = admin_form(self.client.get(url))
        self.assertEqual(ana_form["loaded_revision_id"], [str(obj.latest_revision_id)])

        self.client.force_login(self.ana)
        response = self.client.post(url, {**ana_form, "title": "Ana's title"})
        self.assertEqual(response.status_code, 302)
        obj.refresh_from_db()
        self.assertEqual(obj.get_latest_revision_as_object().title, "Ana's title")

        self.client.force_login(self.ben)
        response = self.client.post(url, {**ben_form, "summary": "Ben's summary"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "someone else saved a newer version")
        self.assertContains(response, "Compare the versions")
        self.assertContains(response, "Ben&#x27;s summary")  # Ben's input is kept in the form
        obj.refresh_from_db()
        latest = obj.get_latest_revision_as_object()
        self.assertEqual(latest.title, "Ana's title")
        self.assertNotEqual(latest.summary, "Ben's summary")

        # The form came back loaded from the newest revision: saving it again is deliberate, and it saves.
        again = admin_form(response)
        self.assertEqual(again["loaded_revision_id"], [str(obj.latest_revision_id)])
        response = self.client.post(url, {**again, "title": "Ana's title", "summary": "Ben's summary"})
        self.assertEqual(response.status_code, 302)
        latest = type(obj).objects.get(pk=obj.pk).get_latest_revision_as_object()
        self.assertEqual((latest.title, latest.summary), ("Ana's title", "Ben's summary"))

    def test_commitment(self):
        self.check_second_save_refused(
            make_commitment("Plan", local_government=make_organisation(), live=False)
        )

    def test_practice(self):
        self.check_second_save_refused(make_practice("Help desk", live=False))

    def test_a_lock_keeps_others_from_saving(self):
        practice = make_practice("Locked desk", live=False)
        url = reverse(Practice.snippet_viewset.get_url_name("edit"), args=[practice.pk])
        self.client.force_login(self.ben)
        ben_form = admin_form(self.client.get(url))
        self.client.force_login(self.ana)
        lock_url = reverse(Practice.snippet_viewset.get_url_name("lock"), args=[practice.pk])
        self.assertEqual(self.client.post(lock_url).status_code, 302)
        self.client.force_login(self.ben)
        response = self.client.post(url, {**ben_form, "title": "Overwritten"})
        self.assertContains(response, "could not be saved as it is locked")
        self.assertEqual(
            Practice.objects.get(pk=practice.pk).get_latest_revision_as_object().title, "Locked desk"
        )
