"""Benchmark: the web application under load, on PostgreSQL, from 50 concurrent clients.

A scratch PostgreSQL database (``kc_bench_web``, dropped and created anew) is migrated
and given the demo (``ketaclinic demo``) plus one patient with three years of diary
(1,095 days, ~1,010 recorded), a questionnaire history and a course of charted sessions
(``web_load/seed.py``, through the real actions). ``ketaclinic serve`` runs it under gunicorn
(``--workers``, 3 by default for 2 cores: one more than the cores so a worker waiting on
PostgreSQL leaves the CPU to another), with ``KETACLINIC_DEBUG=false`` as in production (the
development environment otherwise, so that the demo's staff log in with a password alone and
cookies travel over plain HTTP). The background task worker is not started: it would only
poll for reminders.

Load comes from another process: ``locust --headless`` (``web_load/locustfile.py``) with
``--users`` clients (50) per scenario, each scenario on its own for ``--seconds``:

- ``ceiling``: ``GET /api/health``, the same server's bare JSON endpoint (it does run
  ``SELECT 1`` on PostgreSQL: it is the load balancer's probe);
- ``diary_get``: the patient's app reading one recorded day (``GET /api/diary/{id}/days/{day}``):
  the bearer token, the patient's record and one diary day with its version, no write. For
  reference: what any authenticated request of the patient's app costs before it does any work;
- ``diary_put``: the patient's app saving whole days (``PUT /api/diary/{id}/days/{day}``),
  each a new version with an attack, a medicine and an audit event;
- ``chart``: a nurse opening the diary tab of the three-year patient's chart;
- ``chart_paced``: the same page, each of the 50 clients opening it on average once every
  ``--chart-pace`` seconds at random moments (5: fifty staff each opening a chart every 5 s,
  10 pages a second, a very busy clinic; exponential think times, so the pages arrive as a
  Poisson stream, not in lockstep bursts of fifty) instead of back to back;
- ``chart_1_client``: the same page, one client back to back: the page's own time with no
  queue of ours (for reference; the targets are read from the 50-client scenarios).

The first three are closed loops (each client sends its next request as soon as the last one
is answered): they measure throughput, and their latency is mostly the queue (50 clients over
3 workers: 50 / throughput). The chart's latency target is read from ``chart_paced``, where
the server is busy but not saturated, so the time is mostly the page's own. For each scenario
the table also gives the CPU per request of the gunicorn workers and of PostgreSQL, and the
machine's load average: other work on the machine slows every figure but those.

Targets: diary saves at least 50 % of the ceiling's throughput with no error; the
chart page's p95 at most 50 ms. The last line is the JSON object of docs/contracts.md
"Benchmarks": ``project_s`` is the time per diary save at full load (1 / throughput),
``baselines_s`` the same for the bare endpoint.

    .venv/bin/python benchmarks/web.py [--users 50] [--seconds 30] [--workers 3] [--chart-pace 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCUSTFILE = HERE / "web_load" / "locustfile.py"
SEED = HERE / "web_load" / "seed.py"
STAFF_USER = "nurse"
TARGET_SHARE = 0.5
TARGET_CHART_P95_MS = 50.0
SCENARIOS = (  # (name, locust user class, paced or back to back, one client or --users)
    ("ceiling", "Ceiling", False, False),
    ("diary_get", "DiaryRead", False, False),
    ("diary_put", "DiaryWrite", False, False),
    ("chart", "Chart", False, False),
    ("chart_paced", "Chart", True, False),
    ("chart_1_client", "Chart", False, True),
)


def _ketaclinic() -> str:
    return str(Path(sys.executable).parent / "ketaclinic")


def _database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        KETACLINIC_ENV="development",
        KETACLINIC_DEBUG="false",
        KETACLINIC_STAFF_2FA="optional",
    )
    return env


def prepare(server: str, name: str, work: Path) -> tuple[dict[str, str], dict[str, object]]:
    """A fresh database: migrated, the demo, and the three-year patient. Returns env and seed."""
    with psycopg.connect(_database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = _env(_database_url(server, name))
    env["KETACLINIC_DATA_DIR"] = str(work / "data")
    started = time.perf_counter()
    for command in (["migrate"], ["demo"]):
        subprocess.run([_ketaclinic(), *command], check=True, env=env, stdout=subprocess.DEVNULL)
    seeded = subprocess.run(
        [sys.executable, str(SEED)], check=True, env=env, capture_output=True, text=True
    )
    seed: dict[str, object] = json.loads(seeded.stdout.strip().splitlines()[-1])
    seed["prepare_s"] = round(time.perf_counter() - started, 1)
    return env, seed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    env: dict[str, str], workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [
        _ketaclinic(),
        "serve",
        "--no-worker",
        "--workers",
        str(workers),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not answer on {base}; see {log}")


def peak_rss_mb(server: subprocess.Popen[bytes]) -> float:
    """High-water mark of the gunicorn master and its workers, added up (VmHWM)."""
    total_kb = 0
    for process in [psutil.Process(server.pid), *psutil.Process(server.pid).children()]:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_seconds(server: subprocess.Popen[bytes], database: str) -> dict[tuple[str, int], float]:
    """CPU seconds so far of each gunicorn worker ("app", pid) and each PostgreSQL backend of
    ``database`` ("db", pid)."""
    processes = [("app", process) for process in psutil.Process(server.pid).children()]
    for process in psutil.process_iter(["cmdline"]):
        title = " ".join(process.info["cmdline"] or [])
        if title.startswith("postgres:") and f" {database} " in f"{title} ":
            processes.append(("db", process))
    seconds = {}
    for kind, process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            seconds[kind, process.pid] = times.user + times.system
    return seconds


def _cpu_ms(
    before: dict[tuple[str, int], float], after: dict[tuple[str, int], float], kind: str, n: int
) -> float:
    spent = sum(after[key] - before.get(key, 0.0) for key in after if key[0] == kind)
    return round(spent / max(n, 1) * 1000, 1)


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def run_scenario(
    server: subprocess.Popen[bytes],
    database: str,
    base: str,
    user_class: str,
    env: dict[str, str],
    users: int,
    seconds: float,
    pace: float,
    out: Path,
) -> dict[str, float | int]:
    """One locust run in its own process; throughput and latency of its measured window."""
    locust_env = dict(env)
    locust_env.update(
        BENCH_USERS=str(users),
        BENCH_SECONDS=str(seconds),
        BENCH_PACE_S=str(pace),
        BENCH_OUT=str(out),
    )
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--host",
        base,
        "--run-time",
        f"{int(seconds) + 180}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    ready = Path(f"{out}.ready")  # written by the locustfile when the measured window opens
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = Path(f"{out}.log")  # locust's own summary, kept for a closer look
    with log.open("wb") as output:
        clients = subprocess.Popen(command, env=locust_env, stdout=output, stderr=output)
        while not ready.exists() and clients.poll() is None:
            time.sleep(0.05)
        server_before = cpu_seconds(server, database)
        if clients.wait() != 0:
            raise SystemExit(f"locust {user_class} failed ({clients.returncode}); see {log}")
    server_after = cpu_seconds(server, database)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    result = json.loads(out.read_text())
    times = sorted(ms for _, ms, _ in result["requests"])
    errors = sum(1 for _, _, ok in result["requests"] if not ok)
    window = float(result["seconds"])
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "requests": len(times),
        "errors": errors,
        "rps": round(len(times) / window, 1),
        "p50_ms": round(_percentile(times, 0.50), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        # CPU per request in the window, of the gunicorn workers and of PostgreSQL: what a
        # request costs, whatever else the machine is doing.
        "app_cpu_ms": _cpu_ms(server_before, server_after, "app", len(times)),
        "db_cpu_ms": _cpu_ms(server_before, server_after, "db", len(times)),
        "window_s": round(window, 1),
        "load_1min": round(load, 2),
        "client_cpu_s": round(client_cpu, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds a scenario")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--chart-pace",
        type=float,
        default=5.0,
        help="seconds between one client's chart openings in chart_paced",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("KETACLINIC_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--database", default="kc_bench_web")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "web")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    load_before = os.getloadavg()
    env, seed = prepare(args.postgres, args.database, args.work)
    print(
        f"database {args.database}: demo + patient {seed['patient_id']} with "
        f"{seed['diary_days']} recorded diary days of {1095}, {seed['questionnaires']} "
        f"questionnaires, {seed['sessions']} sessions (prepared in {seed['prepare_s']} s)"
    )
    env.update(
        BENCH_PATIENT_ID=str(seed["patient_id"]),
        BENCH_TODAY=str(seed["today"]),
        BENCH_TIME_ZONE="Europe/Stockholm",
        BENCH_PATIENT_USER=str(seed["username"]),
        BENCH_STAFF_USER=STAFF_USER,
        BENCH_PASSWORD=str(seed["password"]),
    )
    server, base = start_server(env, args.workers, args.work / "server.log")
    results: dict[str, dict[str, float | int]] = {}
    try:
        print(
            f"gunicorn: {args.workers} workers on {base}; {args.users} clients per scenario, "
            f"{args.seconds:.0f} s each; load average before: {load_before[0]:.2f}"
        )
        for name, user_class, paced, alone in SCENARIOS:
            results[name] = run_scenario(
                server,
                args.database,
                base,
                user_class,
                env,
                1 if alone else args.users,
                args.seconds,
                args.chart_pace if paced else 0.0,
                args.work / f"{name}.json",
            )
        server_peak = peak_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{'scenario':<15} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7} {'app CPU':>7} {'db CPU':>6} {'load':>6} {'client CPU':>11}"
    )
    for name, row in results.items():
        print(
            f"{name:<15} {row['requests']:>9} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7} "
            f"{row['app_cpu_ms']:>7.1f} {row['db_cpu_ms']:>6.1f} {row['load_1min']:>6.2f} "
            f"{row['client_cpu_s']:>9.1f} s"
        )
    ceiling, diary, paced = results["ceiling"], results["diary_put"], results["chart_paced"]
    share = float(diary["rps"]) / float(ceiling["rps"])
    diary_met = share >= TARGET_SHARE and diary["errors"] == 0
    chart_met = float(paced["p95_ms"]) <= TARGET_CHART_P95_MS and paced["errors"] == 0
    read_share = float(diary["rps"]) / float(results["diary_get"]["rps"])
    print(
        f"\ndiary saves: {share:.0%} of the ceiling's throughput, {diary['errors']} errors "
        f"(target >= {TARGET_SHARE:.0%}, 0 errors): {'met' if diary_met else 'NOT MET'}; "
        f"{read_share:.0%} of an authenticated one-day read's"
    )
    print(
        f"chart page p95 at {args.users} clients x 1 every {args.chart_pace:g} s: "
        f"{paced['p95_ms']:.1f} ms (target <= {TARGET_CHART_P95_MS:.0f} ms): "
        f"{'met' if chart_met else 'NOT MET'}"
    )
    print(
        json.dumps(
            {
                "benchmark": "web",
                "size": {
                    "users": args.users,
                    "seconds": args.seconds,
                    "workers": args.workers,
                    "diary_days": seed["diary_days"],
                    "calendar_days": 1095,
                    "questionnaires": seed["questionnaires"],
                    "sessions": seed["sessions"],
                    "chart_pace_s": args.chart_pace,
                    "database": "postgresql",
                },
                "project_s": round(1 / float(diary["rps"]), 5),
                "baselines_s": {"bare_json": round(1 / float(ceiling["rps"]), 5)},
                "peak_rss_mb": round(server_peak),
                "scenarios": results,
                "diary_put_share_of_ceiling": round(share, 3),
                "diary_put_share_of_diary_get": round(read_share, 3),
                "targets_met": {"diary_put": diary_met, "chart_p95": chart_met},
                "load_1min_before": round(load_before[0], 2),
            }
        )
    )
    return 0 if diary_met and chart_met else 1


if __name__ == "__main__":
    sys.exit(main())
