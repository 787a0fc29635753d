"""Building blocks of the ICHD-3 classifier: criteria, assessments and their wording.

Source of every rule built from these: Headache Classification Committee of the International
Headache Society, The International Classification of Headache Disorders, 3rd edition,
Cephalalgia 2018;38(1):1-211 (ICHD-3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

RULES_VERSION = "ichd3-2018.1"
"""Version of KetaClinic's ICHD-3 rules; stored with every confirmed diagnosis."""


@dataclass(frozen=True)
class Criterion:
    """One lettered criterion of a diagnosis: met or not, and a sentence saying why."""

    key: str
    met: bool
    why: str

    @property
    def sentence(self) -> str:
        """``"A: 12 attacks (at least 5 required)"``."""
        return f"{self.key}: {self.why}"


@dataclass(frozen=True)
class Assessment:
    """An ICHD-3 code checked against its criteria.

    ``superseded_by`` names the code that takes precedence when every criterion is met but
    ICHD-3's hierarchy rules give another diagnosis instead (definite over probable; 1.3 over
    the episodic types and over tension-type headache).
    """

    code: str
    name: str
    criteria: tuple[Criterion, ...]
    subtype: tuple[str, str] | None = None
    superseded_by: tuple[str, str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def met(self) -> bool:
        """Every criterion is met."""
        return all(criterion.met for criterion in self.criteria)

    @property
    def diagnosed(self) -> bool:
        """Met and not superseded: the code is given."""
        return self.met and self.superseded_by is None

    @property
    def failed(self) -> tuple[str, ...]:
        """Sentences for the criteria not met (or for the precedence rule that applied)."""
        if self.met and self.superseded_by is not None:
            code, reason = self.superseded_by
            return (f"criteria met, but coded as {code}: {reason}",)
        return tuple(c.sentence for c in self.criteria if not c.met)

    def criterion(self, key: str) -> Criterion:
        """The criterion called ``key``."""
        return next(c for c in self.criteria if c.key == key)

    def superseded(self, code: str, reason: str) -> Assessment:
        """This assessment, marked as giving way to ``code`` for ``reason``."""
        return Assessment(
            self.code, self.name, self.criteria, self.subtype, (code, reason), self.notes
        )


def not_better_accounted(key: str, better_accounted: bool) -> Criterion:
    """The last criterion of every ICHD-3 diagnosis: not better accounted for by another one."""
    if better_accounted:
        return Criterion(key, False, "another ICHD-3 diagnosis accounts better for the headache")
    return Criterion(key, True, "not better accounted for by another ICHD-3 diagnosis")


def number(value: float) -> str:
    """``12.0`` as ``12``, ``7.5`` as ``7.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def listed(items: Iterable[str]) -> str:
    """``["a", "b", "c"]`` as ``"a, b and c"``; an empty list as ``"none"``."""
    words = list(items)
    if not words:
        return "none"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def days_for_months(days: float | None, months: int | None) -> str:
    """``"20 days/month for 6 months"``, saying which part was not given."""
    days_text = "days/month not given" if days is None else f"{number(days)} days/month"
    months_text = "months not given" if months is None else f"{months} months"
    return f"{days_text} for {months_text}"


def at_least_for_more_than(
    days: float | None, months: int | None, minimum_days: float, more_than_months: int
) -> bool:
    """``days >= minimum_days`` for more than ``more_than_months`` (unknown is not met)."""
    if days is None or months is None:
        return False
    return days >= minimum_days and months > more_than_months
