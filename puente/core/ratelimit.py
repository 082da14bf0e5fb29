"""A small fixed-window rate limit on the cache (shared between workers when REDIS_URL is set)."""

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
