"""Run the test suite on SQLite, then on PostgreSQL (CONTRACTS.md: `make test`).

PostgreSQL comes from KETACLINIC_TEST_POSTGRES_URL, or a local server at 127.0.0.1:5432 when one
answers. CI always has one (.ci/run starts it); on a laptop without it the PostgreSQL pass is
skipped with a notice, never silently. Coverage of the clinical core must be 100 % of branches.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    url = os.environ.get("KETACLINIC_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


def run(label: str, env: dict[str, str], extra: list[str]) -> tuple[int, float]:
    print(f"\n==== test suite on {label} ====", flush=True)
    started = time.monotonic()
    status = subprocess.call([sys.executable, "-m", "pytest", *extra, *sys.argv[1:]], env=env)
    return status, time.monotonic() - started


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["KETACLINIC_ENV"] = "test"
    results = []
    sqlite_status, sqlite_s = run(
        "SQLite",
        base,
        ["--cov=ketaclinic", "--cov-branch", "--cov-report="],
    )
    results.append(("SQLite", sqlite_status, sqlite_s))
    if sqlite_status == 0:
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
        results.append(("clinical-core branch coverage 100 %", clinical, 0.0))
    url = postgres_url()
    if url is None:
        print("\nPostgreSQL not reachable: the PostgreSQL pass was SKIPPED (CI always runs it).")
    else:
        status, seconds = run("PostgreSQL", {**base, "DATABASE_URL": url}, [])
        results.append(("PostgreSQL", status, seconds))
    print("\n==== summary ====")
    for label, status, seconds in results:
        outcome = "passed" if status == 0 else "FAILED"
        print(f"{label:<40} {outcome}" + (f" in {seconds:.0f} s" if seconds else ""))
    return 0 if all(status == 0 for _, status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
