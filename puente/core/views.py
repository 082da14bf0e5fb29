from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
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
