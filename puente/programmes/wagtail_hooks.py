from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Project


class ProjectViewSet(SnippetViewSet):
    model = Project
    icon = "table"
    menu_order = 204
    add_to_admin_menu = True
    list_display = ["title", "country", "duration_months", "funding_amount", "currency", "programme"]
    list_filter = ["country", "currency"]
    search_fields = ["title", "main_objectives"]
    panels = [
        FieldPanel("programme"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("main_objectives"),
        FieldPanel("partners"),
        FieldPanel("country"),
        FieldPanel("duration_months"),
        FieldPanel("funding_amount"),
        FieldPanel("currency"),
        FieldPanel("topics"),
        FieldPanel("sort_order"),
    ]


register_snippet(ProjectViewSet)
