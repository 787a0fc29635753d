"""The benchmark's baselines (DuckDB SQL, pandas loop) compute what ketaclinic.outcomes computes.

The benchmark cross-checks the three on 10,000 patients; this test does it on a small synthetic
cohort on every run, so a change to the definitions cannot silently leave a baseline behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from ketaclinic import synth
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.cohort import responder_rates

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
duckdb_sql = pytest.importorskip("outcomes_baselines.duckdb_sql")
pandas_loop = pytest.importorskip("outcomes_baselines.pandas_loop")


@pytest.mark.parametrize(("definition", "min_hours"), [("4h", 4.0), ("30min", 0.5)])
def test_duckdb_sql_and_pandas_loop_agree_with_the_project(tmp_path, definition, min_hours):
    synth.write(synth.generate(120, 400, seed=21), tmp_path)
    diary, courses = tmp_path / "diary_days.parquet", tmp_path / "courses.parquet"
    frames = synth.read(tmp_path)
    outcomes = compute_outcomes(frames["diary_days"], frames["courses"], definition=definition)
    ours = {
        "periods": outcomes.periods,
        "relapse": outcomes.courses,
        "rates": responder_rates(outcomes.periods, outcomes.courses, min_cell=0),
    }
    duck = duckdb_sql.compute(diary, courses, min_hours=min_hours)
    loop = pandas_loop.compute(diary, courses, min_hours=min_hours)
    for key, reference in duck.items():
        for result in (ours[key], loop[key]):
            assert_frame_equal(
                result.select(reference.columns), reference, check_dtypes=False, abs_tol=1e-9
            )
