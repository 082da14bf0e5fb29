from wagtail.snippets.models import register_snippet

from puente.core.viewsets import RecordViewSet

from .models import WorkingGroup


class WorkingGroupViewSet(RecordViewSet):
    model = WorkingGroup
    icon = "group"
    menu_order = 205
    add_to_admin_menu = True
    list_display = ["name", "established", "is_public"]
    search_fields = ["name", "summary"]


register_snippet(WorkingGroupViewSet)
