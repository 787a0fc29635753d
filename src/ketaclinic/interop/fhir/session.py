"""A treatment session as an ``Encounter`` (the visit) and a ``Procedure`` (the ketamine
treatment given in it), from the treatment app's ``TreatmentSession``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure

from ketaclinic.interop.fhir.context import ExportContext, code_system, concept

KIND = "session"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ENCOUNTER_STATUS = {
    "planned": "planned",
    "running": "in-progress",
    "stopped": "in-progress",
    "discharged": "finished",
    "cancelled": "cancelled",
}
PROCEDURE_STATUS = {
    "planned": "preparation",
    "running": "in-progress",
    "stopped": "completed",
    "discharged": "completed",
    "cancelled": "not-done",
}


class HasRoute(Protocol):
    route: str  # iv_infusion, iv_bolus, intranasal, nebulized


class Session(Protocol):
    pk: int
    patient_id: int
    number: int
    status: str
    scheduled_for: date
    started_at: datetime | None
    stopped_at: datetime | None
    protocol: HasRoute


def _period(session: Session, context: ExportContext) -> Period | None:
    if session.started_at is None:
        return None
    end = session.stopped_at
    return Period(
        start=context.instant(session.started_at, session.patient_id),
        end=context.instant(end, session.patient_id) if end is not None else None,
    )


def build_encounter(session: Session, context: ExportContext) -> Encounter:
    # "class" is a Python keyword: the model's field is class_fhir, its JSON name "class".
    ambulatory: dict[str, Any] = {
        "class": Coding(system=ACT_CODE, code="AMB", display="ambulatory")
    }
    return Encounter(
        id=context.resource_id(KIND, session.pk),
        identifier=context.record_identifiers(KIND, session.pk),
        status=ENCOUNTER_STATUS.get(session.status, "unknown"),
        **ambulatory,
        type=[concept(code_system("session-route"), session.protocol.route)],
        subject=context.patient_reference(session.patient_id),
        period=_period(session, context),
    )


def build_procedure(session: Session, context: ExportContext) -> Procedure:
    return Procedure(
        id=context.resource_id("procedure", session.pk),
        status=PROCEDURE_STATUS.get(session.status, "unknown"),
        code=concept(
            code_system("procedure"),
            f"ketamine-{session.protocol.route}",
            text=f"Ketamine, {session.protocol.route.replace('_', ' ')}",
        ),
        subject=context.patient_reference(session.patient_id),
        encounter=context.reference("Encounter", KIND, session.pk),
        performedPeriod=_period(session, context),
    )
