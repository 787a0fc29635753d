"""One patient's outcome figures: migraine days per month, questionnaire trends, the session
timeline, and the patient's own plain-language progress chart (SVG inline on pages, PNG in PDFs).

The cohort pages draw :func:`.figures.mmd_over_time` from the engine's frames; a single patient's
chart draws each month over the 28 days it counts, with its course's baseline and relapse. Same
conventions as :mod:`.figures`: matplotlib's object API, text kept as text in SVG, no creation
date, so the same rows give the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ketaclinic.clinical.response import TARGET_NRS
from ketaclinic.instruments.queries import Trend
from ketaclinic.outcomes.figures import _COLOURS, _STYLE, Format, _render
from ketaclinic.outcomes.patient_endpoints import CourseOutcome, PatientEndpoints, SessionResponse

TREND_INSTRUMENTS = ("midas", "hit6", "phq9", "gad7")
_SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SIZE_ATTRIBUTES = re.compile(r'\s(width|height)="[^"]*"')


def inline_svg(svg: bytes, label: str) -> str:
    """An SVG document as an element to place in a page: no XML prologue, scaled to its box by
    the viewBox (width 100 %), announced as one image with ``label``."""
    text = _SVG_HEAD.sub("", svg.decode("utf-8"), count=1)
    head, _, rest = text.partition(">")
    head = _SIZE_ATTRIBUTES.sub("", head)
    safe_label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'{head} width="100%" role="img" aria-label="{safe_label}">{rest}'


def png_data_uri(png: bytes) -> str:
    """A PNG as a data: URI, so WeasyPrint lays out the PDF without fetching anything."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_EPOCH = dt.date(1970, 1, 1)  # matplotlib's default date epoch: a day number is days since it


def _day(value: dt.date) -> float:
    """A calendar day as matplotlib's date number (what its date locators and formatters read)."""
    return float((value - _EPOCH).days)


def _date_axis(axes: Axes) -> None:
    locator = mdates.AutoDateLocator(maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def mmd_figure(endpoints: PatientEndpoints, fmt: Format = "svg") -> bytes:
    """Migraine days per 28 days of each course's months, drawn over the 28 days each counts
    (a bar from start to end, the point at its middle): hollow points had fewer than 80 % of
    days recorded; the dashed line is the course's baseline as far as its follow-up goes; the
    shaded span is the course; a triangle marks the month of relapse."""
    courses = endpoints.courses
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 3.0), layout="constrained")
        axes = figure.add_subplot()
        highest = 0.0
        for course in courses:
            colour = _COLOURS[(course.number - 1) % len(_COLOURS)]
            axes.axvspan(_day(course.first_day), _day(course.last_day + dt.timedelta(days=1)),
                         color=colour, alpha=0.18, linewidth=0)  # fmt: skip
            label: str | None = f"Course {course.number} · {course.route_name}"
            for period in [course.baseline, *course.months]:
                value = period.migraine_days_28
                if value is None:
                    continue
                highest = max(highest, value)
                start, end = _day(period.start), _day(period.end + dt.timedelta(days=1))
                middle = (start + end) / 2
                faded = 0.45 if period.insufficient_data else 1.0
                axes.hlines(value, start, end, colors=colour, linewidth=2, alpha=faded)
                axes.scatter([middle], [value], s=22, zorder=3, edgecolors=colour,
                             facecolors="white" if period.insufficient_data else colour,
                             label=label)  # fmt: skip
                label = None
            baseline = course.baseline.migraine_days_28
            if baseline is not None and course.baseline_problem is None:
                end_of_follow_up = _day(course.follow_up_end + dt.timedelta(days=1))
                axes.hlines(baseline, _day(course.baseline.start), end_of_follow_up,
                            colors=colour, linestyles="--", linewidth=0.8)  # fmt: skip
            relapse = course.relapse
            if relapse.status == "relapsed" and relapse.period_start is not None:
                month = course.months[(relapse.month or 1) - 1]
                middle = (_day(month.start) + _day(month.end) + 1) / 2
                axes.scatter([middle], [(month.migraine_days_28 or 0) + 1.2], marker="v",
                             color=_COLOURS[1], s=30, zorder=4)  # fmt: skip
        if courses:
            first = min(course.baseline.start for course in courses)
            axes.set_xlim(_day(first - dt.timedelta(days=3)),
                          _day(endpoints.as_of + dt.timedelta(days=3)))  # fmt: skip
            axes.legend(loc="upper right", frameon=False)
        axes.set_ylim(0, min(28.0, max(10.0, highest * 1.25)) + 0.5)
        axes.set_ylabel("Migraine days per 28 days")
        _date_axis(axes)
        return _render(figure, fmt)


def _shade_courses(axes: Axes, courses: Sequence[CourseOutcome]) -> None:
    for course in courses:
        colour = _COLOURS[(course.number - 1) % len(_COLOURS)]
        axes.axvspan(_day(course.first_day), _day(course.last_day + dt.timedelta(days=1)),
                     color=colour, alpha=0.18, linewidth=0)  # fmt: skip


def questionnaire_figure(
    trends: Sequence[Trend], courses: Sequence[CourseOutcome], fmt: Format = "svg"
) -> bytes:
    """MIDAS, HIT-6, PHQ-9 and GAD-7 totals over time, one panel each on its own scale, with
    the courses shaded; an instrument never answered says so in its panel."""
    by_name = {trend.instrument: trend for trend in trends}
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 4.2), layout="constrained")
        panels = figure.subplots(2, 2, sharex=True)
        for axes, name in zip(panels.flat, TREND_INSTRUMENTS, strict=True):
            trend = by_name.get(name)
            label = trend.label if trend else name
            axes.set_title(label, loc="left", fontsize=9)
            if trend is None or not trend.points:
                axes.text(0.5, 0.5, "not answered", ha="center", va="center",
                          transform=axes.transAxes, color="#666")  # fmt: skip
                axes.set_yticks([])
                continue
            _shade_courses(axes, courses)
            days = [_day(point[0]) for point in trend.points]
            totals = [point[1] for point in trend.points]
            axes.plot(days, totals, color=_COLOURS[0], marker="o", markersize=3, linewidth=1)
            axes.set_ylim(trend.minimum, trend.maximum)
            _date_axis(axes)
        return _render(figure, fmt)


def session_timeline(
    sessions: Sequence[SessionResponse], courses: Sequence[CourseOutcome], fmt: Format = "svg"
) -> bytes:
    """Each session's pain before (open circle) and after (dot) on its day, joined by a line,
    coloured by course; the NRS 3 target dotted (Lauritsen 2016)."""
    colour_of = {
        course.course_id: _COLOURS[(course.number - 1) % len(_COLOURS)] for course in courses
    }
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 2.6), layout="constrained")
        axes = figure.add_subplot()
        shown: set[int] = set()
        for session in sessions:
            if session.pain_before is None and session.pain_after is None:
                continue
            colour = colour_of.get(session.course_id, _COLOURS[-1])
            day = _day(session.start.date())
            pains = [p for p in (session.pain_before, session.pain_after) if p is not None]
            axes.plot([day] * len(pains), pains, color=colour, linewidth=1.2)
            if session.pain_before is not None:
                axes.scatter([day], [session.pain_before], facecolors="white", edgecolors=colour,
                             s=22, zorder=3)  # fmt: skip
            if session.pain_after is not None:
                label = None
                if session.course_id not in shown:
                    number = next(
                        (c.number for c in courses if c.course_id == session.course_id), "?"
                    )
                    label = f"course {number}"
                    shown.add(session.course_id)
                axes.scatter([day], [session.pain_after], color=colour, s=22, zorder=3,
                             label=label)  # fmt: skip
        days = [session.start.date() for session in sessions]
        if days:
            axes.set_xlim(_day(min(days) - dt.timedelta(days=3)),
                          _day(max(days) + dt.timedelta(days=3)))  # fmt: skip
        axes.axhline(TARGET_NRS, color="#666", linestyle=":", linewidth=0.8)
        axes.set_ylim(-0.3, 10.3)
        axes.set_ylabel("Pain NRS (0-10)")
        axes.set_title("Sessions: pain before (open) and after (filled); dotted line NRS 3")
        if shown:
            axes.legend(loc="upper right", frameon=False)
        _date_axis(axes)
        return _render(figure, fmt)


def progress_figure(course: CourseOutcome, fmt: Format = "svg") -> bytes:
    """The patient's own chart: migraine days in each 4-week block after their latest course,
    beside the 4 weeks before it; blocks with too few diary days drawn hatched and labelled."""
    blocks = [course.baseline, *course.months]
    labels = ["Before"] + [f"{p.start.day} {p.start:%b}" for p in course.months]
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(4.0, 2.8), layout="constrained")
        axes = figure.add_subplot()
        for index, block in enumerate(blocks):
            value = block.migraine_days_28
            colour = "#9aa5b1" if block.is_baseline else _COLOURS[0]
            if value is None:
                axes.text(index, 0.5, "no diary", ha="center", rotation=90, fontsize=7)
                continue
            axes.bar(index, value, color="white" if block.insufficient_data else colour,
                     edgecolor=colour, hatch="///" if block.insufficient_data else None,
                     linewidth=1)  # fmt: skip
            axes.text(index, value + 0.4, f"{value:.0f}", ha="center", fontsize=8)
        baseline = course.baseline.migraine_days_28
        if baseline is not None and not course.baseline.insufficient_data:
            axes.axhline(baseline, color="#52606d", linestyle="--", linewidth=0.8)
        axes.set_xticks(range(len(blocks)), labels, rotation=45 if len(blocks) > 5 else 0)
        highest = max(block.migraine_days_28 or 0.0 for block in blocks)
        axes.set_ylim(0, min(28.0, max(8.0, highest * 1.3)) + 0.5)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("Migraine days per 4 weeks")
        return _render(figure, fmt)
