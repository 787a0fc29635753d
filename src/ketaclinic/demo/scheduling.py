"""The demo clinic's schedule: opening hours, chairs, a week of appointments, and a patient
whose course is ready to book (the schedule's browser test books it). Synthetic data only.

Every booking goes through the real action, so the demo's week obeys every booking rule; a
visit that would clash (a closed day, for example) moves to the next open day or is left out.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Protocol as TypingProtocol

from ketaclinic.accounts.actions import create_user
from ketaclinic.accounts.models import Site, User
from ketaclinic.core.errors import Conflict
from ketaclinic.patients.actions import link_patient_account
from ketaclinic.patients.models import Patient
from ketaclinic.scheduling import actions
from ketaclinic.scheduling.booking import Slot, opening_hours
from ketaclinic.scheduling.models import Appointment, Chair
from ketaclinic.scheduling.queries import local_today
from ketaclinic.treatment.models import PlanStatus, TreatmentPlan

# The schedule's browser test books this patient's course (approved plan, nothing booked).
BOOKING_MRN = "N-1018"
# Another ready course: the same test books it first, into a chair the series then wants.
BLOCKING_MRN = "N-1019"
BOOKING_LOGIN = "patient2"
IV = ["iv_infusion", "iv_bolus"]
INHALED = ["intranasal", "nebulized"]
# site code -> (time zone, {weekday: (opens, closes)}, [(chair, routes)])
SITES: dict[str, tuple[str, dict[int, tuple[time, time] | None], list[tuple[str, list[str]]]]] = {
    "north": (
        "Europe/London",
        {
            **{day: (time(8), time(18)) for day in range(5)},
            5: (time(9), time(14)),
            6: None,
        },
        [("Chair 1", IV), ("Chair 2", IV), ("Bay 3", INHALED), ("Chair 4", IV + INHALED)],
    ),
    "south": (
        "Europe/London",
        {**{day: (time(8), time(17)) for day in range(5)}, 5: None, 6: None},
        [("Bay A", IV + INHALED), ("Bay B", IV)],
    ),
}
# (MRN, days from today, start, chair, nurse username)
VISITS = (
    ("N-1003", 0, time(9), "Chair 1", "nurse"),
    ("N-1004", 0, time(10), "Bay 3", "nurse2"),
    ("N-1008", 0, time(13), "Bay 3", "nurse2"),
    ("N-1010", 0, time(14), "Chair 2", "nurse"),
    ("N-1006", 1, time(9, 30), "Bay 3", "nurse2"),
    ("N-1004", 2, time(10), "Bay 3", "nurse"),
    ("N-1006", 3, time(9, 30), "Bay 3", "nurse2"),
    ("N-1004", 4, time(10), "Chair 4", "nurse2"),
    ("N-1010", 5, time(11), "Chair 2", "nurse"),
    ("S-1002", 1, time(10), "Bay A", "nurse_south"),
)


class Report(TypingProtocol):
    def count(self, what: str, n: int = 1) -> None: ...


def _site(report: Report, admin: User, site: Site) -> None:
    zone, hours, chairs = SITES[site.code]
    if Chair.objects.filter(site=site).exists():
        return
    actions.set_site_time_zone(actor=admin, site=site, time_zone=zone)
    actions.set_opening_hours(actor=admin, site=site, hours=hours)
    for name, routes in chairs:
        actions.add_chair(actor=admin, site=site, name=name, routes=routes)
    report.count("chairs", len(chairs))


def _open_day(site: Site, day: date) -> date:
    hours = opening_hours(site)
    for _ in range(7):
        if day.weekday() in hours:
            return day
        day += timedelta(days=1)
    return day


def _visits(report: Report, users: dict[str, User]) -> None:
    if Appointment.objects.exists():
        return
    for mrn, offset, start, chair_name, nurse in VISITS:
        patient = Patient.objects.select_related("site").get(mrn=mrn)
        plan = TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.APPROVED).first()
        if plan is None:
            continue
        site = patient.site
        day = _open_day(site, local_today(site) + timedelta(days=offset))
        slot = Slot(day, start, Chair.objects.get(site=site, name=chair_name), users[nurse])
        booker = users["clinician_south" if site.code == "south" else "clinician"]
        try:
            actions.book_series(actor=booker, plan=plan, slots=[slot])
        except Conflict:  # the demo's week met a rule (a closed day, spacing): leave it out
            continue
        report.count("appointments")


def _booking_login(report: Report, admin: User) -> None:
    """A portal log-in for the patient whose course is booked in the schedule's demo test."""
    patient = Patient.objects.get(mrn=BOOKING_MRN)
    if patient.account_id is not None:
        return
    account = create_user(
        actor=admin,
        username=BOOKING_LOGIN,
        password="demo-pass-2026",  # noqa: S106 - synthetic demo only, printed on purpose
        role="patient",
        first_name=patient.given_name,
        last_name=patient.family_name,
        email=patient.email,
        check_password_strength=False,
    )
    link_patient_account(actor=admin, patient=patient, account=account)
    report.count("patient log-ins")


def seed_schedule(report: Report, users: dict[str, User]) -> None:
    """Idempotent: sites with chairs and an existing book are left as they are."""
    for site in Site.objects.filter(code__in=SITES):
        _site(report, users["admin"], site)
    _visits(report, users)
    _booking_login(report, users["admin"])
