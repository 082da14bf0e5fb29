"""Time a fixed query mix through the search page, and the same queries through a plain ``icontains`` scan,
on whatever database DATABASE_URL points at. Prints one CSV row per query (used by ``make bench``).

The search page is timed twice: cold (the cached parse and counts forgotten before every request, as for a
query nobody asked in the last minute) and warm (the same query again within the minute: only the page of
results is fetched)."""

import csv
import json
import time
from functools import reduce
from operator import and_, or_

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.test import Client

from puente.practices.models import Practice
from puente.search import engine
from puente.search.models import Facet
from puente.search.timing import percentile

QUERIES = [
    ("common word", "migrants"),
    ("rare word", "desertification"),
    ("two words", "women entrepreneurship"),
    ("phrase", '"local development"'),
    ("Spanish", "remesas familias"),
    ("French", "transferts de fonds"),
    ("typo", "remitances"),
]


class Command(BaseCommand):
    help = "Benchmark the search page against an icontains baseline (CSV on stdout)."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="")
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--no-baseline", action="store_true", help="Skip the icontains baseline (0 ms).")
        parser.add_argument(
            "--baseline-repeat", type=int, default=0, help="Runs of the (slow) baseline; default --repeat."
        )
        parser.add_argument(
            "--raw", default="", help="Append every cold and cached time to this file (JSON lines)."
        )

    def handle(self, *args, label, repeat, no_baseline=False, baseline_repeat=0, raw="", **options):
        topic = (
            Facet.objects.filter(name="topic").values("value").annotate(n=Count("id")).order_by("-n").first()
        )
        country = (
            Facet.objects.filter(name="country")
            .values("value")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        facets = {"topic": topic["value"], "country": country["value"]} if topic and country else {}
        client = Client()
        writer = csv.writer(self.stdout)
        for name, query in QUERIES:
            for with_facets in (False, True):
                chosen = facets if with_facets else {}
                params = {"q": query, **chosen}
                page_times = self._time(
                    lambda p=params: client.get("/en/search/", p, HTTP_HOST="127.0.0.1"),
                    repeat,
                    before=engine.index_changed,
                )
                cached_times = self._time(
                    lambda p=params: client.get("/en/search/", p, HTTP_HOST="127.0.0.1"), repeat
                )
                base_times = [0.0]
                if not no_baseline:
                    base_times = self._time(
                        lambda q=query, f=chosen: self._baseline(q, f), baseline_repeat or repeat
                    )
                total = engine.search(query, {k: [v] for k, v in chosen.items()}).total
                if raw:
                    with open(raw, "a") as handle:
                        times = {"cold": page_times, "cached": cached_times}
                        key = {"label": label, "query": name, "facets": "yes" if with_facets else "no"}
                        handle.write(json.dumps({**key, **times}) + "\n")
                writer.writerow(
                    [
                        label,
                        name,
                        "yes" if with_facets else "no",
                        total,
                        f"{percentile(page_times, 50):.1f}",
                        f"{percentile(page_times, 95):.1f}",
                        f"{percentile(base_times, 50):.1f}",
                        f"{percentile(base_times, 95):.1f}",
                        f"{percentile(cached_times, 50):.1f}",
                        f"{percentile(cached_times, 95):.1f}",
                    ]
                )
                self.stdout.flush()

    def _time(self, call, repeat, before=None):
        call()  # warm up
        times = []
        for _ in range(repeat):
            if before:
                before()
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def _baseline(self, query, facets):
        """What a site without a search engine does: every word in the title, summary or body (icontains)."""
        words = [w for w in query.replace('"', " ").split() if w]
        condition = reduce(
            and_,
            [
                reduce(or_, [Q(title__icontains=w), Q(summary__icontains=w), Q(body__icontains=w)])
                for w in words
            ],
        )
        queryset = Practice.objects.filter(live=True).filter(condition)
        if facets:
            queryset = queryset.filter(topics__slug=facets["topic"], countries__slug=facets["country"])
        queryset.count()
        list(queryset.order_by("-submitted_on")[:20].values_list("pk", "title"))
