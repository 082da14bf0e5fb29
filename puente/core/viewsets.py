"""Admin pieces shared by the record types."""

from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_edit import ConflictCheckedEditView


class RecordViewSet(SnippetViewSet):
    """The admin listing of an indexed record type. Its search box looks for the words in the viewset's
    ``search_fields`` with the database (``icontains``), not through the search backend: Wagtail's SQLite
    backend cannot limit a search to chosen fields (it fails with "no such column"), and a search through
    the backend only sees the model's autocomplete fields, while staff look records up by acronym, city or
    summary too."""

    search_backend_name = None


class ModeratedRecordViewSet(RecordViewSet):
    """The admin listing of a moderated record type. Deleted records are left out: they wait under
    Moderation → Deleted items, where the secretariat restores them (deleting is soft for 30 days). Editing
    refuses to save over a version newer than the one the form was loaded from (``admin_edit``)."""

    edit_view_class = ConflictCheckedEditView

    def get_queryset(self, request):
        return self.model._default_manager.filter(deleted_at__isnull=True)
