"""Browser: search, filter by two facets (the page refreshes in place), and open a result."""

import io

import pytest
from django.core.management import call_command

from puente.core.tests.factories import make_country, make_practice, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_filter_by_two_facets_and_open_a_result(page, live_server):
    mexico, chile = make_country("MX", "Mexico"), make_country("CL", "Chile")
    remittances, inclusion = make_topic("Remittances"), make_topic("Social Inclusion")
    make_practice(
        "3x1 Remittance Programme",
        summary="Migrants send remittances home.",
        topics=[remittances],
        country=mexico,
    )
    make_practice(
        "Remittances for housing",
        summary="Migrants invest remittances in homes.",
        topics=[remittances],
        country=chile,
    )
    make_practice(
        "Welcome desks", summary="Migrants find help at welcome desks.", topics=[inclusion], country=chile
    )
    call_command("rebuild_search", stdout=io.StringIO())

    page.goto(f"{live_server.url}/es/search/?q=migrantes")
    assert "3 resultados" in page.locator("#results-heading").inner_text()
    page.get_by_label("Chile (2)").check()
    page.wait_for_url("**country=cl**")
    assert "2 resultados" in page.locator("#results-heading").inner_text()
    page.get_by_label("Remittances (1)").check()
    page.wait_for_url("**topic=remittances**")
    assert "1 resultado" in page.locator("#results-heading").inner_text()
    assert page.get_by_label("Chile (1)").is_checked()
    page.get_by_role("link", name="Remittances for housing").click()
    page.wait_for_url("**/practices/remittances-for-housing/")
    assert page.get_by_role("heading", level=1).inner_text() == "Remittances for housing"
