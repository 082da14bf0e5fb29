"""Uploads over ``UPLOAD_MAX_BYTES`` are refused while they come in, not after they have been stored.

- ``RequestSizeMiddleware`` answers 413 (a page in the site's layout) to a request whose Content-Length is over
  the limit plus a small allowance for the form's other fields, without reading its body. It comes before
  ``CsrfViewMiddleware``, which reads the body of every POST.
- ``LimitedUploadHandler``, first of ``FILE_UPLOAD_HANDLERS``, stops passing a file on to the handlers that
  keep it (in memory or in a temporary file) once it is over the limit, whatever the request announced; the
  form then gets an empty ``TooLargeUpload`` of the real size, which ``uploads.validate_document`` refuses with a
  clear message.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render

# Room for the form's other fields and the multipart boundaries around the file.
FORM_ALLOWANCE = 1024 * 1024


def request_limit() -> int:
    return settings.UPLOAD_MAX_BYTES + FORM_ALLOWANCE


class RequestSizeMiddleware:
    """Answer 413 to a request announcing a body larger than the largest upload, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > request_limit():
            return render(
                request, "core/upload_too_large.html", {"limit": settings.UPLOAD_MAX_BYTES}, status=413
            )
        return self.get_response(request)


class TooLargeUpload(UploadedFile):
    """A file that was over the limit: its name and real size, none of its content."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class LimitedUploadHandler(FileUploadHandler):
    """Pass each chunk on until the file is over ``UPLOAD_MAX_BYTES``; then keep only the count of bytes."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self.too_large = True
        return None if self.too_large else raw_data  # None: the next handlers never see the chunk

    def file_complete(self, file_size):
        if not self.too_large:
            return None  # the next handler returns the stored file
        for handler in self.request.upload_handlers if self.request else []:
            if handler is not self:
                handler.upload_interrupted()  # removes the partial temporary file
        return TooLargeUpload(
            self.file_name, self.content_type, file_size, self.charset, self.content_type_extra
        )
