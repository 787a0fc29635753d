"""``/api/diary``: the headache diary as JSON, for the patient (read and write) and site staff
(read). A save sends the version it read; a stale one answers 409 with the current version."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ketaclinic.accounts.roles import Role
from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn, StrictIn
from ketaclinic.diary import actions, queries
from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors, MedicationEntry
from ketaclinic.diary.metrics import diary_summary
from ketaclinic.diary.models import Attack, AttackMedication, DiaryDay, DiaryDayVersion
from ketaclinic.instruments.queries import first_course_start

router = Router(tags=["diary"])
MAX_RANGE_DAYS = 800


class DaySummaryOut(Schema):
    date: date
    version: int
    headache_free: bool
    headache: bool
    duration_hours: float | None
    pain: int | None
    migraine_features: bool
    aura: bool
    attack_count: int
    acute_medication: list[str]

    @staticmethod
    def resolve_acute_medication(obj: DiaryDay) -> list[str]:
        return obj.medication_classes


class MedicationIO(StrictIn):
    drug: str = Field(..., max_length=40, description="A code of the acute-medication list")
    dose_mg: Decimal | None = Field(None, gt=0, le=5000)
    taken_at: datetime | None = None
    relief_2h: str = Field("", description="pain_free, better, no_better, or empty")


class AttackIO(StrictIn):
    started_at: datetime
    ended_at: datetime | None = None
    still_going: bool | None = Field(
        None,
        description="Without ended_at: true (the default) when the attack is still going, so "
        "it is confirmed until the save; false when it ended at an unknown time",
    )
    known_until: datetime | None = Field(
        None, description="Without ended_at: the last moment the attack was known to go on"
    )
    pain: int = Field(..., ge=0, le=10)
    location: str = ""
    pulsating: bool = False
    worse_with_activity: bool = False
    aura: bool = False
    nausea: bool = False
    photophobia: bool = False
    phonophobia: bool = False
    medications: list[MedicationIO] = Field(default_factory=list, max_length=6)


class FactorsIO(StrictIn):
    sleep_quality: str = ""
    stress: str = ""
    menstruation: str = ""
    triggers: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=2000)


class DayOut(Schema):
    date: date
    version: int
    headache_free: bool
    attacks: list[AttackIO]
    factors: FactorsIO
    recorded_at: datetime
    recorded_by: str


class DayIn(StrictIn):
    version: int = Field(..., ge=0, description="The version you read; 0 for a new day.")
    headache_free: bool = False
    attacks: list[AttackIO] = Field(default_factory=list, max_length=10)
    factors: FactorsIO | None = None
    reason: str = Field("", max_length=240)


class RangeIn(BoundedIn):
    start: date
    end: date


_ATTACK_FIELDS = tuple(name for name in AttackIO.model_fields if name != "medications")
_CENTS = Decimal("0.01")  # AttackMedication.dose_mg's two decimal places


def _stored(value: Any) -> Any:
    """A value as the database gives it back: times in UTC, doses to their two decimals, so a
    save's answer (built from what it wrote) reads exactly as a later GET of the same day."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, Decimal):
        return value.quantize(_CENTS)
    return value


def _attack_out(attack: Attack, medications: list[AttackMedication]) -> dict[str, Any]:
    return {
        **{name: _stored(getattr(attack, name)) for name in _ATTACK_FIELDS},
        "medications": [
            {
                "drug": med.drug,
                "dose_mg": _stored(med.dose_mg),
                "taken_at": _stored(med.taken_at),
                "relief_2h": med.relief_2h,
            }
            for med in medications
        ],
    }


def _stored_attacks(version: DiaryDayVersion) -> list[tuple[Attack, list[AttackMedication]]]:
    """A version's attacks with their medicines, as prefetched by the diary's queries."""
    return [(attack, list(attack.medications.all())) for attack in version.attacks.all()]


def _day_out(
    row: DiaryDay,
    version: DiaryDayVersion,
    attacks: list[tuple[Attack, list[AttackMedication]]] | None = None,
) -> dict[str, Any]:
    if attacks is None:
        attacks = _stored_attacks(version)
    return {
        "date": row.date,
        "version": version.version,
        "headache_free": version.headache_free,
        "attacks": [_attack_out(attack, medications) for attack, medications in attacks],
        "factors": {
            "sleep_quality": version.sleep_quality,
            "stress": version.stress,
            "menstruation": version.menstruation,
            "triggers": version.triggers,
            "note": version.note,
        },
        "recorded_at": _stored(version.recorded_at),
        "recorded_by": version.recorded_by.get_username(),
    }


def _entry(payload: DayIn) -> DayEntry:
    return DayEntry(
        headache_free=payload.headache_free,
        attacks=tuple(
            AttackEntry(
                **attack.model_dump(exclude={"medications", "still_going"}),
                still_going=attack.ended_at is None
                and attack.known_until is None
                and attack.still_going is not False,
                medications=tuple(
                    MedicationEntry(**med.model_dump()) for med in attack.medications
                ),
            )
            for attack in payload.attacks
        ),
        factors=DayFactors(
            **{**payload.factors.model_dump(), "triggers": tuple(payload.factors.triggers)}
        )
        if payload.factors is not None
        else DayFactors(),
    )


@router.get("/{patient_id}/days", response=list[DaySummaryOut])
def list_days(request: HttpRequest, patient_id: int, span: Query[RangeIn]) -> list[DiaryDay]:
    """Recorded days from ``start`` to ``end`` (at most 800 days); a missing day has no row."""
    patient = queries.diary_patient(current_user(request), patient_id)
    end = min(span.end, span.start + timedelta(days=MAX_RANGE_DAYS))
    return queries.list_days(patient, span.start, end)


@router.get("/{patient_id}/days/{day}", response={200: DayOut, 404: dict[str, str]})
def get_day(request: HttpRequest, patient_id: int, day: date) -> Any:
    patient = queries.diary_patient(current_user(request), patient_id)
    view = queries.day_view(patient, day)
    if view.row is None or view.version is None:
        return Status(404, {"detail": "not recorded: a missing day"})
    return _day_out(view.row, view.version)


@router.put("/{patient_id}/days/{day}", response=DayOut)
def save_day(request: HttpRequest, patient_id: int, day: date, payload: DayIn) -> dict[str, Any]:
    """The patient saves the whole day as a new version (optimistic concurrency: 409 if stale)."""
    user = current_user(request)
    patient = queries.diary_patient(user, patient_id)
    if user.role != Role.PATIENT:
        raise PermissionDenied("only the patient writes in their diary")
    saved = actions.write_day(
        actor=user,
        patient=patient,
        day=day,
        expected_version=payload.version,
        entry=_entry(payload),
        reason=payload.reason,
    )
    return _day_out(saved.row, saved.version, saved.attacks)


@router.get("/{patient_id}/days/{day}/history", response=list[DayOut])
def day_history(request: HttpRequest, patient_id: int, day: date) -> list[dict[str, Any]]:
    """Every saved version of the day, newest first."""
    patient = queries.diary_patient(current_user(request), patient_id)
    row = queries.get_day(patient, day)
    if row is None:
        return []
    return [_day_out(row, version) for version in queries.day_history(row)]


@router.get("/{patient_id}/metrics")
def metrics(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """28-day periods (oldest first) with the core's counts, the baseline marked."""
    patient = queries.diary_patient(current_user(request), patient_id)
    today = queries.local_today(queries.patient_time_zone(patient))
    summary = diary_summary(patient, today=today, first_course=first_course_start(patient))
    return {
        "definition_version": summary.definition_version,
        "first_course": summary.first_course,
        "baseline_start": summary.baseline_start,
        "periods": [
            {
                **(row.change.to_dict() if row.change else row.metrics.to_dict()),
                "is_baseline": row.is_baseline,
            }
            for row in summary.periods
        ],
        "medication_overuse": [warning.to_dict() for warning in summary.overuse],
    }
