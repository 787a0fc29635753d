"""The ``ketaclinic`` console script.

Sub-commands live in small modules, each exposing ``register(subparsers)``; a handler takes the
parsed arguments and returns the exit status. The clinical commands (``classify``, ``score`` ...)
never start Django, so they answer in milliseconds and can be called from any script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ketaclinic.cli import (
    audit_commands,
    backup_commands,
    clinical_commands,
    export_commands,
    server_commands,
    synth_commands,
    worker_commands,
)

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree; every sub-command gets ``--help`` from argparse."""
    parser = argparse.ArgumentParser(
        prog="ketaclinic",
        description="KetaClinic: ketamine programme for medically refractory migraine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    server_commands.register(subparsers)
    worker_commands.register(subparsers)
    clinical_commands.register(subparsers)
    backup_commands.register(subparsers)
    audit_commands.register(subparsers)
    synth_commands.register(subparsers)
    export_commands.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    try:
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
    except KeyboardInterrupt:
        # Ctrl-C before a command installs its own handler (the worker's start-up, a long
        # import): stop quietly, with the status shells give an interrupted command.
        return EXIT_INTERRUPTED
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
