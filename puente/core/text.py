"""Plain text typed in public forms, stored as safe HTML."""

from django.utils.html import escape


def paragraphs_to_html(text: str) -> str:
    """Paragraphs separated by blank lines become ``<p>`` elements; everything typed is escaped, so no markup
    (and no script) from a form ever reaches a page."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>" for block in blocks
    )


def unique_slug(queryset, text: str, fallback: str) -> str:
    """A slug from ``text`` not yet used in ``queryset`` (``-2``, ``-3``… appended when it is)."""
    from django.utils.text import slugify

    base = slugify(text)[:100] or fallback
    slug, n = base, 2
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
