"""``AdverseEvent`` during a session, graded with CTCAE v5 (docs/clinical-rules.md §6).

The term is coded in the local ``adverse-event-term`` system (the treatment app's quick-entry
terms), the CTCAE grade (1-5) in the local ``ctcae-grade`` system as the event's severity's
coding; the free-text description is dropped when de-identified.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from fhir.resources.R4B.adverseevent import AdverseEvent

from ketaclinic.interop.fhir.context import ExportContext, code_system, concept

KIND = "adverse-event"


class ChartedAdverseEvent(Protocol):
    pk: int
    session_id: int
    onset_at: datetime
    term: str
    description: str
    grade: int


def build_adverse_event(
    event: ChartedAdverseEvent, context: ExportContext, *, patient_id: int
) -> AdverseEvent:
    return AdverseEvent(
        id=context.resource_id(KIND, event.pk),
        actuality="actual",
        event=concept(
            code_system("adverse-event-term"),
            event.term,
            text=context.text(event.description) or "",
        ),
        subject=context.patient_reference(patient_id),
        encounter=context.reference("Encounter", "session", event.session_id),
        date=context.instant(event.onset_at, patient_id),
        severity=concept(
            code_system("ctcae-grade"), str(event.grade), f"CTCAE v5 grade {event.grade}"
        ),
    )
