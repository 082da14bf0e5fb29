"""Form widgets shared by the apps."""

from django import forms
from django.urls import reverse


class ServedFileInput(forms.ClearableFileInput):
    """A file field whose current file links to the view that serves it (with its access check and headers)
    rather than to MEDIA_URL, which the proxy does not serve for these files. ``url_name`` takes the pk."""

    url_name = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk:
            context["widget"]["value"] = _Served(str(value), reverse(self.url_name, args=[instance.pk]))
        return context


class _Served(str):
    """The file's name, with the ``url`` the widget's template links to."""

    def __new__(cls, name, url):
        value = super().__new__(cls, name)
        value.url = url
        return value


class EvidenceFileInput(ServedFileInput):
    url_name = "commitments:report_evidence"
