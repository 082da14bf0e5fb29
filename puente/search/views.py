from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.shortcuts import render

from . import engine
from .facets import labelled
from .sources import FACET_ORDER
from .text import clean_query


class _Counted:
    """Lets Django's paginator page a result whose total is already known."""

    def __init__(self, total):
        self.total = total

    def count(self):
        return self.total


def _int(value, default=1):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return default


def index(request):
    """The search page: one query over every record type, with facets, sorting and pages (a shareable URL
    for every state; works without JavaScript, htmx refreshes the results in place)."""
    q = request.GET.get("q", "")
    sort = "date" if request.GET.get("sort") == "date" else "relevance"
    filters = {
        name: [v for v in (clean_query(raw)[:80] for raw in request.GET.getlist(name)) if v][:20]
        for name in FACET_ORDER
    }
    filters = {k: v for k, v in filters.items() if v}
    results = engine.search(q, filters, sort=sort, page=_int(request.GET.get("page")))
    paginator = Paginator(_Counted(results.total), engine.PAGE_SIZE)
    context = {
        "results": results,
        "page_obj": Page(results.documents, results.page, paginator),
        "q": results.parsed.raw,
        "sort": sort,
        "facets": labelled(results.facets, results.filters),
        "suggestion_query": urlencode([("q", results.suggestion)]) if results.suggestion else "",
        "has_filters": bool(results.filters),
        "query_only": urlencode([("q", results.parsed.raw)]) if results.parsed.raw else "",
    }
    template = "search/search.html"
    return render(request, template, context)


def suggest(request):
    """Autocomplete: titles of records, organisations and places that start like the text typed."""
    return render(
        request, "search/suggestions.html", {"suggestions": engine.suggest(request.GET.get("q", ""))}
    )
