"""The second factor covers every staff power: the admin's own sign-in cannot skip it, it must have been used
at this sign-in (not merely exist), and it covers moderators and anyone Wagtail lets into the admin, on every
path."""

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import TestCase, override_settings

from puente.core.access import MODERATORS_GROUP
from puente.core.tests.factories import make_user

PASSWORD = "Staff-passphrase-2026"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_authenticator(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(PUENTE_STAFF_REQUIRE_2FA=True)
class AdminSignInTests(TestCase):
    def setUp(self):
        cache.clear()
        self.staff = make_user(
            "staffer", password=PASSWORD, verified_email=True, is_staff=True, is_superuser=True
        )
        self.secret = with_authenticator(self.staff)

    def test_the_admin_login_page_never_signs_in_with_a_password(self):
        response = self.client.post("/admin/login/", {"username": "staffer", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertFalse(signed_in(self.client))
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_the_admin_login_page_leads_to_the_site_sign_in_and_back(self):
        response = self.client.get("/admin/login/?next=/admin/pages/")
        self.assertEqual(response["Location"], "/en/accounts/login/?next=%2Fadmin%2Fpages%2F")
        outside = self.client.get("/admin/login/?next=https://evil.example/")
        self.assertEqual(outside["Location"], "/en/accounts/login/?next=%2Fadmin%2F")
        self.assertIn("/accounts/login/", self.client.get("/admin/")["Location"])

    def test_the_admin_password_reset_is_the_site_one(self):
        self.assertIn("/accounts/password/reset/", self.client.get("/admin/password_reset/")["Location"])

    def test_thirty_wrong_passwords_on_the_admin_login_page_get_nowhere(self):
        for _ in range(30):
            self.client.post("/admin/login/", {"username": "staffer", "password": "wrong"})
        self.assertFalse(signed_in(self.client))
        # The site's sign-in throttles the account after five failures, the right password included.
        for _ in range(5):
            self.client.post("/en/accounts/login/", {"login": "staffer", "password": "wrong"})
        locked = self.client.post("/en/accounts/login/", {"login": "staffer", "password": PASSWORD})
        self.assertEqual(locked.status_code, 200)  # not on to the second factor
        self.assertFalse(signed_in(self.client))

    def test_password_then_code_opens_the_admin(self):
        first = self.client.post("/en/accounts/login/", {"login": "staffer", "password": PASSWORD})
        self.assertIn("/accounts/2fa/authenticate/", first["Location"])
        self.assertFalse(signed_in(self.client))
        self.client.post("/en/accounts/2fa/authenticate/", {"code": current_code(self.secret)})
        self.assertTrue(signed_in(self.client))
        self.assertEqual(self.client.get("/admin/").status_code, 200)


@override_settings(PUENTE_STAFF_REQUIRE_2FA=True)
class SecondFactorUsedAtThisSignInTests(TestCase):
    def setUp(self):
        cache.clear()

    def test_an_authenticator_that_was_not_used_is_asked_for(self):
        staff = make_user(is_staff=True, is_superuser=True)
        secret = with_authenticator(staff)
        self.client.force_login(staff)  # a session that began without the second factor
        for path in ("/admin/", "/en/commitments/review/", "/en/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/2fa/reauthenticate/", response["Location"])
        response = self.client.post(
            "/en/accounts/2fa/reauthenticate/?next=/admin/", {"code": current_code(secret)}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(self.client.get("/en/commitments/review/").status_code, 200)

    def test_a_wrong_code_does_not_open_anything(self):
        staff = make_user(is_staff=True)
        with_authenticator(staff)
        self.client.force_login(staff)
        self.client.post("/en/accounts/2fa/reauthenticate/", {"code": "000000"})
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_staff_without_an_authenticator_set_one_up_first_everywhere(self):
        staff = make_user(is_staff=True, is_superuser=True)
        self.client.force_login(staff)
        for path in ("/admin/", "/en/commitments/review/", "/en/practices/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/2fa/totp/activate/", response["Location"])
        # The account pages stay open: confirm the password, set up the authenticator, sign out.
        self.assertIn(
            "/accounts/reauthenticate/", self.client.get("/en/accounts/2fa/totp/activate/")["Location"]
        )
        self.client.post("/en/accounts/reauthenticate/", {"password": "pw"})
        self.assertEqual(self.client.get("/en/accounts/2fa/totp/activate/").status_code, 200)
        self.assertEqual(self.client.get("/en/accounts/logout/").status_code, 200)

    def test_moderators_and_admin_access_without_staff_flag_are_covered(self):
        moderator = make_user()
        moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
        admin_access = make_user()
        admin_access.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        editors = Group.objects.create(name="Editors of pages")
        editors.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        editor = make_user()
        editor.groups.add(editors)
        for user in (moderator, admin_access, editor):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get("/en/practices/")
                self.assertEqual(response.status_code, 302)
                self.assertIn("/accounts/2fa/totp/activate/", response["Location"])

    def test_members_are_not_asked(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get("/en/members/me/").status_code, 200)
        self.assertEqual(self.client.get("/en/practices/").status_code, 200)
