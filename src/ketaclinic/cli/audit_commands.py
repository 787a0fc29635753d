"""``ketaclinic audit verify`` and ``ketaclinic audit checkpoint``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ketaclinic.cli.django_setup import setup_django

NO_CHECKPOINTS = (
    "note: verified without checkpoints, so events cut from the end with the head rewound to "
    "match cannot be ruled out; give --checkpoints FILE to rule it out"
)


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="audit log tools", description="Audit log tools.")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="check the hash chain (and its signed checkpoints)",
        description=(
            "Recompute the audit hash chain and, with --checkpoints, check it against every "
            "signed checkpoint; exit 1 if any event was edited or deleted, 2 if a file or key "
            "cannot be read."
        ),
    )
    verify.add_argument(
        "--checkpoints",
        type=Path,
        metavar="FILE",
        help="a checkpoint file (the data directory's audit-checkpoints.jsonl, or its copy)",
    )
    verify.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the checkpoints' public key (default: from the configured signing key)",
    )
    verify.set_defaults(handler=_verify)
    checkpoint = audit_sub.add_parser(
        "checkpoint",
        help="sign and write a checkpoint of the chain now",
        description=(
            "Write a signed checkpoint of the audit chain to every configured place (the worker "
            "does this every KETACLINIC_AUDIT_CHECKPOINT_MINUTES; this is for cron)."
        ),
    )
    checkpoint.set_defaults(handler=_checkpoint)
    seal = audit_sub.add_parser(
        "seal",
        help="seal the events written since the last seal into the hash chain now",
        description=(
            "Give every audit event written since the last seal its place in the hash chain "
            "(the worker does this every KETACLINIC_AUDIT_SEAL_SECONDS; this is for cron)."
        ),
    )
    seal.set_defaults(handler=_seal)


def _verify(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.audit.checkpointing import verify_against_checkpoints
    from ketaclinic.audit.checkpoints import CheckpointError
    from ketaclinic.audit.verify import verify_chain

    report = verify_chain()
    problems = list(report.problems)
    if args.checkpoints is not None:
        try:
            problems += verify_against_checkpoints(args.checkpoints, args.public_key)
        except CheckpointError as exc:
            print(f"audit verify: {exc}", file=sys.stderr)
            return 2
    if problems:
        print(f"audit chain BROKEN after checking {report.events_checked} events:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    against = f", and against the checkpoints in {args.checkpoints}" if args.checkpoints else ""
    print(f"audit chain OK: {report.events_checked} events verified{against}")
    if report.unsealed:
        print(
            f"note: {report.unsealed} events written since "
            f"{report.oldest_unsealed:%Y-%m-%d %H:%M:%S} are not sealed yet; they were checked "
            "against their own hashes and the sealer's queue (docs/adr/0008)"
        )
    if args.checkpoints is None:
        print(NO_CHECKPOINTS)
    return 0


def _seal(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.audit.sealing import seal_pending

    print(seal_pending().summary())
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.audit.checkpointing import write_checkpoint
    from ketaclinic.audit.checkpoints import CheckpointError

    try:
        print(write_checkpoint().summary())
    except CheckpointError as exc:
        print(f"audit checkpoint: {exc}", file=sys.stderr)
        return 2
    return 0
