"""Moving, cancelling and starting keep the history; nothing is deleted."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ketaclinic.audit.models import AuditEvent
from ketaclinic.clinical import scheduling as rules
from ketaclinic.core.errors import Conflict, StaleVersion
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.models import Appointment, AppointmentChange
from ketaclinic.treatment.models import SessionStatus
from tests.scheduling.builders import Clinic, open_clinic, second_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world) -> Clinic:  # type: ignore[no-untyped-def]
    return open_clinic(world)


def book(clinic: Clinic, offset: int = 1, hour: int = 9) -> Appointment:
    [made] = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(offset, hour)]
    )
    return made


def test_a_move_keeps_the_old_booking_in_the_history(clinic: Clinic) -> None:
    appointment = book(clinic)
    moved = actions.reschedule_appointment(
        actor=clinic.world.nurse,
        appointment=appointment,
        expected_version=1,
        slot=clinic.slot(2, 10, chair=clinic.chair2),
        reason="patient asked for Wednesday",
    )
    assert (moved.version, moved.chair, moved.starts_at.hour) == (2, clinic.chair2, 10)
    history = list(moved.changes.order_by("version"))
    assert [(c.kind, c.chair_id) for c in history] == [
        ("booked", clinic.chair1.pk),
        ("rescheduled", clinic.chair2.pk),
    ]
    assert history[1].reason == "patient asked for Wednesday"
    assert AuditEvent.objects.filter(action="schedule.reschedule", object_id=moved.pk).exists()


def test_a_move_never_clashes_with_itself_but_with_others(clinic: Clinic) -> None:
    appointment = book(clinic)
    later = actions.reschedule_appointment(
        actor=clinic.world.nurse,
        appointment=appointment,
        expected_version=1,
        slot=clinic.slot(1, 10),
        reason="an hour later",
    )
    assert later.version == 2
    other = second_plan(clinic)
    actions.book_series(
        actor=clinic.world.clinician,
        plan=other,
        slots=[clinic.slot(3, 9, nurse=clinic.world.clinician)],
    )
    with pytest.raises(actions.BookingRefused) as caught:
        actions.reschedule_appointment(
            actor=clinic.world.nurse,
            appointment=later,
            expected_version=2,
            slot=clinic.slot(3, 9),
            reason="clash",
        )
    assert [c.kind for c in caught.value.clashes[0]] == [rules.CHAIR_TAKEN]


def test_a_stale_move_is_refused(clinic: Clinic) -> None:
    appointment = book(clinic)
    with pytest.raises(StaleVersion):
        actions.reschedule_appointment(
            actor=clinic.world.nurse,
            appointment=appointment,
            expected_version=7,
            slot=clinic.slot(2),
            reason="late edit",
        )


def test_a_cancelled_visit_stays_and_frees_its_chair(clinic: Clinic) -> None:
    appointment = book(clinic)
    cancelled = actions.cancel_appointment(
        actor=clinic.world.nurse, appointment=appointment, expected_version=1, reason="unwell"
    )
    assert cancelled.status == "cancelled"
    assert [c.kind for c in cancelled.changes.order_by("version")] == ["booked", "cancelled"]
    other = second_plan(clinic)
    assert actions.book_series(actor=clinic.world.nurse, plan=other, slots=[clinic.slot(1)])
    with pytest.raises(Conflict):
        actions.cancel_appointment(
            actor=clinic.world.nurse, appointment=appointment, expected_version=2, reason="again"
        )


def test_history_rows_and_appointments_cannot_be_deleted(clinic: Clinic) -> None:
    appointment = book(clinic)
    for statement in (
        lambda: AppointmentChange.objects.filter(appointment=appointment).delete(),
        lambda: AppointmentChange.objects.filter(appointment=appointment).update(reason="x"),
        # Raw SQL: Django's own PROTECT check would refuse first; the database refuses too.
        lambda: connection.cursor().execute(
            "DELETE FROM scheduling_appointment WHERE id = %s", [appointment.pk]
        ),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()


def test_the_nurse_starts_todays_visit_and_the_session_is_linked(clinic: Clinic) -> None:
    appointment = book(clinic, offset=0, hour=8)
    session = actions.start_appointment(actor=clinic.world.nurse, appointment=appointment)
    assert session.status == SessionStatus.PLANNED
    assert session.scheduled_for == clinic.today()
    started = Appointment.objects.get(pk=appointment.pk)
    assert (started.status, started.session_id, started.version) == ("started", session.pk, 2)
    assert started.changes.order_by("-version").first().kind == "started"  # type: ignore[union-attr]


def test_a_visit_is_started_on_its_day_only(clinic: Clinic) -> None:
    appointment = book(clinic, offset=1)
    with pytest.raises(Conflict, match="start it on the day"):
        actions.start_appointment(actor=clinic.world.nurse, appointment=appointment)


def test_a_patients_change_request_reaches_the_clinic_once(clinic: Clinic) -> None:
    appointment = book(clinic)
    request = actions.request_change(
        actor=clinic.world.patient_user, appointment=appointment, message="Tuesday is bad"
    )
    with pytest.raises(Conflict):
        actions.request_change(
            actor=clinic.world.patient_user, appointment=appointment, message="again"
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.request_change(
            actor=clinic.world.other_patient_user, appointment=appointment, message="not mine"
        )
    done = actions.resolve_change_request(
        actor=clinic.world.nurse, change_request=request, resolution="Moved to Wednesday"
    )
    assert (done.status, done.resolved_by) == ("done", clinic.world.nurse)
