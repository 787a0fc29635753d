"""``ketaclinic synth``: write a synthetic outcome cohort (Parquet) for demos, tests, benchmarks.

NumPy and Polars are imported only when the command runs, so the other commands stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def register(subparsers: Any) -> None:
    """Add ``synth`` to ``subparsers``."""
    synth = subparsers.add_parser(
        "synth",
        help="write a synthetic outcome cohort (Parquet)",
        description=(
            "Write a synthetic cohort: diary_days, courses, sessions and patients as Parquet "
            "files (ketaclinic.outcomes.schema) and manifest.json, into DIR. Diaries have a "
            "baseline, response to ketamine courses by several routes and protocols, relapse and "
            "missing days. Everything is invented: no real person, no clinical estimate."
        ),
    )
    synth.add_argument("--patients", type=int, required=True, metavar="N")
    synth.add_argument(
        "--days", type=int, required=True, metavar="D", help="diary days per patient"
    )
    synth.add_argument("--out", type=Path, required=True, metavar="DIR")
    synth.add_argument("--seed", type=int, default=0, metavar="S")
    synth.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="first day of the cohort's calendar (default 2024-01-01)",
    )
    synth.set_defaults(handler=_synth)


def _synth(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ketaclinic import synth

    if args.patients < 1:
        print(f"--patients: {args.patients}: expected at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.days < synth.MIN_DAYS:
        print(f"--days: {args.days}: expected at least {synth.MIN_DAYS}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as progress:
        task = progress.add_task("patients", total=args.patients)
        cohort = synth.generate(
            args.patients,
            args.days,
            seed=args.seed,
            start=args.start or synth.DEFAULT_START,
            progress=lambda done: progress.advance(task, done),
        )
        writing = progress.add_task("writing Parquet", total=1)
        manifest = synth.write(cohort, args.out)
        progress.advance(writing)
    rows = manifest["rows"]
    assert isinstance(rows, dict)
    print(
        f"{args.out}: {rows['patients']} patients, {rows['diary_days']} diary days, "
        f"{rows['courses']} courses, {rows['sessions']} sessions"
    )
    return EXIT_OK
