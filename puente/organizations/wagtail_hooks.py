from django.forms import NullBooleanSelect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from puente.core.viewsets import RecordViewSet

from .models import Membership, Organisation


class DeclarationSelect(NullBooleanSelect):
    """Signed / not signed / not recorded: an unknown answer stays unknown instead of reading as "No"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Not recorded")), ("true", _("Signed")), ("false", _("Not signed"))]


class OrganisationViewSet(RecordViewSet):
    model = Organisation
    menu_icon = "group"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "country", "city", "is_verified"]
    list_filter = ["kind", "is_verified", "signed_marrakech_declaration", "is_fictional"]
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
            [FieldPanel("mayor"), FieldPanel("signed_marrakech_declaration", widget=DeclarationSelect)],
            heading=_("Local government"),
        ),
        FieldPanel("is_verified"),
        FieldPanel("is_fictional"),
    ]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    menu_icon = "user"
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]


register_snippet(OrganisationViewSet)
register_snippet(MembershipViewSet)
