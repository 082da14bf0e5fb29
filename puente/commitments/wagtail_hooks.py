from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from puente.core.viewsets import ModeratedRecordViewSet

from .models import Commitment, ProgressReport


class CommitmentViewSet(ModeratedRecordViewSet):
    model = Commitment
    icon = "pick"
    list_display = ["title", "local_government", "status", "progress_percent", "last_report_on", "live"]
    list_filter = ["status", "live", "cla_objectives"]
    search_fields = ["title", "summary"]


class ProgressReportViewSet(SnippetViewSet):
    model = ProgressReport
    icon = "doc-full"
    list_display = ["commitment", "reporting_date", "status", "submitted_by"]
    list_filter = ["status"]
    search_fields = ["narrative"]


class CommitmentsViewSetGroup(SnippetViewSetGroup):
    items = (CommitmentViewSet, ProgressReportViewSet)
    menu_label = _("Commitments")
    menu_icon = "pick"
    menu_order = 201


register_snippet(CommitmentsViewSetGroup)
