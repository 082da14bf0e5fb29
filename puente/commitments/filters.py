import django_filters
from django.utils.translation import gettext_lazy as _

from puente.taxonomy.filters import TaggedFilterSet

from .models import Commitment, CommitmentStatus


class CommitmentFilterSet(TaggedFilterSet):
    status = django_filters.ChoiceFilter(
        choices=CommitmentStatus.choices, label=_("Status"), empty_label=_("Any")
    )
    text_fields = ("title", "summary", "local_government__name")

    class Meta:
        model = Commitment
        fields: list[str] = []
