"""The benchmark's tools through their public surface: ``generate_demo`` makes records in three languages,
``bench_search`` times the query mix (CSV rows, raw times), and ``bench/run.py`` merges rounds and checks
the targets."""

import csv
import importlib.util
import io
import json
import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from puente.practices.models import Practice

from ..management.commands.bench_search import QUERIES


def load_run():
    path = Path(settings.BASE_DIR) / "bench" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BenchTests(TestCase):
    def test_generate_and_time_the_query_mix(self):
        call_command("load_taxonomies", stdout=io.StringIO())
        call_command("generate_demo", practices=60, stdout=io.StringIO())
        practices = Practice.objects.filter(live=True)
        self.assertEqual(practices.count(), 60)
        self.assertEqual(set(practices.values_list("language", flat=True)), {"en", "es", "fr"})
        self.assertGreater(Counter(practices.values_list("topics__slug", flat=True)).most_common(1)[0][1], 1)
        call_command("rebuild_search", stdout=io.StringIO())
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "times.jsonl"
            out = io.StringIO()
            call_command("bench_search", label="t", repeat=3, no_baseline=True, raw=str(raw), stdout=out)
            rows = list(csv.reader(out.getvalue().splitlines()))
            entries = [json.loads(line) for line in raw.read_text().splitlines()]
        self.assertEqual([(r[1], r[2]) for r in rows], [(q, f) for q, _ in QUERIES for f in ("no", "yes")])
        self.assertTrue(all(float(r[5]) >= float(r[4]) > 0 for r in rows))  # p95 >= p50
        self.assertEqual(len(entries), len(rows))
        self.assertTrue(all(len(e["cold"]) == 3 and len(e["cached"]) == 3 for e in entries))

    def test_rounds_are_merged_and_targets_checked(self):
        run = load_run()
        rows = [
            ["postgres-10k", "common word", "no", "10", "9.0", "10.0", "0", "0", "5.0", "6.0"],
            ["postgres-1000k", "common word", "no", "10", "30.0", "31.0", "0", "0", "5.0", "6.0"],
            ["postgres-100k", "common word", "no", "10", "30.0", "49.0", "0", "0", "5.0", "6.0"],
        ]
        self.assertEqual(
            run.targets(rows),
            [
                "target p95 <= 50 ms at postgres-100k: met (worst: common word, facets no, 49.00 ms)",
                "target p95 <= 50 ms at postgres-1000k: met (worst: common word, facets no, 31.00 ms)",
                "target p95 at 1M <= 3 x p95 at 10k on postgres: NOT met (worst: common word, facets no, 3.10 x)",
            ],
        )
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "times.jsonl"
            key = {"label": "postgres-10k", "query": "common word", "facets": "no"}
            lines = [
                {**key, "cold": [10.0] * 10, "cached": [1.0]},
                {**key, "cold": [20.0] * 10, "cached": [3.0]},
            ]
            raw.write_text("".join(json.dumps(line) + "\n" for line in lines))
            merged = run.merged(rows, raw)
        # Twenty times from two rounds: the median between the rounds, p95 in the second; cached: two times.
        self.assertEqual(merged[0][4:6], ["15.0", "20.0"])
        self.assertEqual(merged[0][8:10], ["2.0", "2.9"])
        self.assertEqual(merged[1], rows[1])  # no raw times: as measured
