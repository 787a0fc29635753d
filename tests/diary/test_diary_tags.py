"""The heat-map cells and bar-chart columns drawn by template tags (faster than the template's
lookups): the same markup the pages had, escaped, with the right links."""

from __future__ import annotations

from datetime import date, timedelta

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from hypothesis import given
from hypothesis import strategies as st

from ketaclinic.clinical.diary import FollowUpMetrics, PeriodMetrics
from ketaclinic.diary.charts import period_chart, trend_line
from ketaclinic.diary.metrics import Cell, Month, PeriodRow
from ketaclinic.diary.templatetags.diary_extras import (
    _day_month,
    _whole,
    chart_gridlines,
    day_link_pattern,
    heat_cell,
    heat_months,
    period_column,
    period_columns,
    period_rows,
    trend_figure,
)
from ketaclinic.instruments.queries import Trend


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


def _period(
    days_recorded: int,
    migraine_days: int,
    *,
    baseline: bool = False,
    start: date = date(2026, 1, 1),
    change: float | None = None,
) -> PeriodRow:
    metrics = PeriodMetrics(
        start=start,
        end=start + timedelta(days=27),
        days=28,
        days_recorded=days_recorded,
        headache_days=migraine_days,
        migraine_days=migraine_days,
        acute_medication_days=0,
        triptan_days=0,
        medication_overuse=(),
    )
    follow_up = FollowUpMetrics(metrics, change) if change is not None else None
    return PeriodRow("01 Jan to 28 Jan 2026", baseline, follow_up is not None, metrics, follow_up)


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


def test_a_month_of_the_heat_map_is_a_table_a_row_a_week_with_the_link_escaped():
    days = [date(2026, 6, 1) + timedelta(days=n) for n in range(30)]  # June 2026 opens on a Monday
    cells: list[Cell | None] = [Cell(day, "free", None, False) for day in days]
    weeks = [cells[n : n + 7] for n in range(0, 28, 7)] + [[*cells[28:], *[None] * 5]]
    html = heat_months([Month("June <2026>", weeks, 29, 30)], "/x&y/0001-01-01/")
    assert html.startswith(
        '<section class="heatmap" aria-label="June &lt;2026&gt;"><h3>June &lt;2026&gt; '
        '<small class="muted">29 of 30 days recorded</small></h3><table class="hm-grid"><thead>'
        '<tr><th abbr="Monday">M</th><th abbr="Tuesday">T</th><th abbr="Wednesday">W</th>'
    )
    assert html.count("<tr>") == html.count("</tr>") == 6  # the weekdays and five weeks
    assert html.count("<td>") == 35
    assert html.count("<td></td>") == 5
    assert 'href="/x&amp;y/2026-06-30/"' in html
    assert "<tbody><tr><td>" + heat_cell(cells[0], "/x&y/0001-01-01/") + "</td><td>" in html
    assert html.endswith("</tbody></table></section>")


def test_the_period_table_is_newest_first_with_badges_and_the_change_for_the_clinic_only():
    baseline = _period(28, 10, baseline=True)
    after = _period(20, 4, start=date(2026, 1, 29), change=-55.5)
    html = period_rows([baseline, after])
    newest, oldest = html.split("</tr>")[:2]
    assert newest.startswith(
        '<tr><th scope="row" title="01 Jan to 28 Jan 2026">29 Jan\N{EN DASH}25 Feb 26'
    )
    assert ' <span class="badge warn" title="fewer than 80 % of days recorded">few days' in newest
    assert '<td class="num">20/28</td><td class="num">5.6</td>' in newest
    assert '<td class="num">-56 % <span class="badge ok">≥50 %</span></td>' in newest
    assert oldest.startswith('<tr class="is-baseline"><th scope="row"')
    assert '1 Jan\N{EN DASH}28 Jan 26 <span class="badge info">baseline</span></th>' in oldest
    assert oldest.endswith('<td class="num">—</td>')
    patient_view = period_rows([baseline, after], True)
    assert "MMD" not in patient_view
    assert "%</td>" not in patient_view
    assert patient_view.count("<td") == 10


def test_the_period_table_escapes_its_labels():
    row = _period(28, 1)
    html = period_rows([PeriodRow("<b>", False, False, row.metrics, None)])
    assert 'title="&lt;b&gt;"' in html


def test_dates_are_written_as_the_date_filter_wrote_them():
    for month in range(1, 13):
        day = date(2026, month, 9)
        assert _day_month(day) == date_filter(day, "j M")


# Below 1e-100 floatformat gives up and writes the float as it is: no change comes near.
@given(st.floats(-1000, 100_000).filter(lambda value: value == 0 or abs(value) > 1e-100))
def test_changes_are_rounded_as_floatformat_0_rounded_them(value: float):
    assert _whole(value) == floatformat(value, 0)


def test_the_whole_chart_is_its_columns_in_order():
    chart = period_chart([_period(16, 3, baseline=True), _period(0, 0)])
    assert period_columns(chart) == "".join(period_column(c) for c in chart.columns)


def test_a_trend_says_its_latest_answer_and_escapes_its_words():
    points = [(date(2026, 3, 1), 12, "<moderate>"), (date(2026, 4, 2), 6, "mild")]
    line = trend_line(Trend("phq9", "PHQ<9>", 27, 0, points))
    html = trend_figure(line)
    assert html.startswith(
        '<figure class="trend"><figcaption><strong>PHQ&lt;9&gt;</strong> · latest 6 '
        '<span class="muted">(mild, 2 Apr 2026)</span></figcaption>'
        '<svg viewBox="0 0 220 60" width="220" height="60" role="img" '
        'aria-label="PHQ&lt;9&gt; totals over time"><polyline class="trend-line" '
        'points="6.0,32.7 214.0,43.3"/><circle class="trend-dot" cx="6.0" cy="32.7" r="3">'
        "<title>01 Mar 2026: 12 (&lt;moderate&gt;)</title></circle>"
    )
    assert html.endswith("</circle></svg></figure>")
    assert html.count("<circle") == 2


def test_the_chart_draws_five_gridlines_and_the_baseline_level():
    chart = period_chart([_period(16, 3, baseline=True), _period(0, 0)])
    html = chart_gridlines(chart)
    assert html.count('<line class="grid"') == 5
    assert '<line class="grid" x1="26" x2="110" y1="130.0" y2="130.0"/>' in html
    assert '<text class="axis" x="22" y="133" text-anchor="end">0</text>' in html
    assert html.endswith(f'y1="{chart.baseline_y}" y2="{chart.baseline_y}"/>')
    no_baseline = period_chart([_period(16, 3), _period(0, 0)])
    assert "baseline-line" not in chart_gridlines(no_baseline)
