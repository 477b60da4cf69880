#!/usr/bin/env python3
"""Crash trials: kills `shuangsui` with SIGKILL at random moments during a step and checks
that the database is whole afterwards and that the step can be retried. Steps: `import
entities`, `batch commit`, `batch draw` and `result record`; databases: SQLite and
PostgreSQL (127.0.0.1:5432, trust auth; `SHUANGSUI_TEST_POSTGRES` names another server).

    python3 benches/crash_trials.py [BINARY] [--trials 20] [--backend sqlite|postgres|both]
                                    [--seed 1] [--steps import,commit,draw,result]
                                    [--entities 100000] [--calibrate 3] [--timeout 120]
                                    [--work DIR]
    python3 benches/crash_trials.py --trials 3          # quick mode, about 2 minutes

For each database the script generates one directory (`shuangsui registries generate`,
5,000 officers, seed 11), prepares the state before each step once (init; imports of the
five tables and `batch create` of benches/plan.toml; `batch commit`; `batch draw`) and
copies it for every trial (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL, dropped afterwards). Just before a step's trials it times the step uncut
(median of --calibrate runs); each trial starts the step (the binary itself, no shell),
sends SIGKILL at a uniformly random moment in [0, that time], on PostgreSQL waits until the
server has ended the killed client's sessions (a COMMIT in flight is finished by the
server), and checks:

1. `shuangsui log verify` passes (exit 0) on what the kill left;
2. what the kill left, read from the log (`log prove` of each new entry): nothing, the
   step's entry (`directory.snapshot`, `batch.committed`, `result.recorded`) or, for the
   draw, `draw.started` alone or with `batch.drawn`; no other entry;
3. the retry: a step that left nothing succeeds; a completed import is "unchanged"
   (idempotent), a completed commit is refused ("committed once"); after a draw that
   logged `draw.started`, a draw with OTHER entropy is refused and one with the same
   entropy succeeds (or is refused as drawn already, if the killed run finished); a result
   is retried with `--request-id` when `result record --help` lists it (the same id must
   give the same result and never a second), otherwise without it, and a second result
   after a completed first is counted, not failed;
4. `log verify` passes again, and the outcome equals the uncut run's: the same entities
   content hash (and snapshot version 1), the same commitment hash, the same seed, one
   `draw.started` and one `batch.drawn`.

Prints a Markdown table per step and database; exits 1 if any trial failed (each failure
listed with its trial, kill time and details; a command that runs past --timeout counts as
hung, is killed and fails its trial). docs/RELIABILITY.md records the figures
with the command."""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(ROOT, "target", "release", "shuangsui")
PLAN = os.path.join(ROOT, "benches", "plan.toml")
ENTROPY = "甲=3918207746,乙=0562283019,丙=7730154826"
OTHER_ENTROPY = "甲=1111111111,乙=2222222222,丙=3333333333"
TABLES = ["entities", "officers", "matters", "recusals", "history"]
STEPS = ["import", "commit", "draw", "result"]
PG_ADMIN = os.environ.get("SHUANGSUI_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
PG_BASE = PG_ADMIN.rsplit("/", 1)[0]
TIMEOUT = 120  # seconds for any one command (--timeout): a hang is a failure, not a stuck run

BATCH = [line.split('"')[1] for line in open(PLAN, encoding="utf-8") if line.startswith("id ")][0]


class Failed(Exception):
    """A check that did not hold (the trial fails; the run goes on)."""


def run(argv, check=True):
    """Runs argv (no shell); returns (exit code, stdout, stderr)."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failed(f"hung: killed after {TIMEOUT:g} s: {' '.join(argv)}")
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    if check and p.returncode != 0:
        raise Failed(f"exit {p.returncode}: {' '.join(argv)}\n{out}{err}")
    return p.returncode, out, err


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


# ---- databases: a prepared state per step, copied for each trial ----------------------

class Sqlite:
    name = "SQLite"

    def __init__(self, work):
        self.dir = os.path.join(work, "sqlite")
        os.makedirs(self.dir, exist_ok=True)

    def path(self, db):
        return os.path.join(self.dir, db + ".db")

    def url(self, db):
        return "sqlite://" + self.path(db)

    def create(self, db):
        self.drop(db)
        return self.url(db)

    def clone(self, source, db):
        # The source is closed (no process has it open), so its file and WAL are whole.
        self.drop(db)
        for suffix in ("", "-wal"):
            if os.path.exists(self.path(source) + suffix):
                shutil.copyfile(self.path(source) + suffix, self.path(db) + suffix)
        return self.url(db)

    def footprint(self, db):
        """Bytes of the database file and its WAL: a killed write transaction leaves its
        pages in the WAL (uncommitted, ignored on the next open)."""
        return sum(os.path.getsize(self.path(db) + s) for s in ("", "-wal")
                   if os.path.exists(self.path(db) + s))

    def settle(self, db):
        """Nothing outlives the killed process: SQLite runs inside it."""
        return []

    def drop(self, db):
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path(db) + suffix):
                os.remove(self.path(db) + suffix)


class Postgres:
    name = "PostgreSQL"

    def __init__(self, work):
        self.prefix = f"ss_crash_{os.getpid()}_"

    def psql(self, sql):
        run(["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_ADMIN, "-c", sql])

    def url(self, db):
        return f"{PG_BASE}/{self.prefix}{db}"

    def create(self, db):
        self.drop(db)
        self.psql(f"CREATE DATABASE {self.prefix}{db}")
        return self.url(db)

    def clone(self, source, db):
        self.drop(db)
        self.psql(f"CREATE DATABASE {self.prefix}{db} TEMPLATE {self.prefix}{source}")
        return self.url(db)

    def footprint(self, db):
        """Pages of the application's tables and indexes (and their TOAST): rows written by
        a transaction that was then aborted stay in them until a vacuum."""
        _, out, _ = run(["psql", "-tA", self.url(db), "-c",
                         "SELECT coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't')"])
        return int(out.strip())

    def settle(self, db):
        """The server's sessions of the killed client, just after the kill (state and
        statement); then waits until the server has ended them. A session still running
        COMMIT when its client dies is committed by the server all the same, so what the
        kill left is only known once they are gone."""
        sql = (f"SELECT state || ': ' || left(query, 40) FROM pg_stat_activity "
               f"WHERE datname = '{self.prefix}{db}'")
        _, out, _ = run(["psql", "-tA", PG_ADMIN, "-c", sql])
        sessions = [line for line in out.splitlines() if line.strip()]
        deadline = time.perf_counter() + 120
        while sessions:
            _, out, _ = run(["psql", "-tA", PG_ADMIN, "-c", sql])
            if not out.strip():
                break
            if time.perf_counter() > deadline:
                raise Failed(f"the server kept the killed client's session for 120 s: {out.strip()}")
            time.sleep(0.05)
        return sessions

    def drop(self, db):
        self.psql(f"DROP DATABASE IF EXISTS {self.prefix}{db} WITH (FORCE)")


# ---- the CLI -----------------------------------------------------------------------------

class Cli:
    def __init__(self, binary, key, directory):
        self.bin, self.key, self.directory = binary, key, directory

    def d(self, url):
        return ["--database", url, "--key", self.key]

    def step_argv(self, step, url, target=None, request_id=None):
        if step == "import":
            return [self.bin, "import", "entities", os.path.join(self.directory, "entities.csv"),
                    "--quiet"] + self.d(url)
        if step == "commit":
            return [self.bin, "batch", "commit", BATCH] + self.d(url)
        if step == "draw":
            return self.draw_argv(url, ENTROPY)
        uscc, card, date = target
        argv = [self.bin, "result", "record", BATCH, uscc, "--officer", card, "--codes", "1",
                "--date", date] + self.d(url)
        if request_id:
            argv += ["--request-id", request_id]
        return argv

    def draw_argv(self, url, entropy):
        return [self.bin, "batch", "draw", BATCH, "--entropy", entropy] + self.d(url)

    def verify(self, url):
        """`log verify` must pass; returns the number of entries."""
        code, out, err = run([self.bin, "log", "verify"] + self.d(url), check=False)
        m = re.search(r"^PASS log: (\d+) entries", out, re.M)
        if code != 0 or not m:
            raise Failed(f"log verify: exit {code}: {out.strip()} {err.strip()}")
        return int(m.group(1))

    def entries(self, url, first, end):
        """Log entries first..end-1 (each read with `log prove`), decoded."""
        entries = []
        for seq in range(first, end):
            _, out, _ = run([self.bin, "log", "prove", str(seq)] + self.d(url))
            try:
                entries.append(json.loads(json.loads(out)["entry"]))
            except (ValueError, KeyError) as e:
                raise Failed(f"log prove {seq}: {e}: {out[:200]}")
        return entries

    def kinds(self, url, first, end):
        return [e["kind"] for e in self.entries(url, first, end)]

    def status(self, url):
        _, out, _ = run([self.bin, "batch", "status", BATCH] + self.d(url))
        return out

    def commitment_hash(self, url):
        m = re.search(r"committed .* hash ([0-9a-f]{64})", self.status(url))
        return m.group(1) if m else None

    def seed(self, url):
        m = re.search(r"drawn .* seed ([0-9a-f]{64})", self.status(url))
        return m.group(1) if m else None

    def first_target(self, url):
        """A staffed target's USCC and the first card of its team."""
        for line in self.status(url).splitlines():
            m = re.match(r"\s+\d+ (\S+) .* team (\S+) result \S+$", line)
            if m and m.group(2) != "(unstaffed)":
                return m.group(1), m.group(2).split(",")[0]
        raise Failed("no staffed target in the drawn batch")


# ---- one step: prepared state, calibration, trials ---------------------------------------

def start_and_kill(argv, delay):
    """Starts argv and sends SIGKILL `delay` seconds after the start unless it has exited.
    Returns (exit code, stdout, stderr): -9 when the kill ended it."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=max(0.0, start + delay - time.perf_counter()))
    except subprocess.TimeoutExpired:
        # Popen.send_signal: the child itself (not a shell). Not yet reaped, so its pid
        # cannot have been reused even if it exited just now (then the code says so).
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def prepare(db, cli):
    """Builds the state before each step (a database per step, kept as the template);
    returns the reference outcomes of the uncut steps."""
    ref = {}
    url = db.create("tpl_import")
    run([cli.bin, "init"] + cli.d(url))

    url = db.clone("tpl_import", "tpl_commit")
    _, out, _ = run(cli.step_argv("import", url))
    ref["entities_sha256"] = re.search(r"content sha256 ([0-9a-f]{64})", out).group(1)
    for t in TABLES[1:]:
        run([cli.bin, "import", t, os.path.join(cli.directory, f"{t}.csv"), "--quiet"] + cli.d(url))
    run([cli.bin, "batch", "create", "--plan", PLAN] + cli.d(url))

    url = db.clone("tpl_commit", "tpl_draw")
    run(cli.step_argv("commit", url))
    ref["commitment_hash"] = cli.commitment_hash(url)

    url = db.clone("tpl_draw", "tpl_result")
    run(cli.step_argv("draw", url))
    ref["seed"] = cli.seed(url)
    uscc, card = cli.first_target(url)
    ref["target"] = (uscc, card, china_today().isoformat())
    _, help_text, _ = run([cli.bin, "result", "record", "--help"])
    ref["request_id"] = "--request-id" in help_text
    for step in STEPS:
        ref[f"{step}_entries"] = cli.verify(db.url(f"tpl_{step}"))
    return ref


def calibrate(db, cli, ref, step, runs):
    """The step's uncut wall time (median of `runs`, each on a fresh copy of its state)."""
    times = []
    for i in range(runs):
        url = db.clone(f"tpl_{step}", "calibrate")
        start = time.perf_counter()
        run(cli.step_argv(step, url, ref["target"], f"calibrate-{i}" if ref["request_id"] else None))
        times.append(time.perf_counter() - start)
        db.drop("calibrate")
    return statistics.median(times)


def expect(cond, why):
    if not cond:
        raise Failed(why)


def trial(db, cli, ref, step, n, fraction):
    """One kill and its checks; returns the trial's record."""
    duration = ref[f"{step}_s"]
    rec = {"step": step, "n": n, "delay": fraction * duration, "fraction": fraction,
           "killed": None, "sessions": [], "left": None, "kill": None, "retry": None, "verify_kill": False,
           "verify_retry": False, "notes": [], "failure": None}
    name = f"t_{step}_{n}"
    url = db.clone(f"tpl_{step}", name)
    footprint = db.footprint(name)
    request_id = f"crash-{n}" if step == "result" and ref["request_id"] else None
    try:
        argv = cli.step_argv(step, url, ref["target"], request_id)
        code, out, err = start_and_kill(argv, rec["delay"])
        expect(code in (0, -signal.SIGKILL),
               f"the step ended by itself with exit {code}: {out.strip()} {err.strip()}")
        rec["killed"] = code == -signal.SIGKILL
        rec["sessions"] = db.settle(name) if rec["killed"] else []
        wrote = db.footprint(name) != footprint

        before = ref[f"{step}_entries"]
        after = cli.verify(url)
        rec["verify_kill"] = True
        kinds = cli.kinds(url, before, after)
        left = classify(step, kinds)
        expect(rec["killed"] or left in ("logged", "drawn"),
               f"exited 0 but left {kinds}")
        rec["left"] = left
        rec["kill"] = kill_class(rec["killed"], left, wrote, rec["sessions"])

        retry = RETRIES[step]
        rec["retry"] = retry(cli, url, ref, left, request_id, rec)
        total = cli.verify(url)
        rec["verify_retry"] = True
        final = cli.kinds(url, before, total)
        check_final(cli, url, ref, step, final, rec)
    except Failed as e:
        rec["failure"] = str(e)
    finally:
        db.drop(name)
    return rec


def classify(step, kinds):
    allowed = {"import": ["directory.snapshot"], "commit": ["batch.committed"],
               "draw": ["draw.started", "batch.drawn"], "result": ["result.recorded"]}[step]
    expect(kinds == allowed[:len(kinds)],
           f"the kill left entries {kinds}; expected a prefix of {allowed}")
    if step == "draw":
        return ["nothing", "started", "drawn"][len(kinds)]
    return ["nothing", "logged"][len(kinds)]


def kill_class(killed, left, wrote, sessions):
    """Where the kill landed, as far as the database shows it."""
    if not killed:
        return "exited first"
    if left in ("logged", "drawn"):
        if any(s.startswith("active: COMMIT") for s in sessions):
            return "during COMMIT (the server finished it)"
        return "after commit"
    if left == "started":
        return "during: draw.started only"
    return "during: rolled back" if wrote else "before: no trace"


def retry_import(cli, url, ref, left, _rid, rec):
    _, out, _ = run(cli.step_argv("import", url))
    if left == "nothing":
        expect(f"imported entities v1: " in out and ref["entities_sha256"] in out,
               f"retry after nothing: {out.strip()}")
        return "imported"
    expect("unchanged" in out and ref["entities_sha256"] in out and " v1 " in out,
           f"retry after a completed import: {out.strip()}")
    return "unchanged"


def retry_commit(cli, url, ref, left, _rid, rec):
    code, out, err = run(cli.step_argv("commit", url), check=False)
    if left == "nothing":
        expect(code == 0 and ref["commitment_hash"] in out, f"retry: exit {code}: {out}{err}")
        return "committed"
    expect(code == 1 and "a batch is committed once" in err,
           f"retry after a completed commit: exit {code}: {out}{err}")
    return "refused (committed once)"


def retry_draw(cli, url, ref, left, _rid, rec):
    if left == "nothing":
        run(cli.draw_argv(url, ENTROPY))
        return "drawn"
    code, out, err = run(cli.draw_argv(url, OTHER_ENTROPY), check=False)
    if left == "started":
        expect(code == 1 and "differs from the one logged when its draw started" in err,
               f"other entropy after draw.started: exit {code}: {out}{err}")
        run(cli.draw_argv(url, ENTROPY))
        return "other entropy refused, same drawn"
    expect(code == 1 and "drawn already" in err,
           f"other entropy after a completed draw: exit {code}: {out}{err}")
    code, out, err = run(cli.draw_argv(url, ENTROPY), check=False)
    expect(code == 1 and "drawn already" in err,
           f"same entropy after a completed draw: exit {code}: {out}{err}")
    return "both refused (drawn already)"


def retry_result(cli, url, ref, left, request_id, rec):
    _, out, _ = run(cli.step_argv("result", url, ref["target"], request_id))
    if left == "nothing":
        return "recorded"
    if not request_id:
        return "second result recorded"
    first = [e for e in cli.entries(url, ref["result_entries"], ref["result_entries"] + 1)]
    rid = first[0]["event"]["result"]
    expect(f"#{rid} " in out, f"retry with the same --request-id: not result #{rid}: {out.strip()}")
    return "same result returned"


RETRIES = {"import": retry_import, "commit": retry_commit, "draw": retry_draw,
           "result": retry_result}


def check_final(cli, url, ref, step, kinds, rec):
    """The log of the whole trial (kill and retries) and the outcome against the uncut run."""
    if step == "import":
        expect(kinds == ["directory.snapshot"], f"entries of the trial: {kinds}")
    elif step == "commit":
        expect(kinds == ["batch.committed"], f"entries of the trial: {kinds}")
        got = cli.commitment_hash(url)
        expect(got == ref["commitment_hash"],
               f"commitment hash {got}, uncut run {ref['commitment_hash']}")
    elif step == "draw":
        expect(kinds.count("draw.started") == 1 and kinds.count("batch.drawn") == 1
               and set(kinds) <= {"draw.started", "batch.drawn", "draw.refused"},
               f"entries of the trial: {kinds}")
        got = cli.seed(url)
        expect(got == ref["seed"], f"seed {got}, uncut run {ref['seed']}")
    else:
        recorded = kinds.count("result.recorded")
        expect(set(kinds) == {"result.recorded"}, f"entries of the trial: {kinds}")
        if ref["request_id"]:
            expect(recorded == 1, f"{recorded} results recorded with one --request-id")
        elif recorded > 1:
            rec["notes"].append(f"{recorded} results for one target (no --request-id to retry with)")
        else:
            expect(recorded == 1, f"entries of the trial: {kinds}")


# ---- the report --------------------------------------------------------------------------

def counts(values):
    c = {}
    for v in values:
        c[v] = c.get(v, 0) + 1
    return ", ".join(f"{k} {n}" for k, n in sorted(c.items(), key=lambda kv: -kv[1]))


def table(results):
    print("| step | database | uncut (s) | trials | killed / exited first | where the kill landed "
          "| log verify after kill | retry | log verify after retry | failed |")
    print("|---|---|---:|---:|---|---|---|---|---|---:|")
    for (step, dbname, uncut), recs in results:
        killed = sum(1 for r in recs if r["killed"])
        exited = sum(1 for r in recs if r["killed"] is False)
        left = counts(r["kill"] for r in recs if r["kill"])
        retry = counts(r["retry"] for r in recs if r["retry"])
        vk = sum(r["verify_kill"] for r in recs)
        vr = sum(r["verify_retry"] for r in recs)
        failed = sum(1 for r in recs if r["failure"])
        label = {"import": "import entities", "commit": "batch commit", "draw": "batch draw",
                 "result": "result record"}[step]
        print(f"| {label} | {dbname} | {uncut:.2f} | {len(recs)} | {killed} / {exited} | {left} "
              f"| {vk}/{len(recs)} | {retry} | {vr}/{len(recs)} | {failed} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", nargs="?", default=DEFAULT_BIN)
    ap.add_argument("--trials", type=int, default=20, help="per step and database")
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--seed", type=int, default=1, help="for the kill moments")
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--calibrate", type=int, default=3,
                    help="uncut runs of each step; kills fall in [0, their median]")
    ap.add_argument("--work", default=None, help="keeps the generated directory here")
    ap.add_argument("--timeout", type=float, default=TIMEOUT,
                    help="seconds any one command may take before it counts as hung (and is killed)")
    args = ap.parse_args()
    globals()["TIMEOUT"] = args.timeout
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        sys.exit(f"{binary}: not found (cargo build --release)")
    steps = [s for s in args.steps.split(",") if s]
    if any(s not in STEPS for s in steps):
        sys.exit(f"--steps: choose from {','.join(STEPS)}")
    work = args.work or tempfile.mkdtemp(prefix="shuangsui-crash-")
    os.makedirs(work, exist_ok=True)
    directory = os.path.join(work, f"dir-{args.entities}")
    if not os.path.exists(os.path.join(directory, "history.csv")):
        run([binary, "registries", "generate", "--entities", str(args.entities), "--officers",
             "5000", "--seed", "11", "--out", directory])
    backends = {"sqlite": [Sqlite], "postgres": [Postgres], "both": [Sqlite, Postgres]}[args.backend]
    started = time.perf_counter()
    print(f"crash trials: {binary}, {args.entities:,} entities, {args.trials} trials per step, "
          f"seed {args.seed}", flush=True)
    results, failures, notes = [], [], []
    for backend in backends:
        db = backend(work)
        key = os.path.join(work, f"crash-{db.name}.key")  # written by `init`
        if os.path.exists(key):
            os.remove(key)
        cli = Cli(binary, key, directory)
        rng = random.Random(f"{args.seed}/{db.name}")
        try:
            ref = prepare(db, cli)
            print(f"{db.name}: " + ("result record has --request-id" if ref["request_id"]
                                    else "result record has no --request-id: retried without"),
                  flush=True)
            for step in steps:
                # Just before its trials: the machine's load changes over a run.
                ref[f"{step}_s"] = calibrate(db, cli, ref, step, args.calibrate)
                print(f"  {db.name} {step}: uncut {ref[step + '_s']:.3f} s "
                      f"(median of {args.calibrate})", flush=True)
                fractions = [rng.random() for _ in range(args.trials)]
                recs = []
                for n, fraction in enumerate(fractions):
                    rec = trial(db, cli, ref, step, n, fraction)
                    recs.append(rec)
                    mark = "FAIL" if rec["failure"] else "ok"
                    print(f"  {db.name} {step} #{n}: kill at {rec['delay']:.3f} s "
                          f"({fraction:.2f}): {rec['kill']}"
                          + (f" [server still had: {'; '.join(rec['sessions'])}]" if rec["sessions"] else "")
                          + ", "
                          f"retry {rec['retry']}: {mark}", flush=True)
                    if rec["failure"]:
                        failures.append((db.name, rec))
                    for note in rec["notes"]:
                        notes.append(f"{db.name} {step} #{n}: {note}")
                results.append(((step, db.name, ref[f"{step}_s"]), recs))
        finally:
            for step in STEPS:
                db.drop(f"tpl_{step}")
    elapsed = time.perf_counter() - started
    print()
    table(results)
    print(f"\n{sum(len(r) for _, r in results)} trials in {elapsed / 60:.1f} min "
          f"(`log verify` after each kill and after each retry)")
    if notes:
        print("\nNoted (not failures):")
        for note in notes:
            print(f"- {note}")
    if failures:
        print("\nFAILED trials:")
        for dbname, rec in failures:
            print(f"- {dbname} {rec['step']} #{rec['n']}, kill at {rec['delay']:.3f} s "
                  f"(fraction {rec['fraction']:.3f}), left {rec['left']}: {rec['failure']}")
    if not args.work:
        shutil.rmtree(work)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
