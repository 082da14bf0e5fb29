"""The viewer's time zone: chosen in a small form or by a progressive-enhancement script, kept in a cookie."""

import functools
import zoneinfo

from django.utils.translation import gettext_lazy as _

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


# Offered first: the zones of the network's members and of the cities that most often host its meetings.
COMMON_ZONES = [
    "UTC",
    "America/Mexico_City",
    "America/Guatemala",
    "America/Costa_Rica",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "America/New_York",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Berlin",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Manila",
    "Australia/Sydney",
]


def _canonical_zones() -> set[str]:
    """Zone names that are not links (``Asia/Calcutta``, ``US/Eastern`` and other deprecated aliases are links
    in the IANA database's ``tzdata.zi``)."""
    try:
        from importlib.resources import files

        text = files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    except (ImportError, OSError, ModuleNotFoundError):
        try:
            with open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            return set(known_zones())
    return {line.split()[1] for line in text.splitlines() if line.startswith("Z ")}


@functools.cache
def choosable_zones() -> list[str]:
    """Zones offered in the form: current region/city names (no deprecated aliases, no ``Etc/GMT+5``)."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "posix", "right/")
    zones = _canonical_zones() & known_zones()
    return sorted(z for z in zones if "/" in z and not z.startswith(legacy)) + ["UTC"]


REGION_LABELS = {
    "": _("Common time zones"),
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def zone_label(name: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Argentina / Buenos Aires`` (the region is the group's label)."""
    return name.split("/", 1)[-1].replace("_", " ").replace("/", " / ")


@functools.cache
def grouped_zones() -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's choices: common zones first, then every other zone grouped by region, as
    ``[(region, [(zone, label), …]), …]`` with IANA region names ("" for the common zones); the template
    shows ``REGION_LABELS``."""
    zones = choosable_zones()
    common = [z for z in COMMON_ZONES if z in zones]
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in zones:
        if zone in common or "/" not in zone:
            continue
        groups.setdefault(zone.split("/", 1)[0], []).append((zone, zone_label(zone)))
    return [
        ("", [(z, z if z == "UTC" else f"{zone_label(z)} ({z.split('/', 1)[0]})") for z in common])
    ] + sorted(groups.items())


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
