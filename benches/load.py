#!/usr/bin/env python3
"""HTTP load on loopback: `wrk --latency` against the published batch page and the public JSON
route of `shuangsui serve`, side by side in the same run with nginx serving the same page's
exact bytes as a static file.

Builds nothing: it expects target/release/shuangsui (`cargo build --release`), and `wrk` and
`nginx` (Debian packages `wrk`, `nginx`). It makes the demo database in a temporary folder
(`shuangsui demo --no-serve`), starts `shuangsui serve --bind 127.0.0.1:0 --log-filter warn`,
fetches the batch page once and writes its bytes as nginx's static file, starts its own nginx
(own config, pid, error log and no access log in the temporary folder; free port; daemon off;
keep-alive on; as many worker processes as the server has worker threads), then runs wrk
with the same threads, connections and duration against

  (a) nginx, the static page              /batches/ID
  (b) shuangsui, the batch page (HTML)    /batches/ID
  (c) shuangsui, the public JSON route    /api/v1/public/batches/ID

after one warm-up run of each. With --repeat N the targets are run in turn N times and each
figure is the median of the N runs. Every response's size is checked (wrk's bytes read per
response against one response fetched beforehand) and nginx's body against the page.

Targets (from the issue): requests/s of the page at least half of nginx's, p99 under 10 ms,
zero errors (non-2xx/3xx responses and socket errors).

wrk, the server under load and the idle other server share the machine's cores; the table's
header says how many (nproc) and how much CPU wrk itself took.

    python3 benches/load.py [--threads 2] [--connections 32] [--duration 10s] [--warmup 5s]
                            [--repeat 3] [--batch SH-MZ-2026-YL-01] [--work DIR] [--check]
                            [--pin-client 0 --pin-server 1 --nginx-workers 1]

(--pin-client/--pin-server put wrk and the servers on separate CPUs with taskset, so that each
server's requests/s measures what one core of it serves.)

Prints a Markdown table; docs/BENCHMARKS.md records the figures with the command. Exits 1 if a
server does not start (or a response is wrong); with --check, also if a target is missed."""

import argparse
import datetime
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, ROOT  # noqa: E402

DEFAULT_BATCH = "SH-MZ-2026-YL-01"
# The worker threads of the runtime `shuangsui serve` runs on (src/cli/db.rs, `runtime()`).
SERVER_THREADS = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Exact figures from wrk itself, beside its text output (a `done` hook only: wrk still sends
# its one prebuilt request, no Lua runs per request).
WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {\"requests\":%d,\"bytes\":%d,\"duration_us\":%d,\"connect\":%d,\"read\":%d," ..
    "\"write\":%d,\"status\":%d,\"timeout\":%d,\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d}\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""

NGINX_CONF = """daemon off;
master_process on;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/html;
        location / {{
            default_type "text/html; charset=utf-8";
            add_header cache-control "public, max-age=60";
        }}
    }}
}}
"""


def fail(message):
    print(f"load.py: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_get(host, port, path):
    """One GET on a fresh connection, sent as wrk sends it; returns (status, header bytes
    including the blank line, body). Needs a Content-Length (both servers give one)."""
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("connection closed before the headers ended")
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        if "content-length" not in headers:
            raise OSError(f"{path}: no content-length ({headers})")
        n = int(headers["content-length"])
        while len(body) < n:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("connection closed before the body ended")
            body += chunk
        return status, len(head) + 4, body[:n], headers


def wait_listening(proc, timeout=30.0):
    """Reads `listening on http://ADDR` from `shuangsui serve`'s stdout."""
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            byte = os.read(proc.stdout.fileno(), 1)
            if not byte:
                return None
            line += byte
            if byte == b"\n":
                m = re.search(rb"listening on http://(\S+)", line)
                if m:
                    return m.group(1).decode()
                line = b""
    return None


def cpu_seconds(pids):
    """(user, system) CPU seconds of the processes, all their threads."""
    user = system = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            user += int(fields[11])  # utime, stime: fields 14 and 15 of stat(5)
            system += int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return user / CLK_TCK, system / CLK_TCK


def machine_busy():
    """CPU seconds all cores spent not idle (not idle, not iowait) since boot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK_TCK


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
UNITS_B = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}


def parse_wrk(text):
    """wrk's text report: requests/s, latency percentiles (ms), transfer/s (MiB), errors."""
    out = {"non2xx": 0, "socket": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else float("nan")
    m = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text)
    out["transfer_mib"] = float(m.group(1)) * UNITS_B[m.group(2)] / 2 ** 20 if m else float("nan")
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
        out[f"p{pct}"] = float(m.group(1)) * UNITS_S[m.group(2)] * 1e3 if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket"] = sum(int(x) for x in m.groups())
    m = re.search(r"^WRK-JSON (\{.*\})$", text, re.M)
    out["exact"] = json.loads(m.group(1)) if m else None
    return out


def pin(cpus):
    return ["taskset", "-c", cpus] if cpus else []


def run_wrk(args, url, script, watch_pids):
    argv = pin(args.pin_client) + ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}",
            "--latency", "-s", script, url]
    before = cpu_seconds(watch_pids)
    busy_before, start = machine_busy(), time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    after = cpu_seconds(watch_pids)
    server_user, server_sys = after[0] - before[0], after[1] - before[1]
    server_cpu = server_user + server_sys
    busy, wall = machine_busy() - busy_before, time.monotonic() - start
    if proc.returncode != 0:
        fail(f"wrk failed on {url}:\n{text}")
    r = parse_wrk(text)
    r["text"] = text
    r["wrk_cpu"] = usage.ru_utime + usage.ru_stime
    r["server_cpu"] = server_cpu
    r["server_user"] = server_user
    # What the rest of the machine took meanwhile, in cores (another build disturbs a run).
    r["others"] = max(0.0, busy - server_cpu - r["wrk_cpu"]) / wall
    return r


def machine_facts():
    facts = {"date": datetime.date.today().isoformat(), "nproc": os.cpu_count()}
    try:
        out = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        facts["nproc"] = int(out)
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        facts["cpu"] = names[0] if names else platform.processor()
    except OSError:
        facts["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        facts["memory"] = f"{kb / 2 ** 20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        facts["memory"] = "?"
    facts["kernel"] = platform.release()
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    facts["wrk"] = version.split(" [")[0].removeprefix("wrk ")
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    facts["nginx"] = nginx.split("/")[-1]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    facts["commit"] = commit.stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if dirty:
        facts["commit"] += " + uncommitted changes"
    changed = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "src", "Cargo.toml", "Cargo.lock"],
                             cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if changed and os.path.getmtime(BIN) < int(changed):
        facts["commit"] += " (but the binary is older than its last change to src: rebuild)"
    with open("/proc/loadavg") as f:
        facts["load"] = f.read().split()[0]
    return facts


def stop(proc, sig=signal.SIGTERM):
    if proc is not None and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    ap.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    ap.add_argument("--duration", default="10s", help="wrk -d of each measured run (default 10s)")
    ap.add_argument("--warmup", default="5s", help="wrk -d of the warm-up run of each target; 0 for none")
    ap.add_argument("--repeat", type=int, default=3, help="measured runs of each target; medians reported")
    ap.add_argument("--batch", default=DEFAULT_BATCH, help="a published batch id")
    ap.add_argument("--nginx-workers", type=int, default=SERVER_THREADS,
                    help=f"nginx worker_processes (default {SERVER_THREADS}, shuangsui's worker threads)")
    ap.add_argument("--pin-client", default=None, metavar="CPUS",
                    help="run wrk on these CPUs only (taskset -c), e.g. 0")
    ap.add_argument("--pin-server", default=None, metavar="CPUS",
                    help="run both servers on these CPUs only (taskset -c), e.g. 1; "
                         "give --nginx-workers to match")
    ap.add_argument("--work", default=None, help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--raw", action="store_true", help="print wrk's own output of each run too")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args()

    if not os.path.exists(BIN):
        fail("target/release/shuangsui is missing; build first: cargo build --release")
    for tool, package in (("wrk", "wrk"), ("nginx", "nginx")):
        if shutil.which(tool) is None:
            fail(f"`{tool}` is missing: apt-get install -y {package}")

    work = args.work or tempfile.mkdtemp(prefix="shuangsui-load-")
    demo = os.path.join(work, "demo")
    prefix = os.path.join(work, "nginx")
    serve = nginx = None
    code = 0
    try:
        # The demo database: Shanghai sample directories, drawn and published batches.
        made = subprocess.run([BIN, "demo", "--no-serve", "--out", demo], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if made.returncode != 0:
            fail(f"shuangsui demo failed:\n{made.stderr.decode(errors='replace')}")

        serve = subprocess.Popen(
            pin(args.pin_server) + [BIN, "serve", "--bind", "127.0.0.1:0",
                                    "--database", f"sqlite://{demo}/shuangsui.db",
                                    "--key", os.path.join(demo, "log.key"), "--log-filter", "warn"],
            cwd=work, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "serve.err"), "wb"))
        addr = wait_listening(serve)
        if addr is None:
            with open(os.path.join(work, "serve.err"), errors="replace") as f:
                fail(f"shuangsui serve did not start:\n{f.read()}")
        host, port = addr.rsplit(":", 1)
        port = int(port)

        with urllib.request.urlopen(f"http://{addr}/api/v1/public/batches", timeout=10) as r:
            published = [b["id"] for b in json.load(r)["published"]]
        if args.batch not in published:
            fail(f"{args.batch} is not published; published: {', '.join(published)}")

        page_path = f"/batches/{args.batch}"
        json_path = f"/api/v1/public/batches/{args.batch}"
        status, _, page, _ = raw_get(host, port, page_path)
        if status != 200:
            fail(f"{page_path}: status {status}")

        # nginx: the page's exact bytes at the same path. Its workers run as `nobody` when
        # started by root: they need to pass through the (private) temporary folder.
        os.chmod(work, 0o711)
        os.makedirs(os.path.join(prefix, "html", "batches"), exist_ok=True)
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        static = os.path.join(prefix, "html", "batches", args.batch)
        with open(static, "wb") as f:
            f.write(page)
        for d in (prefix, os.path.join(prefix, "html"), os.path.dirname(static)):
            os.chmod(d, 0o755)
        os.chmod(static, 0o644)
        nginx_port = free_port()
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=args.nginx_workers, prefix=prefix, port=nginx_port))
        nginx = subprocess.Popen(
            pin(args.pin_server) + ["nginx", "-p", prefix, "-c", conf, "-e", os.path.join(prefix, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        nginx_body = None
        while time.monotonic() < deadline and nginx.poll() is None:
            try:
                nginx_body = raw_get("127.0.0.1", nginx_port, page_path)
                break
            except OSError:
                time.sleep(0.1)
        if nginx_body is None:
            log = os.path.join(prefix, "error.log")
            fail("nginx did not start:\n" + (open(log, errors="replace").read() if os.path.exists(log) else ""))
        if nginx_body[0] != 200 or nginx_body[2] != page:
            fail(f"nginx does not serve the page's bytes (status {nginx_body[0]}, "
                 f"{len(nginx_body[2])} bytes, want {len(page)})")
        time.sleep(0.2)
        nginx_pids = [nginx.pid] + children(nginx.pid)

        targets = [
            ("nginx, static page", "127.0.0.1", nginx_port, page_path, nginx_pids),
            ("shuangsui, batch page (HTML)", host, port, page_path, [serve.pid]),
            ("shuangsui, public JSON", host, port, json_path, [serve.pid]),
        ]
        expected = {}
        for name, h, p, path, _ in targets:
            st, head_len, body, headers = raw_get(h, p, path)
            if st != 200:
                fail(f"{name}: {path} answered {st}")
            expected[name] = (head_len, len(body))

        script = os.path.join(work, "done.lua")
        with open(script, "w") as f:
            f.write(WRK_DONE)

        facts = machine_facts()
        if args.warmup not in ("0", "0s", ""):
            warm = argparse.Namespace(**vars(args))
            warm.duration = args.warmup
            for name, h, p, path, pids in targets:
                run_wrk(warm, f"http://{h}:{p}{path}", script, pids)

        runs = {name: [] for name, *_ in targets}
        for i in range(args.repeat):
            for name, h, p, path, pids in targets:
                r = run_wrk(args, f"http://{h}:{p}{path}", script, pids)
                runs[name].append(r)
                if args.raw:
                    print(f"<!-- run {i + 1}, {name}\n{r['text']}-->")

        # Sizes: wrk's bytes read per completed response against one response's size (the
        # few responses in flight when wrk stops are read but not counted: tolerance 0.5%).
        size_ok = {}
        for name, rs in runs.items():
            head_len, body_len = expected[name]
            want = head_len + body_len
            per = [r["exact"]["bytes"] / r["exact"]["requests"]
                   for r in rs if r["exact"] and r["exact"]["requests"]]
            size_ok[name] = bool(per) and all(abs(x - want) <= 0.005 * want for x in per)

        med = lambda rs, k: statistics.median(r[k] for r in rs)
        nginx_rps = med(runs[targets[0][0]], "rps")
        print(f"{facts['date']}, {facts['nproc']} cores (nproc) shared by wrk and the servers, {facts['cpu']}, "
              f"{facts['memory']}, Linux {facts['kernel']}, load average {facts['load']} before; "
              f"wrk {facts['wrk']}, nginx {facts['nginx']} ({args.nginx_workers} workers), "
              f"shuangsui {facts['commit']} ({SERVER_THREADS} worker threads, --log-filter warn); "
              f"wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency, "
              f"warm-up {args.warmup}, median of {args.repeat}"
              + (f"; wrk on CPU {args.pin_client}" if args.pin_client else "")
              + (f"; servers on CPU {args.pin_server}" if args.pin_server else "") + "\n")
        print("| target | body | requests/s (range) | × nginx | p50 | p99 | transfer/s | errors "
              "| server CPU/request | wrk CPU | size check |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        verdicts = []
        for name, *_ in targets:
            rs = runs[name]
            rps = med(rs, "rps")
            errors = sum(r["non2xx"] + r["socket"] for r in rs)
            reqs = sum(r["exact"]["requests"] for r in rs if r["exact"])
            server_us = sum(r["server_cpu"] for r in rs) / reqs * 1e6 if reqs else float("nan")
            user_us = sum(r["server_user"] for r in rs) / reqs * 1e6 if reqs else float("nan")
            wrk_share = statistics.median(r["wrk_cpu"] for r in rs)
            lo, hi = min(r["rps"] for r in rs), max(r["rps"] for r in rs)
            p99 = med(rs, "p99")
            print(f"| {name} | {expected[name][1]:,} B | {rps:,.0f} ({lo:,.0f}–{hi:,.0f}) "
                  f"| {rps / nginx_rps:.2f} | {med(rs, 'p50'):.2f} ms | {p99:.2f} ms "
                  f"| {med(rs, 'transfer_mib'):.0f} MiB | {errors} | {server_us:.0f} µs ({user_us:.0f} user) "
                  f"| {wrk_share:.1f} s | {'ok' if size_ok[name] else 'WRONG'} |")
            if name.startswith("shuangsui"):
                checks = [("p99 < 10 ms", p99 < 10.0), ("zero errors", errors == 0)]
                if name == targets[1][0]:
                    checks.insert(0, ("requests/s ≥ ½ nginx's", rps >= 0.5 * nginx_rps))
                verdicts.append((name, checks))
        print()
        for name, checks in verdicts:
            print(f"- {name}: " + "; ".join(f"{c} {'holds' if ok else 'MISSED'}" for c, ok in checks))
        print(f"\n(errors: non-2xx/3xx responses plus socket errors, summed over the {args.repeat} runs; "
              f"server CPU/request: the server processes' CPU time (user + kernel) during the runs "
              f"over the requests; "
              f"wrk CPU: wrk's own CPU time in one run, median)")
        others = max(r["others"] for rs in runs.values() for r in rs)
        print(f"\nOther processes took at most {others:.2f} of the {facts['nproc']} cores during a measured run"
              + (" (runs disturbed: measure again on a quiet machine)" if others > 0.1 else "."))
        if not all(size_ok.values()):
            code = 1
            print("\nresponse sizes differ from the page's: see 'size check'", file=sys.stderr)
        if args.check and not all(ok for _, checks in verdicts for _, ok in checks):
            code = 1
    finally:
        stop(nginx, signal.SIGQUIT)  # graceful for nginx; the master waits for its workers
        stop(serve)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
