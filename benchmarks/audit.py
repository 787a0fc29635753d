"""Benchmark: audited write transactions on PostgreSQL at 1, 8 and 32 concurrent connections.

Issue 22 asks for an audit log with no row that every audited transaction locks (ADR 0008). Each
transaction here is what an audited action does: it writes a row of its own, spends 5 ms on other
work inside the transaction (``--work-ms``: the action's other queries and Python; a sleep, so
it holds the transaction open without taking the CPU), writes its audit event, and commits. Three
variants run on the same scratch database (``kc_bench_audit``, dropped and migrated anew), one
after the other at each number of connections, for ``--seconds`` each:

- ``ours``: ``record_event`` as the application calls it (one INSERT; the trigger queues the event),
  with the worker's sealer thread (:func:`ketaclinic.audit.sealing.start_sealer_thread`, every
  ``KETACLINIC_AUDIT_SEAL_SECONDS``) running beside the clients, as in production;
- ``no_audit``: the same transaction without the audit event (the target: ours ≥ 80 % of it at 32);
- ``head_row``: today's design before this change, reproduced on tables of its own with the
  statements its ``record_event`` ran: lock the one head row (``SELECT ... FOR UPDATE``), insert
  the event with its sequence number and chained hash, update the head. Raw SQL, so it pays
  less Python than the ORM did: the baseline is, if anything, flattered.

The connections are spread over ``--processes`` client processes (threads within each), so the
clients' Python is not one interpreter's lock. After the run every event written by ``ours`` is
sealed and the chain verified; the largest gap between an event's commit-side timestamp and its
seal (``seal_lag_max_s``) shows how long an event stayed unsealed under load.

    .venv/bin/python benchmarks/audit.py [--seconds 10] [--processes 4] [--work-ms 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import threading
import time
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONNECTIONS = (1, 8, 32)
VARIANTS = ("no_audit", "head_row", "ours")
TARGET_RATIO = 0.8
HEAD_TABLES = """
CREATE TABLE IF NOT EXISTS bench_work (id bigserial PRIMARY KEY, client int, n int,
                                       at timestamptz DEFAULT now());
CREATE TABLE IF NOT EXISTS bench_head_event (
    id bigserial PRIMARY KEY, seq bigint UNIQUE NOT NULL, occurred_at timestamptz NOT NULL,
    actor_id bigint, actor_username varchar(150), actor_role varchar(20), site_id bigint,
    action varchar(60), object_type varchar(60), object_id varchar(64), ip varchar(64),
    request_id varchar(32), detail jsonb, prev_hash varchar(64), hash varchar(64) UNIQUE);
CREATE INDEX IF NOT EXISTS bench_head_event_at ON bench_head_event (occurred_at);
CREATE INDEX IF NOT EXISTS bench_head_event_action ON bench_head_event (action);
CREATE TABLE IF NOT EXISTS bench_head (id smallint PRIMARY KEY, last_seq bigint,
                                       last_hash varchar(64));
INSERT INTO bench_head VALUES (1, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
"""


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, KETACLINIC_ENV="development", KETACLINIC_DEBUG="false")
    return env


def prepare(server: str, name: str) -> str:
    """A fresh, migrated database with the baseline's tables; returns its URL."""
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server.rstrip('/')}/{name}"
    ketaclinic = str(Path(sys.executable).parent / "ketaclinic")
    subprocess.run([ketaclinic, "migrate"], check=True, env=_env(url), stdout=subprocess.DEVNULL)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(HEAD_TABLES)  # type: ignore[arg-type]  # a literal: no parameters
    return url


def _setup_django(url: str) -> None:
    os.environ.update(_env(url))
    sys.path.insert(0, str(ROOT / "src"))
    from ketaclinic.cli.django_setup import setup_django

    setup_django()


def _head_row_event(cursor: Any, n: int) -> None:
    """Today's ``record_event`` before issue 22: the head row locked by every writer."""
    from django.utils import timezone

    from ketaclinic.audit.chain import event_hash

    cursor.execute("SELECT last_seq, last_hash FROM bench_head WHERE id = 1 FOR UPDATE")
    last_seq, last_hash = cursor.fetchone()
    fields = _fields(timezone.now(), n)
    digest = event_hash(prev_hash=last_hash, seq=last_seq + 1, fields=fields)
    cursor.execute(
        "INSERT INTO bench_head_event (seq, occurred_at, actor_id, actor_username, actor_role, "
        "site_id, action, object_type, object_id, ip, request_id, detail, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            last_seq + 1,
            *(fields[k] for k in list(fields)[:-1]),
            json.dumps(fields["detail"]),
            last_hash,
            digest,
        ],
    )
    cursor.execute(
        "UPDATE bench_head SET last_seq = %s, last_hash = %s WHERE id = 1", [last_seq + 1, digest]
    )


def _fields(now: Any, n: int) -> dict[str, Any]:
    return {
        "occurred_at": now,
        "actor_id": None,
        "actor_username": "system",
        "actor_role": "",
        "site_id": 1,
        "action": "bench.write",
        "object_type": "bench",
        "object_id": str(n),
        "ip": "",
        "request_id": "",
        "detail": {"n": n},
    }


def _client(variant: str, client: int, work_s: float, start: float, end: float) -> int:
    """One connection's loop: audited write transactions until ``end``; those done in time."""
    from django.db import connection, transaction

    from ketaclinic.audit.actions import record_event

    done = 0
    n = 0
    while True:
        now = time.time()
        if now >= end:
            break
        n += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_work (client, n) VALUES (%s, %s)", [client, n])
            time.sleep(work_s)
            if variant == "ours":
                record_event(
                    actor=None,
                    action="bench.write",
                    object_type="bench",
                    object_id=n,
                    site_id=1,
                    detail={"n": n},
                )
            elif variant == "head_row":
                _head_row_event(cursor, n)
        if start <= time.time() < end:
            done += 1
    connection.close()
    return done


def _process(url: str, variant: str, clients: list[int], args: Any, out: Queue[int]) -> None:
    _setup_django(url)
    # Threads waiting on PostgreSQL hand the interpreter lock back and forth at every round trip;
    # at the default 5 ms switch interval a thread can queue for it longer than its statement
    # took, which punishes every extra round trip of the client rather than of the database.
    sys.setswitchinterval(0.0002)
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda c=c: results.append(_client(variant, c, *args)), name=f"client-{c}"
        )
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(sum(results))


def run(
    url: str,
    variant: str,
    connections: int,
    processes: int,
    seconds: float,
    work_ms: float,
    warmup: float = 1.5,
) -> float:
    """Transactions per second of ``variant`` with ``connections`` clients."""
    context = multiprocessing.get_context("fork")
    out: Queue[int] = context.Queue()
    start = time.time() + warmup + 1.0  # time for the processes to connect
    end = start + seconds
    per = [
        list(range(p, connections, min(processes, connections)))
        for p in range(min(processes, connections))
    ]
    children = [
        context.Process(
            target=_process, args=(url, variant, chunk, (work_ms / 1000, start, end), out)
        )
        for chunk in per
    ]
    for child in children:
        child.start()
    sealer = None
    if variant == "ours":  # after the forks: no child inherits the sealer's connection
        from ketaclinic.audit.sealing import start_sealer_thread

        sealer = start_sealer_thread(float(os.environ.get("KETACLINIC_AUDIT_SEAL_SECONDS", "2")))
    total = sum(out.get() for _ in children)
    for child in children:
        child.join()
    if sealer is not None:
        sealer[1].set()
        sealer[0].join()
    return round(total / seconds, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("KETACLINIC_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--database", default="kc_bench_audit")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds a run")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--work-ms", type=float, default=5.0, help="other work per transaction")
    args = parser.parse_args()

    url = prepare(args.server, args.database)
    _setup_django(url)
    from django.db import connections as django_connections
    from django.db.models import F, Max

    from ketaclinic.audit.models import AuditEvent
    from ketaclinic.audit.sealing import seal_pending
    from ketaclinic.audit.verify import verify_chain

    tps: dict[str, dict[str, float]] = {variant: {} for variant in VARIANTS}
    started = time.perf_counter()
    for connections in CONNECTIONS:
        for variant in VARIANTS:
            django_connections.close_all()  # nothing shared with the forked clients
            tps[variant][str(connections)] = run(
                url, variant, connections, args.processes, args.seconds, args.work_ms
            )
            print(
                f"{connections:>3} connections  {variant:<9} {tps[variant][str(connections)]:>8.1f}"
                " transactions/s",
                flush=True,
            )
    # Everything the run wrote is sealed by now but for the last seconds' events: seal those,
    # then the chain must verify; the lag is what the sealer thread left while the load ran.
    seal_lag = AuditEvent.objects.filter(seal__isnull=False).aggregate(
        lag=Max(F("seal__sealed_at") - F("occurred_at"))
    )["lag"]
    seal_pending()
    report = verify_chain(max_problems=5)
    ratio = round(tps["ours"]["32"] / tps["no_audit"]["32"], 3)
    print(
        f"at 32 connections ours is {ratio:.0%} of the unaudited throughput (target "
        f"{TARGET_RATIO:.0%}) and {tps['ours']['32'] / tps['head_row']['32']:.1f}x the head row; "
        f"{report.events_checked} events verified {'OK' if report.ok else 'BROKEN'}; "
        f"longest wait for a seal {seal_lag.total_seconds() if seal_lag else 0:.2f} s"
    )
    result = {
        "benchmark": "audit",
        "size": {
            "connections": list(CONNECTIONS),
            "seconds": args.seconds,
            "work_ms": args.work_ms,
            "events": report.events_checked,
        },
        "project_s": round(1 / tps["ours"]["32"], 6),
        "baselines_s": {v: round(1 / tps[v]["32"], 6) for v in ("no_audit", "head_row")},
        "tps": tps["ours"],
        "baselines_tps": {"no_audit": tps["no_audit"], "head_row": tps["head_row"]},
        "ratio_32": ratio,
        "seal_lag_max_s": round(seal_lag.total_seconds(), 3) if seal_lag else 0.0,
        "chain_ok": report.ok,
        "wall_s": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))
    return 0 if report.ok and ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
