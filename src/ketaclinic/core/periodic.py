"""Periodic work on the task worker: each periodic task keeps exactly one future run queued.

Django's task API has no scheduler; with the database backend a queued row with ``run_after`` in
the future is one. A periodic task re-queues itself when it runs, and the worker queues the
first run at start (both through :func:`keep_one_queued`), so a restart never doubles a series.
Other backends have no queue to look into: their operators run the CLI command from cron.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend


def keep_one_queued(task: Any, task_path: str, delay: timedelta = timedelta()) -> bool:
    """Queue ``task`` to run after ``delay`` unless a run is already waiting; True if queued."""
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    task.using(run_after=timezone.now() + delay).enqueue()
    return True
