from django.shortcuts import get_object_or_404, render

from puente.assessments.services import published_summaries
from puente.commitments.models import Commitment
from puente.core.views import paginate
from puente.practices.models import Practice
from puente.programmes.models import Project

from .filters import OrganisationFilterSet
from .models import Organisation


def index(request):
    queryset = Organisation.objects.filter(is_verified=True).for_list()
    filterset = OrganisationFilterSet(request.GET, queryset=queryset)
    return render(
        request,
        "organizations/organisation_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.filter(is_verified=True).select_related("country", "logo"), slug=slug
    )
    context = {
        "organisation": organisation,
        "practices": Practice.objects.published().for_list().filter(organisations=organisation),
        "commitments": Commitment.objects.published().for_list().filter(local_government=organisation),
        "projects": Project.objects.for_table().filter(partners=organisation),
        "groups": organisation.groups.all(),
        "assessments": published_summaries(organisation),
    }
    return render(request, "organizations/organisation_detail.html", context)
