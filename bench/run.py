"""`make bench`: build databases of synthetic records on SQLite and PostgreSQL, index them, time a fixed query
mix through the search page and through an icontains baseline, and write a table and a CSV
(bench/results/<date>.csv).

Sizes come from BENCH_SIZES (default "10000,100000"; add 1000000 for the full run, which takes hours on
SQLite). Engines from BENCH_ENGINES (default "sqlite,postgres"; PostgreSQL at BENCH_PG, default
postgres://postgres@127.0.0.1:5432).
"""

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def database(engine: str, size: int) -> tuple[str, callable]:
    if engine == "sqlite":
        path = ROOT / "var" / "bench" / f"bench-{size}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.stat().st_size
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = f"puente_bench_{size}"
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)

    def size_of():
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"select pg_database_size('{name}')", name],
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        )
        return int(out.stdout.strip())

    return f"{base}/{name}", size_of


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s]
    engines = [e for e in os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",") if e]
    repeat = os.environ.get("BENCH_REPEAT", "20")
    rows, builds = [], []
    for engine in engines:
        for size in sizes:
            url, size_of = database(engine, size)
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
            print(f"== {label}: migrate, reference data, {size} synthetic practices", flush=True)
            manage(["migrate", "--noinput", "-v0"], env)
            manage(["collectstatic", "--noinput", "-v0"], env)
            manage(["load_taxonomies"], env, capture=True)
            manage(["generate_demo", "--practices", str(size)], env, capture=True)
            started = time.monotonic()
            manage(["rebuild_search", "-v0"], env, capture=True)
            build = time.monotonic() - started
            # What autovacuum would do soon after a bulk load: merge GIN pending lists, refresh statistics.
            statement = "VACUUM ANALYZE" if engine == "postgres" else "ANALYZE"
            manage(
                [
                    "shell",
                    "-v0",
                    "-c",
                    f"from django.db import connection; connection.cursor().execute('{statement}')",
                ],
                env,
            )
            megabytes = size_of() / 1e6
            builds.append((label, f"{build:.1f}", f"{megabytes:.0f}"))
            print(f"   index built in {build:.1f} s; database {megabytes:.0f} MB", flush=True)
            out = manage(["bench_search", "--label", label, "--repeat", repeat], env, capture=True)
            rows += list(csv.reader(out.splitlines()))
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{dt.datetime.now():%Y-%m-%d-%H%M}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER + ["ratio p95 icontains/search"])
        for row in rows:
            writer.writerow(row + [f"{float(row[7]) / max(float(row[5]), 0.001):.1f}"])
        writer.writerow([])
        writer.writerow(["engine-size", "index build s", "database MB"])
        writer.writerows(builds)
    widths = [14, 14, 6, 8, 8, 8, 10, 10, 7]
    print()
    print(" ".join(h[:w].ljust(w) for h, w in zip(HEADER + ["ratio"], widths, strict=True)))
    for row in rows:
        ratio = f"{float(row[7]) / max(float(row[5]), 0.001):.1f}x"
        print(" ".join(str(v)[:w].ljust(w) for v, w in zip(row + [ratio], widths, strict=True)))
    print()
    for label, build, megabytes in builds:
        print(f"{label}: index build {build} s, database {megabytes} MB")
    print(f"\nCSV: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
