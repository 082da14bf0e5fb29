from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Contribution, Report


class ReportViewSet(SnippetViewSet):
    """The moderation queue of reported content (open reports first)."""

    model = Report
    icon = "warning"
    menu_label = "Reported content"
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
    list_display = ["__str__", "submitter", "status", "updated_at"]
    list_filter = ["status", "content_type"]
    panels = [FieldPanel("status", read_only=True), FieldPanel("reason", read_only=True)]


class ModerationGroup(SnippetViewSetGroup):
    items = (ReportViewSet, ContributionViewSet)
    menu_icon = "tasks"
    menu_label = "Moderation"
    menu_name = "moderation"


register_snippet(ModerationGroup)
