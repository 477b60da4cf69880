#!/usr/bin/env python3
"""The public log at 10^6 entries: `shuangsui serve` answering a full hash tile and a full
entry bundle beside nginx serving the same bytes (wrk, as in load.py), and `shuangsui log
monitor` checking the whole log from a cold start (empty state folder) against either
server, beside a plain download of the same entry bundles.

Builds nothing: it expects target/release/shuangsui and target/release/examples/big_log
(`cargo build --release --example big_log`; under $CARGO_TARGET_DIR if set), `wrk`, `nginx`
and GNU time (`/usr/bin/time`). Without --log it makes the log first, timed, in a temporary
folder with `big_log DIR ENTRIES` (a real log: see examples/big_log.rs); --log DIR reuses
(or makes, if empty) the log in DIR.

Then it starts `shuangsui serve --bind 127.0.0.1:0 --log-filter warn` on that database,
downloads the checkpoint and every entry bundle (a Python keep-alive loop), writes them and
the hash tile tile/0/000 under nginx's root at the same paths, starts its own nginx
(load.py's configuration), and measures, in this order:

  1. the Python download loop (checkpoint + every entry bundle) from each server;
  2. `log monitor URL --log-key VKEY --state EMPTY_DIR` against each server, under GNU time
     (wall, CPU, maximum RSS), output to a file whose first line must be `OK`;
  3. wrk (load.py's `run_wrk`: same flags, warm-up, size checks) on /log/tile/0/000 and
     /log/tile/entries/000 from each server, the targets in turn, --repeat times.

Each figure is the median of --repeat runs.

    python3 benches/log_serve.py [--log DIR] [--entries 1000000] [--repeat 3]
                                 [--threads 2] [--connections 32] [--duration 10s] [--warmup 5s]

Prints Markdown tables; docs/BENCHMARKS.md records the figures with the command."""

import argparse
import http.client
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load  # noqa: E402
from load import NGINX_CONF, SERVER_THREADS, children, pin, raw_get, run_wrk, stop, wait_listening  # noqa: E402
from run import ROOT  # noqa: E402

TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
BIN = os.path.join(TARGET, "release", "shuangsui")
BIG_LOG = os.path.join(TARGET, "release", "examples", "big_log")
load.BIN = BIN  # load.machine_facts checks this binary's age
WIDTH = 256


def fail(message):
    print(f"log_serve.py: {message}", file=sys.stderr)
    sys.exit(1)


def tile_path(kind, index, width=WIDTH):
    """C2SP tlog-tiles path of a tile: `entries/x001/234` or `0/000`, `.p/W` if partial."""
    digits = f"{index:03d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    path = f"{kind}/" + "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])
    return path + (f".p/{width}" if width < WIDTH else "")


def bundle_paths(size):
    return [tile_path("entries", i, min(WIDTH, size - i * WIDTH)) for i in range((size + WIDTH - 1) // WIDTH)]


def download(host, port, paths):
    """GETs /log/checkpoint then every /log/tile/PATH on one keep-alive connection; returns
    (seconds, {path: body})."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    start = time.monotonic()
    bodies = {}
    for path in ["checkpoint"] + [f"tile/{p}" for p in paths]:
        conn.request("GET", f"/log/{path}")
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            fail(f"{host}:{port}/log/{path}: HTTP {r.status}")
        bodies[path] = body
    took = time.monotonic() - start
    conn.close()
    return took, bodies


def timed(argv, stdout):
    """Runs argv under GNU time; returns (wall s, user+sys s, max RSS MiB, exit code)."""
    fmt = "TIME %e %U %S %M"
    with open(stdout, "wb") as out:
        p = subprocess.run(["/usr/bin/time", "-f", fmt] + argv, stdout=out, stderr=subprocess.PIPE)
    m = re.search(r"^TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$", p.stderr.decode(errors="replace"), re.M)
    if not m:
        fail(f"no GNU time output from {argv[0]}:\n{p.stderr.decode(errors='replace')}")
    return float(m.group(1)), float(m.group(2)) + float(m.group(3)), int(m.group(4)) / 1024, p.returncode


def make_log(log_dir, entries):
    if not os.path.exists(BIG_LOG):
        fail(f"{BIG_LOG} is missing: cargo build --release --example big_log")
    print(f"making the log: big_log {entries} (this takes minutes)", file=sys.stderr)
    out = os.path.join(log_dir, "big_log.out")
    wall, cpu, rss, code = timed([BIG_LOG, log_dir, str(entries)], out)
    with open(out, errors="replace") as f:
        text = f.read()
    if code != 0:
        fail(f"big_log failed:\n{text}")
    print(f"Made the log: `big_log {entries}` took {wall:.0f} s wall ({cpu:.0f} s CPU), "
          f"peak RSS {rss:.0f} MiB; its report:\n")
    print("\n".join("    " + ln for ln in text.splitlines() if not ln.startswith("BENCH-")
                    or ln.startswith("BENCH-2026-001")))
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", default=None, help="folder of the log (made there if it holds none)")
    ap.add_argument("--entries", type=int, default=1_000_000, help="entries of a log made here")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians reported")
    ap.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    ap.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    ap.add_argument("--duration", default="10s", help="wrk -d of each measured run (default 10s)")
    ap.add_argument("--warmup", default="5s", help="wrk -d of the warm-up run of each target; 0 for none")
    ap.add_argument("--nginx-workers", type=int, default=SERVER_THREADS)
    ap.add_argument("--skip-wrk", action="store_true", help="measure the monitor and downloads only")
    args = ap.parse_args()
    args.pin_client = args.pin_server = None

    for path in (BIN, "/usr/bin/time"):
        if not os.path.exists(path):
            fail(f"{path} is missing")
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            fail(f"`{tool}` is missing: apt-get install -y {tool}")

    work = tempfile.mkdtemp(prefix="shuangsui-logbench-")
    log_dir = os.path.abspath(args.log) if args.log else os.path.join(work, "log")
    os.makedirs(log_dir, exist_ok=True)
    db = os.path.join(log_dir, "shuangsui.db")
    if not os.path.exists(db):
        make_log(log_dir, args.entries)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        vkey = c.execute("SELECT value FROM meta WHERE key = 'log_verifier_key'").fetchone()[0]

    prefix = os.path.join(work, "nginx")
    serve = nginx = None
    try:
        serve = subprocess.Popen(
            [BIN, "serve", "--bind", "127.0.0.1:0", "--database", f"sqlite://{db}",
             "--key", os.path.join(log_dir, "log.key"), "--log-filter", "warn"],
            cwd=work, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "serve.err"), "wb"))
        addr = wait_listening(serve)
        if addr is None:
            with open(os.path.join(work, "serve.err"), errors="replace") as f:
                fail(f"shuangsui serve did not start:\n{f.read()}")
        host, port = addr.rsplit(":", 1)
        port = int(port)

        status, _, note, _ = raw_get(host, port, "/log/checkpoint")
        size = int(note.decode().split("\n")[1])
        paths = bundle_paths(size)
        t0 = time.monotonic()
        status, _, _, _ = raw_get(host, port, "/log/tile/0/000")
        first_tile = time.monotonic() - t0
        if status != 200:
            fail(f"/log/tile/0/000: HTTP {status}")

        # nginx's root: the checkpoint, every entry bundle and the hash tile, as served.
        _, bodies = download(host, port, paths)
        bodies["tile/0/000"] = raw_get(host, port, "/log/tile/0/000")[2]
        os.chmod(work, 0o711)
        for path, body in bodies.items():
            file = os.path.join(prefix, "html", "log", path)
            os.makedirs(os.path.dirname(file), exist_ok=True)
            with open(file, "wb") as f:
                f.write(body)
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        for d, _, files in os.walk(prefix):
            os.chmod(d, 0o755)
            for name in files:
                os.chmod(os.path.join(d, name), 0o644)
        nginx_port = load.free_port()
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=args.nginx_workers, prefix=prefix, port=nginx_port))
        nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", conf, "-e", os.path.join(prefix, "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                if raw_get("127.0.0.1", nginx_port, "/log/tile/0/000")[2] != bodies["tile/0/000"]:
                    fail("nginx does not serve the tile's bytes")
                break
            except OSError:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    fail("nginx did not start")
                time.sleep(0.1)
        time.sleep(0.2)
        nginx_pids = [nginx.pid] + children(nginx.pid)
        servers = [("shuangsui serve", host, port, [serve.pid]), ("nginx", "127.0.0.1", nginx_port, nginx_pids)]

        facts = load.machine_facts()
        total_bytes = sum(len(bodies[f"tile/{p}"]) for p in paths)
        print(f"{facts['date']}, {facts['nproc']} cores (nproc), {facts['cpu']}, {facts['memory']}, "
              f"Linux {facts['kernel']}, load average {facts['load']} before; nginx {facts['nginx']} "
              f"({args.nginx_workers} workers), wrk {facts['wrk']}, shuangsui {facts['commit']}; "
              f"median of {args.repeat}\n")
        print(f"Log: {size:,} entries, {len(paths):,} entry bundles, {total_bytes / 2 ** 20:.0f} MiB of "
              f"bundles; the server's first tile after start (builds its tree from the stored leaf "
              f"hashes): {first_tile:.2f} s\n")

        # 1 and 2: download, then monitor from a cold start, against each server.
        rows = []
        for name, h, p, pids in servers:
            dl = []
            for _ in range(args.repeat):
                before = sum(load.cpu_seconds(pids))
                took, got = download(h, p, paths)
                dl.append((took, sum(load.cpu_seconds(pids)) - before))
                if any(got[f"tile/{x}"] != bodies[f"tile/{x}"] for x in paths):
                    fail(f"{name}: the bundles differ between downloads")
            mon = []
            for i in range(args.repeat):
                state = os.path.join(work, f"state-{p}-{i}")
                out = os.path.join(work, "monitor.out")
                before = sum(load.cpu_seconds(pids))
                wall, cpu, rss, code = timed([BIN, "log", "monitor", f"http://{h}:{p}/log",
                                              "--log-key", vkey, "--state", state], out)
                server_cpu = sum(load.cpu_seconds(pids)) - before
                with open(out, errors="replace") as f:
                    first = f.readline()
                    lines = 1 + sum(1 for _ in f)
                if code != 0 or not first.startswith("OK") or lines != size + 1:
                    fail(f"log monitor against {name}: exit {code}, {lines} lines, first: {first}")
                mon.append((wall, cpu, rss, server_cpu))
                shutil.rmtree(state)
            rows.append((name, dl, mon))
        med = statistics.median
        print("| from | Python download of every bundle: wall (range) | server CPU | "
              "log monitor, cold start: wall (range) | monitor CPU | peak RSS | server CPU |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, dl, mon in rows:
            print(f"| {name} | {med(d[0] for d in dl):.2f} s ({min(d[0] for d in dl):.2f}–{max(d[0] for d in dl):.2f}) "
                  f"| {med(d[1] for d in dl):.2f} s "
                  f"| {med(m[0] for m in mon):.2f} s ({min(m[0] for m in mon):.2f}–{max(m[0] for m in mon):.2f}) "
                  f"| {med(m[1] for m in mon):.2f} s | {max(m[2] for m in mon):.0f} MiB | {med(m[3] for m in mon):.2f} s |")
        print()

        if args.skip_wrk:
            return
        # 3: wrk on a full hash tile and a full entry bundle.
        script = os.path.join(work, "done.lua")
        with open(script, "w") as f:
            f.write(load.WRK_DONE)
        targets = []
        for path in ("/log/tile/0/000", "/log/tile/entries/000"):
            for name, h, p, pids in reversed(servers):
                st, head_len, body, _ = raw_get(h, p, path)
                if st != 200 or body != bodies[path.removeprefix("/log/")]:
                    fail(f"{name}{path}: status {st} or other bytes")
                targets.append((f"{name}, {path}", h, p, path, pids, head_len + len(body), len(body)))
        if args.warmup not in ("0", "0s", ""):
            warm = argparse.Namespace(**vars(args))
            warm.duration = args.warmup
            for _, h, p, path, pids, *_ in targets:
                run_wrk(warm, f"http://{h}:{p}{path}", script, pids)
        runs = {t[0]: [] for t in targets}
        for _ in range(args.repeat):
            for name, h, p, path, pids, *_ in targets:
                runs[name].append(run_wrk(args, f"http://{h}:{p}{path}", script, pids))
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency, warm-up {args.warmup}; "
              f"wrk and the server under test share the {facts['nproc']} cores\n")
        print("| target | body | requests/s (range) | × nginx | p50 | p90 | p99 | errors | server CPU/request | size check |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        nginx_rps = {}
        for name, _, _, path, _, want, body_len in targets:
            rs = runs[name]
            rps = med(r["rps"] for r in rs)
            if name.startswith("nginx"):
                nginx_rps[path] = rps
            errors = sum(r["non2xx"] + r["socket"] for r in rs)
            reqs = sum(r["exact"]["requests"] for r in rs if r["exact"])
            cpu_us = sum(r["server_cpu"] for r in rs) / reqs * 1e6 if reqs else float("nan")
            per = [r["exact"]["bytes"] / r["exact"]["requests"] for r in rs if r["exact"] and r["exact"]["requests"]]
            ok = bool(per) and all(abs(x - want) <= 0.005 * want for x in per)
            print(f"| {name} | {body_len:,} B | {rps:,.0f} ({min(r['rps'] for r in rs):,.0f}–{max(r['rps'] for r in rs):,.0f}) "
                  f"| {rps / nginx_rps[path]:.2f} | {med(r['p50'] for r in rs):.2f} ms | {med(r['p90'] for r in rs):.2f} ms "
                  f"| {med(r['p99'] for r in rs):.2f} ms | {errors} | {cpu_us:.0f} µs | {'ok' if ok else 'WRONG'} |")
        others = max(r["others"] for rs in runs.values() for r in rs)
        print(f"\nOther processes took at most {others:.2f} of the {facts['nproc']} cores during a wrk run"
              + (" (runs disturbed: measure again on a quiet machine)." if others > 0.1 else "."))
        with open("/proc/loadavg") as f:
            print(f"Load average after: {f.read().split()[0]}")
    finally:
        stop(nginx, signal.SIGQUIT)
        stop(serve)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
