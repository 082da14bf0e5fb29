"""Browser: register, verify the e-mail, join an organisation, submit a practice; a moderator approves it in
the admin; the practice is published."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from puente.core.tests.factories import make_organisation, make_user
from puente.organizations.models import Membership, MembershipRole

from ..services import MODERATORS, ensure_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base, login, password):
    page.goto(f"{base}/en/accounts/login/")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def sign_out(page):
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_register_join_contribute_and_get_published(page, live_server):
    ensure_workflow()
    base = live_server.url
    city = make_organisation("Quilicura", is_verified=True)
    admin = make_user("city_admin2", password="Admin-pass-2026", verified_email=True)
    Membership.objects.create(user=admin, organisation=city, role=MembershipRole.ADMIN)
    moderator = make_user("moderator", password="Moderator-pass-2026", verified_email=True, is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))

    # Register and verify the e-mail address.
    page.goto(f"{base}/en/accounts/signup/")
    page.locator("#id_email").fill("lucia@example.org")
    page.locator("#id_password1").fill("Lucia-pass-2026")
    page.locator("#id_password2").fill("Lucia-pass-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    sign_in(page, base, "lucia@example.org", "Lucia-pass-2026")

    # Ask to join the organisation; its administrator accepts.
    page.goto(f"{base}/en/organisations/quilicura/")
    page.get_by_text("Ask to join this organisation").click()
    page.get_by_role("button", name="Send the request").click()
    assert "Your request has been sent" in page.locator("main").inner_text()
    sign_out(page)
    sign_in(page, base, "city_admin2", "Admin-pass-2026")
    page.goto(f"{base}/en/organisations/quilicura/members/")
    page.get_by_role("button", name="Accept").click()
    assert "The request was accepted." in page.locator("main").inner_text()
    sign_out(page)

    # Submit a practice for the organisation.
    sign_in(page, base, "lucia@example.org", "Lucia-pass-2026")
    page.goto(f"{base}/en/contribute/practice/")
    page.locator("#id_title").fill("Night school for newcomers")
    page.locator("#id_summary").fill("Evening classes in Spanish and civics for newly arrived neighbours.")
    page.get_by_label("Quilicura").check()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/contribute/mine/")
    assert "In moderation" in page.locator("main").inner_text()
    sign_out(page)

    # The moderator approves it in the admin.
    sign_in(page, base, "moderator", "Moderator-pass-2026")
    from puente.practices.models import Practice

    practice = Practice.objects.get(title="Night school for newcomers")
    page.goto(f"{base}/admin/snippets/practices/practice/edit/{practice.pk}/")
    page.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and Publish").click()

    # Published, under the organisation.
    page.goto(f"{base}/en/practices/")
    page.get_by_role("link", name="Night school for newcomers").click()
    assert page.locator("h1").inner_text().strip() == "Night school for newcomers"
    assert "Quilicura" in page.locator("main").inner_text()
