"""Deleting a contribution from "My contributions" goes through a confirmation page (no JavaScript needed)
before the POST that deletes it; others cannot reach that page."""

from django.test import TestCase

from puente.core.tests.factories import make_practice, make_user

from ..models import Contribution


class DeleteConfirmationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa")
        cls.other = make_user("other")
        cls.practice = make_practice("Night school", submitted_by=cls.member)
        Contribution.objects.create(content_object=cls.practice, submitter=cls.member, status="published")

    def test_delete_link_leads_to_a_confirmation_page_then_the_post_deletes(self):
        url = f"/en/contribute/practice/{self.practice.pk}/delete/"
        self.client.force_login(self.member)
        mine = self.client.get("/en/contribute/mine/")
        self.assertContains(mine, f'href="{url}"')
        self.assertNotContains(mine, f'<form method="post" action="{url}">')
        confirm = self.client.get(url)
        self.assertContains(confirm, "Delete “Night school”?")
        self.assertContains(confirm, f'<form method="post" action="{url}">')
        self.practice.refresh_from_db()
        self.assertIsNone(self.practice.deleted_at)
        self.assertRedirects(self.client.post(url), "/en/contribute/mine/")
        self.practice.refresh_from_db()
        self.assertIsNotNone(self.practice.deleted_at)
        self.assertRedirects(self.client.get(url), "/en/contribute/mine/")  # nothing left to confirm

    def test_others_cannot_open_the_confirmation(self):
        self.client.force_login(self.other)
        self.assertEqual(
            self.client.get(f"/en/contribute/practice/{self.practice.pk}/delete/").status_code, 403
        )
