"""Every page of the staff and patient sides passes axe-core with no critical or serious
violation and has one h1: each role's pages, each chart tab, the session and its summary, the
ledger's pages, the portal and the public pages. A new violation anywhere fails here, naming
the page, the rule and the elements.

One browser; one logged-in context per role, reused across that role's pages (the log-in is
most of a page's time). The addresses are built from the demo clinic (the records the pages
are about, read from the live app's database once). Session states past "discharged" (the
checklist, a running infusion, recovery) are checked where the session test reaches them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.accessibility import assert_accessible, blocking_violations, describe
from tests.browser.conftest import LiveApp, log_in
from tests.demo_template import run_sql

pytestmark = pytest.mark.browser

IDS_SQL = """
SELECT
  (SELECT id FROM patients_patient WHERE mrn = 'N-1001'),
  (SELECT id FROM patients_patient WHERE mrn = 'N-1004'),
  (SELECT id FROM patients_patient WHERE mrn = 'N-1003'),
  (SELECT MIN(s.id) FROM treatment_treatmentsession s
     JOIN patients_patient p ON p.id = s.patient_id WHERE p.mrn = 'N-1004'),
  (SELECT MIN(s.plan_id) FROM treatment_treatmentsession s
     JOIN patients_patient p ON p.id = s.patient_id WHERE p.mrn = 'N-1004'),
  (SELECT MIN(container_id) FROM inventory_movement WHERE kind = 'draw'),
  (SELECT MIN(id) FROM inventory_count),
  (SELECT MIN(id) FROM inventory_incident),
  (SELECT MIN(id) FROM portal_consultationrequest),
  (SELECT MIN(id) FROM instruments_selfharmalert),
  (SELECT id FROM accounts_site WHERE code = 'north'),
  (SELECT MIN(id) FROM treatment_protocol)
"""
NAMES = "hana treated alerted session plan container count incident referral alert north protocol"


@dataclass(frozen=True)
class Visit:
    role: str  # the demo username, or "anonymous"
    address: str  # formatted with the demo's ids and dates

    @property
    def id(self) -> str:
        return f"{self.role}:{self.address}"


STAFF_CHART = [
    "/patients/{treated}/",  # the Overview tab
    "/patients/{hana}/",
    "/patients/{alerted}/",  # with an open self-harm alert
    "/treatment/patients/{treated}/intake/",
    "/treatment/patients/{treated}/eligibility/",
    "/treatment/patients/{treated}/",
    "/patients/{treated}/diary/",
    "/patients/{hana}/diary/",
    "/patients/{hana}/diary/{yesterday}/",
    "/patients/{hana}/questionnaires/",
    "/patients/{alerted}/questionnaires/",
    "/patients/{hana}/external-history/",
    "/patients/{treated}/outcomes/",
    "/patients/{treated}/home-spray/",  # home nasal spray (issue 19)
]
VISITS = [
    *(
        Visit("anonymous", a)
        for a in (
            "/",
            "/accounts/login/",
            "/learn/migraine/",
            "/learn/ketamine/",
            "/learn/course/",
            "/learn/safety/",
            "/learn/who/",
            "/learn/consultation/",
            "/self-screen/",
            "/consultation/",
            "/accounts/password-reset/",
        )
    ),
    *(
        Visit("clinician", a)
        for a in (
            "/",
            "/patients/",
            "/patients/?q=1004",
            "/patients/new/",
            "/patients/{treated}/edit/",
            *STAFF_CHART,
            "/treatment/plans/{plan}/",
            "/treatment/patients/{treated}/plans/new/",
            "/referrals/",
            "/referrals/{referral}/",
            "/alerts/{alert}/",
            "/outcomes/cohort/",
            "/accounts/2fa/",
        )
    ),
    *(
        Visit("nurse", a)
        for a in (
            "/",
            "/treatment/sessions/",
            "/treatment/sessions/{session}/",
            "/treatment/sessions/{session}/summary/",
            "/inventory/counts/new/",
            "/patients/{treated}/",
        )
    ),
    *(
        Visit("pharmacist", a)
        for a in (
            "/",
            "/inventory/",
            "/inventory/receive/",
            "/inventory/setup/",
            "/inventory/containers/{container}/",
            "/inventory/ledger/",
            "/inventory/counts/",
            "/inventory/counts/{count}/",
            "/inventory/incidents/",
            "/inventory/incidents/{incident}/",
            "/inventory/reports/?site={north}&start={half_year_ago}&end={today}",
            "/inventory/patients/{treated}/",
        )
    ),
    *(
        Visit("admin", a)
        for a in (
            "/",
            "/audit/",
            "/treatment/protocols/",
            "/treatment/protocols/new/",
            "/treatment/protocols/{protocol}/",
            "/treatment/reports/guardrails/",
        )
    ),
    *(Visit("researcher", a) for a in ("/", "/exports/", "/outcomes/cohort/")),
    *(
        Visit("patient", a)
        for a in (
            "/",
            "/diary/",
            "/diary/{yesterday}/",
            "/diary/{yesterday}/attack/",
            "/diary/{yesterday}/history/",
            "/summary/",
            "/questionnaires/",
            "/questionnaires/midas/",
            "/progress/",
            "/settings/",
            "/my/nasal-spray/",
        )
    ),
]


@pytest.fixture(scope="module")
def demo_ids(live_app: LiveApp) -> dict[str, object]:
    (row,) = run_sql(live_app.env, IDS_SQL)
    ids: dict[str, object] = dict(zip(NAMES.split(), row, strict=True))
    today = date.today()
    ids.update(
        today=today.isoformat(),
        yesterday=(today - timedelta(days=1)).isoformat(),
        half_year_ago=(today - timedelta(days=182)).isoformat(),
    )
    return ids


@pytest.fixture(scope="module")
def role_pages(browser: Browser, live_app: LiveApp) -> Iterator[dict[str, Page]]:
    """One context per role, logged in on first use and reused for the role's pages."""
    contexts: list[BrowserContext] = []

    class Pages(dict[str, Page]):
        def __missing__(self, role: str) -> Page:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)  # the outcome pages compute on a loaded machine
            contexts.append(context)
            page = context.new_page()
            if role != "anonymous":
                log_in(page, live_app.url, role)
            self[role] = page
            return page

    pages = Pages()
    yield pages
    for context in contexts:
        context.close()


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.id)
def test_the_page_has_no_serious_accessibility_violation(
    visit: Visit, role_pages: dict[str, Page], demo_ids: dict[str, object], live_app: LiveApp
) -> None:
    page = role_pages[visit.role]
    response = page.goto(live_app.url + visit.address.format(**demo_ids))
    assert response is not None
    assert response.status == 200, (visit.id, response.status)
    assert_accessible(page)


PHONE_VISITS = [
    Visit("clinician", "/patients/{treated}/"),
    Visit("clinician", "/patients/"),
    Visit("admin", "/audit/"),
    Visit("pharmacist", "/inventory/ledger/"),
    Visit("nurse", "/treatment/sessions/{session}/summary/"),
    Visit("patient", "/"),
    Visit("patient", "/summary/"),
]


@pytest.mark.parametrize("visit", PHONE_VISITS, ids=lambda visit: visit.id)
def test_on_a_phone_the_page_fits_and_wide_tables_scroll_in_a_focusable_region(
    visit: Visit, browser: Browser, demo_ids: dict[str, object], live_app: LiveApp
) -> None:
    """390 px wide: the page itself never scrolls sideways; a table wider than the screen
    scrolls inside a region the keyboard can reach (axe's scrollable-region-focusable)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        if visit.role != "anonymous":
            log_in(page, live_app.url, visit.role)
        page.goto(live_app.url + visit.address.format(**demo_ids))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (visit.id, width)
        violations = blocking_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()


def test_keyboard_focus_is_a_solid_visible_ring(
    role_pages: dict[str, Page], live_app: LiveApp
) -> None:
    """Tabbing to a link or a field shows an opaque outline at least 2 px wide (WCAG 2.4.7)."""
    page = role_pages["clinician"]
    page.goto(f"{live_app.url}/patients/")
    for _ in range(3):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""
        )
        style, width, colour = ring
        assert style == "solid", ring
        assert width >= 2, ring
        assert not colour.startswith("rgba(") or colour.endswith(", 1)"), ring  # opaque
