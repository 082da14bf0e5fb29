"""Small template helpers shared by every Puente template: language links, query strings, money, pagination."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

register = template.Library()


def _request(context):
    return context.get("request")


@register.simple_tag(takes_context=True)
def translated_url(context, code):
    """The current page's address in language ``code`` (``/es/practices/?topic=x`` for ``/en/practices/?topic=x``).

    ``translate_url`` resolves the path through ``i18n_patterns`` (Wagtail's serve view included). When the path
    does not resolve (a 404 page), the language prefix is swapped instead so the switcher still goes somewhere
    sensible.
    """
    request = _request(context)
    if request is None:
        return f"/{code}/"
    full_path = request.get_full_path()
    url = translate_url(full_path, code)
    if url == full_path:
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        prefix = f"/{current}/"
        if full_path.startswith(prefix) and current != code:
            url = f"/{code}/" + full_path[len(prefix) :]
    return url


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per site language: code, name in that language, URL of this page in it, and whether active."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translated_url(context, code),
                "is_current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced; ``None`` or ``""`` removes a parameter.

    ``page`` is always dropped unless given, so that a new filter starts at page 1:
    ``href="{% query_replace page=3 %}"`` → ``?topic=remittances&page=3``.
    """
    request = _request(context)
    query = request.GET.copy() if request is not None else None
    if query is None:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None and value != "":
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def aria_current(context, url, exact=False):
    """`` aria-current="page"`` on the link to the current page, ``"true"`` on the link to its section."""
    request = _request(context)
    if request is None or not url:
        return ""
    path = request.path
    if path == url:
        return mark_safe(' aria-current="page"')  # noqa: S308 - constant markup
    if not exact and path.startswith(url):
        return mark_safe(' aria-current="true"')  # noqa: S308 - constant markup
    return ""


@register.simple_tag
def page_range(page, on_each_side=2, on_ends=1):
    """Page numbers around the current one with ``None`` for the gaps: 1 … 4 5 [6] 7 8 … 20."""
    paginator = page.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends)
    ]


@register.filter
def money(amount, currency="USD"):
    """``Decimal("230000")|money:"USD"`` → ``USD 230,000.00`` (grouping and decimal mark follow the language)."""
    if amount is None or amount == "":
        return ""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{currency} {floatformat(amount, '2g')}"


@register.filter
def totals_money(totals):
    """A ``{currency: amount}`` dict as ``USD 392,000.00`` (several currencies joined by " + ")."""
    if not totals:
        return money(Decimal(0))
    return " + ".join(money(amount, currency) for currency, amount in totals.items())


@register.simple_tag
def filter_field_groups(form, primary=4):
    """Split a filter form into the first ``primary`` fields and the rest ("More filters").

    Returns ``(primary_fields, more_fields, more_active)``; ``more_active`` is true when one of the extra fields
    has a value, so that the "More filters" disclosure starts open.
    """
    try:
        primary = int(primary)
    except (TypeError, ValueError):
        primary = 4
    fields = list(form)
    more = fields[primary:]
    more_active = any(field.value() not in (None, "", []) for field in more)
    return {"primary": fields[:primary], "more": more, "more_active": more_active}


@register.simple_tag
def external_link(url, text=""):
    """A link to another site, its text the address without the scheme when no text is given."""
    if not url:
        return ""
    label = text or url.split("://", 1)[-1].rstrip("/")
    return format_html('<a href="{}" rel="noopener">{}</a>', url, label)


@register.filter
def utc_offset(value):
    """An aware datetime's offset as ``UTC−06:00`` (``UTC`` when zero), for meetings in their own time zone."""
    try:
        offset = value.utcoffset()
    except AttributeError:
        return ""
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@register.inclusion_tag("includes/report_link.html")
def report_link(obj):
    """ "Report this content" for any public record (not on the preview of a draft, which cannot be reported)."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    if not getattr(obj, "is_published", True):
        return {"url": None}
    content_type = ContentType.objects.get_for_model(type(obj))
    return {"url": reverse("contributions:report", args=[content_type.pk, obj.pk])}


@register.filter
def staff_powers(user) -> bool:
    """Whether the account menu offers the moderation inbox: staff powers (``core.access.has_staff_powers``) that
    reach the admin, where the inbox is. Uses the permission cache the page's Wagtail user bar fills anyway, so
    the menu costs no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
