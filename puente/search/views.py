from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

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
    facets = labelled(results.facets, results.filters, results.approximate_facets)
    context = {
        "results": results,
        "page_obj": Page(results.documents, results.page, paginator),
        "q": results.parsed.raw,
        "sort": sort,
        "facets": facets,
        "chosen": [(f["name"], item["value"]) for f in facets for item in f["values"] if item["chosen"]],
        "suggestion_query": urlencode([("q", results.suggestion)]) if results.suggestion else "",
        "has_filters": bool(results.filters),
        "query_only": urlencode([("q", results.parsed.raw)]) if results.parsed.raw else "",
    }
    context["sidebar"] = _sidebar(context)
    template = "search/search.html"
    return render(request, template, context)


def _sidebar(context) -> str:
    """The facet sidebar (about a hundred checkboxes), rendered once per state and language for
    ``engine.CACHE_SECONDS``: its key holds everything it shows, so it cannot be stale."""
    results = context["results"]
    key = (
        "sidebar",
        translation.get_language(),
        context["q"],
        context["sort"],
        bool(results.approximate_facets),  # the note under the facets (an estimated facet may show no "≈")
        sorted(results.filters.items()),
        [
            (
                f["name"],
                [(i["value"], i["label"], i["count"], i["chosen"], i["approximate"]) for i in f["values"]],
            )
            for f in context["facets"]
        ],
    )
    return mark_safe(engine.cached(key, lambda: render_to_string("search/facets.html", context)))  # noqa: S308


def suggest(request):
    """Autocomplete: titles of records, organisations and places that start like the text typed."""
    return render(
        request, "search/suggestions.html", {"suggestions": engine.suggest(request.GET.get("q", ""))}
    )
