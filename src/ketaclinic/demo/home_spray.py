"""The demo's home nasal spray (issue 19): N-1006, whose Yuan intranasal course was observed in
clinic, takes the spray home. A prescription, one bottle dispensed from the ledger, and three uses
the patient logged (one with no 2 h score yet); the patient has a portal log-in to try the log.

Kept apart from the per-patient demo story (``demo.treatment``): one function, called last by the
loader, that only adds to what is there and does nothing when it has run before.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Protocol as TypingProtocol

from django.utils import timezone

from ketaclinic.accounts.actions import create_user
from ketaclinic.accounts.models import User
from ketaclinic.inventory.actions import dispense_home_supply
from ketaclinic.inventory.models import Container, HomeSupplyMovement, ProductForm
from ketaclinic.patients.actions import link_patient_account
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.actions import log_home_use, prescribe_home_intranasal
from ketaclinic.treatment.models import HomePrescription
from ketaclinic.treatment.queries.chart import current_plan, list_plans

HOME_MRN = "N-1006"  # not N-1004: the browser flow prescribes for that one from scratch
HOME_LOGIN = "patient_spray"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - synthetic demo only
UG_PER_SPRAY = 10_000  # 10 mg a spray (0.1 mL of 100 mg/mL)
# (days ago, hour, sprays, pain before, pain 2 h after or None, nausea)
USES = ((6, 9, 2, 8, 3, False), (3, 18, 2, 7, 4, True), (0, 7, 2, 6, None, False))


class Report(TypingProtocol):
    logins: list[tuple[str, str, str]]

    def count(self, what: str, n: int = 1) -> None: ...


def _account(patient: Patient, admin: User, report: Report) -> User:
    if patient.account is None:
        account = create_user(
            actor=admin,
            username=HOME_LOGIN,
            password=DEMO_PASSWORD,
            role="patient",
            first_name=patient.given_name,
            last_name=patient.family_name,
            email=patient.email,
            check_password_strength=False,
        )
        link_patient_account(actor=admin, patient=patient, account=account)
        report.count("patient log-ins")
        patient.refresh_from_db()
    assert patient.account is not None
    return patient.account


def _whole_bottle(patient: Patient) -> Container | None:
    """A spray bottle at the patient's site, never dispensed, holding whole sprays."""
    dispensed = HomeSupplyMovement.objects.values_list("movement__container_id", flat=True)
    for bottle in (
        Container.objects.filter(
            site_id=patient.site_id, product__form=ProductForm.NASAL_SPRAY, on_hand_ug__gt=0
        )
        .exclude(pk__in=dispensed)
        .order_by("-on_hand_ug", "pk")
    ):
        if bottle.on_hand_ug % UG_PER_SPRAY == 0 and bottle.expires_on > timezone.localdate():
            return bottle
    return None


def seed_home_spray(report: Report, users: dict[str, User]) -> None:
    patient = Patient.objects.select_related("account").get(mrn=HOME_MRN, site__code="north")
    report.logins.append((HOME_LOGIN, "patient", f"{HOME_MRN}, who uses a nasal spray at home"))
    if HomePrescription.objects.filter(patient=patient).exists():
        return
    plan = current_plan(list_plans(patient))
    if plan is None or plan.protocol.route != "intranasal":
        return
    account = _account(patient, users["admin"], report)
    today = timezone.localdate()
    prescription = prescribe_home_intranasal(
        actor=users["clinician"],
        plan=plan,
        sprays_per_use=2,
        min_interval_minutes=15,
        max_sprays_per_day=6,
        max_sprays_per_week=20,
        bottles=2,
        sprays_per_bottle=50,
        starts_on=today - timedelta(days=7),
        review_on=today + timedelta(days=21),
        instructions="1 spray in each nostril at the start of an attack; at most 6 sprays a day. "
        "Log every use, and bring every bottle back, empty or not.",
    )
    report.count("home spray prescriptions")
    bottle = _whole_bottle(patient)
    if bottle is None:
        return
    dispense_home_supply(
        actor=users["pharmacist"],
        prescription=prescription,
        container=bottle,
        received_by=patient.full_name,
        at=timezone.now() - timedelta(days=7),
    )
    report.count("home spray bottles dispensed")
    zone = timezone.get_current_timezone()
    for days_ago, hour, sprays, before, after, nausea in USES:
        at = datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=zone)
        log_home_use(
            actor=account,
            patient=patient,
            sprays=sprays,
            pain_before=before,
            pain_after_2h=after,
            nausea=nausea,
            used_at=min(at, timezone.now() - timedelta(minutes=5)),
            confirm_warnings=True,
        )
    report.count("home spray uses", len(USES))
