#!/usr/bin/env python3
"""Benchmark of `shuangsui import entities` of a generated directory's entities.csv into each
database, side by side in the same run with the database's own bulk loader on the same file
into an equivalent table (same columns and primary key, no validation):

- SQLite: `sqlite3 DB ".import --csv --skip 1 entities.csv entities"`;
- PostgreSQL (127.0.0.1:5432, trust auth): `psql -c "\\copy entities FROM 'entities.csv' CSV HEADER"`.

Each run starts from a fresh database (`shuangsui init` beforehand, not timed). Our import
includes reading, decoding, validating every field (USCC check characters…), duplicate
checks, the content hash, the canonical sort, the rows and the log entry in one
transaction. Wall time is the median of --repeat runs with the fastest beside it; peak
memory from GNU time (`/usr/bin/time`).

    python3 benches/import_bench.py [--entities 1000000] [--repeat 3] [--work DIR]

Prints a Markdown table; docs/BENCHMARKS.md records the figures with the command."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, ROOT, run  # noqa: E402

PG_ADMIN = os.environ.get("SHUANGSUI_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]
BENCH_DB = "shuangsui_bench_import"

COLUMNS = ("uscc TEXT NOT NULL, name TEXT NOT NULL, sector TEXT NOT NULL, entity_type TEXT NOT NULL, "
           "district TEXT NOT NULL, address TEXT NOT NULL, credit_grade TEXT NOT NULL, status TEXT NOT NULL, "
           "legal_representative TEXT NOT NULL, contact TEXT NOT NULL, PRIMARY KEY (uscc)")


def sh(argv, **kw):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def psql(sql, db="postgres"):
    sh(["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{PG_BASE}/{db}", "-c", sql])


def fresh_pg():
    psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {BENCH_DB}")


def measure(argv, repeat, before, cwd):
    times, peak = [], 0.0
    for _ in range(repeat):
        before()
        t, m = run(argv, cwd)
        times.append(t)
        peak = max(peak, m)
    return statistics.median(times), min(times), peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    work = args.work or tempfile.mkdtemp(prefix="shuangsui-import-")
    directory = os.path.join(work, "dir")
    if not os.path.exists(os.path.join(directory, "entities.csv")):
        sh([BIN, "registries", "generate", "--entities", str(args.entities), "--officers", "5000",
            "--seed", "11", "--out", directory])
    csv = os.path.join(directory, "entities.csv")
    size_mb = os.path.getsize(csv) / 1e6
    key = os.path.join(work, "log.key")
    sqlite_db = os.path.join(work, "bench.db")
    plain_db = os.path.join(work, "plain.db")

    def fresh_sqlite():
        for f in (sqlite_db, sqlite_db + "-wal", sqlite_db + "-shm", plain_db, key):
            if os.path.exists(f):
                os.remove(f)
        sh([BIN, "init", "--database", f"sqlite://{sqlite_db}", "--key", key])
        sh(["sqlite3", plain_db, f"CREATE TABLE entities ({COLUMNS}) WITHOUT ROWID"])

    def fresh_postgres():
        if os.path.exists(key):
            os.remove(key)
        fresh_pg()
        sh([BIN, "init", "--database", f"{PG_BASE}/{BENCH_DB}", "--key", key])
        psql(f"CREATE TABLE plain_entities ({COLUMNS})", BENCH_DB)

    rows = []
    ours = measure([BIN, "import", "entities", csv, "--quiet", "--database", f"sqlite://{sqlite_db}", "--key", key],
                   args.repeat, fresh_sqlite, work)
    theirs = measure(["sqlite3", plain_db, f".import --csv --skip 1 {csv} entities"], args.repeat, fresh_sqlite, work)
    rows.append(("SQLite", ours, "sqlite3 .import", theirs))
    ours = measure([BIN, "import", "entities", csv, "--quiet", "--database", f"{PG_BASE}/{BENCH_DB}", "--key", key],
                   args.repeat, fresh_postgres, work)
    theirs = measure(["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{PG_BASE}/{BENCH_DB}", "-c",
                      f"\\copy plain_entities FROM '{csv}' CSV HEADER"], args.repeat, fresh_postgres, work)
    rows.append(("PostgreSQL", ours, "psql \\copy", theirs))
    psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    print(f"{args.entities:,} entities, {size_mb:.0f} MB CSV, median of {args.repeat} (fastest in brackets)\n")
    print("| database | shuangsui import | peak RSS | bulk loader | its time | ratio (median) |")
    print("|---|---|---|---|---|---|")
    for name, (om, of, opeak), loader, (tm, tf, _) in rows:
        print(f"| {name} | {om:.2f} s ({of:.2f}) | {opeak:.0f} MiB | {loader} | {tm:.2f} s ({tf:.2f}) | {om / tm:.2f}× |")
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
