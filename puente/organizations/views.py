from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from puente.assessments.services import published_summaries
from puente.commitments.models import Commitment
from puente.core import access
from puente.core.views import paginate
from puente.practices.models import Practice
from puente.programmes.models import Project

from . import services
from .filters import OrganisationFilterSet
from .forms import DecisionForm, JoinForm, OrganisationRegistrationForm, RoleForm
from .models import JoinRequest, JoinRequestStatus, Membership, Organisation


def index(request):
    queryset = Organisation.objects.filter(is_verified=True).for_list()
    filterset = OrganisationFilterSet(request.GET, queryset=queryset)
    return render(
        request,
        "organizations/organisation_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def detail(request, slug):
    """An organisation's public page. Before the secretariat verifies it, only its members and the secretariat
    see it, with a notice that it is waiting for verification."""
    organisation = get_object_or_404(Organisation.objects.select_related("country", "logo"), slug=slug)
    role = access.organisation_role(request.user, organisation)
    if not organisation.is_verified and role is None and not access.is_secretariat(request.user):
        raise Http404
    context = {
        "organisation": organisation,
        "practices": Practice.objects.published().for_list().filter(organisations=organisation),
        "commitments": Commitment.objects.published().for_list().filter(local_government=organisation),
        "projects": Project.objects.for_table().filter(partners=organisation),
        "groups": organisation.groups.all(),
        "assessments": published_summaries(organisation),
        "role": role,
        "can_manage": access.can_manage_members(request.user, organisation),
        "pending": request.user.is_authenticated
        and JoinRequest.objects.filter(
            user=request.user, organisation=organisation, status=JoinRequestStatus.PENDING
        ).exists(),
        "join_form": JoinForm(),
    }
    return render(request, "organizations/organisation_detail.html", context)


@login_required
def register(request):
    """A member registers a new organisation; it is listed once the secretariat has verified it."""
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = request.build_absolute_uri("/admin/snippets/organizations/organisation/")
        organisation = services.register(request.user, form.save(commit=False), link)
        messages.success(
            request,
            _(
                "%(name)s is registered and you are its administrator. The secretariat will verify it: until "
                "then it is not listed, and no one can act for it."
            )
            % {"name": organisation.name},
        )
        return redirect(organisation)
    return render(request, "organizations/register.html", {"form": form})


def awaiting_verification(request, organisation):
    """The answer, instead of a bare refusal, when a focal point tries to act for an organisation that the
    secretariat has not verified yet (``access.AwaitingVerification``)."""
    return render(
        request, "organizations/awaiting_verification.html", {"organisation": organisation}, status=403
    )


@login_required
@require_POST
def join(request, slug):
    organisation = get_object_or_404(Organisation.objects.filter(is_verified=True), slug=slug)
    form = JoinForm(request.POST)
    if not access.can_ask_to_join(request.user, organisation):
        messages.info(request, _("You are already a member of this organisation."))
    elif form.is_valid():
        link = request.build_absolute_uri(reverse("organizations:members", args=[slug]))
        services.ask_to_join(request.user, organisation, form.cleaned_data["message"], link)
        messages.success(request, _("Your request has been sent to the organisation's administrators."))
    return redirect(organisation)


def _managed(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not access.can_manage_members(request.user, organisation):
        raise PermissionDenied
    return organisation


@login_required
def members(request, slug):
    """The organisation's members and requests to join, for its administrators and the secretariat."""
    organisation = _managed(request, slug)
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").order_by("user__username"),
        "requests": organisation.join_requests.filter(status=JoinRequestStatus.PENDING).select_related(
            "user"
        ),
        "role_choices": RoleForm().fields["role"].choices,
    }
    return render(request, "organizations/members.html", context)


@login_required
@require_POST
def decide(request, slug, pk):
    organisation = _managed(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, organisation=organisation)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse the request."))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        link = request.build_absolute_uri(organisation.get_absolute_url())
        if services.decide(
            join_request, request.user, accept=accept, reason=form.cleaned_data["reason"], link=link
        ):
            messages.success(
                request, _("The request was accepted.") if accept else _("The request was refused.")
            )
        else:
            messages.info(request, _("This request was already decided."))
    return redirect("organizations:members", slug=slug)


@login_required
@require_POST
def change_member(request, slug, pk):
    organisation = _managed(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    if request.POST.get("action") == "remove":
        done = services.remove(membership)
    else:
        form = RoleForm(request.POST)
        done = form.is_valid() and services.change_role(membership, form.cleaned_data["role"])
    if done:
        messages.success(request, _("The membership was updated."))
    else:
        messages.error(request, _("Not changed: an organisation keeps at least one administrator."))
    return redirect("organizations:members", slug=slug)
