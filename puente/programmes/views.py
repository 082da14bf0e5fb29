import django_filters
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from puente.core.views import paginate
from puente.taxonomy.models import Country

from .models import Project, funding_totals


class ProjectFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.filter(projects__isnull=False).distinct().for_choices(),
        to_field_name="slug",
        label=_("Country"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Project
        fields: list[str] = []


def index(request):
    filterset = ProjectFilterSet(request.GET, queryset=Project.objects.for_table())
    page = paginate(request, filterset.qs)
    return render(
        request,
        "programmes/project_list.html",
        {"filter": filterset, "page": page, "totals": funding_totals(page.object_list)},
    )


def detail(request, slug):
    project = get_object_or_404(Project.objects.for_table(), slug=slug)
    return render(request, "programmes/project_detail.html", {"project": project})
