import calendar
import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from puente.core import access
from puente.core.views import paginate

from . import ical, services
from .filters import MeetingFilterSet, When, when_param
from .forms import ActionItemFormSet, AgendaFormSet, AttendanceForm, DecisionFormSet, MeetingForm, MinutesForm
from .models import ActionItem, AgendaItem, Attendance, Meeting, Registration, RegistrationStatus
from .timezones import COOKIE, COOKIE_MAX_AGE, parse_zone

# Calendar views accept years in this range; anything else is a 404, not a server error.
MIN_YEAR, MAX_YEAR = 1970, 2200
PUBLIC_FEED_LIMIT = 500


def forbidden(request, message):
    """A 403 page that says why."""
    return render(request, "events/forbidden.html", {"message": message}, status=403)


def _agenda():
    return Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("sort_order"))


def index(request):
    when = when_param(request)
    meetings = Meeting.objects.published().for_list()
    meetings = meetings.past().order_by("-date", "-start_time") if when == When.PAST else meetings.upcoming()
    filterset = MeetingFilterSet(request.GET, queryset=meetings)
    today = timezone.localdate()
    return render(
        request,
        "events/meeting_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "when": when,
            "this_month": (today.year, today.month),
        },
    )


def calendar_today(request):
    today = timezone.localdate()
    return redirect("events:calendar", year=today.year, month=today.month)


def calendar_month(request, year, month):
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise Http404
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    filterset = MeetingFilterSet(
        request.GET, queryset=Meeting.objects.published().for_list().filter(date__gte=first, date__lte=last)
    )
    by_day = {}
    for meeting in filterset.qs:
        by_day.setdefault(meeting.date, []).append(meeting)
    weeks = [
        [(day, day.month == month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = first - dt.timedelta(days=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "events/calendar_month.html",
        {
            "filter": filterset,
            "month": first,
            "weeks": weeks,
            "weekdays": [dt.date(2024, 1, d) for d in range(1, 8)],  # Monday 1 January 2024 onwards
            "previous": previous if previous.year >= MIN_YEAR else None,
            "following": following if following.year <= MAX_YEAR else None,
            "today": timezone.localdate(),
            "count": sum(len(v) for v in by_day.values()),
        },
    )


def detail(request, slug):
    meeting = access.get_visible_or_404(
        Meeting.objects.select_related("group", "country").prefetch_related(
            _agenda(), "topics", "organisations", "documents__document", "decisions", "action_items"
        ),
        request,
        slug=slug,
    )
    user = request.user
    can_see = access.can_see_group_documents(user, meeting.group)
    registration = None
    if user.is_authenticated:
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
    counts = {"confirmed": 0, "waitlisted": 0}
    if meeting.capacity is not None or registration is not None:
        for status in Registration.objects.filter(meeting=meeting).active().values_list("status", flat=True):
            counts["confirmed" if status == RegistrationStatus.CONFIRMED else "waitlisted"] += 1
    can_edit = access.can_edit_meeting(user, meeting)
    my_status = registration.status if registration else None
    places_left = None if meeting.capacity is None else max(meeting.capacity - counts["confirmed"], 0)
    context = {
        "meeting": meeting,
        "review": meeting.agenda_review(),
        "can_see": can_see,
        "can_edit": can_edit,
        # The join link: confirmed participants and organisers only (not the waiting list).
        "can_join": meeting.is_online and (my_status == RegistrationStatus.CONFIRMED or can_edit),
        # Full, and so is the waiting list: nothing to offer but the news that it is full.
        "waitlist_full": places_left == 0
        and meeting.waitlist_size is not None
        and counts["waitlisted"] >= meeting.waitlist_size,
        "can_register": access.can_register(user, meeting),
        "registration": registration,
        "position": registration.waitlist_position() if registration else None,
        "confirmed_count": counts["confirmed"],
        "places_left": places_left,
        "started": meeting.has_started(),
        "ended": meeting.has_ended(),
        "carried": list(ActionItem.objects.carried_to(meeting)) if can_see else [],
        "attendance": (
            list(Attendance.objects.filter(meeting=meeting, present=True).select_related("organisation"))
            if can_see
            else []
        ),
    }
    return render(request, "events/meeting_detail.html", context)


@require_POST
def register(request, slug):
    meeting = get_object_or_404(Meeting.objects.published().select_related("group"), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    if not access.can_register(request.user, meeting):
        return forbidden(request, _("This meeting is open to members of the working group only."))
    try:
        registration = services.registration_create(
            meeting=meeting, user=request.user, language=get_language()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(
                request, _("You are registered. A confirmation with the calendar file is on its way.")
            )
        else:
            messages.warning(
                request,
                _(
                    "The meeting is full: you are number %(position)s on the waiting list. We will e-mail you if a place becomes free."
                )
                % {"position": registration.waitlist_position()},
            )
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
def cancel(request, slug):
    """GET asks to confirm (a place given up may go at once to the waiting list); the POST from that page
    cancels."""
    meeting = get_object_or_404(Meeting, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(meeting.get_absolute_url())
    registration = Registration.objects.filter(meeting=meeting, user=request.user).active().first()
    if registration is None:
        messages.info(request, _("You were not registered for this meeting."))
        return redirect(meeting)
    if request.method == "GET":
        return render(
            request, "events/cancel_confirm.html", {"meeting": meeting, "registration": registration}
        )
    try:
        services.registration_cancel(registration=registration, language=get_language())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect(meeting)


def ics_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def meeting_ics(request, slug):
    meeting = access.get_visible_or_404(
        Meeting.objects.select_related("group").prefetch_related(_agenda()), request, slug=slug
    )
    return ics_response(
        ical.calendar_bytes([meeting], name=meeting.title, user=request.user), ical.filename(meeting.slug)
    )


def public_ics(request):
    """Every meeting: meetings of members-only groups are listed too, without their join links."""
    meetings = Meeting.objects.published().for_calendar().order_by("-date", "-start_time")[:PUBLIC_FEED_LIMIT]
    return ics_response(ical.calendar_bytes(meetings, name=_("Puente events")), "puente-events.ics")


def time_zone(request):
    """Remember the zone chosen in the "Show times in" form, then go back to the page it was on."""
    target = request.GET.get("next") or "/"
    # Only a path on this site, sent as it is: ``redirect()`` would treat a bare word as a view name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    zone = parse_zone(request.GET.get(COOKIE))
    if zone is None:
        response.delete_cookie(COOKIE)
    else:
        response.set_cookie(COOKIE, zone.key, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


# --- coordinators ---------------------------------------------------------------------------------------


def _editable(request, slug):
    """The meeting and None, or None and a 403 response explaining who may edit."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), slug=slug)
    if access.can_edit_meeting(request.user, meeting):
        return meeting, None
    if meeting.group_id:
        message = _("Only the coordinators of the %(group)s and the secretariat may change this meeting.") % {
            "group": meeting.group.name
        }
    else:
        message = _("Only the secretariat may change this meeting.")
    return None, forbidden(request, message)


def edit_meeting(request, meeting, template="events/meeting_form.html", extra=None):
    """The details-and-agenda form, for a new meeting or an existing one."""
    form = MeetingForm(request.POST or None, instance=meeting)
    formset = AgendaFormSet(request.POST or None, instance=meeting, prefix="agenda")
    if request.method == "POST":
        # The details first, so that the agenda items are checked against the new times.
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if form_ok and formset_ok:
            with transaction.atomic():
                meeting = form.save()
                formset.instance = meeting
                formset.save()
            # A larger capacity frees places for people on the waiting list.
            services.registrations_fill_places(meeting=meeting, language=get_language())
            review = Meeting.objects.prefetch_related(_agenda()).get(pk=meeting.pk).agenda_review()
            messages.success(request, _("The meeting has been saved."))
            if review.warning_count:
                messages.warning(request, _("The agenda has warnings: please check the flagged items below."))
            return redirect(meeting)
        messages.error(request, _("Please correct the errors below."))
    return render(request, template, {"meeting": meeting, "form": form, "formset": formset, **(extra or {})})


def edit(request, slug):
    meeting, denied = _editable(request, slug)
    if denied:
        return denied
    return edit_meeting(request, meeting)


def minutes(request, slug):
    meeting, denied = _editable(request, slug)
    if denied:
        return denied
    data = request.POST or None
    form = MinutesForm(data, instance=meeting)
    decisions = DecisionFormSet(data, instance=meeting, prefix="decisions")
    actions = ActionItemFormSet(data, instance=meeting, prefix="actions")
    if request.method == "POST":
        if all([form.is_valid(), decisions.is_valid(), actions.is_valid()]):
            with transaction.atomic():
                Meeting.objects.filter(pk=meeting.pk).update(
                    minutes=form.cleaned_data["minutes"], updated_at=timezone.now()
                )
                decisions.save()
                actions.save()
            messages.success(request, _("The minutes, decisions and action items have been saved."))
            return redirect(meeting)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "events/minutes_form.html",
        {"meeting": meeting, "form": form, "decisions": decisions, "actions": actions},
    )


def attendance(request, slug):
    meeting, denied = _editable(request, slug)
    if denied:
        return denied
    from puente.organizations.models import Organisation

    ids = set(
        Registration.objects.filter(meeting=meeting)
        .exclude(organisation=None)
        .values_list("organisation", flat=True)
    )
    if meeting.group_id:
        ids |= set(meeting.group.members.values_list("pk", flat=True))
    ids |= set(Attendance.objects.filter(meeting=meeting).values_list("organisation", flat=True))
    organisations = (
        Organisation.objects.filter(pk__in=ids).select_related("country").order_by("country__name_en", "name")
    )
    recorded = {a.organisation_id: a for a in Attendance.objects.filter(meeting=meeting)}
    form = AttendanceForm(request.POST or None, organisations=organisations, recorded=recorded)
    if request.method == "POST":
        if form.is_valid():
            services.attendance_record(meeting=meeting, rows=form.cleaned_rows())
            messages.success(request, _("Attendance has been recorded."))
            return redirect(meeting)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "events/attendance_form.html", {"meeting": meeting, "form": form})


# Cells starting with these characters are formulas in spreadsheets (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def attendees_csv(request, slug):
    meeting, denied = _editable(request, slug)
    if denied:
        return denied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug[:80]}-attendees.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Country"),
            _("Status"),
            _("Registered"),
            _("Cancelled"),
        ]
    )
    for registration in Registration.objects.filter(meeting=meeting).for_export():
        user, organisation = registration.user, registration.organisation
        writer.writerow(
            [
                _cell(user.get_full_name() or user.username),
                _cell(user.email),
                _cell(organisation.name if organisation else ""),
                _cell(organisation.country.label if organisation and organisation.country_id else ""),
                registration.get_status_display(),
                registration.registered_at.isoformat(timespec="minutes"),
                registration.cancelled_at.isoformat(timespec="minutes") if registration.cancelled_at else "",
            ]
        )
    return response
