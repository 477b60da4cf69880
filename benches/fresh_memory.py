#!/usr/bin/env python3
"""What fresh memory costs on this machine: maps N MiB of anonymous memory and writes one
byte per 4 KiB page, so that the kernel must supply (and zero) every page. On the project's
virtual machines this, not the draw's arithmetic, sets most of the time of a 10^6-entity
commit and draw, whose peak resident sets are several hundred MiB (docs/BENCHMARKS.md).

    python3 benches/fresh_memory.py [--mib 800] [--repeat 5]

Prints the median seconds and the rate in MiB/s; the same loop over memory already touched
is printed beside it, as the cost of the loop itself."""

import argparse
import mmap
import statistics
import time

PAGE = 4096


def touch(m, size):
    start = time.perf_counter()
    for i in range(0, size, PAGE):
        m[i] = 1
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=800)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    size = args.mib << 20
    fresh, again = [], []
    for _ in range(args.repeat):
        m = mmap.mmap(-1, size)
        fresh.append(touch(m, size))
        again.append(touch(m, size))
        m.close()
    f, a = statistics.median(fresh), statistics.median(again)
    print(f"fresh memory:   {args.mib} MiB in {f:.2f} s ({args.mib / f:.0f} MiB/s), median of {args.repeat}")
    print(f"touched before: {args.mib} MiB in {a:.2f} s (the loop alone)")


if __name__ == "__main__":
    main()
