"""The admin's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``): Wagtail's, with the site's upload checks.

Every way the admin uploads a document (the documents area, the multiple uploader, the chooser's upload tab)
builds its form on this base, so a document is checked by name and content against the one allow-list
(``uploads.validate_document``) and stored under a generated name, as on the public forms.
"""

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from .uploads import generated_name, validate_document


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            upload.name = generated_name(validate_document(upload))
        return upload
