"""Admin pieces shared by the moderated record types."""

from wagtail.snippets.views.snippets import SnippetViewSet


class ModeratedRecordViewSet(SnippetViewSet):
    """The admin listing of a moderated record type. Deleted records are left out: they wait under
    Moderation → Deleted items, where the secretariat restores them (deleting is soft for 30 days)."""

    def get_queryset(self, request):
        return self.model._default_manager.filter(deleted_at__isnull=True)
