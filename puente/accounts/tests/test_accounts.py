"""Accounts: registration with e-mail verification, sign-in, staff two-factor, profiles and the directory."""

import io
import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from PIL import Image

from puente.core.tests.factories import make_country, make_organisation, make_topic, make_user
from puente.organizations.models import Membership, MembershipRole, OrganisationType

from ..models import Profile


def png(size=(8, 8), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, fmt)
    return out.getvalue()


class RegistrationTests(TestCase):
    def test_register_verify_and_sign_in(self):
        response = self.client.post(
            "/en/accounts/signup/",
            {
                "email": "ana@example.org",
                "password1": "a-Long-passphrase-42",
                "password2": "a-Long-passphrase-42",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
        path = link.split("://", 1)[1].split("/", 1)[1]
        confirm = self.client.post("/" + path)
        self.assertEqual(confirm.status_code, 302)
        self.client.logout()
        login = self.client.post(
            "/en/accounts/login/", {"login": "ana@example.org", "password": "a-Long-passphrase-42"}
        )
        self.assertEqual(login.status_code, 302)
        self.assertEqual(self.client.get("/en/members/me/").status_code, 200)

    def test_sign_up_does_not_tell_whether_an_account_exists(self):
        make_user("rosa", email="rosa@example.org", verified_email=True)
        form = self.client.get("/en/accounts/signup/")
        self.assertNotContains(form, 'name="username"')
        data = {"password1": "a-Long-passphrase-42", "password2": "a-Long-passphrase-42"}
        taken = self.client.post(
            "/en/accounts/signup/", {**data, "email": "rosa@example.org", "username": "rosa"}
        )
        self.client.logout()
        free = self.client.post(
            "/en/accounts/signup/", {**data, "email": "new@example.org", "username": "rosa"}
        )
        self.assertEqual((taken.status_code, taken["Location"]), (free.status_code, free["Location"]))
        new = get_user_model().objects.get(email="new@example.org")
        self.assertRegex(new.username, r"^member-[0-9a-f]{8}$")
        self.assertEqual(get_user_model().objects.filter(email="rosa@example.org").count(), 1)

    def test_bad_sign_up_keeps_what_was_typed(self):
        response = self.client.post(
            "/en/accounts/signup/",
            {"email": "not-an-address", "password1": "x", "password2": "y"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="not-an-address"')
        self.assertContains(response, "field--error")
        self.assertContains(response, 'aria-invalid="true"')

    def test_sign_in_page_uses_the_site_layout(self):
        response = self.client.get("/es/accounts/login/")
        self.assertContains(response, 'class="account-form"')
        self.assertContains(response, 'class="button"')
        self.assertContains(response, "Iniciar sesión")


class ProfileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.peru = make_country("PE", "Peru")
        cls.remittances = make_topic("Remittances")

    def setUp(self):
        self.user = make_user("rosa", first_name="Rosa", email="rosa@example.org")
        self.client.force_login(self.user)

    def post(self, **data):
        base = {"first_name": "Rosa", "last_name": "Quispe", "job_title": "Migration officer"}
        return self.client.post("/en/members/me/", {**base, **data})

    def test_profile_is_private_until_listed(self):
        self.post(country=self.peru.pk, topics=[self.remittances.pk], languages=["es", "en"])
        profile = Profile.objects.get(user=self.user)
        self.assertEqual(sorted(profile.languages), ["en", "es"])
        self.client.logout()
        self.assertEqual(self.client.get("/en/members/rosa/").status_code, 404)
        self.assertNotContains(self.client.get("/en/members/"), "Rosa Quispe")
        profile.is_listed = True
        profile.save()
        page = self.client.get("/en/members/rosa/")
        self.assertContains(page, "Rosa Quispe")
        self.assertContains(page, "Migration officer")
        self.assertNotContains(page, "rosa@example.org")
        self.assertNotContains(self.client.get("/en/members/"), "rosa@example.org")

    def test_email_shown_only_when_chosen(self):
        self.post(is_listed="on", show_email="on")
        self.client.logout()
        self.assertContains(self.client.get("/en/members/rosa/"), "mailto:rosa@example.org")

    def test_photo_must_be_an_image(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not an image", content_type="image/png")
        response = self.post(photo=fake, job_title="Kept after the error")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "field--error")
        self.assertContains(response, 'value="Kept after the error"')
        self.assertFalse(Profile.objects.filter(user=self.user).exists())
        good = SimpleUploadedFile("me.png", png(), content_type="image/png")
        self.assertEqual(self.post(photo=good).status_code, 302)
        self.assertTrue(Profile.objects.get(user=self.user).photo.name.endswith(".png"))

    def test_editing_needs_an_account(self):
        self.client.logout()
        response = self.client.get("/en/members/me/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class DirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.peru = make_country("PE", "Peru")
        cls.chile = make_country("CL", "Chile")
        cls.topic = make_topic("Remittances")
        city = make_organisation("Municipalidad de Lima", is_verified=True, country=cls.peru)
        ngo = make_organisation("Red Diáspora", kind=OrganisationType.DIASPORA, is_verified=True)
        for i in range(6):
            user = make_user(f"member{i}", first_name=f"Member{i}")
            profile = Profile.objects.create(
                user=user, is_listed=True, country=cls.peru if i % 2 else cls.chile
            )
            profile.set_languages(["fr"] if i == 0 else ["es"])
            if i < 2:
                profile.topics.add(cls.topic)
            Membership.objects.create(
                user=user, organisation=city if i < 3 else ngo, role=MembershipRole.MEMBER
            )
        hidden = make_user("hidden", first_name="Hidden")
        Profile.objects.create(user=hidden, is_listed=False, country=cls.peru)

    def names(self, **params):
        response = self.client.get("/en/members/", params)
        self.assertEqual(response.status_code, 200)
        return sorted(p.user.first_name for p in response.context["page"].object_list)

    def test_filters(self):
        self.assertEqual(len(self.names()), 6)
        self.assertNotIn("Hidden", self.names(country="pe"))
        self.assertEqual(self.names(country="pe"), ["Member1", "Member3", "Member5"])
        self.assertEqual(self.names(topic=self.topic.slug), ["Member0", "Member1"])
        self.assertEqual(self.names(language="fr"), ["Member0"])
        self.assertEqual(self.names(orgtype=OrganisationType.DIASPORA), ["Member3", "Member4", "Member5"])
        self.assertEqual(self.names(q="lima"), ["Member0", "Member1", "Member2"])
        self.assertEqual(
            self.client.get("/en/members/", {"country": "zz", "language": "<x>"}).status_code, 200
        )

    def test_query_count(self):
        self.client.get("/en/members/")
        # count, the country and topic choices, page, topics, languages, memberships, organisations
        with self.assertNumQueries(8):
            self.client.get("/en/members/")


class LockoutTests(TestCase):
    def setUp(self):
        from django.core.cache import cache

        cache.clear()

    def test_repeated_failed_logins_lock_the_account_for_a_while(self):
        make_user("rosa", password="the-right-passphrase", verified_email=True)
        for _ in range(5):
            response = self.client.post("/en/accounts/login/", {"login": "rosa", "password": "wrong"})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "not correct")
        locked = self.client.post(
            "/en/accounts/login/", {"login": "rosa", "password": "the-right-passphrase"}
        )
        self.assertNotEqual(locked.status_code, 302)  # even the right password waits
        self.assertFalse("_auth_user_id" in self.client.session)


class RevisionHistoryTests(TestCase):
    """Staff compare and restore revisions of records through Wagtail's history views."""

    def test_compare_and_restore_a_practice_revision(self):
        from puente.core.tests.factories import make_practice

        admin = make_user("admin", is_staff=True, is_superuser=True)
        practice = make_practice("Help desk", summary="First version.")
        practice.summary = "Second version."
        practice.save_revision(user=admin).publish()
        first, second = practice.revisions.order_by("created_at")[:2]
        self.client.force_login(admin)
        history = self.client.get(f"/admin/snippets/practices/practice/history/{practice.pk}/")
        self.assertEqual(history.status_code, 200)
        compare = self.client.get(
            f"/admin/snippets/practices/practice/history/{practice.pk}/revisions/compare/{first.pk}...{second.pk}/"
        )
        self.assertContains(
            compare, '<span class="deletion">First</span><span class="addition">Second</span> version.'
        )
        revert = self.client.get(
            f"/admin/snippets/practices/practice/history/{practice.pk}/revisions/{first.pk}/revert/"
        )
        self.assertContains(revert, "First version.")
        # Restore: the old revision opened in the editor, then published again.
        practice.refresh_from_db()
        first.as_object().save_revision(user=admin).publish()
        practice.refresh_from_db()
        self.assertEqual(practice.summary, "First version.")
