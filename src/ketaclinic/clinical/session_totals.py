"""What a session delivered, derived from its recorded pump-rate segments (never typed in).

Each segment runs at its rate from its start until the next segment starts (or until ``until``:
now for a running infusion, the stop time for a stopped one). Amount = mg/h x hours; volume =
mL/h x hours (docs/clinical-rules.md §5: mL/h = mg/kg/h x dosing weight / concentration).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ketaclinic.clinical.errors import ClinicalInputError


@dataclass(frozen=True)
class Segment:
    """The pump ran at ``mg_per_h`` / ``ml_per_h`` from ``start`` until the next segment."""

    start: dt.datetime
    mg_per_h: float
    ml_per_h: float


@dataclass(frozen=True)
class Totals:
    """Delivered amount (mg), volume (mL) and minutes with the pump running (rate above 0)."""

    mg: float = 0.0
    ml: float = 0.0
    minutes: float = 0.0


def infusion_totals(segments: Sequence[Segment], until: dt.datetime) -> Totals:
    """Sum the segments up to ``until``; refuse segments out of time order or after ``until``."""
    if not segments:
        return Totals()
    for index, (earlier, later) in enumerate(itertools.pairwise(segments), start=1):
        if later.start < earlier.start:
            raise ClinicalInputError(
                f"segments[{index}].start",
                later.start.isoformat(),
                f"not before the previous segment ({earlier.start.isoformat()})",
            )
    if until < segments[-1].start:
        raise ClinicalInputError(
            "until", until.isoformat(), f"not before the last segment ({segments[-1].start})"
        )
    mg = ml = minutes = 0.0
    ends = [segment.start for segment in segments[1:]] + [until]
    for segment, end in zip(segments, ends, strict=True):
        hours = (end - segment.start).total_seconds() / 3600
        mg += segment.mg_per_h * hours
        ml += segment.ml_per_h * hours
        if segment.mg_per_h > 0:
            minutes += hours * 60
    return Totals(mg=mg, ml=ml, minutes=minutes)


def delivered_between(segments: Sequence[Segment], start: dt.datetime, end: dt.datetime) -> float:
    """Milligrams the segments delivered inside the window ``start``..``end`` (for day / week
    totals); the last segment runs until ``end``."""
    if end <= start or not segments:
        return 0.0
    mg = 0.0
    ends = [segment.start for segment in segments[1:]] + [end]
    for segment, segment_end in zip(segments, ends, strict=True):
        overlap_start = max(segment.start, start)
        overlap_end = min(segment_end, end)
        if overlap_end > overlap_start:
            mg += segment.mg_per_h * (overlap_end - overlap_start).total_seconds() / 3600
    return mg
