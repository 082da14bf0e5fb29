from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from puente.core.access import is_secretariat

from . import admin_views
from .models import Contribution, Report


class ReportViewSet(SnippetViewSet):
    """The moderation queue of reported content (open reports first)."""

    model = Report
    icon = "warning"
    menu_label = _("Reported content")
    list_display = ["__str__", "reason", "status", "created_at"]
    list_filter = ["status", "reason", "content_type"]
    panels = [
        FieldPanel("reason", read_only=True),
        FieldPanel("details", read_only=True),
        FieldPanel("status"),
        FieldPanel("note"),
    ]


class ContributionViewSet(SnippetViewSet):
    model = Contribution
    icon = "upload"
    menu_label = _("Contributions")
    list_display = ["__str__", "submitter", "status", "updated_at"]
    list_filter = ["status", "content_type"]
    panels = [FieldPanel("status", read_only=True), FieldPanel("reason", read_only=True)]


class ModerationGroup(SnippetViewSetGroup):
    items = (ReportViewSet, ContributionViewSet)
    menu_icon = "tasks"
    menu_label = _("Moderation")
    menu_name = "moderation"
    submenu_hook = "register_moderation_menu_item"


register_snippet(ModerationGroup)


class SecretariatMenuItem(MenuItem):
    def is_shown(self, request):
        return is_secretariat(request.user)


@hooks.register("register_moderation_menu_item")
def deleted_items_menu_item():
    return SecretariatMenuItem(
        _("Deleted items"),
        reverse("contributions_deleted_items"),
        name="deleted-items",
        icon_name="bin",
        order=10,
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("deleted/", admin_views.deleted_items, name="contributions_deleted_items"),
        path(
            "deleted/<int:content_type_id>/<int:pk>/restore/",
            admin_views.restore,
            name="contributions_restore",
        ),
        path("deleted/<int:content_type_id>/<int:pk>/purge/", admin_views.purge, name="contributions_purge"),
    ]


hooks.register("before_delete_snippet", admin_views.soft_delete_snippets)
hooks.register("before_delete_page", admin_views.soft_delete_page)
hooks.register("before_bulk_action", admin_views.soft_delete_pages_in_bulk)
