import logging

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def healthz(request):
    """Liveness and database check for load balancers: 503 while the database cannot be reached, so the
    balancer takes the worker out of rotation instead of seeing a crash."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database is unavailable", exc_info=True)
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def page_number(request) -> int:
    """The requested page number; anything that is not a positive integer means page 1."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return number if number > 0 else 1


def paginate(request, queryset, per_page: int | None = None):
    from django.conf import settings

    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(page_number(request))
