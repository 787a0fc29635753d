"""The heat-map cells and bar-chart columns drawn by template tags (faster than the template's
lookups, issue 9): the same markup the pages had, escaped, with the right links."""

from __future__ import annotations

from datetime import date

from ketaclinic.clinical.diary import PeriodMetrics
from ketaclinic.diary.charts import period_chart
from ketaclinic.diary.metrics import Cell, PeriodRow
from ketaclinic.diary.templatetags.diary_extras import day_link_pattern, heat_cell, period_column


def test_a_past_day_links_to_its_page_with_its_label_as_title():
    cell = Cell(day=date(2026, 3, 2), state="migraine", pain=7, medication=True)
    html = heat_cell(cell, "/patients/5/diary/0001-01-01/")
    assert html == (
        '<a class="hm hm-migraine p3 med" data-state="migraine" data-date="2026-03-02" '
        'title="Mon 02 Mar: migraine day, pain 7/10, acute medication" '
        'aria-label="Mon 02 Mar: migraine day, pain 7/10, acute medication" '
        'href="/patients/5/diary/2026-03-02/">2</a>'
    )


def test_a_future_day_or_a_map_without_links_is_a_plain_mark():
    future = Cell(day=date(2026, 3, 9), state="future", pain=None, medication=False)
    assert heat_cell(future, "/diary/0001-01-01/").startswith('<span class="hm hm-future "')
    missing = Cell(day=date(2026, 3, 1), state="missing", pain=None, medication=False)
    assert heat_cell(missing, "") == (
        '<span class="hm hm-missing " data-state="missing" data-date="2026-03-01" '
        'title="Sun 01 Mar: not recorded">1</span>'
    )
    assert heat_cell(None, "") == ""


def test_day_links_are_reversed_for_the_chart_or_the_patients_own_diary(world):
    assert day_link_pattern(world.patient) == f"/patients/{world.patient.pk}/diary/0001-01-01/"
    assert day_link_pattern() == "/diary/0001-01-01/"


def _period(days_recorded: int, migraine_days: int, *, baseline: bool = False) -> PeriodRow:
    metrics = PeriodMetrics(
        start=date(2026, 1, 1),
        end=date(2026, 1, 28),
        days=28,
        days_recorded=days_recorded,
        headache_days=migraine_days,
        migraine_days=migraine_days,
        acute_medication_days=0,
        triptan_days=0,
        medication_overuse=(),
    )
    return PeriodRow("01 Jan to 28 Jan 2026", baseline, False, metrics, None)


def test_a_period_column_draws_its_band_bars_and_label_rounding_half_up():
    baseline, empty = period_chart([_period(16, 3, baseline=True), _period(0, 0)]).columns
    html = period_column(baseline)
    assert html.startswith('<rect class="baseline-band" x="30" y="6" width="34" height="128"/>')
    # 3 x 28 / 16 = 5.25: half up, as floatformat wrote it
    assert "<title>01 Jan to 28 Jan 2026: 5.3 migraine days per 28</title>" in html
    assert '<rect class="bar bar-migraine thin" x="34" y="' in html  # 16 of 28 days: thin
    assert html.endswith(
        '<text class="axis strong" x="47" y="148" text-anchor="middle">Base</text>'
    )
    assert "nothing recorded" in period_column(empty)
    assert "baseline-band" not in period_column(empty)
