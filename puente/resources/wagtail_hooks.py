from wagtail.snippets.models import register_snippet

from puente.core.viewsets import ModeratedRecordViewSet

from .models import Resource


class ResourceViewSet(ModeratedRecordViewSet):
    model = Resource
    icon = "folder-open-inverse"
    menu_order = 203
    add_to_admin_menu = True
    list_display = ["title", "kind", "published_on", "live"]
    list_filter = ["kind", "live", "language"]
    search_fields = ["title", "summary"]


register_snippet(ResourceViewSet)
