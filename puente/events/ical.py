"""iCalendar (RFC 5545) files for meetings: one meeting, a group's meetings, or all events.

Times are written in the meeting's own zone (``DTSTART;TZID=America/Guatemala``) with the matching VTIMEZONE,
so calendar clients convert them correctly across daylight-saving changes. UIDs are stable per meeting;
``SEQUENCE`` grows when the schedule changes (``Meeting.save``).
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from puente.core.access import can_edit_meeting

PRODID = "-//Puente//Meetings and events//EN"


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def meeting_uid(meeting) -> str:
    host = urlsplit(site_url()).hostname or "puente.local"
    return f"meeting-{meeting.pk}@{host}"


def _description(meeting, url: str) -> str:
    lines = []
    if meeting.objective:
        lines += [meeting.objective, ""]
    items = list(meeting.agenda_items.all())
    if items:
        for item in items:
            when = (
                f"{item.start_time:%H:%M}–{item.end_time:%H:%M}" if item.start_time and item.end_time else "·"
            )
            speakers = f" ({item.speakers})" if item.speakers else ""
            lines.append(f"{when} {item.title}{speakers}")
        lines.append("")
    lines.append(url)
    return "\n".join(lines)


def registration_status(meeting, user) -> str | None:
    """``user``'s active registration status for ``meeting`` (confirmed, waitlisted), None if they have none."""
    if user is None or not user.is_authenticated:
        return None
    from .models import Registration

    return (
        Registration.objects.filter(meeting=meeting, user=user)
        .active()
        .values_list("status", flat=True)
        .first()
    )


def may_join_online(user, meeting, status: str | None) -> bool:
    """The join link of an online meeting is for its confirmed participants and its organisers only: someone on
    the waiting list, or who merely may see the group's documents, does not get it."""
    from .models import RegistrationStatus

    if user is None or not user.is_authenticated:
        return False
    return status == RegistrationStatus.CONFIRMED or can_edit_meeting(user, meeting)


def meeting_event(meeting, user=None) -> Event:
    """The VEVENT of ``meeting`` for ``user``: the join link only if they may join (``may_join_online``), and
    STATUS:TENTATIVE while they are on the waiting list (a calendar must not show it as a sure thing)."""
    from .models import RegistrationStatus

    status = registration_status(meeting, user)
    url = site_url() + meeting.get_absolute_url()
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("created", meeting.created_at or timezone.now())
    event.add("last-modified", meeting.updated_at or timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("description", _description(meeting, url))
    event.add("url", url)
    event.add("status", "TENTATIVE" if status == RegistrationStatus.WAITLISTED else "CONFIRMED")
    show_link = meeting.is_online and may_join_online(user, meeting, status)
    location = []
    if meeting.is_online and meeting.online_url and show_link:
        location.append(meeting.online_url)
    if meeting.place:
        location.append(meeting.place)
    if location:
        event.add("location", " · ".join(location))
    elif meeting.is_online:
        event.add("location", "Online")
    return event


def calendar_bytes(meetings, *, name: str, user=None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting and a VTIMEZONE for every zone they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    dates = []
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, user))
        dates.append(meeting.date)
    if dates:
        # Only the transitions around these meetings: a VTIMEZONE covering 1970–2038 would be large.
        calendar.add_missing_timezones(
            first_date=min(dates) - dt.timedelta(days=366), last_date=max(dates) + dt.timedelta(days=366)
        )
    return calendar.to_ical()


def filename(slug: str) -> str:
    return f"{slug[:80]}.ics"
