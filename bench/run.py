"""`make bench`: build databases of synthetic records on SQLite and PostgreSQL, index them, time a fixed query
mix through the search page and through an icontains baseline, and write a table and a CSV
(bench/results/<date>.csv).

Sizes come from BENCH_SIZES (default "10000,100000,1000000", the full run: building the 1,000,000-record
databases takes about 40 minutes on PostgreSQL and 70 on SQLite; "10000,100000" for a quick
one). Engines from BENCH_ENGINES (default "sqlite,postgres"; PostgreSQL at BENCH_PG, default
postgres://postgres@127.0.0.1:5432).

BENCH_REUSE=1 keeps a database that an earlier run built and indexed (var/bench/bench-<size>.sqlite3 or
puente_bench_<size>) instead of dropping and rebuilding it: only ``migrate`` and the statistics refresh run,
and the build time is reported as 0. Use it to iterate on query-time changes; a change to what is indexed needs
a full run. BENCH_BASELINE=0 skips the icontains baseline (its columns are then 0); BENCH_BASELINE_REPEAT
runs it fewer times than the search (default: as many times as the search, but 3 at 1,000,000 records and
more, where it takes seconds per query).
"""

import csv
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from puente.search.timing import percentile  # noqa: E402 (after the path)

PYTHON = sys.executable
HEADER = [
    "engine-size",
    "query",
    "facets",
    "results",
    "p50 ms",
    "p95 ms",
    "icontains p50 ms",
    "icontains p95 ms",
    "cached p50 ms",
    "cached p95 ms",
]


def manage(args, env, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout


def _psql(name: str, sql: str, check=True) -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql, name],
        check=check,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    return out.stdout.strip()


def database(engine: str, size: int, reuse: bool) -> tuple[str, callable, bool]:
    """The database URL, a function giving its size in bytes, and whether it is an indexed database kept
    from an earlier run (``reuse``)."""
    count_sql = "select count(*) from puente_search_document"
    if engine == "sqlite":
        path = ROOT / "var" / "bench" / f"bench-{size}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = False
        if reuse and path.exists():
            try:
                with closing(sqlite3.connect(path)) as connection:
                    kept = bool(connection.execute(count_sql).fetchone()[0])
            except sqlite3.Error:
                kept = False
        if not kept:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.stat().st_size, kept
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"puente_bench_{size}"
    kept = reuse and _psql(name, count_sql, check=False) not in ("", "0")
    if not kept:
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)

    def size_of():
        return int(_psql(name, f"select pg_database_size('{name}')"))

    return f"{base}/{name}", size_of, kept


def _refresh_statistics(engine: str, env: dict, vacuum: bool = False) -> None:
    statement = "VACUUM ANALYZE" if engine == "postgres" and vacuum else "ANALYZE"
    code = f"from django.db import connection; connection.cursor().execute('{statement}')"
    manage(["shell", "-v0", "-c", code], env)


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s]
    engines = [e for e in os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",") if e]
    repeat = os.environ.get("BENCH_REPEAT", "20")
    reuse = os.environ.get("BENCH_REUSE", "") not in ("", "0")
    baseline = [] if os.environ.get("BENCH_BASELINE", "1") not in ("0", "") else ["--no-baseline"]
    baseline_repeat = os.environ.get("BENCH_BASELINE_REPEAT", "")
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
    raw = ROOT / "var" / "bench" / "times.jsonl"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.unlink(missing_ok=True)
    rows, builds, timed = [], [], []
    for engine in engines:
        for size in sizes:
            url, size_of, kept = database(engine, size, reuse)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DEBUG": "false",
                "SECRET_KEY": "bench",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "LOG_LEVEL": "ERROR",
            }
            label = f"{engine}-{size // 1000}k"
            if kept:
                print(f"== {label}: reusing the indexed database (BENCH_REUSE)", flush=True)
                manage(["migrate", "--noinput", "-v0"], env)
                manage(["collectstatic", "--noinput", "-v0"], env)
                build = 0.0
            else:
                print(f"== {label}: migrate, reference data, {size} synthetic practices", flush=True)
                manage(["migrate", "--noinput", "-v0"], env)
                manage(["collectstatic", "--noinput", "-v0"], env)
                manage(["load_taxonomies"], env, capture=True)
                manage(["generate_demo", "--practices", str(size)], env, capture=True)
                # Statistics of the freshly loaded tables: without them PostgreSQL plans each batch of the
                # rebuild as a scan of the whole table (at 1,000,000 records: a second per batch of 500).
                _refresh_statistics(engine, env)
                started = time.monotonic()
                manage(["rebuild_search", "-v0"], env, capture=True)
                build = time.monotonic() - started
            # What autovacuum would do soon after a bulk load: merge GIN pending lists, refresh statistics.
            _refresh_statistics(engine, env, vacuum=True)
            megabytes = size_of() / 1e6
            builds.append((label, f"{build:.1f}", f"{megabytes:.0f}"))
            print(f"   index built in {build:.1f} s; database {megabytes:.0f} MB", flush=True)
            # 0: as many runs as the search.
            runs = baseline_repeat or ("3" if size >= 1_000_000 else "0")
            options = ["--label", label, "--repeat", repeat, "--raw", str(raw)]
            out = manage(["bench_search", *options, *baseline, "--baseline-repeat", runs], env, capture=True)
            rows += list(csv.reader(out.splitlines()))
            timed.append((label, env, options))
    # More rounds of the search's timings, the sizes one after the other each round, so that every size is
    # timed through the same changes in the machine's speed (the baseline is timed in the first round only).
    for number in range(2, rounds + 1):
        for label, env, options in timed:
            print(f"== {label}: round {number} of {rounds}", flush=True)
            manage(["bench_search", *options, "--no-baseline"], env, capture=True)
    if rounds > 1:
        rows = merged(rows, raw)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{dt.datetime.now():%Y-%m-%d-%H%M}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + ["ratio p95 icontains/search"])
        for row in rows:
            row = row + ["", ""] if len(row) < len(HEADER) else row  # a bench_search without cached times
            writer.writerow(row + [f"{float(row[7]) / max(float(row[5]), 0.001):.1f}"])
        writer.writerow([])
        writer.writerow(["engine-size", "index build s", "database MB"])
        writer.writerows(builds)
        writer.writerow([])
        writer.writerows([line] for line in targets(rows))
    widths = [14, 14, 6, 8, 8, 8, 10, 10, 8, 8, 7]
    print()
    print(" ".join(h[:w].ljust(w) for h, w in zip(HEADER + ["ratio"], widths, strict=True)))
    for row in rows:
        row = row + ["", ""] if len(row) < len(HEADER) else row
        ratio = f"{float(row[7]) / max(float(row[5]), 0.001):.1f}x"
        print(" ".join(str(v)[:w].ljust(w) for v, w in zip(row + [ratio], widths, strict=True)))
    print()
    for label, build, megabytes in builds:
        print(f"{label}: index build {build} s, database {megabytes} MB")
    print()
    for line in targets(rows):
        print(line)
    print(f"\nCSV: {path.relative_to(ROOT)}")


def merged(rows, raw):
    """``rows`` with their search times (cold and cached p50 and p95) computed from every round's times."""
    times = {}
    for line in raw.read_text().splitlines():
        entry = json.loads(line)
        key = (entry["label"], entry["query"], entry["facets"])
        for kind in ("cold", "cached"):
            times.setdefault((*key, kind), []).extend(entry[kind])
    out = []
    for row in rows:
        key = tuple(row[:3])
        row = list(row) + [""] * (len(HEADER) - len(row))
        for kind, (p50, p95) in (("cold", (4, 5)), ("cached", (8, 9))):
            values = times.get((*key, kind))
            if values:
                row[p50], row[p95] = f"{percentile(values, 50):.1f}", f"{percentile(values, 95):.1f}"
        out.append(row)
    return out


TARGET_MS = 50  # p95, the whole page: at 100,000 records on both engines and at 1,000,000 on PostgreSQL
TARGET_RATIO = 3  # p95 at 1,000,000 records at most this many times p95 at 10,000 (per query)


def targets(rows) -> list[str]:
    """The issue's targets checked against this run's rows: one line per target that the run's sizes and
    engines let it check, with the slowest query (or largest ratio) and "met" or "NOT met"."""
    p95 = {(row[0], row[1], row[2]): float(row[5]) for row in rows}

    def by_query(label):
        return {(query, facets): ms for (lb, query, facets), ms in p95.items() if lb == label}

    checks = [
        (f"p95 <= {TARGET_MS} ms at {engine}-{size}k", by_query(f"{engine}-{size}k"), TARGET_MS, "ms")
        for engine, size in (("sqlite", 100), ("postgres", 100), ("postgres", 1000))
    ]
    for engine in ("sqlite", "postgres"):
        small, large = by_query(f"{engine}-10k"), by_query(f"{engine}-1000k")
        ratios = {key: large[key] / max(small[key], 0.001) for key in small.keys() & large.keys()}
        checks.append((f"p95 at 1M <= {TARGET_RATIO} x p95 at 10k on {engine}", ratios, TARGET_RATIO, "x"))
    lines = []
    for name, values, limit, unit in checks:
        if values:
            (query, facets), worst = max(values.items(), key=lambda item: item[1])
            verdict = "met" if worst <= limit else "NOT met"
            lines.append(f"target {name}: {verdict} (worst: {query}, facets {facets}, {worst:.2f} {unit})")
    return lines


if __name__ == "__main__":
    main()
