"""The world the authorisation matrix calls into: one of every object a route can point at, all
owned by site North and its patient, built through the real actions (synthetic data only).

Every persona is logged in once: a page client holding a session, an API client holding a
bearer token. ``ids`` holds the real path parameters the matrix fills into each route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ketaclinic.accounts.actions import issue_api_token
from ketaclinic.accounts.models import User
from ketaclinic.diary.actions import save_day
from ketaclinic.instruments import actions as instruments
from ketaclinic.instruments.queries import open_self_harm_alerts
from ketaclinic.interop.bulk_data import bulk_params
from ketaclinic.interop.jobs import export_params
from ketaclinic.inventory import actions as inventory
from ketaclinic.inventory.models import Incident, Supplier
from ketaclinic.inventory.queries.session import ledger_close_problems
from ketaclinic.inventory.session_ledger import CLOSE_CHECK
from ketaclinic.jobs.actions import start_job
from ketaclinic.portal import actions as portal
from ketaclinic.scheduling import actions as scheduling
from ketaclinic.scheduling.booking import Slot
from ketaclinic.treatment import actions as treatment
from ketaclinic.treatment.closing_checks import register_close_check, unregister_close_check
from ketaclinic.treatment.models import MedicineEntry, Protocol, TreatmentPlan, TreatmentSession
from tests.conftest import PASSWORD, World, build_world, make_patient, make_user
from tests.diary.helpers import day_with, migraine_attack, today, yesterday
from tests.home_intranasal.builders import home_supply_in_use, observed_plan, running_iv_session
from tests.inventory.builders import matching_count, registered, vials

PHQ9_ITEM9_POSITIVE = [1, 1, 1, 1, 1, 1, 1, 1, 2]

# Names that identify each patient: a response that shows one of them to a persona who may not
# see that patient is a leak, whatever its status code.
MARKERS = {
    "patient": ("Lindqvist", "N-1"),
    "other_patient": ("Whitlock", "N-2"),
    "south_patient": ("Varga", "S-1"),
    "referral": ("Rossi",),  # a consultation request to North, not yet a patient
}


@dataclass
class MatrixWorld:
    world: World
    pharmacist_south: User
    ids: dict[str, Any]  # real objects of North and its patient, by path parameter name
    pages: dict[str, Client]
    tokens: dict[str, str | None]


def _booked(world: World, plan_id: int) -> tuple[Any, Any]:
    """North open every day with a chair; the patient booked tomorrow and asking to move."""
    scheduling.set_opening_hours(
        actor=world.admin, site=world.north, hours={day: (time(8), time(18)) for day in range(7)}
    )
    chair = scheduling.add_chair(
        actor=world.admin, site=world.north, name="Chair 1", routes=["iv_infusion"]
    )
    [appointment] = scheduling.book_series(
        actor=world.nurse,
        plan=TreatmentPlan.objects.get(pk=plan_id),
        slots=[Slot(today() + timedelta(days=1), time(9), chair, world.nurse)],
    )
    change_request = scheduling.request_change(
        actor=world.patient_user, appointment=appointment, message="Could it be later?"
    )
    return appointment, change_request


def build() -> MatrixWorld:
    world = build_world()
    pharmacist_south = make_user("pharm_south", "pharmacist", [world.south])
    day = yesterday()
    for owner, patient in (
        (world.patient_user, world.patient),
        (world.other_patient_user, world.other_patient),
    ):
        save_day(
            actor=owner,
            patient=patient,
            day=day,
            expected_version=0,
            entry=day_with(migraine_attack(day)),
        )
        instruments.start_questionnaire_plan(actor=world.nurse, patient=patient, start_date=today())
    # Home nasal spray first (its observed first dose makes the patient eligible), then the
    # IV session that stays running.
    # The first dose's ledger (draw, administered) is not what the matrix checks: the close
    # check is set aside for it, as every test outside tests/inventory does.
    unregister_close_check(CLOSE_CHECK)
    try:
        home_plan = observed_plan(world)
    finally:
        register_close_check(CLOSE_CHECK, ledger_close_problems)
    session = running_iv_session(world)
    reading = treatment.record_observation(actor=world.nurse, session=session, heart_rate=72)
    midas = instruments.submit_questionnaire(
        actor=world.patient_user, patient=world.patient, instrument="midas", answers=[5, 4, 6, 3, 5]
    )
    instruments.submit_questionnaire(
        actor=world.patient_user,
        patient=world.patient,
        instrument="phq9",
        answers=PHQ9_ITEM9_POSITIVE,
    )
    [alert] = open_self_harm_alerts(world.patient)
    course = instruments.record_course_dates(
        actor=world.clinician, patient=world.patient, start_date=today() + timedelta(days=7)
    )
    registered(world)
    containers = vials(world, count=2)
    count = matching_count(world, containers)
    home_ids = home_supply_in_use(world, home_plan)
    inventory.draw_for_session(
        actor=world.nurse, session=session, container=containers[0], quantity_mg="10"
    )
    inventory.report_loss(
        actor=world.pharmacist, container=containers[1], reason="vial missing", quantity_mg="1"
    )
    incident = Incident.objects.get(site=world.north)
    referral = portal.submit_consultation_request(
        site=world.north,
        given_name="Maya",
        family_name="Rossi",
        date_of_birth=world.patient.date_of_birth,
        email="maya@example.org",
        history="Chronic migraine; five preventives failed.",
        consent_to_contact=True,
    )
    appointment, change_request = _booked(world, session.plan_id)
    sertraline = MedicineEntry.objects.get(name="Sertraline")
    medication = treatment.record_medication(
        actor=world.clinician, patient=world.patient, medicine=sertraline, dose="50 mg daily"
    )
    invitee = make_patient(world.clinician, world.north, "N-3", email="invitee@example.org")
    _, link = portal.invite_patient(
        actor=world.clinician, patient=invitee, link_base="http://testserver/"
    )
    # The clinician's whole-site export, still queued: only its owner may look at it.
    job = start_job(
        actor=world.clinician,
        kind="export",
        params=export_params(fmt="fhir", site="north", deidentify=False),
    )
    # The clinician's Bulk Data $export, queued: only its owner may poll, download or delete it.
    bulk = start_job(
        actor=world.clinician,
        kind="bulk_fhir",
        params=bulk_params(level="system", types=None, since=None, deidentify=False),
    )
    # A PDMP check that found concerns, not yet acknowledged (made after the home prescription,
    # which it would otherwise hold up).
    pdmp = treatment.record_pdmp_check(
        actor=world.clinician,
        patient=world.patient,
        registry="Test State PMP",
        result="concerns",
        note="Two prescribers of benzodiazepines",
    )
    ids: dict[str, Any] = {
        "job_id": job.pk,
        "export_id": bulk.pk,
        "resource_id": f"patient-{world.patient.pk}",
        "patient_id": world.patient.pk,
        "day": day,
        "position": 1,
        "response_id": midas.pk,
        "instrument": "hit6",
        "course_id": course.pk,
        "alert_id": alert.pk,
        "check_id": pdmp.pk,
        "container_id": containers[0].pk,
        "count_id": count.pk,
        "incident_id": incident.pk,
        "session_id": session.pk,
        "plan_id": session.plan_id,
        "version": 1,
        "observation_id": reading.pk,
        "medication_id": medication.pk,
        "entry_id": sertraline.pk,
        "protocol_id": Protocol.objects.get(code="lit-outpatient-iv", version=1).pk,
        "topic": "migraine",
        "token": link.rstrip("/").rsplit("/", 1)[-1],
        "uidb64": urlsafe_base64_encode(force_bytes(world.patient_user.pk)),
        "reset_token": default_token_generator.make_token(world.patient_user),
        "request_id": referral.pk,
        "site_code": "north",
        "resource_type": "Patient",
        "fmt": "fhir",
        "north_id": world.north.pk,
        "site_id": world.north.pk,
        "appointment_id": appointment.pk,
        "chair_id": appointment.chair_id,
        "change_request_id": change_request.pk,
        "user_id": world.nurse.pk,
        "tomorrow": today() + timedelta(days=1),
        "session_version": TreatmentSession.objects.get(pk=session.pk).version,
        "plan_version": TreatmentPlan.objects.get(pk=session.plan_id).version,
        "supplier_id": Supplier.objects.get().pk,
        "product_id": containers[0].product_id,
        "username": world.patient_user.username,
        "password": PASSWORD,
        "today": today(),
        "week_ago": today() - timedelta(days=7),
        **home_ids,
    }
    users: dict[str, User | None] = {
        "anonymous": None,
        "patient": world.patient_user,
        "other_patient": world.other_patient_user,
        "admin": world.admin,
        "clinician": world.clinician,
        "nurse": world.nurse,
        "pharmacist": world.pharmacist,
        "researcher": world.researcher,
        "clinician_south": world.clinician_south,
        "nurse_south": world.nurse_south,
        "pharmacist_south": pharmacist_south,
    }
    pages: dict[str, Client] = {}
    tokens: dict[str, str | None] = {}
    for name, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
            # One request settles what the session keeps (whether a second factor is due), so
            # the calls, each rolled back, do not work it out again every time.
            client.get("/learn/migraine/")
        pages[name] = client
        tokens[name] = issue_api_token(user=user)[1] if user is not None else None
    return MatrixWorld(world, pharmacist_south, ids, pages, tokens)
