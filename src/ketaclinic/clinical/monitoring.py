"""Monitoring with repeated ketamine: liver tests, urinalysis and bladder symptoms (BPIC-SS).

Why: repeated ketamine causes cholestatic liver injury (Noppers IM et al., Pain 2011;152:2173)
and ketamine cystitis (Chu PS et al., BJU Int 2008;102:1616; Morgan CJA, Curran HV, Addiction
2012;107:27). The ASRA/AAPM/ASA consensus (Cohen SP et al., Reg Anesth Pain Med 2018;43:521)
asks for liver tests with frequent or high-dose infusions, without an interval.
docs/clinical-rules.md §11.

Results are entered by staff; a value outside the physiological range is refused. Stop rules
(each asks a clinician to review before the next session; none decides):

- Liver (drug-induced liver injury criteria: Aithal GP et al., Clin Pharmacol Ther
  2011;89:806-815, and EASL Clinical Practice Guidelines: Drug-induced liver injury, J Hepatol
  2019;70:1222-1261, define a DILI case as ALT >= 5 x ULN, or ALP >= 2 x ULN, or ALT >= 3 x ULN
  with bilirubin > 2 x ULN). KetaClinic stops earlier, at ALT or AST > 3 x ULN alone (the
  brief's conservative reading, to verify), and at ALP > 2 x ULN or bilirubin > 2 x ULN. GGT
  above the ULN is shown, never a stop (not in the DILI criteria). Any analyte above its ULN
  but under the stop rule is "abnormal": shown, not blocking.
- Urinalysis: haematuria (dipstick blood 1+ or more) with bladder symptoms (frequency, urgency,
  dysuria, suprapubic pain: asked when the sample is taken) is a stop (ketamine cystitis, Chu
  2008); haematuria, leucocytes or protein 1+ or more alone is abnormal.
- BPIC-SS (Humphrey L et al., Eur Urol 2012;61:271-279: 8 items, total 0-38, a score of 19 or
  more identifies clinically significant bladder pain; to verify against the paper): crossing to
  19 or more, or a rise of 5 points or more from the first score (KetaClinic default, to
  verify; no minimal important difference is published that we have read). The item text is
  the developer's copyright, so KetaClinic stores the total only (as it does for HIT-6).

Schedule (KetaClinic's reading, a clinic setting): each item at baseline and again every 6
sessions, every 2000 mg, or every 90 days since its last result, whichever comes first; "due"
from 14 days or 1 session or 80 % of the mg before. An overdue item or an unreviewed stop blocks
the next session's check-in until a clinician reviews (with a reason) or a normal result is
entered. Where no result exists the interval counts from the first session, so a missing
baseline is "due" before the first session and overdue once the interval has passed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ketaclinic.clinical.errors import ClinicalInputError

AITHAL_2011 = (
    "Aithal 2011 DILI criteria (Clin Pharmacol Ther 2011;89:806); EASL DILI guideline (J Hepatol "
    "2019;70:1222): KetaClinic stops at ALT/AST > 3 x ULN (to verify)"
)
CHU_2008 = "Ketamine cystitis: Chu 2008 BJU Int 102:1616; Morgan & Curran 2012 Addiction 107:27"
HUMPHREY_2012 = "BPIC-SS: Humphrey 2012 Eur Urol 61:271 (0-38, >= 19 significant; to verify)"
SCHEDULE_SOURCE = (
    "KetaClinic's reading (to verify): Cohen 2018 consensus asks for liver tests with frequent "
    "or high-dose infusions; Noppers 2011 Pain 152:2173"
)

Item = Literal["liver", "urinalysis", "bpic_ss"]
ITEMS: dict[str, str] = {
    "liver": "Liver tests",
    "urinalysis": "Urinalysis",
    "bpic_ss": "Bladder symptoms (BPIC-SS)",
}
Status = Literal["ok", "due", "overdue", "stop"]
FindingKind = Literal["normal", "abnormal", "stop"]

DIPSTICK = ("negative", "trace", "1+", "2+", "3+")
"""Dipstick grades stored as 0-4 (index in this tuple)."""
DIPSTICK_POSITIVE = 2  # 1+ or more
BPIC_SS_MAX = 38
BPIC_SS_SIGNIFICANT = 19
BPIC_SS_RISE = 5
LIVER_STOP_ULN: dict[str, float] = {"alt": 3, "ast": 3, "alp": 2, "bilirubin": 2}


@dataclass(frozen=True)
class Analyte:
    """A measured value: its item, unit, the physiological range a typed value must lie in, and
    a default upper limit of normal (None: graded, no ULN)."""

    key: str
    label: str
    item: Item
    unit: str
    minimum: float
    maximum: float
    uln: float | None = None
    integer: bool = False

    def check(self, value: float, name: str | None = None) -> float:
        ok = math.isfinite(value) and self.minimum <= value <= self.maximum
        if ok and self.integer:
            ok = float(value).is_integer()
        if not ok:
            kind = "an integer" if self.integer else "a number"
            raise ClinicalInputError(
                name or self.key,
                value,
                f"{kind} from {self.minimum:g} to {self.maximum:g} {self.unit}".rstrip(),
            )
        return value


ANALYTES: dict[str, Analyte] = {
    a.key: a
    for a in (
        # Default ULNs: common adult laboratory reference ranges (site-configurable; each lab
        # prints its own, enter that one).
        Analyte("alt", "ALT", "liver", "U/L", 0, 10000, 40),
        Analyte("ast", "AST", "liver", "U/L", 0, 10000, 40),
        Analyte("alp", "ALP", "liver", "U/L", 0, 5000, 130),
        Analyte("bilirubin", "Bilirubin (total)", "liver", "umol/L", 0, 1000, 21),
        Analyte("ggt", "GGT", "liver", "U/L", 0, 5000, 60),
        Analyte("urine_blood", "Blood (dipstick)", "urinalysis", "grade", 0, 4, integer=True),
        Analyte(
            "urine_leucocytes", "Leucocytes (dipstick)", "urinalysis", "grade", 0, 4, integer=True
        ),
        Analyte("urine_protein", "Protein (dipstick)", "urinalysis", "grade", 0, 4, integer=True),
        Analyte("bpic_ss", "BPIC-SS total", "bpic_ss", "points", 0, BPIC_SS_MAX, integer=True),
    )
}
ULN_RANGE = (1.0, 1000.0)
"""A site's ULN for an analyte must lie in 1-1000 of its unit."""


def analytes_of(item: str) -> tuple[Analyte, ...]:
    return tuple(a for a in ANALYTES.values() if a.item == item)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    key: str
    message: str
    source: str = ""


def check_uln(key: str, uln: float) -> float:
    """A site's upper limit of normal for ``key`` (1-1000 of its unit)."""
    low, high = ULN_RANGE
    if not (math.isfinite(uln) and low <= uln <= high):
        raise ClinicalInputError(f"uln.{key}", uln, f"a number from {low:g} to {high:g}")
    return uln


def check_result(item: str, values: Mapping[str, float]) -> dict[str, float]:
    """The values of one result of ``item``: every analyte of the item given, each in range;
    liver tests may leave out GGT (not every panel has it)."""
    if item not in ITEMS:
        raise ClinicalInputError("item", item, "one of " + ", ".join(ITEMS))
    names = {a.key for a in analytes_of(item)}
    for key in values:
        if key not in names:
            raise ClinicalInputError(key, values[key], f"not part of {ITEMS[item]}")
    checked: dict[str, float] = {}
    for analyte in analytes_of(item):
        if analyte.key not in values:
            if analyte.key == "ggt":
                continue
            raise ClinicalInputError(analyte.key, None, f"a value in {analyte.unit}")
        checked[analyte.key] = analyte.check(values[analyte.key])
    return checked


def liver_findings(values: Mapping[str, float], uln: Mapping[str, float]) -> tuple[Finding, ...]:
    """Stop at ALT or AST > 3 x ULN, ALP or bilirubin > 2 x ULN (Aithal 2011, KetaClinic's
    stricter reading); above the ULN otherwise is abnormal; else normal."""
    findings = []
    for key, value in values.items():
        limit = uln[key]
        label = ANALYTES[key].label
        times = LIVER_STOP_ULN.get(key)
        if times is not None and value > times * limit:
            findings.append(
                Finding("stop", key, f"{label} {value:g}: above {times:g} x ULN", AITHAL_2011)
            )
        elif value > limit:
            findings.append(
                Finding("abnormal", key, f"{label} {value:g}: above the ULN {limit:g}", AITHAL_2011)
            )
    return tuple(findings) or (Finding("normal", "liver", "Liver tests within normal limits"),)


def urinalysis_findings(values: Mapping[str, float], bladder_symptoms: bool) -> tuple[Finding, ...]:
    """Haematuria (blood 1+ or more) with bladder symptoms is a stop (Chu 2008); blood,
    leucocytes or protein 1+ or more alone is abnormal."""
    findings = []
    blood = values["urine_blood"] >= DIPSTICK_POSITIVE
    if blood and bladder_symptoms:
        findings.append(
            Finding("stop", "urine_blood", "Haematuria with bladder symptoms", CHU_2008)
        )
    for key in ("urine_blood", "urine_leucocytes", "urine_protein"):
        grade = int(values[key])
        if grade >= DIPSTICK_POSITIVE and not (key == "urine_blood" and bladder_symptoms):
            label = ANALYTES[key].label
            findings.append(Finding("abnormal", key, f"{label} {DIPSTICK[grade]}", CHU_2008))
    if bladder_symptoms and not blood:
        findings.append(
            Finding("abnormal", "bladder_symptoms", "Bladder symptoms reported", CHU_2008)
        )
    return tuple(findings) or (Finding("normal", "urinalysis", "Urinalysis negative"),)


def bpic_findings(
    score: float,
    first: float | None,
    *,
    significant: int = BPIC_SS_SIGNIFICANT,
    rise: int = BPIC_SS_RISE,
) -> tuple[Finding, ...]:
    """A stop at 19 or more (Humphrey 2012) or a rise of ``rise`` points from the first score
    (KetaClinic default, to verify); else normal."""
    findings = []
    if score >= significant:
        findings.append(
            Finding("stop", "bpic_ss", f"BPIC-SS {score:g}: {significant} or more", HUMPHREY_2012)
        )
    if first is not None and score - first >= rise:
        findings.append(
            Finding(
                "stop",
                "bpic_ss_rise",
                f"BPIC-SS rose {score - first:g} points from {first:g} ({rise} or more)",
                HUMPHREY_2012,
            )
        )
    return tuple(findings) or (Finding("normal", "bpic_ss", f"BPIC-SS {score:g}"),)


def worst(findings: tuple[Finding, ...]) -> FindingKind:
    kinds = {f.kind for f in findings}
    return "stop" if "stop" in kinds else "abnormal" if "abnormal" in kinds else "normal"


@dataclass(frozen=True)
class Interval:
    """Re-test when any is reached since the last result (None: that trigger is off)."""

    sessions: int | None = 6
    mg: float | None = 2000
    days: int | None = 90
    due_days_before: int = 14


DEFAULT_INTERVAL = Interval()


@dataclass(frozen=True)
class ItemInput:
    """One item's history: when its latest result was taken (None: never) and how it read;
    ``reviewed``: a clinician reviewed after that result (a stop stops blocking)."""

    item: Item
    last_at: dt.datetime | None
    last_kind: FindingKind | None = None
    reviewed: bool = False


@dataclass(frozen=True)
class ItemStatus:
    item: str
    status: Status
    reasons: tuple[str, ...]
    last_at: dt.datetime | None
    blocks: bool

    @property
    def label(self) -> str:
        return {
            "ok": "up to date",
            "due": "due",
            "overdue": "overdue",
            "stop": "stop: needs review",
        }[self.status]


@dataclass(frozen=True)
class SinceLast:
    """Sessions started and mg given since the item's last result (or since the first session
    when there is none), and the first session's start."""

    sessions: int
    mg: float


def item_status(
    data: ItemInput,
    since: SinceLast,
    now: dt.datetime,
    *,
    first_session_at: dt.datetime | None,
    interval: Interval = DEFAULT_INTERVAL,
    overdue_reviewed: bool = False,
) -> ItemStatus:
    """``stop`` while the latest result trips a stop rule and no clinician has reviewed it;
    ``overdue`` when an interval is reached since the last result (a missing baseline counts
    from the first session; before any session it is ``due``), unless a clinician reviewed
    since the last session started (``overdue_reviewed``: one more session allowed); ``due``
    within ``due_days_before`` days, 1 session or 80 % of the mg; else ``ok``."""
    if data.last_kind == "stop" and not data.reviewed:
        return ItemStatus(
            data.item, "stop", ("latest result trips a stop rule",), data.last_at, True
        )
    start = data.last_at or first_session_at
    if start is None:
        return ItemStatus(data.item, "due", ("baseline before the first session",), None, False)
    days = (now - start).days
    reached: list[str] = []
    near: list[str] = []
    if interval.sessions is not None:
        if since.sessions >= interval.sessions:
            reached.append(f"{since.sessions} sessions since (every {interval.sessions})")
        elif since.sessions >= interval.sessions - 1:
            near.append(f"{since.sessions} sessions since (every {interval.sessions})")
    if interval.mg is not None:
        if since.mg >= interval.mg:
            reached.append(f"{since.mg:.0f} mg since (every {interval.mg:g} mg)")
        elif since.mg >= 0.8 * interval.mg:
            near.append(f"{since.mg:.0f} mg since (every {interval.mg:g} mg)")
    if interval.days is not None:
        if days >= interval.days:
            reached.append(f"{days} days since (every {interval.days})")
        elif days >= interval.days - interval.due_days_before:
            near.append(f"{days} days since (every {interval.days})")
    if data.last_at is None and not reached:
        return ItemStatus(data.item, "due", ("no baseline result", *near), None, False)
    if reached:
        if data.last_at is None:
            reached.append("no baseline result")
        return ItemStatus(data.item, "overdue", tuple(reached), data.last_at, not overdue_reviewed)
    if near:
        return ItemStatus(data.item, "due", tuple(near), data.last_at, False)
    return ItemStatus(data.item, "ok", (), data.last_at, False)


@dataclass(frozen=True)
class Schedule:
    items: tuple[ItemStatus, ...] = field(default_factory=tuple)

    @property
    def blocking(self) -> tuple[ItemStatus, ...]:
        return tuple(i for i in self.items if i.blocks)

    @property
    def status(self) -> Status:
        order: tuple[Status, ...] = ("stop", "overdue", "due")
        for status in order:
            if any(i.status == status for i in self.items):
                return status
        return "ok"

    def block_message(self) -> str:
        parts = [f"{ITEMS[i.item]} {i.label}" for i in self.blocking]
        return (
            "monitoring must be reviewed by a clinician (or a normal result entered) before "
            "this session: " + "; ".join(parts)
        )
