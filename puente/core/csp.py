"""Content-Security-Policy nonces where django-csp cannot reach, and the Permissions-Policy header.

django-csp's ``CSPMiddleware`` writes the policy (``CONTENT_SECURITY_POLICY`` in settings) and gives each request
a nonce. Inline scripts that are ours to allow carry it: ``{% csp_nonce %}`` in templates, and the admin's come
from Wagtail and wagtail-localize templates overridden in ``core/templates/`` (this app is the first installed,
so Django's form renderer finds its widget templates too). Two kinds of inline script are rendered where no
request is in sight, so this module keeps the current request in a context variable:

- form widgets (the admin's date and time pickers) are rendered by Django's form renderer, without a request;
- Wagtail's chooser widgets (pages, documents, snippets) write their ``<script>`` in Python.
"""

from contextvars import ContextVar

from csp.constants import SELF, UNSAFE_INLINE
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

_current_request = ContextVar("puente_csp_request", default=None)

# Powerful browser features no Puente page uses: refused to the site and to anything it might embed.
# (Only features Chromium knows; it reports unknown names as errors in the console.)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def nonce_for(request=None) -> str:
    """The CSP nonce of ``request`` (by default the request being answered), or "" outside a request."""
    request = request or _current_request.get()
    if request is None or not hasattr(request, "csp_nonce"):
        return ""
    return str(request.csp_nonce)  # reading it is what puts the nonce in the header


class SecurityHeadersMiddleware:
    """Makes the request's nonce reachable from widgets, and adds ``Permissions-Policy`` to every response.

    Goes right after django-csp's ``CSPMiddleware`` so that the policy tweaks below reach it. A header a view set
    itself (an uploaded file's ``default-src 'none'``) is never replaced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        replace = {}
        if getattr(request, "is_preview", False):
            # Wagtail's live preview (rendered through this middleware by Page.make_preview_request) is framed
            # by the admin page beside it.
            replace["frame-ancestors"] = [SELF]
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            # The admin's rich-text editor (Draftail) writes <style> elements for its placeholders and length
            # limits; they cannot carry a nonce. Styles only: scripts and style="" attributes stay strict.
            replace["style-src-elem"] = [SELF, UNSAFE_INLINE]
        if replace:
            response._csp_replace = {**replace, **(getattr(response, "_csp_replace", None) or {})}
        return response


def add_nonce_to_chooser_scripts() -> None:
    """Wagtail's chooser widgets end with an inline ``<script>`` written in Python: give it the nonce.

    Every chooser (page, document, image, snippet, task) inherits ``BaseChooser.render``; the browser test of the
    admin fails if a Wagtail upgrade changes that.
    """
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "adds_csp_nonce", False):
        return
    render = BaseChooser.render

    def render_with_nonce(self, name, value, attrs=None, renderer=None):
        html = render(self, name, value, attrs=attrs, renderer=renderer)
        nonce = nonce_for()
        head, script, tail = html.rpartition("<script>")
        if not (nonce and script):
            return html
        return mark_safe(f'{head}<script nonce="{escape(nonce)}">{tail}')  # noqa: S308 - Wagtail's own markup

    render_with_nonce.adds_csp_nonce = True
    BaseChooser.render = render_with_nonce
