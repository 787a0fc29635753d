"""``ketaclinic serve`` runs the task worker beside the web server and stops both together;
``ketaclinic reminders`` scans once."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from tests.cli.test_server_commands import KETACLINIC, ketaclinic


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _task_statuses(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "ketaclinic.sqlite3") as db:
        rows = db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
    return sorted(row[0] for row in rows)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("serve")
    assert ketaclinic("migrate", data_dir=data_dir).returncode == 0
    return data_dir


def test_serve_starts_the_worker_which_runs_tasks_and_both_stop_on_sigterm(migrated):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "KETACLINIC_DATA_DIR": str(migrated),
        "KETACLINIC_ENV": "development",
    }
    log = (migrated / "serve.log").open("w")
    server = subprocess.Popen(
        [str(KETACLINIC), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, (migrated / "serve.log").read_text()
                time.sleep(0.2)
        children = _children(server.pid)
        commands = [_cmdline(pid) for pid in children]
        assert any("gunicorn" in command for command in commands), commands
        assert any("ketaclinic.cli worker" in command for command in commands), commands
        # The worker queued its two periodic tasks (the reminder scan and the audit
        # checkpoint), ran each, and queued the next of each.
        deadline = time.monotonic() + 20
        while _task_statuses(migrated) != ["READY", "READY", "SUCCESSFUL", "SUCCESSFUL"]:
            assert time.monotonic() < deadline, _task_statuses(migrated)
            time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=30)
        log.close()
    assert status == 0
    assert not [pid for pid in children if _alive(pid)]


def test_reminders_scans_once_and_says_what_it_queued(migrated):
    result = ketaclinic("reminders", data_dir=migrated)
    assert result.returncode == 0, result.stderr
    assert "reminders queued: none" in result.stdout


def _worker_env(data_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "KETACLINIC_DATA_DIR": str(data_dir),
        "KETACLINIC_ENV": "development",
    }


@pytest.mark.parametrize(
    ("signum", "after"),
    [
        (signal.SIGINT, 1.5),  # Ctrl-C while it is still starting (Django, the schedule)
        (signal.SIGINT, None),  # Ctrl-C once it waits for tasks
        (signal.SIGTERM, None),  # a service manager stopping it
    ],
    ids=["ctrl-c-starting", "ctrl-c-running", "sigterm-running"],
)
def test_the_worker_stops_on_a_signal_without_a_traceback(migrated, signum, after):
    worker = subprocess.Popen(
        [str(KETACLINIC), "worker"],
        env=_worker_env(migrated),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        if after is None:  # wait for the worker's loop: it logs "Starting worker"
            assert worker.stdout is not None
            line = worker.stdout.readline()
            while line and "Starting worker" not in line:
                line = worker.stdout.readline()
        else:
            time.sleep(after)
        worker.send_signal(signum)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert "Traceback" not in output, output
    assert worker.returncode in (0, 130), (worker.returncode, output)
