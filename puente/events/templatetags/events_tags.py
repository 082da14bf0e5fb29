"""Meeting times in the meeting's own zone and in the viewer's, and the small form that picks the viewer's zone."""

from django import template
from django.utils import formats

from ..timezones import COOKIE, REGION_LABELS, grouped_zones, utc_offset, viewer_time_zone

register = template.Library()


@register.inclusion_tag("events/includes/meeting_time.html", takes_context=True)
def meeting_time(context, meeting, show_date=True):
    """``10:00–11:30 America/Guatemala (UTC−06:00)``, then the same span in the viewer's zone when it differs."""
    start, end = meeting.starts_at, meeting.ends_at
    viewer_zone = viewer_time_zone(context.get("request"))
    viewer = None
    if viewer_zone.key != meeting.time_zone:
        viewer_start, viewer_end = start.astimezone(viewer_zone), end.astimezone(viewer_zone)
        viewer = {
            "start": viewer_start,
            "end": viewer_end,
            "zone": viewer_zone.key,
            "offset": utc_offset(viewer_start),
            "day": viewer_start.date(),  # a date, so that templates do not convert it to the server's zone
            "other_day": viewer_start.date() != meeting.date,
        }
    return {
        "meeting": meeting,
        "start": start,
        "end": end,
        "offset": utc_offset(start),
        "viewer": viewer,
        "show_date": show_date,
    }


@register.filter
def iso(value) -> str:
    """An aware datetime as ISO 8601 with its offset, for ``<time datetime>``."""
    return value.isoformat(timespec="minutes")


@register.filter
def hhmm(value) -> str:
    return formats.time_format(value, "H:i")


@register.inclusion_tag("events/includes/time_zone_form.html", takes_context=True)
def time_zone_form(context):
    """Common zones first, then the rest grouped by region; a zone chosen earlier under a deprecated name
    (``Asia/Calcutta``) is kept at the top so that it stays selected."""
    request = context.get("request")
    current = viewer_time_zone(request).key
    groups = [(REGION_LABELS.get(region, region), zones) for region, zones in grouped_zones()]
    if not any(zone == current for _label, zones in groups for zone, _name in zones):
        groups[0] = (groups[0][0], [(current, current), *groups[0][1]])
    return {
        "request": request,
        "groups": groups,
        "current": current,
        "next": request.get_full_path() if request is not None else "/",
        "param": COOKIE,
    }
