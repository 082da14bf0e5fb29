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
