"""Figures are pure functions of frames: SVG for pages, PNG for PDFs, suppression kept visible."""

from __future__ import annotations

import polars as pl
import pytest

from ketaclinic import synth
from ketaclinic.outcomes import figures
from ketaclinic.outcomes.analytics import compute_outcomes
from ketaclinic.outcomes.cohort import responder_rates
from ketaclinic.outcomes.survival import kaplan_meier


@pytest.fixture(scope="module")
def outcomes():
    cohort = synth.generate(60, 240, seed=8)
    return compute_outcomes(cohort.diary_days, cohort.courses)


def test_mmd_over_time_draws_one_patients_courses(outcomes):
    patient = outcomes.courses["patient_id"][0]
    mine = pl.col("patient_id") == patient
    svg = figures.mmd_over_time(outcomes.periods.filter(mine), outcomes.courses.filter(mine))
    assert svg.startswith(b"<?xml")
    assert b"Migraine days per 28 days" in svg  # text stays text in the SVG
    png = figures.mmd_over_time(
        outcomes.periods.filter(mine), outcomes.courses.filter(mine), fmt="png"
    )
    assert png.startswith(b"\x89PNG")


def test_responder_bars_label_suppressed_cells_instead_of_drawing_them(outcomes):
    rates = responder_rates(outcomes.periods, outcomes.courses, min_cell=1000)
    svg = figures.responder_bars(rates)
    assert b"suppressed (small numbers)" in svg
    assert b">n=" not in svg  # no bar label: no count is shown
    shown = figures.responder_bars(responder_rates(outcomes.periods, outcomes.courses, min_cell=0))
    assert b">n=" in shown


def test_survival_curves_render_each_route_and_name_suppressed_groups(outcomes):
    curves = kaplan_meier(outcomes.courses, by=("route",), min_cell=0)
    svg = figures.survival_curves(curves, title="Relapse by route")
    assert b"Relapse by route" in svg
    for route in curves.summary["route"].cast(pl.String):
        assert route.encode() in svg
    suppressed = figures.survival_curves(kaplan_meier(outcomes.courses, min_cell=10_000))
    assert b"suppressed (small numbers)" in suppressed


def test_the_same_frames_give_the_same_svg(outcomes):
    curves = kaplan_meier(outcomes.courses, by=("route",), min_cell=0)
    assert figures.survival_curves(curves) == figures.survival_curves(curves)
