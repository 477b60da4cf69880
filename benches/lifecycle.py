#!/usr/bin/env python3
"""Times a whole batch through the database at 10^6 entities (SQLite, or PostgreSQL with
--postgres): import the five tables of a generated directory, then `batch commit`,
`batch draw`, `batch export --auditor`, `verify` of the export, and `log verify`. Each step
once (the import benchmark, benches/import_bench.py, repeats the import beside the databases' own
loaders); wall time and peak RSS from GNU time (`/usr/bin/time`).

    python3 benches/lifecycle.py [--entities 1000000] [--postgres] [--work DIR]

Prints a Markdown table; docs/BENCHMARKS.md records the figures with the command."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, ENTROPY, PLAN, run  # noqa: E402
from import_bench import BENCH_DB, PG_BASE, fresh_pg, psql, sh  # noqa: E402

TABLES = ["entities", "officers", "matters", "recusals", "history"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    work = args.work or tempfile.mkdtemp(prefix="shuangsui-lifecycle-")
    directory = os.path.join(work, "dir")
    if not os.path.exists(os.path.join(directory, "entities.csv")):
        sh([BIN, "registries", "generate", "--entities", str(args.entities), "--officers", "5000",
            "--seed", "11", "--out", directory])
    key = os.path.join(work, "lifecycle.key")
    if args.postgres:
        fresh_pg()
        url = f"{PG_BASE}/{BENCH_DB}"
    else:
        db = os.path.join(work, "lifecycle.db")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        url = f"sqlite://{db}"
    if os.path.exists(key):
        os.remove(key)
    export = os.path.join(work, "lifecycle.export.json")
    if os.path.exists(export):
        os.remove(export)
    d = ["--database", url, "--key", key]
    sh([BIN, "init"] + d)
    batch = [line.split('"')[1] for line in open(PLAN, encoding="utf-8") if line.startswith("id ")][0]
    steps = [(f"import {t}", [BIN, "import", t, os.path.join(directory, f"{t}.csv"), "--quiet"] + d) for t in TABLES]
    steps += [
        ("batch create", [BIN, "batch", "create", "--plan", PLAN] + d),
        ("batch commit", [BIN, "batch", "commit", batch] + d),
        ("batch draw", [BIN, "batch", "draw", batch, "--entropy", ENTROPY] + d),
        ("batch export --auditor", [BIN, "batch", "export", batch, "--auditor", "--out", export] + d),
        ("verify (the export, offline)", [BIN, "verify", export]),
        ("log verify", [BIN, "log", "verify"] + d),
    ]
    print(f"{args.entities:,} entities, {'PostgreSQL' if args.postgres else 'SQLite'}\n")
    print("| step | wall | peak RSS |")
    print("|---|---|---|")
    for name, argv in steps:
        seconds, mib = run(argv, work)
        print(f"| {name} | {seconds:.2f} s | {mib:.0f} MiB |")
    if args.postgres:
        psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
