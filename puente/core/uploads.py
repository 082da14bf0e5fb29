"""Upload checks by content, not by name: PDF, DOCX, XLSX, ODT, PNG and JPEG, up to ``UPLOAD_MAX_BYTES``."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ACCEPTED = _("PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG or JPEG")


def sniff(upload) -> str | None:
    """The kind of document ``upload`` really is, from its bytes, or None when it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == (
                    b"application/vnd.oasis.opendocument.text"
                ):
                    return "odt"
                if "[Content_Types].xml" in names:
                    if any(name.startswith("word/") for name in names):
                        return "docx"
                    if any(name.startswith("xl/") for name in names):
                        return "xlsx"
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
            return None
        finally:
            upload.seek(0)
    return None


def validate_document(upload) -> str:
    """Raise a ``ValidationError`` that says what is accepted, or return the detected kind."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the largest accepted is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("This file is not a document we accept. Accepted: %(accepted)s."),
            params={"accepted": ACCEPTED},
            code="bad_type",
        )
    return kind
