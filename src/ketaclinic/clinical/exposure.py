"""Cumulative ketamine exposure of one patient, and the clinic's ceilings on it.

Why it is counted: repeated ketamine injures the bladder (ketamine cystitis and uropathy: Chu PS
et al., BJU Int 2008;102:1616; worse with frequent use and higher doses: Morgan CJA, Curran HV,
Addiction 2012;107:27-38, the review of ketamine use and harms) and the liver (cholestatic injury
after repeated prolonged S-ketamine infusions: Noppers IM et al., Pain 2011;152:2173). The
ASRA/AAPM/ASA consensus on ketamine for chronic pain (Cohen SP et al., Reg Anesth Pain Med
2018;43:521-546; the companion acute-pain guideline is Schwenk ES et al., same journal,
2018;43:456) asks for liver tests with frequent or high-dose infusions but sets no cumulative
number. No published source gives a ceiling on cumulative dose for migraine: every default below
is **KetaClinic's reading (to verify)**, a clinic setting, and a clinician decides
(docs/clinical-rules.md §11).

What counts (the record's own per-session totals, never re-derived): a clinic session's
``total_mg`` as stopped (``clinical.session_totals``, the snapshot ``stop_session`` stores), a
running session's total so far, and each home intranasal use the patient logged (sprays x the
prescription's mg per spray). A session counts at its start; a home use at its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ketaclinic.clinical.errors import ClinicalInputError

EXPOSURE_SOURCE = (
    "Morgan & Curran, Addiction 2012;107:27 (cystitis with frequent use); Noppers, Pain "
    "2011;152:2173 (liver injury with repeated infusions); Cohen 2018 ASRA/AAPM/ASA consensus "
    "(Reg Anesth Pain Med 2018;43:521): ceilings are KetaClinic's reading (to verify)"
)
WINDOW_30 = 30
WINDOW_90 = 90

Kind = Literal["session", "home"]
Level = Literal["soft", "hard"]
Metric = Literal["mg_30d", "mg_90d", "mg_lifetime", "sessions_30d", "sessions_90d"]

METRIC_LABELS: dict[str, str] = {
    "mg_30d": "mg in the last 30 days",
    "mg_90d": "mg in the last 90 days",
    "mg_lifetime": "mg in the record (lifetime)",
    "sessions_30d": "sessions in the last 30 days",
    "sessions_90d": "sessions in the last 90 days",
}


@dataclass(frozen=True)
class Dose:
    """Milligrams given at ``at``: a clinic session (with its dosing weight) or a home use."""

    at: dt.datetime
    mg: float
    kind: Kind = "session"
    weight_kg: float | None = None


@dataclass(frozen=True)
class Ceiling:
    """A soft ceiling warns; a hard one needs a clinician's written reason. None: no ceiling."""

    soft: float | None = None
    hard: float | None = None


@dataclass(frozen=True)
class Ceilings:
    """The clinic's ceilings (defaults: KetaClinic's reading, to verify; see the module).

    A weekly outpatient course (Pomeroy 2017 style, 4-5 sessions a month of up to ~100-200 mg)
    stays under the soft ones; a five-day continuous inpatient infusion (up to ~5 g) crosses the
    30-day soft ceiling and asks the clinician to look.
    """

    mg_30d: Ceiling = Ceiling(soft=2000, hard=6000)
    mg_90d: Ceiling = Ceiling(soft=4000, hard=12000)
    mg_lifetime: Ceiling = Ceiling(soft=20000, hard=None)
    sessions_30d: Ceiling = Ceiling(soft=6, hard=10)
    sessions_90d: Ceiling = Ceiling(soft=12, hard=24)


DEFAULT_CEILINGS = Ceilings()


@dataclass(frozen=True)
class Exposure:
    """Totals as of ``now``; per-session figures are for the latest session (None before one)."""

    last_session_mg: float | None
    last_session_mg_per_kg: float | None
    mg_30d: float
    mg_90d: float
    mg_lifetime: float
    home_mg_90d: float
    sessions_30d: int
    sessions_90d: int
    sessions_lifetime: int
    days_since_last_session: int | None

    def value(self, metric: str) -> float:
        """The figure a ceiling is judged on."""
        return float(getattr(self, metric))


@dataclass(frozen=True)
class Breach:
    """A ceiling crossed: which, how far, its level and the source."""

    metric: str
    level: Level
    value: float
    limit: float
    source: str = EXPOSURE_SOURCE

    @property
    def message(self) -> str:
        word = "hard ceiling" if self.level == "hard" else "soft ceiling"
        return (
            f"{_plain(self.value)} {METRIC_LABELS[self.metric]}: above the {word} of "
            f"{_plain(self.limit)}"
        )


def _plain(number: float) -> str:
    return f"{number:.0f}" if abs(number - round(number)) < 0.05 else f"{number:.1f}"


def _check(doses: Sequence[Dose], now: dt.datetime) -> None:
    for index, dose in enumerate(doses):
        if not dose.mg >= 0:
            raise ClinicalInputError(f"doses[{index}].mg", dose.mg, "0 mg or more")
        if dose.at > now:
            raise ClinicalInputError(f"doses[{index}].at", dose.at.isoformat(), "not after now")
        if dose.weight_kg is not None and dose.weight_kg <= 0:
            raise ClinicalInputError(f"doses[{index}].weight_kg", dose.weight_kg, "above 0 kg")


def cumulative_exposure(doses: Sequence[Dose], now: dt.datetime) -> Exposure:
    """Totals over rolling 30 and 90 days (a dose counts when ``now - at`` is under the window,
    so one given exactly 30 days ago has left the 30-day window), the whole record, sessions per
    window, days since the latest session, and that session's mg and mg/kg (dosing weight)."""
    _check(doses, now)
    since_30 = now - dt.timedelta(days=WINDOW_30)
    since_90 = now - dt.timedelta(days=WINDOW_90)
    sessions = sorted((d for d in doses if d.kind == "session"), key=lambda d: d.at)
    last = sessions[-1] if sessions else None
    per_kg = None
    if last is not None and last.weight_kg is not None:
        per_kg = last.mg / last.weight_kg
    return Exposure(
        last_session_mg=None if last is None else last.mg,
        last_session_mg_per_kg=per_kg,
        mg_30d=sum(d.mg for d in doses if d.at > since_30),
        mg_90d=sum(d.mg for d in doses if d.at > since_90),
        mg_lifetime=sum(d.mg for d in doses),
        home_mg_90d=sum(d.mg for d in doses if d.kind == "home" and d.at > since_90),
        sessions_30d=sum(1 for d in sessions if d.at > since_30),
        sessions_90d=sum(1 for d in sessions if d.at > since_90),
        sessions_lifetime=len(sessions),
        days_since_last_session=None if last is None else (now - last.at).days,
    )


def check_ceilings(exposure: Exposure, ceilings: Ceilings = DEFAULT_CEILINGS) -> tuple[Breach, ...]:
    """Every ceiling the exposure is strictly above: the hard one when both are crossed."""
    breaches: list[Breach] = []
    for metric in METRIC_LABELS:
        ceiling: Ceiling = getattr(ceilings, metric)
        value = exposure.value(metric)
        if ceiling.hard is not None and value > ceiling.hard:
            breaches.append(Breach(metric, "hard", value, ceiling.hard))
        elif ceiling.soft is not None and value > ceiling.soft:
            breaches.append(Breach(metric, "soft", value, ceiling.soft))
    return tuple(breaches)


def with_planned(exposure: Exposure, *, sessions: int, spacing_days: int) -> Exposure:
    """The exposure once a plan's next sessions are given (for approval): counts only, since a
    plan's mg per session is not known until it is charted. ``sessions`` sessions ``spacing_days``
    apart from today: how many fall within the next 30 and 90 days."""
    if sessions < 0:
        raise ClinicalInputError("sessions", sessions, "0 or more")
    if spacing_days < 0:
        raise ClinicalInputError("spacing_days", spacing_days, "0 or more")
    in_30 = sum(1 for n in range(sessions) if n * spacing_days < WINDOW_30)
    in_90 = sum(1 for n in range(sessions) if n * spacing_days < WINDOW_90)
    return Exposure(
        last_session_mg=exposure.last_session_mg,
        last_session_mg_per_kg=exposure.last_session_mg_per_kg,
        mg_30d=exposure.mg_30d,
        mg_90d=exposure.mg_90d,
        mg_lifetime=exposure.mg_lifetime,
        home_mg_90d=exposure.home_mg_90d,
        sessions_30d=exposure.sessions_30d + in_30,
        sessions_90d=exposure.sessions_90d + in_90,
        sessions_lifetime=exposure.sessions_lifetime + sessions,
        days_since_last_session=exposure.days_since_last_session,
    )
