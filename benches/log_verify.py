#!/usr/bin/env python3
"""Times `shuangsui log verify` at 10^6 entities (SQLite), for this build and, with
--baseline, for another build side by side: each binary gets its own fresh database with the
five tables of one generated directory imported and one batch committed and drawn
(`benches/plan.toml`), then `log verify` runs --runs times; the median wall time and the
peak RSS are printed. Issue 9 asks that replaying the log into every table stay within 2x
of the older `log verify`, which checked fewer columns.

    python3 benches/log_verify.py [--baseline OTHER_BINARY] [--entities 1000000] [--runs 5] [--work DIR]

Prints a Markdown table; docs/BENCHMARKS.md records the figures with the command."""

import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, ENTROPY, PLAN, run  # noqa: E402
from import_bench import sh  # noqa: E402

TABLES = ["entities", "officers", "matters", "recusals", "history"]


def prepare(binary, directory, work):
    """A fresh database with the directory imported and the bench batch drawn."""
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "verify.db")
    key = os.path.join(work, "verify.key")
    for f in (db, db + "-wal", db + "-shm", key):
        if os.path.exists(f):
            os.remove(f)
    d = ["--database", f"sqlite://{db}", "--key", key]
    sh([binary, "init"] + d)
    for t in TABLES:
        sh([binary, "import", t, os.path.join(directory, f"{t}.csv"), "--quiet"] + d)
    batch = [line.split('"')[1] for line in open(PLAN, encoding="utf-8") if line.startswith("id ")][0]
    sh([binary, "batch", "create", "--plan", PLAN] + d)
    sh([binary, "batch", "commit", batch] + d)
    sh([binary, "batch", "draw", batch, "--entropy", ENTROPY] + d)
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default=None, help="another shuangsui binary to time beside this one")
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    work = args.work or tempfile.mkdtemp(prefix="shuangsui-log-verify-")
    directory = os.path.join(work, "dir")
    if not os.path.exists(os.path.join(directory, "entities.csv")):
        sh([BIN, "registries", "generate", "--entities", str(args.entities), "--officers", "5000",
            "--seed", "11", "--out", directory])
    binaries = [("this build", BIN)] + ([("baseline", args.baseline)] if args.baseline else [])
    print(f"{args.entities:,} entities, SQLite, log verify x{args.runs} (median)\n")
    print("| binary | log verify (median) | runs | peak RSS |")
    print("|---|---|---|---|")
    for label, binary in binaries:
        d = prepare(binary, directory, os.path.join(work, label.replace(" ", "-")))
        times, peak = [], 0
        for _ in range(args.runs):
            seconds, mib = run([binary, "log", "verify"] + d, work)
            times.append(seconds)
            peak = max(peak, mib)
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {label} | {statistics.median(times):.2f} s | {shown} | {peak:.0f} MiB |")
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
