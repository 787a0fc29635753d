"""The demo clinic, grown: more of everything the main pages list, through the real actions.

``seed_demo`` gives every page something to show (the small size); ``grow`` then adds, through
the same actions and demo factories, more of what each measured page lists, including on the
very objects the pages are about: a synthetic cohort (patients with diaries and questionnaire
histories), a second delivery of vials, full treatment courses charted end to end for more
patients (with the ledger's draws and witnessed waste), today's worklist, the treated patient's
next session (a new intake version, another test, more ledger movements on the same vial, a
second self-harm alert), a longer diary with corrected days and a year more of questionnaires
for the portal patient, counts (one short, opening an incident), notes on the open incident,
consultation requests and protocol versions. Synthetic data only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from ketaclinic import synth
from ketaclinic.accounts.models import Site, User
from ketaclinic.demo import treatment as treatment_demo
from ketaclinic.demo.diary import story_days
from ketaclinic.demo.stories import STORIES, DemoCourse
from ketaclinic.diary.actions import import_diary_days, save_day
from ketaclinic.diary.entries import DayEntry
from ketaclinic.diary.models import DiaryDay
from ketaclinic.instruments.actions import submit_questionnaire
from ketaclinic.inventory import actions as inventory
from ketaclinic.inventory.models import Container, Incident, Product, Supplier
from ketaclinic.patients.models import Patient
from ketaclinic.portal.actions import submit_consultation_request
from ketaclinic.synth.cohort_load import load_synthetic_cohort
from ketaclinic.treatment import actions as treatment
from ketaclinic.treatment.models import Protocol, TreatmentPlan
from tests.diary.helpers import day_with, migraine_attack
from tests.treatment.builders import INTAKE

TREATED_MRN = "N-1004"  # intranasal course, three of six sessions given in the demo
ALERT_MRN = "N-1003"  # the demo's open self-harm alert
COURSE_MRNS = tuple(f"N-{1012 + n}" for n in range(5))  # demo patients without a course


@dataclass
class Tally:
    """The demo factories' report protocol: counts what they create."""

    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def users() -> dict[str, User]:
    return {user.username: user for user in User.objects.all()}


def grow(work: Path) -> Tally:
    staff = users()
    north = Site.objects.get(code="north")
    tally = Tally()
    _cohort(staff["admin"], work, tally)
    _stock(staff["pharmacist"], north, tally)
    people = _people(staff)
    _courses(people, tally)
    _worklist(staff["nurse"], tally)
    _treated_patient(people, tally)
    _portal_patient(staff, tally)
    _counts(staff, north, tally)
    _incident_notes(staff["pharmacist"], tally)
    _referrals(north, tally)
    _protocols(staff["admin"], tally)
    return tally


def _cohort(admin: User, work: Path, tally: Tally) -> None:
    synth.write(synth.generate(40, 120, seed=11), work / "cohort")
    for kind, n in load_synthetic_cohort(actor=admin, directory=work / "cohort").items():
        tally.count(kind, n)


def _stock(pharmacist: User, north: Site, tally: Tally) -> None:
    vial = Product.objects.filter(form="vial", strength_mg_per_ml=Decimal(50)).first()
    assert vial is not None
    inventory.receive_stock(
        actor=pharmacist,
        site=north,
        supplier=Supplier.objects.order_by("pk").first(),
        invoice_reference="HPW-26-0999",
        lines=[
            inventory.ReceivedLine(
                vial,
                "K50-2699Z",
                timezone.localdate() + timedelta(days=500),
                Decimal(10),
                12,
                "CD safe B",
            )
        ],
    )
    tally.count("containers", 12)


def _people(staff: dict[str, User]) -> treatment_demo.Staff:
    return treatment_demo.Staff(
        admin=staff["admin"],
        clinician=staff["clinician"],
        nurse=staff["nurse"],
        nurse2=staff["nurse2"],
        clinician_south=staff["clinician_south"],
        nurse_south=staff["nurse_south"],
    )


def _courses(people: treatment_demo.Staff, tally: Tally) -> None:
    protocols = treatment_demo._library(tally, people)
    for mrn in COURSE_MRNS:
        patient = Patient.objects.select_related("site").get(site__code="north", mrn=mrn)
        course = DemoCourse("lit-outpatient-iv", given=2, planned=4, spacing=7, first_offset=17)
        treatment_demo.treat(tally, people, protocols, patient, (course,))


def _worklist(nurse: User, tally: Tally) -> None:
    """Today's sessions: one more for each course above."""
    for plan in TreatmentPlan.objects.filter(patient__mrn__in=COURSE_MRNS, status="approved"):
        treatment.schedule_session(actor=nurse, plan=plan, scheduled_for=timezone.localdate())
        tally.count("sessions today")


def latest_day_with_attacks(patient: Patient) -> DiaryDay | None:
    """The day the diary pages are measured on (attacks: the pages' every query runs)."""
    return DiaryDay.objects.filter(patient=patient, attack_count__gte=1).order_by("-date").first()


def _treated_patient(people: treatment_demo.Staff, tally: Tally) -> None:
    """N-1004 (the treatment pages' patient): the course's fourth session, charted by the demo's
    own steps (ledger draw from the container already in use, witnessed waste), a revised intake,
    a new eligibility screen, consent and test; and N-1003's second positive PHQ-9 item 9 (a
    second open alert)."""
    patient = Patient.objects.select_related("site").get(site__code="north", mrn=TREATED_MRN)
    intake = treatment.record_intake(
        actor=people.clinician,
        patient=patient,
        expected_version=1,
        **{**INTAKE, "weight_kg": 71.5, "reason": "weighed again before the third session"},
    )
    treatment.confirm_diagnosis(actor=people.clinician, intake=intake)
    treatment.record_eligibility_screen(
        actor=people.clinician,
        patient=patient,
        expected_version=1,
        conditions=[],
        course="serial",
        note="Re-screened before the second half of the course",
    )
    treatment.record_consent(
        actor=people.clinician, patient=patient, information_version="Ketamine leaflet v2"
    )
    treatment.record_pdmp_check(
        actor=people.clinician, patient=patient, registry="Test State PDMP", result="no_concerns"
    )
    treatment.record_test(
        actor=people.clinician,
        patient=patient,
        test="ecg",
        outcome="done",
        performed_on=timezone.localdate() - timedelta(days=2),
        result="normal",
    )
    plan = TreatmentPlan.objects.get(patient=patient, status="approved")
    day = timezone.localdate() - timedelta(days=1)
    session = treatment.schedule_session(actor=people.nurse, plan=plan, scheduled_for=day)
    treatment_demo._session(session, random.Random(5), people.nurse, people.clinician, "ae")
    submit_questionnaire(
        actor=people.nurse,
        patient=Patient.objects.get(site__code="north", mrn=ALERT_MRN),
        instrument="phq9",
        answers=[2, 2, 2, 2, 1, 1, 1, 1, 1],
        completed_at=timezone.now() - timedelta(hours=2),
    )
    tally.count("treated patient's sessions")


def _portal_patient(staff: dict[str, User], tally: Tally) -> None:
    """Hana (N-1001): a diary twice as long, and a year more of questionnaires."""
    patient = Patient.objects.get(site__code="north", mrn="N-1001")
    story = next(s for s in STORIES if s.mrn == "N-1001")
    today = timezone.localdate()
    days = story_days(replace(story, diary_days=480), patient, today)
    days.update({today - timedelta(days=n): DayEntry(headache_free=True) for n in range(1, 120)})
    tally.count("diary days", import_diary_days(actor=staff["nurse"], patient=patient, days=days))
    assert patient.account is not None
    corrected = latest_day_with_attacks(patient)
    assert corrected is not None
    for pain in (4, 6, 8):  # the patient corrects the day three times: three more versions
        corrected = save_day(
            actor=patient.account,
            patient=patient,
            day=corrected.date,
            expected_version=corrected.version,
            entry=day_with(migraine_attack(corrected.date, pain=pain)),
            reason="remembered it better",
        )
        tally.count("diary versions")
    rng = random.Random(7)
    first = datetime.combine(timezone.localdate() - timedelta(days=400), time(10), tzinfo=UTC)
    for week in range(0, 52, 4):
        for instrument, answers in (
            ("midas", [rng.randint(0, 10) for _ in range(5)]),
            ("phq9", [rng.randint(0, 2) for _ in range(8)] + [0]),
            ("gad7", [rng.randint(0, 2) for _ in range(7)]),
        ):
            submit_questionnaire(
                actor=staff["nurse"],
                patient=patient,
                instrument=instrument,
                answers=answers,
                completed_at=first + timedelta(weeks=week),
            )
            tally.count("questionnaires")


def _counts(staff: dict[str, User], north: Site, tally: Tally) -> None:
    """Two more counts of North's stock; the second finds a vial short (an incident)."""
    stock = list(Container.objects.filter(site=north, on_hand_ug__gt=0).select_related("product"))

    def found(container: Container, short: Decimal) -> inventory.CountedContainer:
        ml = Decimal(container.on_hand_ug) / (container.product.strength_mg_per_ml * 1000)
        return inventory.CountedContainer(
            container.pk, quantity_ml=(ml - short).quantize(Decimal("0.001"))
        )

    for number, short in enumerate((Decimal(0), Decimal("0.5"))):  # the second opens an incident
        inventory.record_count(
            actor=staff["pharmacist"],
            site=north,
            kind="daily",
            counted=[found(c, short if i == 0 else Decimal(0)) for i, c in enumerate(stock)],
            note=f"Growth count {number}",
        )
        tally.count("counts")


def _incident_notes(pharmacist: User, tally: Tally) -> None:
    """Notes on the demo's open incident (the incident page lists its events)."""
    incident = Incident.objects.order_by("pk").first()
    assert incident is not None
    for n in range(3):
        inventory.add_incident_event(
            actor=pharmacist, incident=incident, kind="note", text_=f"Checked the safe log ({n})"
        )
        tally.count("incident notes")


def _referrals(north: Site, tally: Tally) -> None:
    for n in range(8):
        submit_consultation_request(
            site=north,
            given_name="Referred",
            family_name=f"Person{n}",
            date_of_birth=date(1980 + n, 1, 15),
            email=f"referred{n}@example.org",
            history="Chronic migraine for years; several preventives tried without success.",
            consent_to_contact=True,
        )
        tally.count("referrals")


def _protocols(admin: User, tally: Tally) -> None:
    """A new version of the demo's bolus protocol, and a few drafts in the library."""
    protocol = Protocol.objects.filter(code="demo-iv-bolus").order_by("-version").first()
    assert protocol is not None
    treatment.supersede_protocol(
        actor=admin, protocol=protocol, changes={"dose_soft_max": 0.25}, reason="lower soft limit"
    )
    for n in range(4):
        treatment.create_protocol(
            actor=admin, code=f"draft-bolus-{n}", **{**treatment_demo.BOLUS, "name": f"Draft {n}"}
        )
    tally.count("protocols", 5)
