from itertools import groupby

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from puente.core import access
from puente.events import ical
from puente.events.models import AgendaItem, Meeting
from puente.events.views import edit_meeting, forbidden, ics_response

from .forms import MemberAddForm, MemberRemoveForm
from .models import Presidency, WorkingGroup


def index(request):
    groups = WorkingGroup.objects.prefetch_related("members").order_by("name")
    return render(request, "groups/group_list.html", {"groups": groups})


def _members_by_country(group):
    members = list(group.members.select_related("country").order_by("country__name_en", "name"))
    return members, [(country, list(orgs)) for country, orgs in groupby(members, key=lambda o: o.country)]


def detail(request, slug):
    group = get_object_or_404(
        WorkingGroup.objects.select_related("secretariat").prefetch_related(
            Prefetch(
                "presidencies",
                queryset=Presidency.objects.select_related("organisation").order_by(
                    "-start_year", "sort_order"
                ),
            ),
            "objectives",
            "deliverables",
            "advisors__organisation",
            "topics",
        ),
        slug=slug,
    )
    members, members_by_country = _members_by_country(group)
    meetings = list(
        group.meetings.published()
        .order_by("date", "start_time")
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("sort_order")))
    )
    can_see = access.can_see_group_documents(request.user, group)
    today = timezone.localdate()
    context = {
        "group": group,
        "members_by_country": members_by_country,
        "member_count": len(members),
        "upcoming": [m for m in meetings if m.date >= today],
        "past": [m for m in meetings if m.date < today],
        "can_see": can_see,
        "documents": list(group.documents.select_related("document")) if can_see else [],
        "is_coordinator": access.is_group_coordinator(request.user, group),
    }
    return render(request, "groups/group_detail.html", context)


def _coordinated(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    if access.is_group_coordinator(request.user, group):
        return group, None
    return None, forbidden(
        request,
        _("Only the coordinators of the %(group)s and the secretariat may manage it.")
        % {"group": group.name},
    )


def members(request, slug):
    """Coordinators add and remove member organisations."""
    group, denied = _coordinated(request, slug)
    if denied:
        return denied
    add_form = MemberAddForm(group=group)
    if request.method == "POST":
        if "remove" in request.POST:
            remove_form = MemberRemoveForm(request.POST)
            organisation = None
            if remove_form.is_valid():
                organisation = group.members.filter(pk=remove_form.cleaned_data["organisation"]).first()
            if organisation is None:
                messages.error(request, _("That organisation is not a member of the group."))
            else:
                WorkingGroup.members.through.objects.filter(
                    workinggroup=group, organisation=organisation
                ).delete()
                messages.success(request, _("%(name)s is no longer a member.") % {"name": organisation.name})
                return redirect("groups:members", slug=group.slug)
        else:
            add_form = MemberAddForm(request.POST, group=group)
            if add_form.is_valid():
                organisation = add_form.cleaned_data["organisation"]
                WorkingGroup.members.through.objects.get_or_create(
                    workinggroup=group, organisation=organisation
                )
                messages.success(request, _("%(name)s is now a member.") % {"name": organisation.name})
                return redirect("groups:members", slug=group.slug)
            messages.error(request, _("Please correct the errors below."))
    member_list, members_by_country = _members_by_country(group)
    return render(
        request,
        "groups/group_members.html",
        {
            "group": group,
            "members_by_country": members_by_country,
            "member_count": len(member_list),
            "form": add_form,
        },
    )


def new_meeting(request, slug):
    group, denied = _coordinated(request, slug)
    if denied:
        return denied
    meeting = Meeting(group=group, time_zone="UTC")
    previous = group.meetings.published().order_by("-date", "-start_time").first()
    if previous is not None:
        meeting.time_zone, meeting.is_online = previous.time_zone, previous.is_online
    return edit_meeting(request, meeting, template="events/meeting_form.html", extra={"group": group})


def calendar_ics(request, slug):
    """A subscribable feed of the group's meetings (join links only for public groups)."""
    group = get_object_or_404(WorkingGroup, slug=slug)
    meetings = Meeting.objects.published().for_calendar().filter(group=group)
    return ics_response(ical.calendar_bytes(meetings, name=group.name), f"{group.slug[:80]}.ics")
