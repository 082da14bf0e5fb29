"""Browser: a focal point drafts and submits a commitment, the secretariat verifies and publishes it, the focal
point files a report, the secretariat approves it, and the public page shows the new progress."""

import pytest
from django.contrib.auth.models import Group

from puente.core.access import SECRETARIAT_GROUP
from puente.core.tests.factories import make_organisation, make_user
from puente.organizations.models import Membership, MembershipRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-test-password"


def sign_in(page, base, login):
    page.goto(f"{base}/en/accounts/login/")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_load_state()


def sign_out(page, base):
    page.context.clear_cookies()


def test_commitment_from_draft_to_reported_progress(page, live_server):
    base = live_server.url
    city = make_organisation("San Marcos de Ocotepeque", mayor="Rosa Amaya")
    focal = make_user("focal", verified_email=True, password=PASSWORD)
    Membership.objects.create(user=focal, organisation=city, role=MembershipRole.FOCAL_POINT)
    staff = make_user("secretariat", verified_email=True, password=PASSWORD)
    staff.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])

    # The focal point drafts the commitment.
    sign_in(page, base, "focal@example.org")
    page.goto(f"{base}/en/commitments/mine/")
    page.get_by_role("link", name="New commitment for San Marcos de Ocotepeque").click()
    page.get_by_label("Title").fill("Welcoming San Marcos 2026")
    page.get_by_label("Summary").fill("Reception and inclusion of returnees and migrants.")
    page.get_by_label("Overview").fill("We commit to a municipal reception office.")
    page.get_by_label("Start of project").fill("2026-01-15")
    page.locator("#id_priorities-0-text").fill("Open a reception office for returnees.")
    page.locator("#id_priorities-1-text").fill("Negotiate access to health insurance.")
    page.locator("#id_priorities-1-competence").select_option("shared")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/en/commitments/welcoming-san-marcos-2026/")
    assert "The draft has been saved" in page.locator("main").inner_text()

    # Sign-off, then submit.
    page.get_by_label("Mayor who signed off").fill("Rosa Amaya")
    page.get_by_label("Date of the sign-off").fill("2026-02-01")
    page.get_by_role("button", name="Record the sign-off").click()
    page.get_by_role("button", name="Submit for verification").click()
    assert "Submitted: the secretariat will verify" in page.locator("main").inner_text()

    # The secretariat verifies and publishes.
    sign_out(page, base)
    sign_in(page, base, "secretariat@example.org")
    page.goto(f"{base}/en/commitments/review/")
    page.get_by_role("link", name="Welcoming San Marcos 2026").click()
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("button", name="Publish").click()
    assert "The commitment is published." in page.locator("main").inner_text()

    # The focal point files a report.
    sign_out(page, base)
    sign_in(page, base, "focal@example.org")
    page.goto(f"{base}/en/commitments/welcoming-san-marcos-2026/")
    page.get_by_role("link", name="Report progress").click()
    page.get_by_label("Reporting date").fill("2026-06-30")
    page.get_by_label("What happened since the last report").fill("The reception office opened in May.")
    page.get_by_label("Percent complete").nth(0).fill("80")
    page.get_by_label("Percent complete").nth(1).fill("20")
    page.get_by_role("button", name="Submit the report").click()
    assert "Your report has been submitted for moderation." in page.locator("main").inner_text()

    # The secretariat approves it.
    sign_out(page, base)
    sign_in(page, base, "secretariat@example.org")
    page.goto(f"{base}/en/commitments/review/")
    page.get_by_role("button", name="Approve and publish").click()
    assert "The report is approved and published." in page.locator("main").inner_text()

    # The public sees the progress.
    sign_out(page, base)
    page.goto(f"{base}/en/commitments/welcoming-san-marcos-2026/")
    main = page.locator("main").inner_text()
    assert "50% complete" in main
    assert "The reception office opened in May." in main
    assert page.get_by_role("img", name="50% complete").count() == 1
