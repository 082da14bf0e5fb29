"""Uploads (issue #21): one allow-list of name and content, generated names, attachments with nosniff and
``default-src 'none'``, the record's visibility for its files, archive bombs, and size limits while streaming.

Everything goes through HTTP: the public forms, the admin's own document views, the download URLs."""

import io
import re
import tracemalloc
import zipfile

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from puente.commitments.models import ProgressReport, ReportStatus
from puente.commitments.tests.test_lifecycle import focal_point, moderator
from puente.commitments.tests.test_progress import report_data
from puente.core.models import StandardPage
from puente.core.tests.factories import (
    make_commitment,
    make_document,
    make_group,
    make_meeting,
    make_organisation,
    make_resource,
    make_user,
)
from puente.events.models import MeetingDocument
from puente.groups.models import GroupDocument
from puente.resources.models import Resource

# The attack: HTML with a script, behind PDF's magic bytes.
HTML_IN_PDF = b"%PDF-1.4\n<html><body><script>window.__pwned = 1</script></body></html>\n"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GENERATED = re.compile(r"^[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|odt|csv|png|jpg|jpeg)$")


def office(kind: str) -> bytes:
    """A minimal DOCX, XLSX, PPTX or ODT archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            folder = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}[kind]
            archive.writestr(f"{folder}/main.xml", "<document/>")
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def bomb(kind: str, megabytes: int = 200) -> bytes:
    """An archive of about 200 KB whose main entry expands to ``megabytes`` of zeros, written as a stream."""
    out = io.BytesIO()
    name = "mimetype" if kind == "odt" else "word/document.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(name, "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                entry.write(chunk)
    return out.getvalue()


def resource_payload(upload=None, **fields):
    payload = {
        "key": "5a1b0f9e-4a8b-4d5e-9f00-000000000001",
        "title": "Toolkit on local integration",
        "summary": "How to run a welcome desk.",
        "kind": "toolkit",
        "language": "en",
        "action": "submit",
        **fields,
    }
    if upload is not None:
        payload["upload"] = SimpleUploadedFile(*upload)
    return payload


def stored_as_before(name: str, content: bytes) -> str:
    """A file stored as the old code stored evidence: under the name its uploader chose."""
    return default_storage.save(f"reports/2025/05/{name}", ContentFile(content))


def stored_name(document) -> str:
    return document.file.name.rsplit("/", 1)[-1]


class AllowListTests(TestCase):
    """The public resource form, the progress report form and the profile photo: name and content together."""

    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa")
        cls.city = make_organisation("Villa Nueva")
        cls.focal = focal_point(cls.city, "focal")
        cls.commitment = make_commitment(
            "Welcoming Villa Nueva", local_government=cls.city, priorities=["Desk"]
        )

    def setUp(self):
        cache.clear()
        self.client.force_login(self.member)

    def post_resource(self, name, content):
        return self.client.post("/en/contribute/resource/", resource_payload((name, content)))

    def test_html_named_file_with_pdf_magic_is_refused_as_a_resource(self):
        response = self.post_resource("report.html", HTML_IN_PDF)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Files named “.html” are not accepted.")
        self.assertFalse(Resource.objects.exists())
        self.assertFalse(get_document_model().objects.exists())

    def test_content_must_match_the_name(self):
        for name, content, expected in (
            ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not a PDF document"),
            (
                "report.pdf",
                HTML_IN_PDF,
                "not a PDF document",
            ),  # markup in the head: a browser would guess HTML
            ("report.pdf", png(), "not a PDF document"),
            ("photo.png", PDF, "not a PNG image"),
            ("toolkit.docx", office("xlsx"), "not a Word (DOCX) document"),
            ("notes.odt", office("docx"), "not an OpenDocument text (ODT)"),
            ("table.csv", b"MZ\x90\x00\x03\x00\x00\x00", "not a CSV table"),
            ("report", PDF, "Its name has no extension"),
        ):
            with self.subTest(name=name, expected=expected):
                self.assertContains(self.post_resource(name, content), expected)
        self.assertFalse(Resource.objects.exists())

    def test_accepted_files_are_stored_under_generated_names(self):
        for index, (name, content) in enumerate(
            (
                ("Informe final <script>.pdf", PDF),
                ("toolkit.DOCX", office("docx")),
                ("budget.xlsx", office("xlsx")),
                ("slides.pptx", office("pptx")),
                ("notes.odt", office("odt")),
                ("figures.csv", b"city,people\nQuilicura,200\n"),
                ("map.png", png()),
            )
        ):
            with self.subTest(name=name):
                response = self.client.post(
                    "/en/contribute/resource/",
                    resource_payload((name, content), key=f"5a1b0f9e-4a8b-4d5e-9f00-00000000010{index}"),
                )
                self.assertEqual(response.status_code, 302, response.content[:3000])
        names = [stored_name(resource.document) for resource in Resource.objects.select_related("document")]
        self.assertEqual(len(names), 7)
        for name in names:
            self.assertRegex(name, GENERATED)
        self.assertIn("docx", {name.rsplit(".", 1)[1] for name in names})

    def test_progress_report_evidence_is_checked_and_stored_under_a_generated_name(self):
        self.client.force_login(self.focal)
        url = f"/en/commitments/{self.commitment.slug}/reports/new/"
        rows = [("in_progress", 10, "")]
        upload = SimpleUploadedFile("evidence.html", HTML_IN_PDF, content_type="application/pdf")
        response = self.client.post(url, report_data(self.commitment, rows, evidence_document=upload))
        self.assertContains(response, "Files named “.html” are not accepted.")
        self.assertFalse(ProgressReport.objects.exists())
        upload = SimpleUploadedFile("Our evidence.pdf", PDF, content_type="application/pdf")
        self.client.post(url, report_data(self.commitment, rows, evidence_document=upload))
        name = ProgressReport.objects.get().evidence_document.name
        self.assertRegex(name, r"^reports/[0-9a-f]{32}\.pdf$")

    def test_profile_photo_must_be_a_png_or_jpeg_named_as_one(self):
        for name, message in (
            ("me.html", "is not allowed"),
            ("me.pdf", "Files named “.pdf” are not accepted"),
        ):
            with self.subTest(name=name):
                response = self.client.post(
                    "/en/members/me/", {"photo": SimpleUploadedFile(name, png(), content_type="image/png")}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        response = self.client.post("/en/members/me/", {"photo": SimpleUploadedFile("me.png", png())})
        self.assertEqual(response.status_code, 302)
        self.assertRegex(self.member.profile.photo.name, r"^profiles/\d{4}/[0-9a-f]{32}\.png$")


class AdminDocumentUploadTests(TestCase):
    """Documents uploaded in Wagtail's admin (single and multiple uploaders) get the same checks."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("root", is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)
        self.collection = Collection.get_first_root_node()

    def add(self, name, content):
        return self.client.post(
            "/admin/documents/add/",
            {"title": "Terms", "collection": self.collection.pk, "file": SimpleUploadedFile(name, content)},
        )

    def test_single_uploader(self):
        response = self.add("terms.html", HTML_IN_PDF)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "are not accepted")
        self.assertContains(self.add("terms.pdf", HTML_IN_PDF), "not a PDF document")
        self.assertFalse(get_document_model().objects.exists())
        self.assertEqual(self.add("Terms of reference.pdf", PDF).status_code, 302)
        self.assertRegex(stored_name(get_document_model().objects.get()), GENERATED)

    def test_multiple_uploader(self):
        url = "/admin/documents/multiple/add/"
        payload = {"collection": self.collection.pk, "files[]": SimpleUploadedFile("terms.html", HTML_IN_PDF)}
        answer = self.client.post(url, payload).json()
        self.assertFalse(answer["success"])
        self.assertIn("are not accepted", answer["error_message"])
        payload = {"collection": self.collection.pk, "files[]": SimpleUploadedFile("terms.pdf", PDF)}
        self.assertTrue(self.client.post(url, payload).json()["success"])
        self.assertRegex(stored_name(get_document_model().objects.get()), GENERATED)


class ArchiveBombTests(TestCase):
    """An archive whose entry expands to 200 MB is refused from its declared sizes, reading nothing of it."""

    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa")
        cls.bombs = {kind: bomb(kind) for kind in ("odt", "docx")}

    def test_refused_without_expanding_it(self):
        self.client.force_login(self.member)
        # The first request loads templates and translations: not what is measured.
        self.client.post("/en/contribute/resource/", resource_payload(("small.odt", office("docx"))))
        for kind, content in self.bombs.items():
            with self.subTest(kind=kind):
                self.assertLess(len(content), 1024 * 1024)
                payload = resource_payload((f"bomb.{kind}", content))
                tracemalloc.start()
                try:
                    response = self.client.post("/en/contribute/resource/", payload)
                    peak = tracemalloc.get_traced_memory()[1]
                finally:
                    tracemalloc.stop()
                self.assertContains(response, "This file is not a document we accept.")
                self.assertLess(peak, 8 * 1024 * 1024)  # the entry alone is 200 MB
        self.assertFalse(Resource.objects.exists())

    def test_too_many_entries(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            for number in range(1500):
                archive.writestr(f"word/part{number}.xml", "")
        self.client.force_login(self.member)
        response = self.client.post(
            "/en/contribute/resource/", resource_payload(("many.docx", out.getvalue()))
        )
        self.assertContains(response, "not a Word (DOCX) document")


class ServingTests(TestCase):
    """Files go out as attachments with nosniff and ``default-src 'none'``, whatever they were stored as."""

    def assert_attachment(self, response, content_type, filename):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], content_type)
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{filename}"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")
        self.assertIn("private", response["Cache-Control"])

    def test_a_stored_html_file_is_not_served_as_html(self):
        # What the old code stored: a document named .html with PDF magic, used by a published resource.
        evil = make_document("Annual report", content=HTML_IN_PDF, name="report.html")
        make_resource("Annual report", document=evil)
        response = self.client.get(evil.url)
        self.assert_attachment(response, "application/octet-stream", "annual-report.html")
        self.assertEqual(b"".join(response.streaming_content), HTML_IN_PDF)

    def test_a_pdf_is_a_download_named_after_its_title(self):
        document = make_document("Informe de actividades 2025", content=PDF)
        make_resource("Informe", document=document)
        self.assert_attachment(
            self.client.get(document.url), "application/pdf", "informe-de-actividades-2025.pdf"
        )

    def test_the_url_still_needs_the_right_file_name(self):
        document = make_document(content=PDF)
        make_resource(document=document)
        self.assertEqual(self.client.get(f"/documents/{document.pk}/other.pdf").status_code, 404)
        self.assertEqual(self.client.get(f"/documents/{2**63}/x.pdf").status_code, 404)
        self.assertEqual(self.client.get(f"/documents/{'9' * 5000}/x.pdf").status_code, 404)

    def test_report_evidence_is_served_by_a_view(self):
        commitment = make_commitment()
        report = ProgressReport.objects.create(
            commitment=commitment,
            reporting_date=timezone.localdate(),
            narrative="Done.",
            status=ReportStatus.APPROVED,
            evidence_document=stored_as_before("evidence.html", HTML_IN_PDF),
        )
        page = self.client.get(commitment.get_absolute_url())
        self.assertContains(page, f'href="/en/commitments/reports/{report.pk}/evidence/"')
        self.assertNotContains(page, report.evidence_document.name)
        response = self.client.get(f"/en/commitments/reports/{report.pk}/evidence/")
        filename = f"evidence-{commitment.slug}-{report.reporting_date:%Y-%m-%d}.html"
        self.assert_attachment(response, "application/octet-stream", filename)

    def test_the_admin_links_evidence_to_the_view(self):
        report = ProgressReport.objects.create(
            commitment=make_commitment(),
            reporting_date=timezone.localdate(),
            narrative="Done.",
            evidence_document=ContentFile(PDF, name="evidence.pdf"),
        )
        self.client.force_login(make_user("root", is_staff=True, is_superuser=True))
        response = self.client.get(f"/admin/snippets/commitments/progressreport/edit/{report.pk}/")
        self.assertContains(response, f'href="/en/commitments/reports/{report.pk}/evidence/"')
        self.assertNotContains(response, f'href="/media/{report.evidence_document.name}"')


class DocumentVisibilityTests(TestCase):
    """A document is served to those who may see a record that uses it; staff always get it."""

    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user("staff", is_staff=True)
        cls.outsider = make_user("outsider")
        cls.city = make_organisation("Villa Nueva")
        cls.member = make_user("member")
        cls.city.memberships.create(user=cls.member, role="member")

    def status(self, document, user=None):
        self.client.logout()
        if user:
            self.client.force_login(user)
        return self.client.get(document.url).status_code

    def test_draft_and_deleted_resources(self):
        uploader, editor = make_user("uploader"), make_user("editor")
        self.city.memberships.create(user=editor, role="editor")
        document = make_document(content=PDF)
        document.uploaded_by_user = uploader
        document.save()
        resource = make_resource(live=False, document=document)
        resource.organisations.add(self.city)
        resource.save()
        self.assertEqual(self.status(document), 404)
        self.assertEqual(self.status(document, self.outsider), 404)
        self.assertEqual(
            self.status(document, self.member), 404
        )  # a member, not an editor, of its organisation
        self.assertEqual(self.status(document, editor), 200)  # may edit it, so may preview it
        self.assertEqual(self.status(document, uploader), 200)
        self.assertEqual(self.status(document, self.staff), 200)
        resource.get_latest_revision().publish()
        self.assertEqual(self.status(document), 200)
        resource.deleted_at = timezone.now()
        resource.save()
        self.assertEqual(self.status(document), 404)
        self.assertEqual(self.status(document, self.staff), 200)

    def test_a_document_nothing_uses_is_for_staff_only(self):
        document = make_document(content=PDF)
        self.assertEqual(self.status(document), 404)
        self.assertEqual(self.status(document, self.outsider), 404)
        self.assertEqual(self.status(document, self.staff), 200)
        secretariat = moderator("secretariat")
        self.assertEqual(self.status(document, secretariat), 200)
        editor = make_user("editor")
        editor.groups.add(Group.objects.get(name="Editors"))  # may manage documents in the admin
        self.assertEqual(self.status(document, editor), 200)

    def test_members_only_groups_and_their_meetings(self):
        private = make_group("Private group", is_public=False)
        private.members.add(self.city)
        private.save()
        public = make_group("Open group")
        group_document, meeting_document, open_document = (make_document(content=PDF) for _ in range(3))
        GroupDocument.objects.create(group=private, document=group_document)
        meeting = make_meeting(group=private)
        MeetingDocument.objects.create(meeting=meeting, document=meeting_document)
        GroupDocument.objects.create(group=public, document=open_document)
        for document in (group_document, meeting_document):
            with self.subTest(document=document.title):
                self.assertEqual(self.status(document), 404)
                self.assertEqual(self.status(document, self.outsider), 404)
                self.assertEqual(self.status(document, self.member), 200)
                self.assertEqual(self.status(document, self.staff), 200)
        self.assertEqual(self.status(open_document), 200)
        meeting.live = False
        meeting.save()
        self.assertEqual(self.status(meeting_document, self.member), 404)

    def test_a_link_in_a_published_page(self):
        document = make_document(content=PDF)
        page = StandardPage(
            title="About",
            slug="about-us",
            body=f'<p><a linktype="document" id="{document.pk}">Statutes</a></p>',
        )
        Page.get_first_root_node().add_child(instance=page)
        self.assertEqual(self.status(document), 200)
        page.unpublish()
        self.assertEqual(self.status(document), 404)

    def test_queries_stay_few(self):
        document = make_document(content=PDF)
        for _ in range(3):
            make_resource(live=False, document=document)
            GroupDocument.objects.create(group=make_group(is_public=False), document=document)
        # the document, its references, the records of each kind using it (none visible); then the 404's own
        # two (Wagtail's redirects middleware looks the path up)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get(document.url).status_code, 404)
        shared = make_document(content=PDF)
        for live in (False, False, False, True):
            make_resource(live=live, document=shared)
        # the document, its references, the resources using it, the collection's privacy (Wagtail's hook)
        with self.assertNumQueries(5):
            self.assertEqual(self.client.get(shared.url).status_code, 200)

    def test_a_group_page_does_not_query_per_document(self):
        group = make_group("Open group")
        GroupDocument.objects.create(group=group, document=make_document(content=PDF))
        one = self.queries(group.get_absolute_url())
        for _ in range(4):
            GroupDocument.objects.create(group=group, document=make_document(content=PDF))
        self.assertEqual(self.queries(group.get_absolute_url()), one)

    def queries(self, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertContains(self.client.get(url), "/documents/")
        return len(captured)


class EvidenceVisibilityTests(TestCase):
    """Evidence of a report that is not approved: the local government's focal points and the secretariat."""

    @classmethod
    def setUpTestData(cls):
        cls.city = make_organisation("Villa Nueva")
        cls.focal = focal_point(cls.city, "focal")
        cls.other_focal = focal_point(make_organisation("Otra"), "other-focal")
        cls.secretariat = moderator()
        cls.report = ProgressReport.objects.create(
            commitment=make_commitment(local_government=cls.city),
            reporting_date=timezone.localdate(),
            narrative="Done.",
            evidence_document=ContentFile(PDF, name="evidence.pdf"),
        )

    def status(self, user=None):
        self.client.logout()
        if user:
            self.client.force_login(user)
        return self.client.get(f"/en/commitments/reports/{self.report.pk}/evidence/").status_code

    def test_submitted_then_approved(self):
        self.assertEqual(self.status(), 404)
        self.assertEqual(self.status(self.other_focal), 404)
        self.assertEqual(self.status(self.focal), 200)
        self.assertEqual(self.status(self.secretariat), 200)
        self.report.status = ReportStatus.APPROVED
        self.report.save()
        self.assertEqual(self.status(), 200)
        self.assertEqual(self.client.get(f"/en/commitments/reports/{2**63}/evidence/").status_code, 404)


class StreamingLimitTests(TestCase):
    """Over the limit, a request is refused before its body is read, and a file stops being kept."""

    @classmethod
    def setUpTestData(cls):
        cls.member = make_user("rosa")

    def setUp(self):
        cache.clear()
        self.client.force_login(self.member)

    def test_a_request_announcing_300_mb_is_refused_unread(self):
        # The body is 10 bytes: reading what the header announces would fail the test client's FakePayload.
        for url in ("/en/contribute/resource/", "/fr/contribute/resource/", "/admin/documents/add/"):
            with self.subTest(url=url):
                response = self.client.generic(
                    "POST",
                    url,
                    b"0123456789",
                    content_type="multipart/form-data; boundary=xyz",
                    CONTENT_LENGTH=str(300 * 1024 * 1024),
                )
                self.assertEqual(response.status_code, 413)
                self.assertContains(
                    response, "20,0\xa0Mio" if "/fr/" in url else "20.0\xa0MB", status_code=413
                )
                self.assertContains(response, '<main id="main"', status_code=413)  # in the site's layout
        self.assertContains(
            self.client.generic(
                "POST", "/en/contribute/resource/", b"", CONTENT_LENGTH=str(300 * 1024 * 1024)
            ),
            "The largest file we accept is",
            status_code=413,
        )

    @override_settings(UPLOAD_MAX_BYTES=10_000)
    def test_a_file_over_the_limit_is_dropped_while_it_streams_in(self):
        Recorder.received = 0
        handlers = [
            "puente.core.upload_limits.LimitedUploadHandler",
            "puente.core.tests.test_uploads.Recorder",
            "django.core.files.uploadhandler.MemoryFileUploadHandler",
            "django.core.files.uploadhandler.TemporaryFileUploadHandler",
        ]
        with self.settings(FILE_UPLOAD_HANDLERS=handlers):
            response = self.client.post(
                "/en/contribute/resource/", resource_payload(("big.pdf", PDF + b"0" * 200_000))
            )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the largest accepted is 9.8\xa0KB")
        self.assertLessEqual(Recorder.received, 10_000)  # what the storing handlers were given
        self.assertFalse(Resource.objects.exists())


class Recorder(FileUploadHandler):
    """Counts the bytes handed on to the handlers that store files."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        Recorder.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None
