from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Membership, Organisation


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    menu_icon = "group"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "country", "city", "is_verified"]
    list_filter = ["kind", "is_verified", "signed_marrakech_declaration"]
    search_fields = ["name", "acronym", "city"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("acronym"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("country"), FieldPanel("city"), FieldPanel("latitude"), FieldPanel("longitude")],
            heading=_("Place"),
        ),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("mayor"), FieldPanel("signed_marrakech_declaration")], heading=_("Local government")
        ),
        FieldPanel("is_verified"),
    ]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    menu_icon = "user"
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]


register_snippet(OrganisationViewSet)
register_snippet(MembershipViewSet)
