from puente.taxonomy.filters import TaggedFilterSet

from .models import Practice


class PracticeFilterSet(TaggedFilterSet):
    class Meta:
        model = Practice
        fields: list[str] = []
