from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from puente.core.access import has_staff_powers, is_secretariat

from . import admin_views, inbox
from .models import Contribution, Report


class MadeOnTheSitePolicy(ModelPermissionPolicy):
    """Contributions and reports are made by the public site's forms, which tie them to the record they are
    about; the admin reviews them but does not add them (its form has no record to tie one to)."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


register_permission_policy(Contribution, MadeOnTheSitePolicy(Contribution))
register_permission_policy(Report, MadeOnTheSitePolicy(Report))


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


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return has_staff_powers(request.user)


@hooks.register("register_moderation_menu_item")
def inbox_menu_item():
    return StaffMenuItem(
        _("Inbox"), reverse("contributions_inbox"), name="moderation-inbox", icon_name="tasks", order=0
    )


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels):
    if has_staff_powers(request.user):
        panels.insert(0, inbox.InboxPanel())


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("inbox/", inbox.inbox_view, name="contributions_inbox"),
        path("deleted/", admin_views.deleted_items, name="contributions_deleted_items"),
        path(
            "deleted/<int:content_type_id>/<int:pk>/restore/",
            admin_views.restore,
            name="contributions_restore",
        ),
        path("deleted/<int:content_type_id>/<int:pk>/purge/", admin_views.purge, name="contributions_purge"),
    ]


hooks.register("before_delete_snippet", admin_views.soft_delete_snippets)
hooks.register("before_delete_snippet", admin_views.refuse_deleting_protected)
hooks.register("before_delete_page", admin_views.soft_delete_page)
hooks.register("before_bulk_action", admin_views.soft_delete_pages_in_bulk)
