"""Background work: ``worker`` (the task worker), ``reminders`` (one reminder scan now).

``ketaclinic serve`` starts the worker beside the web server and stops it on exit
(:mod:`.supervisor`), so ``make run`` needs no extra server.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ketaclinic.cli.django_setup import setup_django


def register(subparsers: Any) -> None:
    """Add ``worker`` and ``reminders`` to ``subparsers``."""
    worker = subparsers.add_parser(
        "worker",
        help="run the background task worker",
        description=(
            "Run queued tasks (reminders, alert e-mails) from the database queue, seal new audit "
            "events into the hash chain every KETACLINIC_AUDIT_SEAL_SECONDS, and keep the "
            "periodic reminder scan and audit checkpoint scheduled. 'ketaclinic serve' starts one "
            "for you."
        ),
    )
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
    )
    worker.add_argument(
        "--batch", action="store_true", help="run every task that is ready, then exit"
    )
    worker.set_defaults(handler=_worker)

    reminders = subparsers.add_parser(
        "reminders",
        help="queue the reminders that are due now",
        description=(
            "Decide today's reminders for every patient whose reminder hour has come and queue "
            "those needed; idempotent (never twice the same kind on the same day). For cron, "
            "when the worker's own periodic scan is not used."
        ),
    )
    reminders.set_defaults(handler=_reminders)


def _worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    from ketaclinic.audit.sealing import seal_pending, start_sealer_thread
    from ketaclinic.audit.tasks import ensure_checkpoint_scheduled
    from ketaclinic.reminders.tasks import ensure_scan_scheduled

    if not isinstance(task_backends["default"], DatabaseBackend):
        print(
            "worker: the task backend is not the database backend; run its own worker",
            file=sys.stderr,
        )
        return 2
    if args.batch:
        seal_pending()
    else:
        ensure_scan_scheduled()
        ensure_checkpoint_scheduled()
        # A thread of its own, so a long task never holds back sealing (ADR 0008).
        _thread, stop = start_sealer_thread(settings.AUDIT_SEAL_SECONDS)
    try:
        call_command(
            "db_worker",
            interval=args.interval,
            batch=args.batch,
            reload=False,
            startup_delay=False,
            verbosity=1,
        )
    finally:
        if not args.batch:
            stop.set()
    return 0


def _reminders(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.reminders.actions import scan_due_reminders

    print(scan_due_reminders().summary())
    return 0
