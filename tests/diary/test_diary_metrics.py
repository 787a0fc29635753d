"""The diary's 28-day periods and heat-map, computed by the clinical core from the summaries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketaclinic.diary import actions
from ketaclinic.diary.charts import period_chart
from ketaclinic.diary.metrics import diary_summary, heat_map
from ketaclinic.diary.queries import list_day_summaries
from tests.diary.helpers import day_with, free_day, migraine_attack, today, triptan

pytestmark = pytest.mark.django_db


def load(world, days):
    actions.import_diary_days(actor=world.nurse, patient=world.patient, days=days)


def migraine_day(day):
    return day_with(migraine_attack(day, medications=(triptan(day),)))


def test_the_baseline_is_the_28_days_before_the_first_course_and_responders_are_counted(world):
    course = today() - timedelta(days=28)
    days = {}
    for n in range(1, 29):  # baseline: a migraine every other day, every day recorded
        day = course - timedelta(days=n)
        days[day] = migraine_day(day) if n % 2 else free_day()
    for n in range(0, 28):  # after: 3 migraine days
        day = course + timedelta(days=n)
        days[day] = migraine_day(day) if n in (3, 10, 20) else free_day()
    load(world, days)
    summary = diary_summary(world.patient, today=today(), first_course=course)
    [baseline] = [row for row in summary.periods if row.is_baseline]
    assert baseline.metrics.start == course - timedelta(days=28)
    assert baseline.metrics.migraine_days == 14
    after = summary.periods[-2]  # today opens the next period
    assert after.after_baseline
    assert after.metrics.migraine_days == 3
    assert round(after.change.mmd_change_percent) == -79
    assert after.change.responder(75)
    assert summary.baseline_start == course - timedelta(days=28)


def test_without_a_course_there_is_no_baseline_and_periods_end_today(world):
    load(world, {today() - timedelta(days=n): free_day() for n in range(1, 40)})
    summary = diary_summary(world.patient, today=today(), first_course=None)
    assert summary.baseline_start is None
    assert summary.periods[-1].metrics.end == today()
    assert all(row.change is None for row in summary.periods)


def test_a_course_in_the_future_leaves_no_baseline_yet(world):
    load(world, {today() - timedelta(days=n): free_day() for n in range(1, 10)})
    summary = diary_summary(world.patient, today=today(), first_course=today() + timedelta(days=40))
    assert summary.baseline_start is None
    assert all(row.metrics.start <= row.metrics.end for row in summary.periods)


def test_a_triptan_on_most_days_raises_the_overuse_warning(world):
    load(
        world,
        {
            today() - timedelta(days=n): migraine_day(today() - timedelta(days=n))
            for n in range(1, 27)
        },
    )
    summary = diary_summary(world.patient, today=today(), first_course=None)
    assert [w.medication for w in summary.overuse] == ["triptan"]


def test_the_heat_map_marks_migraine_headache_free_missing_and_future_days(world):
    load(
        world,
        {
            today() - timedelta(days=1): free_day(),
            today() - timedelta(days=2): migraine_day(today() - timedelta(days=2)),
        },
    )
    first = (today() - timedelta(days=40)).replace(day=1)
    months = heat_map(list_day_summaries(world.patient, first, today()), first, today())
    cells = {c.day: c for m in months for week in m.weeks for c in week if c is not None}
    assert cells[today() - timedelta(days=1)].state == "free"
    assert cells[today() - timedelta(days=2)].state == "migraine"
    assert cells[today() - timedelta(days=2)].medication
    assert "migraine day" in cells[today() - timedelta(days=2)].label
    assert cells[today() - timedelta(days=3)].state == "missing"
    assert sum(month.recorded for month in months) == 2


def test_the_bar_chart_marks_the_baseline(world):
    course = today() - timedelta(days=10)
    load(
        world,
        {
            course - timedelta(days=n): migraine_day(course - timedelta(days=n))
            for n in range(1, 29)
        },
    )
    summary = diary_summary(world.patient, today=today(), first_course=course)
    chart = period_chart(summary.periods)
    assert [c.is_baseline for c in chart.columns].count(True) == 1
    assert chart.baseline_y is not None
    baseline_bar = next(c for c in chart.columns if c.is_baseline).bars[0]
    assert baseline_bar.value == 28
    assert baseline_bar.y == 12  # the top of the plot: 28 days of 28
