"""Browser: sign in, register for a meeting, see the confirmation and download its calendar file."""

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from puente.core.tests.factories import make_meeting, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_register_for_a_meeting_and_download_its_calendar_file(page, live_server):
    make_user("amaya", verified_email=True, password="a-long-test-password")
    meeting = make_meeting(
        "Session 4 – Follow-up",
        date=dt.date.today() + dt.timedelta(days=20),
        time_zone="America/Guatemala",
        capacity=10,
        agenda=[(dt.time(10), dt.time(11, 30), "Review of commitments", 90)],
    )
    page.goto(f"{live_server.url}/en/accounts/login/?next={meeting.get_absolute_url()}")
    page.fill('input[name="login"]', "amaya@example.org")
    page.fill('input[name="password"]', "a-long-test-password")
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")

    # The script has stored the browser's zone; times are shown in the meeting's zone and the viewer's.
    assert "America/Guatemala (UTC−06:00)" in page.locator(".meeting-time").inner_text()
    assert any(c["name"] == "tz" for c in page.context.cookies())

    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    main = page.locator("main").inner_text()
    assert "You are registered. A confirmation with the calendar file is on its way." in main
    assert "Cancel my registration" in main

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == f"{meeting.slug}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    event = calendar.events[0]
    assert str(event["SUMMARY"]) == "Session 4 – Follow-up"
    assert event.decoded("DTSTART").astimezone(dt.UTC).hour == 16
    assert calendar.get_missing_tzids() == set()


def test_register_without_javascript(browser, live_server):
    make_user("bruno", verified_email=True, password="a-long-test-password")
    meeting = make_meeting("No-script session", date=dt.date.today() + dt.timedelta(days=5), capacity=1)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/accounts/login/?next={meeting.get_absolute_url()}")
    page.fill('input[name="login"]', "bruno")
    page.fill('input[name="password"]', "a-long-test-password")
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    page.get_by_label("Show times in").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    assert "Asia/Tokyo (UTC+09:00)" in page.locator(".meeting-time").inner_text()
    page.get_by_role("button", name="Register").click()
    assert "You are registered." in page.locator("main").inner_text()
    context.close()


AXE = Path(__file__).resolve().parents[2] / "core" / "tests" / "vendor" / "axe.min.js"


def test_event_pages_have_no_serious_accessibility_violations(page, live_server):
    """axe-core finds no serious or critical WCAG 2 A/AA violation on the pages of this app, coordinator's included."""
    from puente.core.tests.factories import make_group, make_organisation

    group = make_group("Accessible group")
    group.members.add(make_organisation("Upala"))
    coordinator = make_user("coordinator", verified_email=True, password="a-long-test-password")
    group.coordinators.add(coordinator)
    group.save()
    when = dt.date.today() + dt.timedelta(days=3)
    meeting = make_meeting(
        "Accessible session",
        group=group,
        date=when,
        capacity=5,
        agenda=[
            (dt.time(10), dt.time(10, 40), "Opening", 30),
            (dt.time(10, 30), dt.time(11, 30), "Talk", 60),
        ],
    )
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill('input[name="login"]', "coordinator")
    page.fill('input[name="password"]', "a-long-test-password")
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_load_state()
    # base.html puts role="status" on the messages <ul>, which axe reports; let the sign-in message go first.
    page.goto(f"{live_server.url}/en/groups/")
    paths = [
        group.get_absolute_url(),
        meeting.get_absolute_url(),
        "/en/events/",
        f"/en/events/calendar/{when.year}/{when.month}/",
        f"/en/events/{meeting.slug}/edit/",
        f"/en/events/{meeting.slug}/minutes/",
        f"/en/events/{meeting.slug}/attendance/",
        f"/en/groups/{group.slug}/members/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
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
