"""The session timeline figure: pump rate (or doses), pain, blood pressure, heart rate and SpO2
against time, drawn by matplotlib as SVG from the recorded rows (nothing typed in)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from matplotlib.figure import Figure

from ketaclinic.treatment.models import DoseAdministration, Observation, RateSegment

INK = "#1c2430"
RATE = "#1f5f8b"
PAIN = "#a16207"
SYSTOLIC = "#b91c1c"
DIASTOLIC = "#e07a7a"
HEART = "#0f766e"
OXYGEN = "#6d28d9"
SEDATION = "#1e3a8a"
DISSOCIATION = "#9d174d"


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60


def _series(
    rows: Sequence[Observation], field: str, origin: datetime
) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for row in rows:
        value = getattr(row, field)
        if value is not None:
            xs.append(_minutes(row.taken_at, origin))
            ys.append(float(value))
    return xs, ys


def xs_last(segments: Sequence[RateSegment], origin: datetime) -> float:
    return _minutes(segments[-1].started_at, origin)


def timeline_svg(
    *,
    origin: datetime,
    until: datetime,
    segments: Sequence[RateSegment],
    doses: Sequence[DoseAdministration],
    observations: Sequence[Observation],
) -> str:
    """Four panels sharing the time axis (minutes from ``origin``): rate or doses, pain NRS,
    sedation (MOAA/S, left axis, stop line at 2) and dissociation (CADSS-6, right axis), vital
    signs (SBP, DBP, HR on the left axis, SpO2 on the right)."""
    figure = Figure(figsize=(9, 6.6), dpi=100, layout="constrained")
    axes = figure.subplots(4, 1, sharex=True, height_ratios=[1.1, 0.8, 0.8, 1.4])
    rate_ax, pain_ax, sedation_ax, vitals_ax = axes
    last = _minutes(until, origin)
    end = max(last, 10.0)  # at least a 10-minute axis, so a new session's figure reads well
    if segments:
        xs = [_minutes(row.started_at, origin) for row in segments] + [
            max(last, xs_last(segments, origin))
        ]
        ys = [row.rate_mg_per_kg_per_h for row in segments]
        rate_ax.stairs(ys, xs, color=RATE, linewidth=2, baseline=None)
        for row in segments:
            if row.limit_level == "soft":
                rate_ax.plot(
                    _minutes(row.started_at, origin),
                    row.rate_mg_per_kg_per_h,
                    marker="^",
                    color=PAIN,
                    markersize=8,
                    label="soft-limit override",
                )
        rate_ax.set_ylabel("rate\nmg/kg/h")
        rate_ax.set_ylim(bottom=0, top=max([*ys, 0.1]) * 1.3)
    else:
        xs = [_minutes(row.given_at, origin) for row in doses]
        rate_ax.vlines(xs, 0, [row.dose_mg for row in doses], color=RATE, linewidth=3)
        rate_ax.plot(xs, [row.dose_mg for row in doses], "o", color=RATE)
        rate_ax.set_ylabel("dose\nmg")
        rate_ax.set_ylim(bottom=0, top=max([row.dose_mg for row in doses] + [1.0]) * 1.3)
    charted = list(observations)  # corrections already applied by the caller
    pain_x, pain_y = _series(charted, "pain_nrs", origin)
    pain_ax.plot(pain_x, pain_y, "o-", color=PAIN, linewidth=2)
    pain_ax.set_ylim(0, 10.5)
    pain_ax.set_yticks([0, 3, 5, 7, 10])
    pain_ax.set_ylabel("pain\nNRS")
    sedation_x, sedation_y = _series(charted, "moaas", origin)
    sedation_ax.plot(
        sedation_x, sedation_y, "o-", color=SEDATION, linewidth=1.6, markersize=4, label="MOAA/S"
    )
    sedation_ax.axhline(2, color=SEDATION, linewidth=0.8, linestyle=":")
    sedation_ax.set_ylim(-0.3, 5.3)
    sedation_ax.set_yticks([0, 1, 2, 3, 4, 5])
    sedation_ax.set_ylabel("MOAA/S", color=SEDATION)
    dissociation_ax = sedation_ax.twinx()
    xs_, ys_ = _series(charted, "cadss6", origin)
    dissociation_ax.plot(
        xs_, ys_, "D--", color=DISSOCIATION, linewidth=1.2, markersize=4, label="CADSS-6"
    )
    dissociation_ax.set_ylim(-1, 25)
    dissociation_ax.set_yticks([0, 6, 12, 18, 24])
    dissociation_ax.set_ylabel("CADSS-6", color=DISSOCIATION)
    sedation_handles = sedation_ax.get_legend_handles_labels()
    dissociation_handles = dissociation_ax.get_legend_handles_labels()
    sedation_ax.legend(
        sedation_handles[0] + dissociation_handles[0],
        sedation_handles[1] + dissociation_handles[1],
        loc="upper right",
        fontsize=8,
        ncols=2,
    )
    for field, color, label in (
        ("systolic", SYSTOLIC, "SBP"),
        ("diastolic", DIASTOLIC, "DBP"),
        ("heart_rate", HEART, "HR"),
    ):
        xs_, ys_ = _series(charted, field, origin)
        vitals_ax.plot(xs_, ys_, "o-", color=color, linewidth=1.6, markersize=4, label=label)
    vitals_ax.set_ylabel("mmHg · /min")
    vitals_ax.set_ylim(30, 220)
    oxygen_ax = vitals_ax.twinx()
    xs_, ys_ = _series(charted, "spo2", origin)
    oxygen_ax.plot(xs_, ys_, "s--", color=OXYGEN, linewidth=1.2, markersize=4, label="SpO2")
    oxygen_ax.set_ylim(80, 101)
    oxygen_ax.set_ylabel("SpO2 %", color=OXYGEN)
    oxygen_ax.axhline(92, color=OXYGEN, linewidth=0.8, linestyle=":")
    handles = vitals_ax.get_legend_handles_labels()
    extra = oxygen_ax.get_legend_handles_labels()
    vitals_ax.legend(
        handles[0] + extra[0], handles[1] + extra[1], loc="upper right", fontsize=8, ncols=4
    )
    vitals_ax.set_xlabel("minutes from start")
    vitals_ax.set_xlim(min(0.0, *(pain_x or [0.0])) - 2, end + 2)
    for ax in (rate_ax, pain_ax, sedation_ax, dissociation_ax, vitals_ax, oxygen_ax):
        ax.tick_params(colors=INK, labelsize=8)
        ax.grid(axis="x", color="#d9dee5", linewidth=0.6)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
