from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Commitment


class CommitmentViewSet(SnippetViewSet):
    model = Commitment
    icon = "pick"
    menu_order = 201
    add_to_admin_menu = True
    list_display = ["title", "local_government", "status", "start_date", "live"]
    list_filter = ["status", "live", "cla_objectives"]
    search_fields = ["title", "summary"]


register_snippet(CommitmentViewSet)
