"""The viewer's time zone: chosen in a small form or by a progressive-enhancement script, kept in a cookie."""

import functools
import zoneinfo

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


@functools.cache
def choosable_zones() -> list[str]:
    """Zones offered in the form: region/city names (not legacy aliases such as ``US/Eastern`` or ``EST``)."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix", "right/")
    return sorted(z for z in known_zones() if "/" in z and not z.startswith(legacy)) + ["UTC"]


def parse_zone(name) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name`` if it is a real IANA name (never a path or garbage), else None."""
    if not isinstance(name, str) or name not in known_zones():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def viewer_time_zone(request) -> zoneinfo.ZoneInfo:
    """``?tz=`` first, then the ``tz`` cookie; anything that is not a valid zone name means UTC."""
    if request is None:
        return UTC
    cached = getattr(request, "_viewer_time_zone", None)
    if cached is None:
        cached = parse_zone(request.GET.get(COOKIE)) or parse_zone(request.COOKIES.get(COOKIE)) or UTC
        request._viewer_time_zone = cached
    return cached


def utc_offset(value) -> str:
    """An aware datetime's offset as ``UTC−06:00`` (``UTC`` when zero)."""
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"
