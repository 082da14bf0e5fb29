"""Filters of the events directory and month calendar: group, topic, country, format, upcoming or past."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from puente.groups.models import WorkingGroup
from puente.taxonomy.models import Country, Topic

from .models import Meeting


class When:
    UPCOMING = "upcoming"
    PAST = "past"
    CHOICES = [(UPCOMING, _("Upcoming")), (PAST, _("Past"))]


class MeetingFilterSet(django_filters.FilterSet):
    """A country matches a meeting held there or a meeting of a group with a member organisation there."""

    group = django_filters.ModelChoiceFilter(
        queryset=WorkingGroup.objects.order_by("name"),
        to_field_name="slug",
        label=_("Working group"),
        empty_label=_("Any"),
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.for_choices(),
        to_field_name="slug",
        label=_("Topic"),
        empty_label=_("Any"),
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.filter(
            Q(meetings__isnull=False) | Q(organisations__groups__meetings__isnull=False)
        )
        .distinct()
        .for_choices(),
        to_field_name="slug",
        method="filter_country",
        label=_("Country"),
        empty_label=_("Any"),
    )
    format = django_filters.ChoiceFilter(
        choices=[("online", _("Online")), ("in_person", _("In person"))],
        method="filter_format",
        label=_("Format"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(Q(country=value) | Q(group__members__country=value))

    def filter_format(self, queryset, name, value):
        if value == "online":
            return queryset.filter(is_online=True)
        return queryset.exclude(place="")

    def filter_queryset(self, queryset):
        # Country and topic join through many-to-many tables: keep one row per meeting.
        return super().filter_queryset(queryset).distinct()


def when_param(request) -> str:
    return When.PAST if request.GET.get("when") == When.PAST else When.UPCOMING
