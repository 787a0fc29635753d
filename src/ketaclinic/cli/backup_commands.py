"""``ketaclinic backup`` and ``ketaclinic restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ketaclinic.cli.django_setup import setup_django


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="write a consistent copy of the database to a file",
        description="Back up the whole database (SQLite backup API or pg_dump) to FILE.",
    )
    backup.add_argument("--out", required=True, type=Path, metavar="FILE")
    backup.set_defaults(handler=_backup)
    restore = subparsers.add_parser(
        "restore",
        help="load a backup into a new, empty database",
        description=(
            "Restore FILE (made by `ketaclinic backup`) into the configured database, which must "
            "be empty; the audit chain is verified afterwards."
        ),
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_restore)


def _backup(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.audit.checkpointing import write_checkpoint
    from ketaclinic.audit.checkpoints import CheckpointError
    from ketaclinic.core.backup import BackupError, backup

    try:
        # Checkpoint first: the backup then holds every event the checkpoint vouches for, so a
        # restored copy verifies against the checkpoint file kept beside it.
        written = write_checkpoint()
        info = backup(args.out)
    except (BackupError, CheckpointError) as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 2
    print(written.summary())
    print(f"backup written: {info.path} ({info.engine}, {info.size_bytes:,} bytes)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.audit.verify import verify_chain
    from ketaclinic.core.backup import BackupError, restore

    try:
        engine = restore(args.file)
    except BackupError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 2
    report = verify_chain()
    if not report.ok:
        print("restored, but the audit chain does NOT verify:", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"restored {args.file} ({engine}); audit chain OK: {report.events_checked} events")
    return 0
