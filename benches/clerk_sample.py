#!/usr/bin/env python3
"""What a clerk might write instead of shuangsui: read the entity CSV, keep the active ones,
draw each credit-grade stratum with random.sample, give each target two random officers.
No commitment, no record of the seed, no constraint beyond the ratios: the baseline the
benchmark compares with (benches/run.py)."""

import csv
import math
import random
import sys

RATIOS = {"D": 0.30, "C": 0.10, "B": 0.02, "A": 0.01}


def main(directory):
    strata = {g: [] for g in RATIOS}
    with open(f"{directory}/entities.csv", newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["status"] == "正常" and row["credit_grade"] in strata:
                strata[row["credit_grade"]].append(row["uscc"])
    with open(f"{directory}/officers.csv", newline="", encoding="utf-8-sig") as f:
        officers = [r["card_no"] for r in csv.DictReader(f) if r["status"] == "在岗"]
    drawn = 0
    for grade, pool in strata.items():
        for uscc in random.sample(pool, math.ceil(len(pool) * RATIOS[grade])):
            team = random.sample(officers, 2)
            drawn += 1
    print(f"{drawn} targets", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
