"""Reads of home intranasal use: the prescription in force, the observed first dose, the log."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, QuerySet

from ketaclinic.clinical.home_intranasal import (
    HomeOutcomes,
    LoggedUse,
    PrescriptionCaps,
    ProtocolCaps,
    Use,
    home_outcomes,
)
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import (
    HomePrescription,
    HomeUse,
    Protocol,
    SessionStatus,
    TreatmentSession,
)


def protocol_caps(protocol: Protocol, plan_limits: dict[str, float | None]) -> ProtocolCaps:
    """The intranasal caps in mg that apply: the plan's where it tightened, else the protocol's."""

    def tighter(column: str) -> float | None:
        values = [v for v in (getattr(protocol, column), plan_limits.get(column)) if v is not None]
        return min(values) if values else None

    return ProtocolCaps(
        mg_per_spray=protocol.mg_per_spray or 0.0,
        dose_hard_max_mg=tighter("dose_hard_max"),
        day_hard_max_mg=tighter("day_hard_max_mg"),
        week_hard_max_mg=tighter("week_hard_max_mg"),
        min_interval_minutes=max(
            protocol.min_titration_interval_minutes or 0,
            plan_limits.get("min_titration_interval_minutes") or 0,
        ),
    )


def prescription_caps(prescription: HomePrescription) -> PrescriptionCaps:
    return PrescriptionCaps(
        sprays_per_use=prescription.sprays_per_use,
        min_interval_minutes=prescription.min_interval_minutes,
        max_sprays_per_day=prescription.max_sprays_per_day,
        max_sprays_per_week=prescription.max_sprays_per_week,
    )


def observed_first_dose(patient: Patient) -> tuple[TreatmentSession | None, float | None]:
    """The patient's discharged intranasal session observed longest after its last dose, with
    those minutes (``None``, ``None`` when there is none)."""
    sessions = (
        TreatmentSession.objects.filter(
            patient=patient,
            protocol__route="intranasal",
            status=SessionStatus.DISCHARGED,
            discharge__isnull=False,
        )
        .annotate(last_dose=Max("doses__given_at"))
        .exclude(last_dose=None)
        .select_related("discharge")
    )
    best: tuple[TreatmentSession | None, float | None] = (None, None)
    for session in sessions:
        minutes = (session.discharge.signed_off_at - session.last_dose).total_seconds() / 60
        if best[1] is None or minutes > best[1]:
            best = (session, minutes)
    return best


def current_prescription(patient: Patient) -> HomePrescription | None:
    """The newest prescription not superseded (the one in force, whatever its review date)."""
    return (
        HomePrescription.objects.filter(patient=patient, superseded_by__isnull=True)
        .select_related("plan__protocol", "prescribed_by", "first_dose_session")
        .order_by("-prescribed_at", "-id")
        .first()
    )


def uses_of(patient: Patient) -> QuerySet[HomeUse]:
    return HomeUse.objects.filter(patient=patient).select_related("acknowledgement")


def uses_since(patient: Patient, since: dt.datetime) -> list[Use]:
    """The patient's logged uses from ``since`` as the clinical core's :class:`Use`."""
    return uses_since_of([patient.pk], since)[patient.pk]


def uses_since_of(patient_ids: list[int], since: dt.datetime) -> dict[int, list[Use]]:
    """:func:`uses_since` of many patients in one query."""
    uses: dict[int, list[Use]] = {pk: [] for pk in patient_ids}
    rows = (
        HomeUse.objects.filter(patient_id__in=patient_ids, used_at__gte=since)
        .order_by("used_at", "pk")
        .values_list("patient_id", "used_at", "sprays")
    )
    for patient_id, at, sprays in rows:
        uses[patient_id].append(Use(at, sprays))
    return uses


def outcomes_of(patient: Patient) -> HomeOutcomes:
    """The patient's home-use outcomes (``clinical.home_intranasal.home_outcomes``)."""
    rows = HomeUse.objects.filter(patient=patient)
    return home_outcomes(
        [
            LoggedUse(
                at=row.used_at,
                sprays=row.sprays,
                pain_before=row.pain_before,
                pain_after_2h=row.pain_after_2h,
                side_effect=bool(row.side_effects),
                over_cap=any(w["code"] in ("day_cap", "week_cap") for w in row.warnings),
            )
            for row in rows
        ]
    )
