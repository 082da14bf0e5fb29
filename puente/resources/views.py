from django.shortcuts import render

from puente.core.access import get_visible_or_404
from puente.core.views import paginate

from .filters import ResourceFilterSet
from .models import Resource


def index(request):
    filterset = ResourceFilterSet(request.GET, queryset=Resource.objects.published().for_list())
    return render(
        request,
        "resources/resource_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def detail(request, slug):
    queryset = Resource.objects.select_related("document").prefetch_related(
        "organisations", *Resource.TAG_FIELDS
    )
    resource = get_visible_or_404(queryset, request, slug=slug)
    return render(request, "resources/resource_detail.html", {"resource": resource})
