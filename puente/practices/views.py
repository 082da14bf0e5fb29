from django.shortcuts import render

from puente.core.access import get_visible_or_404
from puente.core.views import paginate

from .filters import PracticeFilterSet
from .models import Practice


def index(request):
    filterset = PracticeFilterSet(request.GET, queryset=Practice.objects.published().for_list())
    return render(
        request,
        "practices/practice_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def detail(request, slug):
    queryset = Practice.objects.select_related("country", "submitted_by").prefetch_related(
        "organisations", "links", "attachments__document", *Practice.TAG_FIELDS
    )
    practice = get_visible_or_404(queryset, request, slug=slug)
    return render(request, "practices/practice_detail.html", {"practice": practice})
