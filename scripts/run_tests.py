"""Run the test suite on SQLite and on PostgreSQL (docs/contracts.md: `make test`).

Three passes run at the same time, each writing its own log, printed when it ends with its wall
and CPU time and its ten slowest tests:

- the clinical core's tests (tests/clinical: pure Python, no database), once, under branch
  coverage of ``ketaclinic.clinical``, which must be 100 %;
- every other test on SQLite, and the same tests on PostgreSQL, each split over pytest-xdist
  workers (KETACLINIC_TEST_WORKERS per pass, default: the number of cores; 0 runs each pass in one
  process). Workers share one migrated test database and one demo database per pass, cloned
  (tests/shared_databases.py).

Coverage is measured in the clinical pass only: tracing every line of the Django apps as well cost
the SQLite pass about 40 % more CPU (tests/diary: 37 CPU-s bare, 60 with ``--cov=ketaclinic``),
and only the clinical core's figure is a gate. ``make coverage`` measures the whole package.
PostgreSQL comes from KETACLINIC_TEST_POSTGRES_URL, or a local server at 127.0.0.1:5432 when
one answers (CI always has one; .ci/run starts it); without one the PostgreSQL pass is skipped
with a notice, never silently. Extra arguments go to every pass.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


@dataclass
class Pass:
    label: str
    process: subprocess.Popen[bytes]
    log: Path
    started: float
    status: int | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def postgres_url() -> str | None:
    url = os.environ.get("KETACLINIC_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


CLINICAL_TESTS = "tests/clinical"


def start(
    label: str, env: dict[str, str], extra: list[str], logs: Path, *, parallel: bool = True
) -> Pass:
    log = logs / f"{label}.log"
    workers = os.environ.get("KETACLINIC_TEST_WORKERS", str(os.cpu_count() or 1))
    # loadscope: a module's tests stay on one worker, so its module-scoped fixtures (the
    # authorisation matrix's world, the server commands' demo copy) are built once.
    split = ["-n", workers, "--dist", "loadscope"] if parallel and int(workers) > 0 else []
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--durations=10",
        # Each pass its own temporary folder: pytest keeps only the newest three numbered
        # folders under the shared /tmp/pytest-of-<user>, so another pytest run on the machine
        # (or the other pass) could delete this pass's database templates mid-run.
        f"--basetemp={logs / (label + '-tmp')}",
        *split,
        *extra,
        *sys.argv[1:],
    ]
    with log.open("wb") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return Pass(label, process, log, time.monotonic())


def main() -> int:
    began = time.monotonic()
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["KETACLINIC_ENV"] = "test"
    logs = Path(tempfile.mkdtemp(prefix="ketaclinic-tests-"))
    rest = [f"--ignore={CLINICAL_TESTS}"]
    passes = [
        start(
            "clinical core",
            {**base, "COVERAGE_FILE": str(Path.cwd() / ".coverage")},
            [CLINICAL_TESTS, "--cov=ketaclinic.clinical", "--cov-branch", "--cov-report="],
            logs,
            parallel=False,
        ),
        start("SQLite", base, rest, logs),
    ]
    url = postgres_url()
    if url is None:
        print("PostgreSQL not reachable: the PostgreSQL pass is SKIPPED (CI always runs it).")
    else:
        passes.append(start("PostgreSQL", {**base, "DATABASE_URL": url}, rest, logs))
    print(f"running {len(passes)} passes in parallel; logs in {logs}", flush=True)
    for run in passes:
        # wait4: the pass's CPU time (its workers, browsers and servers included), which stays
        # meaningful when a loaded machine stretches the wall time.
        _, status, usage = os.wait4(run.process.pid, 0)
        run.process.returncode = run.status = os.waitstatus_to_exitcode(status)
        run.seconds = time.monotonic() - run.started
        run.cpu_seconds = usage.ru_utime + usage.ru_stime
        print(f"\n==== test suite on {run.label} ====", flush=True)
        sys.stdout.write(run.log.read_text(errors="replace"))
    results = [(run.label, run.status, run.seconds, run.cpu_seconds) for run in passes]
    if passes[0].status == 0:
        clinical = subprocess.call(
            [
                sys.executable,
                "-m",
                "coverage",
                "report",
                "--include=*/ketaclinic/clinical/*",
                "--fail-under=100",
                "--show-missing",
                "--skip-covered",
            ]
        )
        results.append(("clinical-core branch coverage 100 %", clinical, 0.0, 0.0))
    print("\n==== summary ====")
    for label, status, seconds, cpu in results:
        outcome = "passed" if status == 0 else "FAILED"
        timing = f" in {seconds:.0f} s wall, {cpu:.0f} s CPU" if seconds else ""
        print(f"{label:<40} {outcome}{timing}")
    print(f"{'the whole run':<40} {time.monotonic() - began:.0f} s wall")
    return 0 if all(status == 0 for _, status, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
