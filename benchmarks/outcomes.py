"""Benchmark: the outcome analytics against DuckDB SQL and a per-patient pandas loop.

One synthetic cohort (``ketaclinic synth``: 10,000 patients x 730 days by default, ~6.5 M
recorded diary rows) is written once to Parquet; then each contender reads the SAME files and
computes the same endpoints (per course and 28-day month: counts, normalisation, data
sufficiency, MMD change, responders; time to relapse per course; responder rates at months
1, 3, 6 and 12 with Wilson 95 % CIs):

- project: ketaclinic.outcomes (Polars), ``compute_outcomes`` + ``responder_rates``;
- duckdb_sql: benchmarks/outcomes_baselines/duckdb_sql.py, hand-written SQL;
- pandas_loop: benchmarks/outcomes_baselines/pandas_loop.py, a loop per patient.

Each contender runs in its own subprocess, so its peak RSS (getrusage) is its own; the project's
is reported. Times are the best of ``--repeat`` runs inside that process (imports excluded; the
pandas loop runs once). The three results are cross-checked equal, row by row, before any figure
is believed. The last line is the JSON object of docs/contracts.md "Benchmarks".

    .venv/bin/python benchmarks/outcomes.py [--patients 10000] [--days 730] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONTENDERS = ("project", "duckdb_sql", "pandas_loop")
RESULTS = ("periods", "relapse", "rates")


def run_contender(name: str, data: Path, out: Path, repeat: int) -> dict[str, float]:
    """Inside the subprocess: time one contender, write its results, report time and peak RSS."""
    diary, courses = data / "diary_days.parquet", data / "courses.parquet"
    if name == "project":
        import polars as pl

        from ketaclinic.outcomes.analytics import compute_outcomes
        from ketaclinic.outcomes.cohort import responder_rates

        def compute() -> dict[str, pl.DataFrame]:
            outcomes = compute_outcomes(pl.scan_parquet(diary), pl.scan_parquet(courses))
            rates = responder_rates(outcomes.periods, outcomes.courses, min_cell=0)
            return {"periods": outcomes.periods, "relapse": outcomes.courses, "rates": rates}

    elif name == "duckdb_sql":
        from outcomes_baselines import duckdb_sql

        def compute() -> dict[str, pl.DataFrame]:
            return duckdb_sql.compute(diary, courses)

    else:
        from outcomes_baselines import pandas_loop

        def compute() -> dict[str, pl.DataFrame]:
            return pandas_loop.compute(diary, courses)

        repeat = 1
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        results = compute()
        best = min(best, time.perf_counter() - started)
    out.mkdir(parents=True, exist_ok=True)
    for key, frame in results.items():
        frame.write_parquet(out / f"{key}.parquet")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": best, "peak_rss_mb": peak_mb}


def ensure_cohort(data: Path, patients: int, days: int, seed: int) -> float:
    """Write the synthetic cohort with ``ketaclinic synth`` unless the same one is there."""
    manifest = data / "manifest.json"
    if manifest.exists():
        existing = json.loads(manifest.read_text())
        if (existing["patients"], existing["days"], existing["seed"]) == (patients, days, seed):
            print(f"cohort: reusing {data}")
            return 0.0
    started = time.perf_counter()
    command = [
        str(Path(sys.executable).parent / "ketaclinic"),
        "synth",
        "--patients", str(patients),
        "--days", str(days),
        "--seed", str(seed),
        "--out", str(data),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def cross_check(work: Path) -> list[str]:
    """Differences between the contenders' results (empty when all three agree)."""
    import polars as pl
    from polars.testing import assert_frame_equal

    problems = []
    for key in RESULTS:
        reference = pl.read_parquet(work / "duckdb_sql" / f"{key}.parquet")
        for name in ("project", "pandas_loop"):
            frame = pl.read_parquet(work / name / f"{key}.parquet").select(reference.columns)
            try:
                assert_frame_equal(frame, reference, check_dtypes=False, abs_tol=1e-9)
            except AssertionError as error:
                problems.append(f"{name} {key}: {error}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "outcomes")
    parser.add_argument("--run", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.work / f"cohort-{args.patients}x{args.days}-s{args.seed}"
    if args.run:
        sys.path.insert(0, str(HERE))
        print(json.dumps(run_contender(args.run, data, args.work / args.run, args.repeat)))
        return 0

    synth_s = ensure_cohort(data, args.patients, args.days, args.seed)
    import polars as pl

    diary_rows = pl.scan_parquet(data / "diary_days.parquet").select(pl.len()).collect().item()
    courses = pl.scan_parquet(data / "courses.parquet").select(pl.len()).collect().item()
    print(
        f"cohort: {args.patients} patients x {args.days} days, {diary_rows:,} diary rows, "
        f"{courses:,} courses" + (f" (generated in {synth_s:.1f} s)" if synth_s else "")
    )
    figures = {}
    for name in CONTENDERS:
        command = [sys.executable, __file__, "--run", name, "--patients", str(args.patients),
                   "--days", str(args.days), "--seed", str(args.seed), "--repeat",
                   str(args.repeat), "--work", str(args.work)]  # fmt: skip
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        figures[name] = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{name:<12} {figures[name]['seconds']:8.3f} s   peak RSS "
            f"{figures[name]['peak_rss_mb']:7.0f} MB"
        )

    problems = cross_check(args.work)
    periods = pl.scan_parquet(args.work / "project" / "periods.parquet").select(pl.len())
    if problems:
        print("cross-check: RESULTS DIFFER")
        for problem in problems:
            print(" ", problem)
    else:
        print(
            f"cross-check: all three equal ({periods.collect().item():,} course-months, "
            f"{courses:,} courses, responder rates at months 1, 3, 6, 12)"
        )
    project = figures["project"]["seconds"]
    duck = figures["duckdb_sql"]["seconds"]
    loop = figures["pandas_loop"]["seconds"]
    peak = figures["project"]["peak_rss_mb"]
    print(
        f"project / duckdb_sql = {project / duck:.2f}x (must be <= 1.0): "
        + ("ok" if project <= duck else "NOT MET")
    )
    print(
        f"pandas_loop / project = {loop / project:.0f}x (must be >= 20): "
        + ("ok" if loop >= 20 * project else "NOT MET")
    )
    print(
        f"project peak RSS = {peak:.0f} MB (must be <= 2048): "
        + ("ok" if peak <= 2048 else "NOT MET")
    )
    print(json.dumps({
        "benchmark": "outcomes",
        "size": {"patients": args.patients, "days": args.days,
                 "patient_days": args.patients * args.days, "diary_rows": diary_rows,
                 "courses": courses},
        "project_s": round(project, 3),
        "baselines_s": {"duckdb_sql": round(duck, 3), "pandas_loop": round(loop, 3)},
        "peak_rss_mb": round(peak),
    }))  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
