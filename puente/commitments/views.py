from django.shortcuts import render

from puente.core.access import get_visible_or_404
from puente.core.views import paginate

from .filters import CommitmentFilterSet
from .models import Commitment


def index(request):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.published().for_list())
    return render(
        request,
        "commitments/commitment_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def detail(request, slug):
    queryset = Commitment.objects.select_related("local_government__country").prefetch_related(
        "priorities", "impacts", "partner_initiatives", *Commitment.TAG_FIELDS
    )
    commitment = get_visible_or_404(queryset, request, slug=slug)
    return render(
        request,
        "commitments/commitment_detail.html",
        {"commitment": commitment, "previous": commitment.previous(), "next": commitment.next()},
    )
