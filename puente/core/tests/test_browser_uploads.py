"""Browser test in Debian's headless Chromium (issue #21, stored script): HTML behind PDF's magic bytes, stored by
the old code under its ``.html`` name, is downloaded when its URL is visited or framed; its script never runs."""

import contextlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from puente.commitments.models import ProgressReport, ReportStatus
from puente.core.tests.factories import make_commitment, make_document, make_resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HTML_IN_PDF = (
    b"%PDF-1.4\n<html><body><script>window.top.__pwned = 1; window.__pwned = 1</script></body></html>\n"
)


def stored_script_urls(live_server) -> list[str]:
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:  # flushed by a transactional test that ran earlier
        Collection.add_root(name="Root")
    # As the old code allowed: a resource's document and a report's evidence, both named .html.
    document = make_document("Annual report", content=HTML_IN_PDF, name="report.html")
    make_resource("Annual report", document=document)
    report = ProgressReport.objects.create(
        commitment=make_commitment(),
        reporting_date=timezone.localdate(),
        narrative="Done.",
        status=ReportStatus.APPROVED,
        evidence_document=default_storage.save("reports/2025/05/evidence.html", ContentFile(HTML_IN_PDF)),
    )
    return [
        f"{live_server.url}{document.url}",
        f"{live_server.url}/en/commitments/reports/{report.pk}/evidence/",
    ]


def test_visiting_a_stored_script_downloads_it(page, live_server):
    # Control: served inline as text/html from the site's origin, as before, the script runs.
    control = f"{live_server.url}/control.html"
    page.route(control, lambda route: route.fulfill(body=HTML_IN_PDF, content_type="text/html"))
    page.goto(control)
    assert page.evaluate("window.__pwned") == 1
    page.goto("about:blank")
    for url in stored_script_urls(live_server):
        # "Download is starting": the navigation fails, no page replaces the current one.
        with page.expect_download() as download, contextlib.suppress(PlaywrightError):
            page.goto(url)
        assert download.value.suggested_filename.endswith(".html")
        assert page.url != url  # nothing was rendered in its place
        assert page.evaluate("window.__pwned") is None


def test_framing_a_stored_script_does_not_run_it(page, live_server):
    # The page that frames it is of the same origin, where a script that ran would reach ``window.top``.
    urls = stored_script_urls(live_server)
    page.goto(f"{live_server.url}/healthz")
    for url in urls:
        page.evaluate(
            "url => { const f = document.createElement('iframe'); f.src = url; document.body.append(f); }",
            url,
        )
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__pwned") is None
    assert all(frame.evaluate("window.__pwned") is None for frame in page.frames)
