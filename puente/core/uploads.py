"""What users may upload: one allow-list of file name extensions, each with the kind of content it must have.

Every upload path (the public contribution forms, progress report evidence, profile photos, documents uploaded in
the admin) calls ``validate_document``: the size, the name's extension and the content sniffed from the bytes
must agree. Accepted files are stored under generated names (``generated_name``, ``RandomName``), never the
name the user chose, and served as attachments (``puente.core.downloads``).
"""

import re
import secrets
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .archives import open_checked

# The allow-list: file name extension → the kind of content the file must have.
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "odt": "odt",
    "csv": "csv",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
KINDS = {
    # kind: (what the user reads, the Content-Type it is served with)
    "pdf": (_("a PDF document"), "application/pdf"),
    "docx": (
        _("a Word (DOCX) document"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        _("an Excel (XLSX) workbook"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        _("a PowerPoint (PPTX) presentation"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": (_("an OpenDocument text (ODT) document"), "application/vnd.oasis.opendocument.text"),
    "csv": (_("a CSV table (plain text)"), "text/csv"),
    "png": (_("a PNG image"), "image/png"),
    "jpeg": (_("a JPEG image"), "image/jpeg"),
}
ACCEPTED = _("PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), CSV, PNG or JPEG")
HELP_TEXT = format_lazy("{}.", ACCEPTED)
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in EXTENSIONS)  # for <input type="file" accept>
IMAGES = {"png", "jpeg"}

HEAD_BYTES = 1024
# Tags a browser takes for HTML when it guesses a type; no document we accept starts with one.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|style|title|table|font|meta|object|embed)[\s>/]",
    re.IGNORECASE,
)
# Control characters that never occur in a text table (NUL, backspace, escape, ...).
BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def extension_of(name: str) -> str:
    """The lowercased extension of a file name ('' when it has none)."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base else ""


def content_type_for(name: str) -> str:
    """The Content-Type a stored file is served with: from the allow-list, or a type no browser renders."""
    kind = EXTENSIONS.get(extension_of(name))
    return KINDS[kind][1] if kind else "application/octet-stream"


def sniff(upload) -> str | None:
    """The kind of document ``upload`` really is, from its bytes, or None when it is none we accept.

    Reads the first kilobyte and, for the archive formats, only the archive's directory and a few bytes of one
    entry after checking its declared sizes (``archives.open_checked``)."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if MARKUP.search(head):
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            return _sniff_archive(upload)
        except (zipfile.BadZipFile, struct.error, KeyError, OSError, RuntimeError, ValueError, EOFError):
            return None  # not an archive we can read: UnsafeArchive is a ValueError
        finally:
            upload.seek(0)
    if head and not BINARY.search(head):
        return "csv"
    return None


def _sniff_archive(upload) -> str | None:
    with open_checked(upload) as archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            # Read a few bytes only: the declared size may lie, the decompressed stream may not end.
            with archive.open("mimetype") as entry:
                value = entry.read(len(ODT_MIMETYPE) + 2)
            return "odt" if value.strip() == ODT_MIMETYPE else None
        if "[Content_Types].xml" in names:
            for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                if any(name.startswith(prefix) for name in names):
                    return kind
    return None


def validate_document(upload, *, kinds=None) -> str:
    """Check ``upload``'s size, name and content against the allow-list (or the ``kinds`` of it a field
    accepts); raise a ``ValidationError`` that says what is accepted, or return the checked extension."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the largest accepted is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    allowed = {ext: kind for ext, kind in EXTENSIONS.items() if kinds is None or kind in kinds}
    accepted = ACCEPTED if kinds is None else ", ".join(str(KINDS[kind][0]) for kind in sorted(kinds))
    extension = extension_of(upload.name or "")
    if not extension:
        raise ValidationError(
            _(
                "This file is not a document we accept. Its name has no extension (such as .pdf). "
                "Accepted: %(accepted)s."
            ),
            params={"accepted": accepted},
            code="bad_extension",
        )
    if extension not in allowed:
        raise ValidationError(
            _(
                "This file is not a document we accept. Files named “.%(extension)s” are not accepted. "
                "Accepted: %(accepted)s."
            ),
            params={"extension": extension[:20], "accepted": accepted},
            code="bad_extension",
        )
    expected = allowed[extension]
    if sniff(upload) != expected:
        raise ValidationError(
            _(
                "This file is not a document we accept. Its name ends in “.%(extension)s” but its content is "
                "not %(expected)s. Accepted: %(accepted)s."
            ),
            params={"extension": extension, "expected": KINDS[expected][0], "accepted": accepted},
            code="bad_type",
        )
    return extension


def generated_name(extension: str) -> str:
    """A name nobody chose or can guess, with the checked extension: what an accepted upload is stored as."""
    return f"{secrets.token_hex(16)}.{extension}"


@deconstructible
class RandomName:
    """``upload_to`` for user uploads: ``<folder>/<random>.<extension>``, the extension from the allow-list
    (the form has checked it) or ``bin``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = extension_of(filename)
        return f"{self.folder}/{generated_name(extension if extension in EXTENSIONS else 'bin')}"
