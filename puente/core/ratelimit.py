"""A small fixed-window rate limit on the shared cache (Redis or the database: see ``CACHES``), keyed by the
client's real address behind ``TRUSTED_PROXY_COUNT`` proxies."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the N-th address from the right of
    X-Forwarded-For (each proxy appends the address it received the request from; anything further left was
    written by the client and is not trusted)."""
    count = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        if len(forwarded) >= count and forwarded[-count]:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def allow(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one more attempt for ``key`` in ``scope``; False once ``limit`` attempts were made within the
    current ``window`` seconds."""
    name = f"ratelimit:{scope}:{key}"
    if cache.add(name, 1, window):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, window)
        return True
    return count <= limit
