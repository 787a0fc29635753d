"""Intake: each save a new version with the core's classification; a clinician confirms it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import limits as ranges
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.core.inputs import text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.facts import patient_age
from ketaclinic.treatment.intake_rules import evaluate_intake
from ketaclinic.treatment.models import DiagnosisConfirmation, Intake

TEXT_FIELDS = ("acute_medications", "comorbidities", "current_medications", "allergies")


@transaction.atomic
def record_intake(
    *,
    actor: User,
    patient: Patient,
    expected_version: int,
    history: dict[str, Any],
    weight_kg: float,
    height_cm: float | None = None,
    preventive_trials: list[dict[str, Any]] | None = None,
    debilitating_days_per_month: float | None = None,
    debilitating_months: int | None = None,
    triptans_failed: int | None = None,
    triptans_contraindicated: bool = False,
    acute_medications: str = "",
    comorbidities: str = "",
    current_medications: str = "",
    allergies: str = "",
    reason: str = "",
) -> Intake:
    """Store a new intake version (``expected_version``: the latest you read, 0 for the first).

    ICHD-3 and EHF 2020 run on it now (``intake_rules.evaluate_intake``) and their results are
    stored with the rule version, so the record shows what the rules said at the time.
    """
    for_patient(actor, Capability.RECORD_INTAKE, patient)
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise versions
    latest = Intake.objects.filter(patient=patient).order_by("-version").first()
    current_version = latest.version if latest else 0
    if current_version != expected_version:
        raise StaleVersion("This patient's intake", expected_version, current_version)
    ranges.WEIGHT_KG.check("weight_kg", weight_kg)
    if height_cm is not None:
        ranges.HEIGHT_CM.check("height_cm", height_cm)
    trials = list(preventive_trials or [])
    evaluation = evaluate_intake(
        history=history,
        age_years=patient_age(patient, timezone.localdate()),
        preventive_trials=trials,
        debilitating_days_per_month=debilitating_days_per_month,
        debilitating_months=debilitating_months,
        triptans_failed=triptans_failed,
        triptans_contraindicated=triptans_contraindicated,
    )
    texts = {
        name: text(name, value)
        for name, value in zip(
            TEXT_FIELDS,
            (acute_medications, comorbidities, current_medications, allergies),
            strict=True,
        )
    }
    intake = Intake.objects.create(
        patient=patient,
        version=current_version + 1,
        history=evaluation.history,
        preventive_trials=trials,
        debilitating_days_per_month=debilitating_days_per_month,
        debilitating_months=debilitating_months,
        triptans_failed=triptans_failed,
        triptans_contraindicated=triptans_contraindicated,
        weight_kg=weight_kg,
        height_cm=height_cm,
        classification=evaluation.classification.to_dict(),
        refractory=None if evaluation.refractory is None else evaluation.refractory.to_dict(),
        rules_version=evaluation.classification.rules_version,
        recorded_by=actor,
        reason=text("reason", reason, max_length=240),
        **texts,
    )
    record_event(
        actor=actor,
        action="intake.record",
        object_type="intake",
        object_id=intake.pk,
        site_id=patient.site_id,
        detail={"version": intake.version, "codes": intake.diagnosis_codes},
    )
    return intake


@transaction.atomic
def confirm_diagnosis(
    *, actor: User, intake: Intake, codes: list[str] | None = None, note: str = ""
) -> DiagnosisConfirmation:
    """A clinician confirms diagnoses of one intake version (by default all the core gave) and
    its refractory status; stored with the rule version that produced them."""
    for_patient(actor, Capability.CONFIRM_DIAGNOSIS, intake.patient)
    latest = Intake.objects.filter(patient_id=intake.patient_id).order_by("-version").first()
    if latest is not None and latest.pk != intake.pk:
        raise Conflict(
            f"intake version {intake.version} is not the latest (version {latest.version}); "
            "confirm the latest one"
        )
    given = {str(item["code"]): str(item["name"]) for item in intake.classification["diagnoses"]}
    chosen = list(given) if codes is None else list(codes)
    if not chosen:
        raise InputRefused("codes", chosen, "at least one diagnosis the rules gave")
    for code in chosen:
        if code not in given:
            raise InputRefused(
                "codes",
                code,
                "one of the diagnoses the rules gave: " + (", ".join(given) or "none"),
            )
    confirmation = DiagnosisConfirmation.objects.create(
        intake=intake,
        patient_id=intake.patient_id,
        codes=chosen,
        names=[given[code] for code in chosen],
        refractory_status=intake.refractory_status or "",
        rules_version=intake.rules_version,
        note=text("note", note),
        confirmed_by=actor,
    )
    record_event(
        actor=actor,
        action="intake.confirm_diagnosis",
        object_type="intake",
        object_id=intake.pk,
        site_id=intake.patient.site_id,
        detail={"codes": chosen, "refractory": confirmation.refractory_status},
    )
    return confirmation
