"""Uploaded files, served by Django as attachments no browser runs, renders or guesses the type of.

- ``document``: Wagtail documents at ``/documents/<id>/<filename>`` (Wagtail's own URL, so every existing link
  keeps working), to those who may see a record using the document (``download_access.may_download``), as
  Wagtail's serve view does it (collection privacy, ETag, the ``document_served`` signal) but for any storage.
- ``report_evidence``: a progress report's evidence document, with the report's own visibility.

Every file goes out as an attachment named after its record, with the Content-Type of the allow-list
(``uploads.content_type_for``: anything else is ``application/octet-stream``), ``X-Content-Type-Options: nosniff``
and ``Content-Security-Policy: default-src 'none'``. The proxy must not serve these files itself (README,
"Deployment").
"""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import etag
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served

from .download_access import may_download, may_see_evidence
from .uploads import content_type_for, extension_of

MAX_ID = 2**63 - 1  # larger identifiers overflow the database's integers (SQLite raises)


def as_attachment(response, filename: str):
    """``response`` (a file) as a download that no browser displays or runs."""
    response["Content-Type"] = content_type_for(filename)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    patch_cache_control(response, private=True)  # some files are for some people only
    return response


def download_name(title: str, stored_name: str) -> str:
    """``<slug of the title>.<extension>``: readable, and never the name the uploader chose."""
    return f"{slugify(title)[:80] or 'document'}.{extension_of(stored_name) or 'bin'}"


def document(request, document_id: str, document_filename: str):
    """Wagtail's serve view with the access check, for any storage: Wagtail's ``before_serve_document`` hooks
    (a collection's privacy), its ``document_served`` signal and ETag, then the file as an attachment."""
    fits = len(document_id) <= 18  # below MAX_ID
    item = get_document_model().objects.filter(pk=int(document_id)).first() if fits else None
    if item is None or item.filename != document_filename or not may_download(request.user, item):
        raise Http404
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(item, request)
        if isinstance(result, HttpResponse):
            return result  # a collection's password or sign-in page
    document_served.send(sender=type(item), instance=item, request=request)

    @etag(lambda request: item.file_hash or None)
    def serve(request):
        try:
            file = item.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        return as_attachment(FileResponse(file), download_name(item.title, item.file.name))

    return serve(request)


def report_evidence(request, pk: int):
    from puente.commitments.models import ProgressReport

    report = (
        ProgressReport.objects.select_related("commitment__local_government").filter(pk=pk).first()
        if pk <= MAX_ID
        else None
    )
    if report is None or not report.evidence_document or not may_see_evidence(request.user, report):
        raise Http404
    try:
        file = report.evidence_document.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    name = f"evidence {report.commitment.slug[:60]} {report.reporting_date:%Y-%m-%d}"
    return as_attachment(FileResponse(file), download_name(name, report.evidence_document.name))
