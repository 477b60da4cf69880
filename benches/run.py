#!/usr/bin/env python3
"""Benchmark of commit + draw + verify at 10^4, 10^5 and 10^6 entities (5,000 officers,
teams of two, four strata, every constraint on: benches/plan.toml), side by side in the same
run with `sha256sum` over the same directory files and a plain Python csv + random.sample
script (benches/clerk_sample.py). Wall time is the median of --repeat runs, with the fastest
run beside it (single runs vary much on virtual machines); peak memory is
the largest resident set size of the process, as GNU time (`/usr/bin/time`, Debian package
`time`) reports it.

    python3 benches/run.py [--sizes 10000,100000,1000000] [--repeat 3] [--work DIR]

Prints a Markdown table; docs/BENCHMARKS.md records the figures with the command."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "shuangsui")
PLAN = os.path.join(ROOT, "benches", "plan.toml")
ENTROPY = "甲=3918207746,乙=0562283019,丙=7730154826"
FILES = ["entities.csv", "officers.csv", "matters.csv", "recusals.csv", "history.csv"]


def run(argv, cwd):
    """Runs argv under GNU time; returns (seconds, peak RSS in MiB). Fails loudly on a
    non-zero exit. (GNU time, not os.wait4 from Python, so that the forked Python image is
    not counted in the child's peak memory.)"""
    marker = "BENCH-RSS-KB="
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", marker + "%M"] + argv, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{err}")
    kb = int(err.rsplit(marker, 1)[1].split()[0])
    return seconds, kb / 1024


def measure(name, argv, cwd, repeat, before=None):
    times, peak = [], 0.0
    for _ in range(repeat):
        if before:
            before()
        t, m = run(argv, cwd)
        times.append(t)
        peak = max(peak, m)
    return name, statistics.median(times), min(times), peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = args.work or tempfile.mkdtemp(prefix="shuangsui-bench-")
    print(f"| entities | step | wall (s, median of {args.repeat}) | fastest (s) | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|")
    for n in [int(x) for x in args.sizes.split(",")]:
        d = os.path.join(work, f"dir-{n}")
        if not os.path.isdir(d):
            subprocess.run([BIN, "registries", "generate", "--entities", str(n), "--officers", "5000",
                            "--seed", "1", "--out", d], check=True, stdout=subprocess.DEVNULL)
        c, b = os.path.join(work, f"c-{n}.json"), os.path.join(work, f"b-{n}.json")
        rm = lambda *paths: [os.path.exists(p) and os.remove(p) for p in paths]
        rows = [
            measure("sha256sum of the directory files", ["sha256sum"] + FILES, d, args.repeat),
            measure("shuangsui commit", [BIN, "commit", "--registries", d, "--plan", PLAN, "--out", c],
                    work, args.repeat, before=lambda: rm(c, b)),
            measure("shuangsui draw", [BIN, "draw", "--commitment", c, "--entropy", ENTROPY, "--out", b],
                    work, args.repeat, before=lambda: rm(b)),
            measure("shuangsui verify", [BIN, "verify", b], work, args.repeat),
            measure("python csv + random.sample (no commitment, no constraints)",
                    [sys.executable, os.path.join(ROOT, "benches", "clerk_sample.py"), d], work, args.repeat),
        ]
        commit_draw = rows[1][1] + rows[2][1]
        fastest = rows[1][2] + rows[2][2]
        for name, t, fast, m in rows:
            print(f"| {n:,} | {name} | {t:.2f} | {fast:.2f} | {m:.0f} |")
        print(f"| {n:,} | **commit + draw** | **{commit_draw:.2f}** ({commit_draw / rows[0][1]:.1f}× sha256sum) "
              f"| {fastest:.2f} | |")
        sys.stdout.flush()
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
