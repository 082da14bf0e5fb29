"""``{% csp_nonce %}``: the Content-Security-Policy nonce of the request being answered (see puente/core/csp.py)."""

from django import template

from puente.core.csp import nonce_for

register = template.Library()


@register.simple_tag(takes_context=True)
def csp_nonce(context):
    """For ``<script nonce="{% csp_nonce %}">``; works in form widget templates, which have no request."""
    return nonce_for(context.get("request"))
