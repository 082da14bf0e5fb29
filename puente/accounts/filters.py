import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from puente.organizations.models import OrganisationType
from puente.taxonomy.models import Country, Topic

from .models import Profile, SpokenLanguage


class MemberFilterSet(django_filters.FilterSet):
    """ "Find contacts": listed members by name, country, organisation type, expertise and language."""

    q = django_filters.CharFilter(method="filter_name", label=_("Name or organisation"))
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.for_choices(), to_field_name="slug", label=_("Country"), empty_label=_("Any")
    )
    orgtype = django_filters.ChoiceFilter(
        field_name="user__memberships__organisation__kind",
        choices=OrganisationType.choices,
        label=_("Organisation type"),
        empty_label=_("Any"),
        distinct=True,
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.for_choices(),
        to_field_name="slug",
        label=_("Expertise"),
        empty_label=_("Any"),
        distinct=True,
    )
    language = django_filters.ChoiceFilter(
        field_name="spoken_languages__language",
        choices=SpokenLanguage.choices,
        label=_("Language"),
        empty_label=_("Any"),
        distinct=True,
    )

    class Meta:
        model = Profile
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        words = value.split()[:6]
        for word in words:
            word = word[:60]
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__username__icontains=word)
                | Q(user__memberships__organisation__name__icontains=word)
            )
        return queryset.distinct() if words else queryset
