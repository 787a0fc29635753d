"""Synthetic demo data, created once: ``ketaclinic demo`` and ``make run`` call this.

Idempotent: every step looks for what it would create and skips what exists, so running it
again changes nothing. Everything is written through the same actions the pages use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from ketaclinic.accounts.actions import create_site, create_user
from ketaclinic.accounts.models import Site, User
from ketaclinic.demo.cohort import seed_cohort
from ketaclinic.demo.diary import seed_diaries
from ketaclinic.demo.home_spray import seed_home_spray
from ketaclinic.demo.inventory import register_session_hooks, seed_history, seed_stock
from ketaclinic.demo.portal import seed_portal
from ketaclinic.demo.scheduling import BOOKING_LOGIN, BOOKING_MRN, seed_schedule
from ketaclinic.demo.treatment import seed_treatment
from ketaclinic.patients.actions import create_patient, link_patient_account
from ketaclinic.patients.models import Patient
from ketaclinic.synth.names import FAMILY_NAMES, STREETS, given_names

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - synthetic demo only, printed on purpose
SITES = (
    ("north", "North Headache Centre", "1 Harbour Lane, Northport"),
    ("south", "South Infusion Centre", "22 Mill Street, Southvale"),
)
# (username, role, site codes, first name, last name)
STAFF = (
    ("admin", "admin", ("north", "south"), "Alex", "Admin"),
    ("clinician", "clinician", ("north",), "Dr Nadia", "Okafor"),
    ("nurse", "nurse", ("north",), "Sam", "Lindgren"),
    ("nurse2", "nurse", ("north",), "Jo", "Marquez"),
    ("pharmacist", "pharmacist", ("north",), "Priya", "Raman"),
    ("researcher", "researcher", ("north", "south"), "Tomas", "Berg"),
    ("clinician_south", "clinician", ("south",), "Dr Ivo", "Petrov"),
    ("nurse_south", "nurse", ("south",), "Lea", "Fontaine"),
    ("pharmacist_south", "pharmacist", ("south",), "Omar", "Haddad"),
)
PATIENTS_PER_SITE = 20
# The portal patient is Hana Lindqvist, a woman (README.md, her diary's menstruation days).
FIXED_SEX = {"N-1001": "female"}


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        if not self.created:
            return "Demo data already present; nothing created."
        return "Demo data created: " + ", ".join(f"{n} {what}" for what, n in self.created.items())


def _sites(report: DemoReport) -> dict[str, Site]:
    sites = {}
    for code, name, address in SITES:
        site = Site.objects.filter(code=code).first()
        if site is None:
            site = create_site(actor=None, code=code, name=name, address=address)
            report.count("sites")
        sites[code] = site
    return sites


def _staff(report: DemoReport, sites: dict[str, Site]) -> dict[str, User]:
    users = {}
    for username, role, site_codes, first, last in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                sites=[sites[c] for c in site_codes],
                first_name=first,
                last_name=last,
                email=f"{username}@ketaclinic.example",
                check_password_strength=False,
            )
            report.count("staff users")
        users[username] = user
        report.logins.append((username, role, ", ".join(site_codes)))
    return users


def _patients(report: DemoReport, sites: dict[str, Site], admin: User) -> None:
    rng = random.Random(20261125)  # fixed seed: the same demo every time
    for index, code in enumerate(sorted(sites)):
        site = sites[code]
        for number in range(1, PATIENTS_PER_SITE + 1):
            mrn = f"{code[0].upper()}-{1000 + number}"
            family = FAMILY_NAMES[(number * 11 + index * 5) % len(FAMILY_NAMES)]
            born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 42))
            sex = "female" if rng.random() < 0.72 else "male"  # migraine is ~3:1 female
            sex = FIXED_SEX.get(mrn, sex)
            names = given_names(sex)
            given = names[(number * 7 + index * 3) % len(names)]
            if Patient.objects.filter(site=site, mrn=mrn).exists():
                continue
            create_patient(
                actor=admin,
                site=site,
                mrn=mrn,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=sex,
                phone=f"555-01{rng.randint(10, 99)}",
                email=f"{given.lower()}.{mrn.lower()}@example.org",
                address=f"{rng.randint(1, 99)} {rng.choice(STREETS)}",
            )
            report.count("patients")


def _patient_login(report: DemoReport, sites: dict[str, Site], admin: User) -> None:
    """One patient with a portal log-in, so the patient's view can be tried."""
    patient = Patient.objects.get(site=sites["north"], mrn="N-1001")
    if patient.account_id is None:
        account = create_user(
            actor=admin,
            username="patient",
            password=DEMO_PASSWORD,
            role="patient",
            first_name=patient.given_name,
            last_name=patient.family_name,
            email=patient.email,
            check_password_strength=False,
        )
        link_patient_account(actor=admin, patient=patient, account=account)
        report.count("patient log-ins")
    report.logins.append(("patient", "patient", f"{patient.full_name} (N-1001)"))
    report.logins.append(
        (BOOKING_LOGIN, "patient", f"{BOOKING_MRN}, whose course is ready to book")
    )


@transaction.atomic
def seed_demo() -> DemoReport:
    report = DemoReport()
    sites = _sites(report)
    users = _staff(report, sites)
    _patients(report, sites, users["admin"])
    _patient_login(report, sites, users["admin"])
    seed_stock(report, sites, users)
    register_session_hooks()
    seed_treatment(report, users)
    seed_schedule(report, users)
    seed_history(report, sites, users)
    days = seed_diaries(users["admin"])
    if days:
        report.count("diary days", sum(days.values()))
    nurses = {"north": users["nurse"], "south": users["nurse_south"]}
    for what, n in seed_portal(users["admin"], nurses).items():
        report.count(what, n)
    seed_cohort(report, users["admin"])
    seed_home_spray(report, users)
    return report
