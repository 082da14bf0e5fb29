from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from puente.core.viewsets import RecordViewSet

from .models import Project


class ProjectViewSet(RecordViewSet):
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
        FieldPanel("phase_began_on"),
        FieldPanel("duration_months"),
        FieldPanel("funding_amount"),
        FieldPanel("currency"),
        FieldPanel("topics"),
        FieldPanel("sort_order"),
    ]


register_snippet(ProjectViewSet)
