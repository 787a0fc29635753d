"""Headache-diary endpoints: headache, migraine, acute-medication and triptan days per period.

Sources: IHS guidelines for controlled trials of preventive treatment of chronic migraine
(Tassorelli C, et al. Cephalalgia 2018;38:815-832) and of episodic migraine (Diener HC, et al.
Cephalalgia 2020;40:1026-1044): a day is a calendar day (00:00-23:59, patient's time zone); a
month is 28 days; the primary endpoint is the change in monthly migraine days (MMD) from a 28-day
baseline; responders reach a >= 50 % reduction (also >= 75 % and 100 %; >= 30 % is reported for
chronic migraine).

The guidelines give no single operational definition of a migraine day (van der Arend BWH, et
al. Cephalalgia 2023), so every result names the definition used (docs/clinical-rules.md §4):
``4h`` (default) counts a day with (a) headache of >= 4 h with migraine features, (b) aura, or
(c) headache treated with acute migraine-specific medication (triptan, ergot, gepant, ditan:
van der Arend 2023 reads rule (c) as any of them; clinical-rules.md §9); ``30min`` is the same
with 30 min in (a). An aura day counts whatever the headache, since aura is itself a migraine
manifestation (ICHD-3 1.2.1.2).

Unknown duration is never imputed (clinical-rules.md §9): a day whose duration is a known lower
bound counts as a migraine day when the bound, aura or medication qualifies it; otherwise, with
migraine features, it is *indeterminate*: a headache day, not a migraine day, counted as
``indeterminate_days`` and in ``migraine_days_upper_28`` (every indeterminate day counted as a
migraine day), the upper end of a sensitivity range whose lower end is ``migraine_days_28``.

Days without an entry are missing, never headache-free: counts are normalised as
count x 28 / days recorded, and a period with fewer than 80 % of its days recorded is flagged.
The IHS guidelines ask for a baseline with sufficient data before a change is judged, so the MMD
change and the responder flags are ``None`` when the baseline or the follow-up period has
insufficient data (docs/clinical-rules.md §9), never computed from, say, 3 of 28 days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ketaclinic.clinical.acute_medications import MIGRAINE_SPECIFIC, NOT_COUNTED_FOR_OVERUSE
from ketaclinic.clinical.contracts import DiaryEntry, DiaryMetricsInput, DiaryPeriod
from ketaclinic.clinical.display import rounded
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.tolerance import TOLERANCE as _TOLERANCE

MONTH_DAYS = 28
MIN_RECORDED_FRACTION = 0.8
MAX_PERIOD_DAYS = 3_660
RESPONDER_THRESHOLDS = (30, 50, 75, 100)


@dataclass(frozen=True)
class MigraineDayDefinition:
    """A named, versioned rule for counting a calendar day as a migraine day."""

    name: str
    version: str
    min_hours_with_features: float


DEFINITIONS: dict[str, MigraineDayDefinition] = {
    "4h": MigraineDayDefinition("4h", "ketaclinic-migraine-day-4h-1", 4.0),
    "30min": MigraineDayDefinition("30min", "ketaclinic-migraine-day-30min-1", 0.5),
}

# ICHD-3 8.2 overuse thresholds in days a month, applied to 28-day normalised diary counts.
_OVERUSE_THRESHOLDS = (
    ("8.2.1", "ergot", 10),
    ("8.2.2", "triptan", 10),
    ("8.2.3.1", "paracetamol", 15),
    ("8.2.3.2", "nsaid", 15),
    ("8.2.4", "opioid", 10),
    ("8.2.5", "combination_analgesic", 10),
)
_NON_OPIOID = frozenset({"paracetamol", "nsaid"})


class DayRecord(Protocol):
    """What the counting rules read of a recorded day: a contract :class:`DiaryEntry`, or a day
    the diary app read from its table (whose constraints hold what :func:`check_entries` checks).
    """

    @property
    def date(self) -> dt.date: ...
    @property
    def headache(self) -> bool: ...
    @property
    def duration_hours(self) -> float | None: ...
    @property
    def duration_known(self) -> bool: ...
    @property
    def migraine_features(self) -> bool | None: ...
    @property
    def aura(self) -> bool: ...
    @property
    def acute_medication(self) -> Sequence[str]: ...


def is_migraine_day(entry: DayRecord, definition: MigraineDayDefinition) -> bool:
    """Whether ``entry``'s day is a migraine day under ``definition`` (module docstring)."""
    if entry.aura:
        return True
    if not entry.headache:
        return False
    if is_migraine_specific_day(entry):
        return True
    return bool(entry.migraine_features) and (
        (entry.duration_hours or 0) + _TOLERANCE >= definition.min_hours_with_features
    )


def is_migraine_specific_day(entry: DayRecord) -> bool:
    """A day with acute migraine-specific medication: triptan, ergot, gepant or ditan (§9)."""
    return any(name in MIGRAINE_SPECIFIC for name in entry.acute_medication)


def is_indeterminate_day(entry: DayRecord, definition: MigraineDayDefinition) -> bool:
    """A headache day with migraine features that only the unknown rest of its duration could
    make a migraine day (docs/clinical-rules.md §9, "Diary days"; module docstring)."""
    return (
        entry.headache
        and bool(entry.migraine_features)
        and not duration_known(entry)
        and not is_migraine_day(entry, definition)
    )


def duration_known(entry: DayRecord) -> bool:
    """Whether the day's hours are its attack's whole duration: not when the entry says they
    are a lower bound, nor when no hours were given at all (never imputed, clinical-rules.md §9)."""
    return entry.duration_known and entry.duration_hours is not None


@dataclass(frozen=True)
class OveruseWarning:
    """An acute-medication class used on at least its ICHD-3 8.2 threshold of days per 28."""

    code: str
    medication: str
    days_28: float
    threshold: int

    def to_dict(self) -> dict[str, Any]:
        """JSON of one warning."""
        return {
            "code": self.code,
            "medication": self.medication,
            "days_28": rounded(self.days_28),
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class PeriodMetrics:
    """The diary counts of one period, raw and normalised to 28 days."""

    start: dt.date
    end: dt.date
    days: int
    days_recorded: int
    headache_days: int
    migraine_days: int
    acute_medication_days: int
    triptan_days: int
    medication_overuse: tuple[OveruseWarning, ...]
    migraine_specific_days: int = 0
    indeterminate_days: int = 0
    not_counted_for_overuse: tuple[tuple[str, int], ...] = ()

    @property
    def insufficient_data(self) -> bool:
        """Fewer than 80 % of the period's days recorded."""
        return self.days_recorded < MIN_RECORDED_FRACTION * self.days - _TOLERANCE

    def per_28(self, count: int) -> float | None:
        """``count`` x 28 / days recorded; None when no day was recorded."""
        return None if self.days_recorded == 0 else count * MONTH_DAYS / self.days_recorded

    @property
    def migraine_days_28(self) -> float | None:
        """Monthly migraine days (MMD), normalised to 28 days."""
        return self.per_28(self.migraine_days)

    @property
    def migraine_days_upper_28(self) -> float | None:
        """MMD counting every indeterminate day as a migraine day: the sensitivity range's top."""
        return self.per_28(self.migraine_days + self.indeterminate_days)

    def to_dict(self) -> dict[str, Any]:
        """Contract JSON of a period."""
        counts = {
            "headache_days": self.headache_days,
            "migraine_days": self.migraine_days,
            "acute_medication_days": self.acute_medication_days,
            "triptan_days": self.triptan_days,
        }
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "days_recorded": self.days_recorded,
            **counts,
            **{f"{name}_28": rounded(self.per_28(count)) for name, count in counts.items()},
            "insufficient_data": self.insufficient_data,
            "migraine_specific_days": self.migraine_specific_days,
            "migraine_specific_days_28": rounded(self.per_28(self.migraine_specific_days)),
            "indeterminate_days": self.indeterminate_days,
            "migraine_days_upper_28": rounded(self.migraine_days_upper_28),
            "medication_overuse": [warning.to_dict() for warning in self.medication_overuse],
            "not_counted_for_overuse": [
                {"medication": name, "days": days, "days_28": rounded(self.per_28(days))}
                for name, days in self.not_counted_for_overuse
            ],
        }


@dataclass(frozen=True)
class FollowUpMetrics:
    """A follow-up period and its change in monthly migraine days from baseline."""

    period: PeriodMetrics
    mmd_change_percent: float | None

    def responder(self, threshold: int) -> bool | None:
        """A reduction of MMD by at least ``threshold`` %; None when change is undefined."""
        if self.mmd_change_percent is None:
            return None
        return self.mmd_change_percent <= -threshold + _TOLERANCE

    def to_dict(self) -> dict[str, Any]:
        """Contract JSON of a follow-up period."""
        return {
            **self.period.to_dict(),
            "mmd_change_percent": rounded(self.mmd_change_percent),
            **{f"responder_{t}": self.responder(t) for t in RESPONDER_THRESHOLDS},
        }


@dataclass(frozen=True)
class DiaryMetrics:
    """Baseline and follow-up metrics under one named migraine-day definition."""

    definition: MigraineDayDefinition
    baseline: PeriodMetrics
    follow_up: tuple[FollowUpMetrics, ...]

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON of ``ketaclinic diary-metrics``."""
        return {
            "definition": self.definition.name,
            "definition_version": self.definition.version,
            "baseline": self.baseline.to_dict(),
            "follow_up": [period.to_dict() for period in self.follow_up],
        }


def diary_metrics(request: DiaryMetricsInput) -> DiaryMetrics:
    """Baseline and follow-up diary endpoints (Tassorelli 2018; Diener 2020; module docstring)."""
    check_entries(request.entries)
    return recorded_metrics(
        request.entries,
        baseline=request.baseline,
        follow_up=request.follow_up,
        definition=request.definition,
    )


def recorded_metrics(
    entries: Iterable[DayRecord],
    *,
    baseline: DiaryPeriod,
    follow_up: Sequence[DiaryPeriod],
    definition: str,
) -> DiaryMetrics:
    """:func:`diary_metrics` of days already known to be one per date with no headache details
    on a headache-free day (what :func:`check_entries` refuses): the diary's own table, whose
    constraints hold both, counted without building a contract entry for each day.

    Each day is judged once (migraine day or not, its medication classes), then each period
    sums the days it covers: the chart counts two years of days in some thirty periods.
    """
    rule = DEFINITIONS[definition]
    days: dict[int, JudgedDay] = {}
    classes: dict[tuple[str, ...], frozenset[str]] = {}  # few combinations occur: made once
    for entry in entries:
        taken = tuple(entry.acute_medication)
        medication = classes.get(taken)
        if medication is None:
            medication = classes[taken] = frozenset(taken)
        days[entry.date.toordinal()] = judge_day(entry, rule, medication)
    baseline_metrics = period_metrics(baseline, days, "baseline")
    return DiaryMetrics(
        rule,
        baseline_metrics,
        tuple(
            FollowUpMetrics(
                metrics := period_metrics(period, days, f"follow_up[{index}]"),
                period_change_percent(baseline_metrics, metrics),
            )
            for index, period in enumerate(follow_up)
        ),
    )


# A recorded day as the counts read it, judged once and summed in every period covering it:
# headache day, migraine day, migraine-specific medication day, indeterminate day, the
# acute-medication classes taken. A plain tuple: the cheapest record to build, two years of
# days at a time.
JudgedDay = tuple[bool, bool, bool, bool, frozenset[str]]


def judge_day(
    entry: DayRecord, rule: MigraineDayDefinition, medication: frozenset[str]
) -> JudgedDay:
    """One recorded day's flags under ``rule`` (the one definition every path counts)."""
    migraine = is_migraine_day(entry, rule)
    return (
        entry.headache,
        migraine,
        bool(medication & MIGRAINE_SPECIFIC),
        entry.headache
        and bool(entry.migraine_features)
        and not duration_known(entry)
        and not migraine,
        medication,
    )


def mmd_change_percent(baseline_mmd: float | None, follow_up_mmd: float | None) -> float | None:
    """Percentage change in monthly migraine days (negative when fewer); None without baseline
    migraine days or without recorded follow-up days."""
    if baseline_mmd is None or follow_up_mmd is None or baseline_mmd == 0:
        return None
    return (follow_up_mmd - baseline_mmd) / baseline_mmd * 100


def period_change_percent(baseline: PeriodMetrics, follow_up: PeriodMetrics) -> float | None:
    """:func:`mmd_change_percent` of two periods, ``None`` when either has insufficient data
    (clinical-rules.md §9: responder flags are null for a period with < 80 % of days recorded,
    and for every period when the baseline has)."""
    if baseline.insufficient_data or follow_up.insufficient_data:
        return None
    return mmd_change_percent(baseline.migraine_days_28, follow_up.migraine_days_28)


def period_metrics(period: DiaryPeriod, days: dict[int, JudgedDay], name: str) -> PeriodMetrics:
    """Counts of one period (``days`` by date ordinal); days without an entry are missing, not
    headache-free."""
    if period.end < period.start:
        raise ClinicalInputError(
            f"{name}.end", period.end.isoformat(), f"on or after start ({period.start})"
        )
    first, last = period.start.toordinal(), period.end.toordinal()
    if last - first + 1 > MAX_PERIOD_DAYS:
        raise ClinicalInputError(
            f"{name}.end", period.end.isoformat(), f"at most {MAX_PERIOD_DAYS} days after start"
        )
    recorded = [day for ordinal in range(first, last + 1) if (day := days.get(ordinal))]
    # Days by their combination of classes (few occur), then days by class.
    combinations = Counter(medication for *_, medication in recorded)
    classes: Counter[str] = Counter()
    for medication, count in combinations.items():
        for drug_class in medication:
            classes[drug_class] += count
    metrics = PeriodMetrics(
        start=period.start,
        end=period.end,
        days=last - first + 1,
        days_recorded=len(recorded),
        headache_days=sum(day[0] for day in recorded),
        migraine_days=sum(day[1] for day in recorded),
        acute_medication_days=sum(count for taken, count in combinations.items() if taken),
        triptan_days=classes["triptan"],
        medication_overuse=(),
        migraine_specific_days=sum(day[2] for day in recorded),
        indeterminate_days=sum(day[3] for day in recorded),
    )
    if not classes:
        return metrics
    non_opioid = sum(count for taken, count in combinations.items() if taken & _NON_OPIOID)
    counted = sum(count for taken, count in combinations.items() if taken - NOT_COUNTED_FOR_OVERUSE)
    return replace(
        metrics,
        medication_overuse=_overuse(metrics, classes, non_opioid, counted),
        not_counted_for_overuse=tuple(
            (name, classes[name]) for name in sorted(NOT_COUNTED_FOR_OVERUSE) if classes[name]
        ),
    )


def _overuse(
    metrics: PeriodMetrics, classes: Counter[str], non_opioid_days: int, counted_days: int
) -> tuple[OveruseWarning, ...]:
    """Medication-overuse warnings from the diary itself, by the ICHD-3 8.2 thresholds, from the
    days each class was taken (``classes``), the days of paracetamol or an NSAID, and the days of
    any class 8.2 counts (``counted_days``). Gepants, ditans and intranasal ketamine are left out
    (docs/clinical-rules.md §9: reported, not counted, until ICHD defines them).

    A warning, not a diagnosis: 8.2 also needs headache on >= 15 days a month and overuse for
    more than 3 months, which a clinician confirms. In a period with too few recorded days the
    count is not extrapolated (one day of triptan is not 28): missing days count as days without
    medication, a lower bound.
    """
    warnings = [
        OveruseWarning(code, medication, days_28, threshold)
        for code, medication, threshold in _OVERUSE_THRESHOLDS
        if (days_28 := _days_28(metrics, classes[medication])) + _TOLERANCE >= threshold
    ]
    singles = {warning.medication for warning in warnings}
    non_opioid = _days_28(metrics, non_opioid_days)
    if not singles & _NON_OPIOID and non_opioid + _TOLERANCE >= 15:
        warnings.append(OveruseWarning("8.2.3", "non_opioid_analgesic", non_opioid, 15))
    groups = {
        "non_opioid" if name in _NON_OPIOID else name
        for name, days in classes.items()
        if days and name not in NOT_COUNTED_FOR_OVERUSE
    }
    any_days = _days_28(metrics, counted_days)
    if not warnings and len(groups) >= 2 and any_days + _TOLERANCE >= 10:
        warnings.append(OveruseWarning("8.2.6", "multiple_classes", any_days, 10))
    return tuple(warnings)


def _days_28(metrics: PeriodMetrics, count: int) -> float:
    """Days per 28 for overuse warnings: normalised, or a lower bound when data are sparse."""
    if metrics.insufficient_data:
        return count * MONTH_DAYS / metrics.days
    return count * MONTH_DAYS / metrics.days_recorded


def check_entries(entries: Sequence[DiaryEntry]) -> None:
    """One entry per day; a headache-free day carries no headache details."""
    seen: set[dt.date] = set()
    for index, entry in enumerate(entries):
        if entry.date in seen:
            raise ClinicalInputError(
                f"entries[{index}].date", entry.date.isoformat(), "one entry per calendar day"
            )
        seen.add(entry.date)
        if entry.headache:
            continue
        for name, value, empty in (
            ("duration_hours", entry.duration_hours, (None, 0)),
            ("pain", entry.pain, (None, 0)),
            ("migraine_features", entry.migraine_features, (None, False)),
        ):
            if value not in empty:
                raise ClinicalInputError(
                    f"entries[{index}].{name}", value, "nothing on a day without headache"
                )
