"""Run the web server and the task worker together; stop both when either stops.

SIGTERM or SIGINT (Ctrl-C) to ``ketaclinic serve`` is passed on to both children; if one of
them dies, the other is stopped too, so a half-running clinic never goes unnoticed.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Sequence
from types import FrameType

GRACE_SECONDS = 15


def run_together(commands: Sequence[Sequence[str]]) -> int:
    """Start every command; return when they have all stopped (the first failure's status)."""
    processes = [subprocess.Popen(list(command)) for command in commands]  # noqa: S603
    asked_to_stop = False

    def stop_all(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        nonlocal asked_to_stop
        asked_to_stop = asked_to_stop or frame is not None
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop_all) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.2)
        first = next(process for process in processes if process.returncode is not None)
        stop_all()
        deadline = time.monotonic() + GRACE_SECONDS
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return 0 if asked_to_stop else (first.returncode or 1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
