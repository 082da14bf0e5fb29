from wagtail.snippets.models import register_snippet

from puente.core.viewsets import ModeratedRecordViewSet

from .models import Practice


class PracticeViewSet(ModeratedRecordViewSet):
    model = Practice
    icon = "doc-full"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["title", "submitter_display", "submitted_on", "live"]
    list_filter = ["live", "is_anonymous", "language", "topics"]
    search_fields = ["title", "summary"]


register_snippet(PracticeViewSet)
