"""Filters shared by every tagged list page (practices, commitments, resources)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from . import models


def _term_filter(model, field_name: str, label):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=model.objects.for_choices(),
        to_field_name="slug",
        label=label,
        empty_label=_("Any"),
    )


class TaggedFilterSet(django_filters.FilterSet):
    """Topic, place and framework-tag filters; subclasses set ``Meta.model`` and may add their own."""

    q = django_filters.CharFilter(method="filter_text", label=_("Words"))
    topic = _term_filter(models.Topic, "topics", _("Topic"))
    country = _term_filter(models.Country, "countries", _("Country"))
    region = django_filters.ChoiceFilter(
        field_name="countries__region",
        choices=models.UNRegion.choices,
        label=_("Region"),
        empty_label=_("Any"),
        distinct=True,
    )
    gcm = _term_filter(models.GCMObjective, "gcm_objectives", _("GCM objective"))
    gcr = _term_filter(models.GCRObjective, "gcr_objectives", _("Global Compact on Refugees"))
    sdg = _term_filter(models.SDG, "sdgs", _("SDG"))
    cla = _term_filter(models.CLAObjective, "cla_objectives", _("Call to Local Action objective"))
    criterion = _term_filter(models.SolidarityCriterion, "criteria", _("Cities of Solidarity criterion"))
    pillar = _term_filter(models.GovernancePillar, "pillars", _("Local governance pillar"))
    target_group = _term_filter(models.TargetGroup, "target_groups", _("Target group"))

    text_fields: tuple[str, ...] = ("title", "summary")

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()[:200]
        if not value:
            return queryset
        condition = Q()
        for field in self.text_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    def filter_queryset(self, queryset):
        # ModelChoiceFilter joins through M2M tables: keep one row per record.
        return super().filter_queryset(queryset).distinct()
