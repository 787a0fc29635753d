"""Concomitant medicines (docs/clinical-rules.md §10): the catalogue an admin keeps, a patient's
medicines a clinician records and stops, and a clinician's acknowledgement of an interaction.

:func:`require_interactions_acknowledged` is the one call ``approve_plan`` and
``complete_checklist`` make: an interaction that needs an acknowledgement
(``clinical.interactions``) and has none under the plan refuses the step, naming it.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.interactions import check_classes
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.core.inputs import text
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions.common import for_patient
from ketaclinic.treatment.models import (
    InteractionAcknowledgement,
    MedicationSource,
    MedicineEntry,
    PatientMedication,
    PlanStatus,
    TreatmentPlan,
)
from ketaclinic.treatment.queries.medications import review_plan

RXNORM = re.compile(r"[0-9]{1,12}")


@transaction.atomic
def add_medicine_entry(
    *,
    actor: User,
    name: str,
    rxnorm: str,
    classes: list[str],
    rxnorm_to_verify: bool = False,
) -> MedicineEntry:
    """Add a medicine to the catalogue (the clinic admin keeps it, as the drug library)."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    cleaned_name = text("name", name, required=True, max_length=80)
    code = text("rxnorm", rxnorm, required=True, max_length=12)
    if not RXNORM.fullmatch(code):
        raise InputRefused("rxnorm", rxnorm, "an RxNorm ingredient code (digits only)")
    try:
        chosen = check_classes("classes", classes)
    except ClinicalInputError as error:
        raise InputRefused(error.field, error.value, error.expected) from None
    if MedicineEntry.objects.filter(name__iexact=cleaned_name).exists():
        raise Conflict(f"{cleaned_name} is already in the catalogue")
    if MedicineEntry.objects.filter(rxnorm=code).exists():
        raise Conflict(f"RxNorm {code} is already in the catalogue")
    entry = MedicineEntry.objects.create(
        name=cleaned_name,
        rxnorm=code,
        rxnorm_to_verify=rxnorm_to_verify,
        classes=sorted(chosen),
        added_by=actor,
    )
    record_event(
        actor=actor,
        action="medicine.add",
        object_type="medicine_entry",
        object_id=entry.pk,
        detail={"name": entry.name, "rxnorm": code, "classes": entry.classes},
    )
    return entry


@transaction.atomic
def retire_medicine_entry(*, actor: User, entry: MedicineEntry) -> MedicineEntry:
    """Retire a catalogue entry: no new prescriptions of it; records that use it stay."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    current = MedicineEntry.objects.select_for_update().get(pk=entry.pk)
    if current.retired_at is not None:
        raise Conflict(f"{current.name} is already retired")
    current.retired_at = timezone.now()
    current.retired_by = actor
    current.save(update_fields=["retired_at", "retired_by"])
    record_event(
        actor=actor,
        action="medicine.retire",
        object_type="medicine_entry",
        object_id=current.pk,
        detail={"name": current.name},
    )
    return current


def _not_future(field: str, value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise InputRefused(field, value.isoformat(), "a date not in the future")


def _audit_medication(actor: User, action: str, row: PatientMedication, **detail: object) -> None:
    record_event(
        actor=actor,
        action=f"medication.{action}",
        object_type="patient_medication",
        object_id=row.pk,
        site_id=row.patient.site_id,
        detail={"medicine": row.medicine.name, "rxnorm": row.medicine.rxnorm, **detail},
    )


@transaction.atomic
def record_medication(
    *,
    actor: User,
    patient: Patient,
    medicine: MedicineEntry,
    dose: str = "",
    started_on: date | None = None,
    source: str = MedicationSource.CLINIC,
    source_note: str = "",
) -> PatientMedication:
    """A clinician records a current medicine of the patient (from the catalogue)."""
    for_patient(actor, Capability.PLAN_TREATMENT, patient)
    if medicine.retired_at is not None:
        raise InputRefused("medicine", medicine.name, "a medicine of the catalogue not retired")
    if source not in MedicationSource.values:
        raise InputRefused("source", source, "one of " + ", ".join(MedicationSource.values))
    _not_future("started_on", started_on)
    if PatientMedication.objects.filter(
        patient=patient, medicine=medicine, stopped_on__isnull=True
    ).exists():
        raise Conflict(f"{medicine.name} is already a current medicine: stop it first")
    row = PatientMedication.objects.create(
        patient=patient,
        medicine=medicine,
        dose=text("dose", dose, max_length=120),
        started_on=started_on,
        source=source,
        source_note=text("source_note", source_note, max_length=240),
        recorded_by=actor,
    )
    _audit_medication(actor, "record", row, dose=row.dose, source=source)
    return row


@transaction.atomic
def stop_medication(
    *, actor: User, medication: PatientMedication, stopped_on: date, reason: str
) -> PatientMedication:
    """Set the stop date of a current medicine (the record stays, with who stopped it, why)."""
    for_patient(actor, Capability.PLAN_TREATMENT, medication.patient)
    current = (
        PatientMedication.objects.select_for_update()
        .select_related("medicine", "patient")
        .get(pk=medication.pk)
    )
    if current.stopped_on is not None:
        raise Conflict(f"{current.medicine.name} was already stopped on {current.stopped_on}")
    _not_future("stopped_on", stopped_on)
    if current.started_on is not None and stopped_on < current.started_on:
        raise InputRefused(
            "stopped_on", stopped_on.isoformat(), f"on or after the start, {current.started_on}"
        )
    current.stopped_on = stopped_on
    current.stop_reason = text("reason", reason, required=True, max_length=240)
    current.stopped_by = actor
    current.save(update_fields=["stopped_on", "stop_reason", "stopped_by"])
    _audit_medication(actor, "stop", current, stopped_on=stopped_on.isoformat())
    return current


@transaction.atomic
def acknowledge_interaction(
    *, actor: User, plan: TreatmentPlan, hit_key: str, reason: str
) -> InteractionAcknowledgement:
    """A clinician acknowledges one interaction hit of the plan's patient, with a reason; once
    per hit per plan version (a new medicine makes a new hit that needs its own)."""
    for_patient(actor, Capability.PLAN_TREATMENT, plan.patient)
    current = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    if current.status in (PlanStatus.SUPERSEDED, PlanStatus.CLOSED):
        raise Conflict(f"this plan version is {current.get_status_display().lower()}")
    review = next((r for r in review_plan(current) if r.hit.key == hit_key), None)
    if review is None:
        raise InputRefused("hit", hit_key, "an interaction the patient's medicines have now")
    if review.acknowledgement is not None:
        raise Conflict(f"{review.hit.rule.title} is already acknowledged for this plan")
    hit = review.hit
    try:
        with transaction.atomic():
            ack = InteractionAcknowledgement.objects.create(
                plan=current,
                patient=current.patient,
                hit_key=hit.key,
                rule_code=hit.rule.code,
                severity=hit.rule.severity,
                medicines=hit.names[:400],
                reason=text("reason", reason, required=True, max_length=500),
                acknowledged_by=actor,
            )
    except IntegrityError:  # pragma: no cover - a concurrent acknowledgement, plan row locked
        raise Conflict(f"{hit.rule.title} is already acknowledged for this plan") from None
    record_event(
        actor=actor,
        action="interaction.acknowledge",
        object_type="treatment_plan",
        object_id=current.pk,
        site_id=current.patient.site_id,
        detail={
            "version": current.version,
            "rule": hit.rule.code,
            "severity": hit.rule.severity,
            "medicines": hit.names,
        },
    )
    return ack


def require_interactions_acknowledged(plan: TreatmentPlan, *, doing: str) -> None:
    """Refuse ``doing`` while an interaction that needs a clinician's acknowledgement has none
    under ``plan`` (docs/clinical-rules.md §10); the message names the interaction."""
    for review in review_plan(plan):
        if review.blocking:
            hit = review.hit
            raise Conflict(
                f"cannot {doing}: {hit.rule.severity} interaction {hit.rule.title} "
                f"({hit.names}) needs a clinician's acknowledgement with a reason "
                "on the plan page"
            )
