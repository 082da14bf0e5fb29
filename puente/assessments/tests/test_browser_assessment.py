"""Browser: a focal point starts a round and assigns a criterion, two colleagues answer two criteria, the
focal point closes the round, sees the radar chart and turns a gap into a draft commitment."""

import pytest

from puente.core.tests.factories import make_organisation, make_user
from puente.organizations.models import Membership, MembershipRole

from .helpers import load_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-test-password"


def sign_in(page, base, login):
    page.context.clear_cookies()
    page.goto(f"{base}/en/accounts/login/")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form[action*="login"] button[type="submit"]').click()
    page.wait_for_load_state()


def answer_all(page, levels, competence, commitment=""):
    """Choose a level for each question (by its described label) and who is competent."""
    questions = page.locator("fieldset.question")
    for i, level in enumerate(levels):
        question = questions.nth(i)
        question.locator(f'input[type="radio"][value="{level}"]').check()
        question.get_by_label("Who is competent").select_option(competence)
        if commitment and i == 0:
            question.get_by_label("Potential commitment").fill(commitment)
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_load_state()


def test_round_from_start_to_a_draft_commitment(page, live_server):
    base = live_server.url
    load_bank()
    city = make_organisation("Quilmes", is_verified=True)
    people = {}
    for username, role in (("focal", MembershipRole.FOCAL_POINT), ("ana", MembershipRole.MEMBER)):
        people[username] = make_user(
            username, verified_email=True, password=PASSWORD, first_name=username.title()
        )
        Membership.objects.create(user=people[username], organisation=city, role=role)

    # The focal point starts the round from the account menu and assigns criterion 2 to Ana.
    sign_in(page, base, "focal@example.org")
    page.goto(f"{base}/en/practices/")
    account = page.get_by_role("navigation", name="Your account")
    account.locator("summary").click()
    account.get_by_role("link", name="Self-assessments").click()
    page.get_by_role("link", name="New round for Quilmes").click()
    page.get_by_label("Title").fill("Autoevaluación Quilmes 2026")
    page.get_by_role("button", name="Start the round").click()
    assert "The round has started" in page.locator("main").inner_text()
    round_url = page.url
    page.get_by_label("Assign Economic Inclusion to").select_option(label="Ana")
    page.get_by_role("button", name="Save the assignments").click()
    assert "The assignments have been saved" in page.locator("main").inner_text()

    # The focal point answers criterion 1: a gap (level 1 everywhere, shared competence).
    page.get_by_role("link", name="Answer Civil-Political Inclusion").click()
    answer_all(page, [1, 1, 2, 1], "shared", commitment="Crear un consejo consultivo de migrantes.")
    assert "Your answers have been saved" in page.locator("main").inner_text()

    # Ana answers criterion 2 (a strength); she cannot answer criterion 1.
    sign_in(page, base, "ana@example.org")
    page.goto(round_url)
    assert page.get_by_role("link", name="Answer Civil-Political Inclusion").count() == 0
    page.get_by_role("link", name="Answer Economic Inclusion").click()
    answer_all(page, [5, 4, 5, 4], "municipal")
    assert "2. Economic Inclusion" in page.locator("main").inner_text()

    # The focal point closes the round and reads the results.
    sign_in(page, base, "focal@example.org")
    page.goto(round_url)
    page.get_by_role("link", name="Close the round…").click()
    page.get_by_role("button", name="Yes, close the round").click()
    main = page.locator("main")
    assert "The round is closed" in main.inner_text()
    radar = page.get_by_role("img", name="Score per criterion (0–100)")
    assert radar.is_visible()
    assert radar.bounding_box()["width"] > 200
    table = page.get_by_role("table", name="Scores per criterion and group").inner_text()
    # The score comes right after the criterion (readable on a phone), then answered and mean level.
    assert "1. Civil-Political Inclusion\t6\t4/4\t1.25" in table
    assert "2. Economic Inclusion\t88\t4/4\t4.50" in table

    # From the gap, one click drafts a commitment.
    page.get_by_role("button", name="Draft a commitment on Civil-Political Inclusion").click()
    page.wait_for_url("**/edit/")
    assert "A draft commitment has been created" in main.inner_text()
    assert page.locator("#id_priorities-0-text").input_value() == "Crear un consejo consultivo de migrantes."
    assert page.locator("#id_priorities-0-competence").input_value() == "shared"
