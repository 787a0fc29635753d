"""Cumulative exposure and its ceilings (docs/clinical-rules.md §11), at every threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.exposure import (
    Breach,
    Ceiling,
    Ceilings,
    Dose,
    check_ceilings,
    cumulative_exposure,
    with_planned,
)

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_a_hand_computed_course() -> None:
    # Four weekly sessions of 0.5 mg/kg/h for 40 min at 70 kg: 35 mg/h x 2/3 h = 23.33 mg each,
    # the last 2 days ago; two older sessions (45 and 100 days ago) of 50 mg; three home uses of
    # 2 sprays x 10 mg (20 mg each) 1, 40 and 95 days ago.
    session_mg = 0.5 * 70 * 40 / 60
    doses = [
        *(Dose(days_ago(2 + 7 * n), session_mg, "session", 70.0) for n in range(4)),
        Dose(days_ago(45), 50, "session", 70.0),
        Dose(days_ago(100), 50, "session", 70.0),
        Dose(days_ago(1), 20, "home"),
        Dose(days_ago(40), 20, "home"),
        Dose(days_ago(95), 20, "home"),
    ]
    exposure = cumulative_exposure(doses, NOW)
    # 30 days: sessions 2, 9, 16, 23 days ago (4 x 23.33 = 93.33) + home 1 day ago (20) = 113.33
    assert exposure.mg_30d == pytest.approx(4 * 23.3333 + 20, abs=1e-3)
    # 90 days: + session 45 days ago (50) + home 40 days ago (20) = 183.33
    assert exposure.mg_90d == pytest.approx(183.333, abs=1e-3)
    # lifetime: + session 100 days ago (50) + home 95 days ago (20) = 253.33
    assert exposure.mg_lifetime == pytest.approx(253.333, abs=1e-3)
    assert exposure.home_mg_90d == 40
    assert (exposure.sessions_30d, exposure.sessions_90d, exposure.sessions_lifetime) == (4, 5, 6)
    assert exposure.days_since_last_session == 2
    assert exposure.last_session_mg == pytest.approx(23.333, abs=1e-3)
    assert exposure.last_session_mg_per_kg == pytest.approx(0.3333, abs=1e-4)


def test_window_edges() -> None:
    exactly = cumulative_exposure([Dose(days_ago(30), 10), Dose(days_ago(90), 5)], NOW)
    assert (exactly.mg_30d, exactly.sessions_30d) == (0, 0)
    assert (exactly.mg_90d, exactly.sessions_90d) == (10, 1)
    inside = cumulative_exposure([Dose(days_ago(29.99), 10)], NOW)
    assert (inside.mg_30d, inside.sessions_30d) == (10, 1)


def test_no_doses_and_no_weight() -> None:
    empty = cumulative_exposure([], NOW)
    assert empty.last_session_mg is None
    assert empty.days_since_last_session is None
    assert empty.last_session_mg_per_kg is None
    home_only = cumulative_exposure([Dose(days_ago(1), 20, "home")], NOW)
    assert home_only.sessions_lifetime == 0
    assert home_only.mg_lifetime == 20
    no_weight = cumulative_exposure([Dose(days_ago(1), 20, "session")], NOW)
    assert no_weight.last_session_mg == 20
    assert no_weight.last_session_mg_per_kg is None


@pytest.mark.parametrize(
    ("dose", "field"),
    [
        (Dose(days_ago(1), -1), "doses[0].mg"),
        (Dose(days_ago(1), float("nan")), "doses[0].mg"),
        (Dose(days_ago(-1), 1), "doses[0].at"),
        (Dose(days_ago(1), 1, "session", 0), "doses[0].weight_kg"),
    ],
)
def test_refused_doses(dose: Dose, field: str) -> None:
    with pytest.raises(ClinicalInputError) as raised:
        cumulative_exposure([dose], NOW)
    assert raised.value.field == field


CEILINGS = Ceilings(
    mg_30d=Ceiling(soft=100, hard=200),
    mg_90d=Ceiling(),
    mg_lifetime=Ceiling(soft=None, hard=300),
    sessions_30d=Ceiling(soft=2, hard=None),
    sessions_90d=Ceiling(),
)


@pytest.mark.parametrize(
    ("mg", "expected"),
    [(100, ()), (100.01, ("soft",)), (200, ("soft",)), (200.01, ("hard",))],
)
def test_mg_30d_ceiling_edges(mg: float, expected: tuple[str, ...]) -> None:
    exposure = cumulative_exposure([Dose(days_ago(40), 0.0), Dose(days_ago(1), mg, "home")], NOW)
    breaches = [b for b in check_ceilings(exposure, CEILINGS) if b.metric == "mg_30d"]
    assert tuple(b.level for b in breaches) == expected


def test_hard_only_and_soft_only_ceilings() -> None:
    doses = [Dose(days_ago(n), 101, "session") for n in (1, 2, 3)]
    breaches = {b.metric: b for b in check_ceilings(cumulative_exposure(doses, NOW), CEILINGS)}
    assert breaches["mg_lifetime"].level == "hard"
    assert breaches["mg_lifetime"].limit == 300
    assert breaches["sessions_30d"].level == "soft"
    assert breaches["mg_30d"].level == "hard"
    assert "mg_90d" not in breaches
    assert breaches["sessions_30d"].message == (
        "3 sessions in the last 30 days: above the soft ceiling of 2"
    )
    assert Breach("mg_30d", "hard", 303.25, 200).message == (
        "303.2 mg in the last 30 days: above the hard ceiling of 200"
    )


def test_default_ceilings_leave_a_weekly_course_alone() -> None:
    weekly = [Dose(days_ago(1 + 7 * n), 150, "session", 75) for n in range(12)]
    assert check_ceilings(cumulative_exposure(weekly, NOW)) == ()


def test_planned_sessions_projection() -> None:
    base = cumulative_exposure([Dose(days_ago(1), 50)], NOW)
    weekly = with_planned(base, sessions=6, spacing_days=7)  # days 0, 7, ... 35
    assert (weekly.sessions_30d, weekly.sessions_90d, weekly.sessions_lifetime) == (6, 7, 7)
    spaced = with_planned(base, sessions=3, spacing_days=30)  # days 0, 30, 60
    assert (spaced.sessions_30d, spaced.sessions_90d) == (2, 4)
    assert spaced.mg_30d == base.mg_30d
    with pytest.raises(ClinicalInputError):
        with_planned(base, sessions=-1, spacing_days=7)
    with pytest.raises(ClinicalInputError):
        with_planned(base, sessions=1, spacing_days=-1)
