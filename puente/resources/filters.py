import django_filters
from django.utils.translation import gettext_lazy as _

from puente.taxonomy.filters import TaggedFilterSet

from .models import Resource, ResourceKind


class ResourceFilterSet(TaggedFilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("Type"), empty_label=_("Any"))

    class Meta:
        model = Resource
        fields: list[str] = []
