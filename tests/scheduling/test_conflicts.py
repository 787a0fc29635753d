"""Every booking conflict, refused through the real action with its reason, nothing stored."""

from __future__ import annotations

from datetime import time

import pytest

from ketaclinic.clinical import scheduling as rules
from ketaclinic.core.errors import InputRefused
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.booking import Slot
from ketaclinic.scheduling.models import Appointment
from tests.scheduling.builders import Clinic, open_clinic, second_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world) -> Clinic:  # type: ignore[no-untyped-def]
    return open_clinic(world)


def refused(clinic: Clinic, plan, slots: list[Slot]) -> list[list[str]]:  # type: ignore[no-untyped-def]
    before = Appointment.objects.count()
    with pytest.raises(actions.BookingRefused) as caught:
        actions.book_series(actor=clinic.world.nurse, plan=plan, slots=slots)
    assert Appointment.objects.count() == before  # all or nothing
    return [[clash.kind for clash in found] for found in caught.value.clashes]


def test_a_free_visit_is_booked_for_the_protocols_length(clinic: Clinic) -> None:
    [made] = actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1)])
    assert made.minutes == 180  # 120 min infusion (J Pain 2010) + 60 min observation
    assert made.changes.get().kind == "booked"


def test_it_refuses_a_chair_already_taken(clinic: Clinic) -> None:
    other = second_plan(clinic)
    actions.book_series(actor=clinic.world.nurse, plan=other, slots=[clinic.slot(1, 9)])
    kinds = refused(clinic, clinic.plan, [clinic.slot(1, 11, nurse=clinic.world.clinician)])
    assert kinds == [[rules.CHAIR_TAKEN]]


def test_a_visit_may_start_the_minute_the_chair_frees(clinic: Clinic) -> None:
    other = second_plan(clinic)
    actions.book_series(actor=clinic.world.nurse, plan=other, slots=[clinic.slot(1, 9)])
    made = actions.book_series(
        actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1, 12)]
    )
    assert len(made) == 1


def test_it_refuses_a_nurse_already_with_a_patient(clinic: Clinic) -> None:
    other = second_plan(clinic)
    actions.book_series(actor=clinic.world.nurse, plan=other, slots=[clinic.slot(1, 9)])
    kinds = refused(clinic, clinic.plan, [clinic.slot(1, 10, chair=clinic.chair2)])
    assert kinds == [[rules.NURSE_TAKEN]]


def test_it_refuses_a_visit_on_a_closed_day(clinic: Clinic) -> None:
    closed = clinic.day(2).weekday()
    actions.set_opening_hours(
        actor=clinic.world.admin, site=clinic.world.north, hours={closed: None}
    )
    with pytest.raises(actions.BookingRefused) as caught:
        actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(2)])
    [[clash]] = caught.value.clashes
    assert clash.kind == rules.CLOSED
    assert "closed on" in clash.message


def test_it_refuses_a_visit_whose_observation_runs_past_closing(clinic: Clinic) -> None:
    # 16:00 + 180 min ends at 19:00; the site closes at 18:00.
    kinds = refused(clinic, clinic.plan, [clinic.slot(1, 16)])
    assert kinds == [[rules.CLOSED]]


def test_it_refuses_the_patient_twice_on_one_day(clinic: Clinic) -> None:
    actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(1, 8)])
    kinds = refused(
        clinic, clinic.plan, [clinic.slot(1, 14, chair=clinic.chair2, nurse=clinic.world.clinician)]
    )
    assert kinds == [[rules.PATIENT_TWICE]]


def test_it_refuses_spacing_shorter_than_the_plan(world) -> None:  # type: ignore[no-untyped-def]
    clinic = open_clinic(world, spacing_days=7)
    actions.book_series(actor=world.nurse, plan=clinic.plan, slots=[clinic.slot(1)])
    with pytest.raises(actions.BookingRefused) as caught:
        actions.book_series(actor=world.nurse, plan=clinic.plan, slots=[clinic.slot(4)])
    [[clash]] = caught.value.clashes
    assert clash.kind == rules.TOO_SOON
    assert "at least 7 days" in clash.message
    assert (
        len(actions.book_series(actor=world.nurse, plan=clinic.plan, slots=[clinic.slot(8)])) == 1
    )


def test_it_refuses_a_chair_without_the_route(clinic: Clinic) -> None:
    kinds = refused(clinic, clinic.plan, [clinic.slot(1, chair=clinic.bay)])
    assert kinds == [[rules.ROUTE_UNSUPPORTED]]


def test_it_refuses_more_visits_than_the_course_has_left(world) -> None:  # type: ignore[no-untyped-def]
    clinic = open_clinic(world, sessions_planned=2)
    kinds = refused(clinic, clinic.plan, [clinic.slot(n) for n in (1, 2, 3)])
    assert kinds == [[], [], [rules.COURSE_FULL]]


def test_a_series_with_one_clash_stores_nothing_and_names_the_visit(clinic: Clinic) -> None:
    other = second_plan(clinic)
    actions.book_series(
        actor=clinic.world.clinician,
        plan=other,
        slots=[clinic.slot(3, 9, nurse=clinic.world.clinician)],
    )
    slots = [clinic.slot(n) for n in range(1, 6)]
    with pytest.raises(actions.BookingRefused) as caught:
        actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=slots)
    assert [bool(found) for found in caught.value.clashes] == [False, False, True, False, False]
    assert clinic.day(3).strftime("%d %b") in str(caught.value)
    resolved = [*slots[:2], clinic.slot(3, chair=clinic.chair2), *slots[3:]]
    made = actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=resolved)
    assert len(made) == 5
    assert len({a.series for a in made}) == 1


def test_it_refuses_a_day_in_the_past(clinic: Clinic) -> None:
    with pytest.raises(InputRefused, match="or later"):
        actions.book_series(actor=clinic.world.nurse, plan=clinic.plan, slots=[clinic.slot(-1)])


def test_a_pharmacist_and_another_sites_nurse_may_not_book(clinic: Clinic) -> None:
    from django.core.exceptions import PermissionDenied

    for outsider in (clinic.world.pharmacist, clinic.world.nurse_south):
        with pytest.raises(PermissionDenied):
            actions.book_series(actor=outsider, plan=clinic.plan, slots=[clinic.slot(1)])


def test_the_nurse_must_work_at_the_site(clinic: Clinic) -> None:
    with pytest.raises(InputRefused, match="nurse"):
        actions.book_series(
            actor=clinic.world.nurse,
            plan=clinic.plan,
            slots=[clinic.slot(1, nurse=clinic.world.nurse_south)],
        )


def test_opening_hours_must_open_before_they_close(clinic: Clinic) -> None:
    with pytest.raises(InputRefused, match="closes_2"):
        actions.set_opening_hours(
            actor=clinic.world.admin, site=clinic.world.north, hours={2: (time(18), time(8))}
        )
