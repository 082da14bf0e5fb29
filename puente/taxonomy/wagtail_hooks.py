from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import models


def _term_viewset(term_model, icon="tag", numbered=False):
    columns = (
        ["number", "name_en", "name_es", "name_fr"] if numbered else ["name_en", "name_es", "name_fr", "slug"]
    )

    class TermViewSet(SnippetViewSet):
        model = term_model
        menu_icon = icon
        list_display = columns
        search_fields = ["name_en", "name_es", "name_fr", "slug"]

    TermViewSet.__name__ = f"{term_model.__name__}ViewSet"
    return TermViewSet


class CountryViewSet(SnippetViewSet):
    model = models.Country
    menu_icon = "site"
    list_display = ["code", "name_en", "name_es", "name_fr", "region", "subregion"]
    list_filter = ["region"]
    search_fields = ["code", "name_en", "name_es", "name_fr"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomies")
    menu_icon = "tag"
    menu_order = 900
    items = (
        _term_viewset(models.Topic),
        _term_viewset(models.GCMObjective, numbered=True),
        _term_viewset(models.GCRObjective, numbered=True),
        _term_viewset(models.SDG, numbered=True),
        _term_viewset(models.CLAObjective),
        _term_viewset(models.CriterionGroup, numbered=True),
        _term_viewset(models.SolidarityCriterion, numbered=True),
        _term_viewset(models.GovernancePillar, numbered=True),
        _term_viewset(models.TargetGroup),
        CountryViewSet,
    )


register_snippet(TaxonomyGroup)
