"""The admin's edit view for the moderated records: Wagtail's own, refusing to save over a newer version."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.snippets.views.snippets import EditView


class ConflictCheckedEditView(EditView):
    """Wagtail's snippet edit view, with its locks (``LockableMixin``) and editing sessions.

    Wagtail refuses an autosave over a newer revision, and its editing sessions warn in the browser when
    someone else saves; but a plain "Save" (or a workflow action) from a form loaded from an older revision
    would still replace the newer one. This refuses it too, by Wagtail's own test (``is_out_of_date``, from the
    ``loaded_revision_id`` the form carries): the form comes back with the person's input, a link to compare
    the two versions and the newer version loaded, so that saving again is a conscious choice."""

    def is_valid(self, form):
        if not self.expects_json_response and self.is_out_of_date:
            self.produced_error_code = "invalid_revision"
            self.produced_error_message = self._conflict_message()
            return False
        return super().is_valid(form)

    def _conflict_message(self):
        text = _(
            "Not saved: someone else saved a newer version of this %(model_name)s while you were editing. Your "
            "changes are still in the form: compare the versions, then save again to replace the newer one."
        ) % {"model_name": self.model._meta.verbose_name}
        loaded = self.request.POST.get("loaded_revision_id", "")
        if not (self.revisions_compare_url_name and loaded.isdigit() and self.latest_revision):
            return text
        url = reverse(
            self.revisions_compare_url_name,
            args=[quote(self.object.pk), loaded, self.latest_revision.pk],
        )
        return format_html('{} <a href="{}">{}</a>', text, url, _("Compare the versions"))
