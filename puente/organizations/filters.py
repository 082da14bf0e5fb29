import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from puente.taxonomy.models import Country, UNRegion

from .models import Organisation, OrganisationType


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Name"))
    kind = django_filters.ChoiceFilter(
        choices=OrganisationType.choices, label=_("Type"), empty_label=_("Any")
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.for_choices(), to_field_name="slug", label=_("Country"), empty_label=_("Any")
    )
    region = django_filters.ChoiceFilter(
        field_name="country__region", choices=UNRegion.choices, label=_("Region"), empty_label=_("Any")
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(acronym__icontains=value) | Q(city__icontains=value)
        )
