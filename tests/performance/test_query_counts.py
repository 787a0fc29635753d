"""Every main page runs a pinned number of SQL queries, the same for the demo clinic and for the
clinic grown several times over (queries are planned, no N+1: docs/architecture.md).

Each page is read by the role that uses it, once to warm the log-in (the first request of a
session reads the 2FA devices and stores session state), then counted; the clinic is grown
(tests/performance/growth.py: a synthetic cohort of 40 patients with diaries, five more
charted courses, a second delivery, more counts, incidents, referrals, protocols, a diary twice
as long and a year of questionnaires for the portal patient), and every page is counted again.
Both counts must equal the pinned number: a page that grows with the data, or a change that
adds a query, fails here and says which page. The patient's chart and the diary's POST are
pinned in their own apps' tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.demo.seed import seed_demo
from ketaclinic.instruments.models import SelfHarmAlert
from ketaclinic.inventory.models import Count, Incident, Movement
from ketaclinic.patients.models import Patient
from ketaclinic.portal.models import ConsultationRequest
from ketaclinic.treatment.models import Protocol, TreatmentSession
from tests.performance.growth import ALERT_MRN, TREATED_MRN, grow, latest_day_with_attacks

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Ids:
    """The demo objects the pages are about; ``grow`` adds to each of them."""

    hana: int  # the portal patient: diary and questionnaires
    treated: int  # N-1004, mid-course: treatment pages, dispensing
    alerted: int  # N-1003, an open self-harm alert
    north: int
    session: int
    plan: int
    protocol: int
    container: int
    count: int
    incident: int
    referral: int
    alert: int
    diary_day: str
    today: str
    half_year_ago: str


def demo_ids() -> Ids:
    hana = Patient.objects.get(site__code="north", mrn="N-1001")
    treated = Patient.objects.get(site__code="north", mrn=TREATED_MRN)
    session = TreatmentSession.objects.filter(patient=treated).order_by("pk").first()
    vial = Movement.objects.filter(patient=treated, kind="draw").order_by("-pk").first()
    incident = Incident.objects.order_by("pk").first()
    referral = ConsultationRequest.objects.filter(status="new").order_by("pk").first()
    alerted = Patient.objects.get(site__code="north", mrn=ALERT_MRN)
    alert = SelfHarmAlert.objects.filter(patient=alerted).order_by("pk").first()
    day = latest_day_with_attacks(hana)
    count = Count.objects.filter(site__code="north").order_by("pk").first()
    found = (session, vial, incident, referral, alert, day, count)
    assert None not in found, found
    assert session and vial and incident and referral and alert and day and count  # noqa: PT018 - for mypy
    today = timezone.localdate()
    return Ids(
        hana=hana.pk,
        treated=treated.pk,
        alerted=alerted.pk,
        north=Site.objects.get(code="north").pk,
        session=session.pk,
        plan=session.plan_id,
        protocol=Protocol.objects.get(code="lit-outpatient-iv", version=1).pk,
        container=vial.container_id,
        count=count.pk,
        incident=incident.pk,
        referral=referral.pk,
        alert=alert.pk,
        diary_day=day.date.isoformat(),
        today=today.isoformat(),
        half_year_ago=(today - timedelta(days=182)).isoformat(),
    )


@dataclass(frozen=True)
class Page:
    name: str
    reader: str  # the username that reads it
    address: Callable[[Ids], str]
    queries: int  # pinned
    fixed: str = ""  # why its content cannot grow (else: it must grow with the clinic)


# The pinned counts include each request's own overhead: reading the session and the user (2);
# for staff, the idle timeout's last-seen stamp (the session's update in a savepoint: 3); and on
# a page audited as a read (a search, a chart), the audit event's one INSERT (issue 22, ADR 0008:
# the event no longer locks and updates the chain's head row, which the worker's sealer alone
# does): two queries fewer a page than before, four on the dispensing page, which audits two
# reads. Staff with the schedule (issue 18) read on their home
# page each site's hours, chairs and day (3 a site), their own visits, late or running ones,
# patients' change requests and their sites (7 for one site, 9 for the admin's two); the
# patient's home, the next appointment (1).
PAGES = [
    # 18 + 3: the demo's one home spray prescription (N-1006) has its review flags computed
    # (uses, ledger, logged use): per prescription, so it would grow with home prescriptions.
    # + 4: the misuse flags (issue 20): unacknowledged PDMP checks, first courses and renewals
    # with their latest check (subqueries), the latest substance-use screens.
    Page("home (clinician)", "clinician", lambda i: "/", 25),
    Page("home (nurse)", "nurse", lambda i: "/", 16),
    Page("home (pharmacist)", "pharmacist", lambda i: "/", 8),
    # + the sites whose self-harm escalation is not configured, and their clinicians (2)
    Page("home (admin)", "admin", lambda i: "/", 18),
    Page("home (researcher)", "researcher", lambda i: "/", 3, fixed="no patient data"),
    Page("registry", "clinician", lambda i: "/patients/", 5),  # a page of 50 and the count
    # The chart's Overview tab reads every record app, each part bounded (LIMIT 1 or a date range).
    # + 6 for the monitoring panel (docs/clinical-rules.md §11; 2 more only while a session runs)
    # + 1 for the current medicines (§10), + 1 for the latest PDMP check (§13)
    Page("chart overview", "clinician", lambda i: f"/patients/{i.treated}/", 26),
    Page("chart overview, diary", "clinician", lambda i: f"/patients/{i.hana}/", 26),
    Page("chart overview, alert", "clinician", lambda i: f"/patients/{i.alerted}/", 26),
    Page(
        "registry search",
        "clinician",
        lambda i: "/patients/?q=m",
        6,
        fixed="its first 50 matches: a full page before and after growth",
    ),
    # The registry's last page (a page past the end gives the last) shows the growth's patients.
    Page("registry, last page", "clinician", lambda i: "/patients/?page=999", 5),
    Page("treatment tab", "clinician", lambda i: f"/treatment/patients/{i.treated}/", 13),
    Page("intake", "clinician", lambda i: f"/treatment/patients/{i.treated}/intake/", 8),
    Page("eligibility", "clinician", lambda i: f"/treatment/patients/{i.treated}/eligibility/", 9),
    # + 1 for the interaction screen (§10) beside the cumulative exposure (§11)
    Page("plan", "clinician", lambda i: f"/treatment/plans/{i.plan}/", 12),
    Page("nurse worklist", "nurse", lambda i: "/treatment/sessions/", 5),
    Page(
        "session",
        "nurse",
        lambda i: f"/treatment/sessions/{i.session}/",
        14,
        fixed="a discharged session (its readings are pinned in tests/treatment)",
    ),
    Page(
        "session summary",
        "nurse",
        lambda i: f"/treatment/sessions/{i.session}/summary/",
        15,  # with the ledger: its totals (two) and its lines (one)
        fixed="a discharged session",
    ),
    # + the admin's sites and their pump minimums, for the pump-minimum form (2)
    Page("protocols", "admin", lambda i: "/treatment/protocols/", 5),
    Page(
        "protocol",
        "admin",
        lambda i: f"/treatment/protocols/{i.protocol}/",
        5,
        fixed="one protocol's settings",
    ),
    Page("guardrail report", "admin", lambda i: "/treatment/reports/guardrails/", 6),
    Page("stock", "pharmacist", lambda i: "/inventory/", 8),
    Page("container", "pharmacist", lambda i: f"/inventory/containers/{i.container}/", 8),
    Page("ledger", "pharmacist", lambda i: "/inventory/ledger/", 8),
    Page("counts", "pharmacist", lambda i: "/inventory/counts/", 7),
    Page("count", "pharmacist", lambda i: f"/inventory/counts/{i.count}/", 8, fixed="a past count"),
    Page("incidents", "pharmacist", lambda i: "/inventory/incidents/", 8),
    Page("incident", "pharmacist", lambda i: f"/inventory/incidents/{i.incident}/", 8),
    Page(
        "ledger report",
        "pharmacist",
        lambda i: f"/inventory/reports/?site={i.north}&start={i.half_year_ago}&end={i.today}",
        16,
    ),
    Page("dispensing", "pharmacist", lambda i: f"/inventory/patients/{i.treated}/", 9),
    Page("referral queue", "clinician", lambda i: "/referrals/", 4),
    Page("referral", "clinician", lambda i: f"/referrals/{i.referral}/", 7, fixed="one request"),
    Page("chart questionnaires", "clinician", lambda i: f"/patients/{i.hana}/questionnaires/", 11),
    Page(
        "chart questionnaires, alerts",
        "clinician",
        lambda i: f"/patients/{i.alerted}/questionnaires/",
        11,
    ),
    Page("alert", "clinician", lambda i: f"/alerts/{i.alert}/", 6, fixed="one alert"),
    Page("chart diary", "clinician", lambda i: f"/patients/{i.hana}/diary/", 9),
    Page("chart diary day", "clinician", lambda i: f"/patients/{i.hana}/diary/{i.diary_day}/", 10),
    Page("exports", "researcher", lambda i: "/exports/", 4, fixed="a form and the last 10 jobs"),
    # Pages of 50 events: what is on them changes, not how much.
    # ... and the names of its users, patients and sites (three queries).
    # + the chain's end, beside the newest signed checkpoint (1)
    Page("audit search", "admin", lambda i: "/audit/", 9, fixed="a page of 50 events"),
    Page(
        "audit search by user",
        "admin",
        lambda i: "/audit/?actor=nurse",
        9,
        fixed="a page of 50 events",
    ),
    Page("portal home", "patient", lambda i: "/", 9, fixed="today's day and what is due"),
    Page("diary calendar", "patient", lambda i: "/diary/", 5),
    Page("diary day", "patient", lambda i: f"/diary/{i.diary_day}/", 8),
    Page("diary day history", "patient", lambda i: f"/diary/{i.diary_day}/history/", 8),
    Page("diary summary (28-day chart)", "patient", lambda i: "/summary/", 6),
    Page("diary summary, printable", "patient", lambda i: "/summary/print/", 6),
    Page("my questionnaires", "patient", lambda i: "/questionnaires/", 8, fixed="what is due"),
    Page("settings", "patient", lambda i: "/settings/", 5, fixed="a form"),
    Page("my appointments", "patient", lambda i: "/my/appointments/", 4, fixed="none booked"),
    Page(
        "schedule of the day (nurse)",
        "nurse",
        lambda i: "/schedule/",
        9,
        fixed="today's book: the growth books no visits",
    ),
]


def measure(ids: Ids) -> dict[str, tuple[int, int]]:
    """Queries and response length of each page (the second read of a warmed-up log-in)."""
    clients: dict[str, Client] = {}
    measured = {}
    for page in PAGES:
        if page.reader not in clients:
            clients[page.reader] = Client()
            clients[page.reader].force_login(User.objects.get(username=page.reader))
        client, url = clients[page.reader], page.address(ids)
        assert client.get(url).status_code == 200, (page.name, url)
        cache.clear()  # counted with nothing cached: a cached page would hide a growing read
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page.name, url, response.status_code)
        measured[page.name] = (len(queries), len(response.content))
    return measured


def test_every_main_page_runs_the_same_pinned_number_of_queries_as_the_clinic_grows(tmp_path):
    seed_demo()
    ids = demo_ids()
    small = measure(ids)
    grow(tmp_path)
    large = measure(ids)
    pinned = {page.name: page.queries for page in PAGES}
    assert {name: queries for name, (queries, _) in small.items()} == pinned
    assert {name: queries for name, (queries, _) in large.items()} == pinned
    # The growth reached every page that lists something: its rendering changed.
    unchanged = [
        page.name for page in PAGES if not page.fixed and small[page.name][1] == large[page.name][1]
    ]
    assert unchanged == []
