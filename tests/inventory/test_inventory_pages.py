"""The pharmacist's pages, the nurse's session panel, and outsiders on every page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ketaclinic.inventory import actions
from ketaclinic.inventory.models import Container, Movement, MovementKind
from ketaclinic.inventory.queries.session import session_ledger
from tests.conftest import PASSWORD, count_queries, make_user
from tests.inventory.builders import (
    ketamine,
    matching_count,
    planned_session,
    registered,
    running_session,
    stop,
    vial,
    vials,
)
from tests.paper import A4_LANDSCAPE, read_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse2(world):
    return make_user("nurse2", "nurse", [world.north])


def test_the_pharmacist_sees_stock_with_units_and_balances(world, browser_client):
    container = vial(world)
    page = browser_client(world.pharmacist).get("/inventory/")
    body = page.content.decode()
    assert page.status_code == 200
    assert container.code in body
    assert '500<span class="dec zero">.000</span> <abbr title="milligrams">mg</abbr>' in body


def test_the_pharmacist_receives_stock_through_the_page(world, browser_client):
    supplier = registered(world)
    product = ketamine(world)
    response = browser_client(world.pharmacist).post(
        f"/inventory/receive/?site={world.north.pk}",
        {
            "supplier": supplier.pk,
            "invoice_reference": "INV-77",
            "product": product.pk,
            "lot": "LOT-P",
            "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "volume_ml": "10",
            "containers": "3",
            "storage_location": "Safe B",
            "site": world.north.pk,
        },
    )
    assert response.status_code == 302
    assert Container.objects.filter(lot="LOT-P").count() == 3


def test_an_expired_delivery_is_refused_beside_its_field(world, browser_client):
    supplier = registered(world)
    product = ketamine(world)
    response = browser_client(world.pharmacist).post(
        "/inventory/receive/",
        {
            "supplier": supplier.pk,
            "invoice_reference": "INV-78",
            "product": product.pk,
            "lot": "OLD",
            "expires_on": timezone.localdate().isoformat(),
            "volume_ml": "10",
            "containers": "1",
            "storage_location": "Safe B",
        },
    )
    assert response.status_code == 200
    assert "a date after today" in response.content.decode()
    assert not Container.objects.filter(lot="OLD").exists()


def test_the_session_page_shows_the_ledger_panel_with_the_draw_form(world, browser_client):
    vial(world)
    session = running_session(world)
    body = browser_client(world.nurse).get(f"/treatment/sessions/{session.pk}/").content.decode()
    assert 'id="ledger-panel"' in body
    assert "Record the draw" in body
    assert "NORTH-0001" in body


def test_the_nurse_draws_and_wastes_from_the_session_page(world, browser_client, nurse2):
    container = vial(world)
    session = running_session(world)
    client = browser_client(world.nurse)
    drawn = client.post(
        f"/inventory/sessions/{session.pk}/draw/",
        {"container": container.pk, "quantity": "2", "unit": "ml"},
        headers={"HX-Request": "true"},
    )
    assert drawn.status_code == 204
    assert drawn["HX-Refresh"] == "true"
    assert Movement.objects.get(kind=MovementKind.DRAW).quantity_ug == 100_000
    stop(world, session)
    booked = client.post(f"/inventory/sessions/{session.pk}/administered/")
    assert booked.status_code == 302
    refused = client.post(
        f"/inventory/sessions/{session.pk}/waste/",
        {
            "container": container.pk,
            "quantity": "1",
            "unit": "mg",
            "witness_username": "nurse2",
            "witness_password": "nope-nope-nope",
        },
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200  # htmx swaps the panel, errors beside the fields
    assert "username and password" in refused.content.decode()
    assert 'id="ledger-panel"' in refused.content.decode()
    left = session_ledger(session).to_waste_ug
    wasted = client.post(
        f"/inventory/sessions/{session.pk}/waste/",
        {
            "container": container.pk,
            "quantity": str(Decimal(left) / 1000),
            "unit": "mg",
            "witness_username": "nurse2",
            "witness_password": PASSWORD,
        },
    )
    assert wasted.status_code == 302
    assert session_ledger(session).balanced


def test_the_nurse_count_is_blind(world, browser_client):
    vial(world)
    page = browser_client(world.nurse).get("/inventory/counts/new/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "NORTH-0001" in body
    assert "left" not in body  # no "500.000 mg left" beside the container
    assert 'class="qty"' not in body  # no ledger quantity anywhere on the page


def test_a_count_through_the_page_opens_an_incident_on_a_difference(world, browser_client):
    container = vial(world)
    response = browser_client(world.nurse).post(
        "/inventory/counts/new/", {"kind": "shift", f"c{container.pk}": "9.9"}
    )
    assert response.status_code == 302
    page = browser_client(world.pharmacist).get("/inventory/incidents/")
    assert "Shift count differs from the ledger" in page.content.decode()


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_report_reconciles_to_the_ledger(world, browser_client, nurse2):
    containers = vials(world, count=2)
    session = planned_session(world)
    actions.draw_for_session(
        actor=world.nurse, session=session, container=containers[0], quantity_mg="123.457"
    )
    actions.waste_for_session(
        actor=world.nurse,
        session=session,
        container=containers[0],
        quantity_mg="0.457",
        witness_username="nurse2",
        witness_password=PASSWORD,
    )
    actions.destroy_stock(
        actor=world.pharmacist,
        container=containers[1],
        witness_username="nurse2",
        witness_password=PASSWORD,
        form_reference="F41-1",
        reason="damaged",
    )
    today = timezone.localdate().isoformat()
    client = browser_client(world.pharmacist)
    query = f"site={world.north.pk}&start={today}&end={today}"
    movements = _csv(client.get(f"/inventory/reports/ledger.csv?{query}&part=movements"))
    ledger = list(Movement.objects.filter(site=world.north).order_by("occurred_at", "id"))
    assert len(movements) == len(ledger)
    assert [Decimal(row["quantity_mg"]) * 1000 for row in movements] == [
        m.quantity_ug for m in ledger
    ]
    lots = _csv(client.get(f"/inventory/reports/ledger.csv?{query}&part=lots"))
    total = lots[-1]
    closing_from_csv = Decimal(total["closing_mg"]) * 1000
    assert closing_from_csv == sum(c.on_hand_ug for c in Container.objects.filter(site=world.north))
    net = sum(Decimal(row["on_hand_change_mg"]) for row in movements)
    assert Decimal(total["opening_mg"]) + net == Decimal(total["closing_mg"])
    assert all(row["reconciles"] == "yes" for row in lots)
    waste = _csv(client.get(f"/inventory/reports/ledger.csv?{query}&part=waste"))
    assert [row["witness"] for row in waste] == ["Nurse2 (nurse2)"]
    sessions = _csv(client.get(f"/inventory/reports/ledger.csv?{query}&part=sessions"))
    assert sessions[0]["drawn_mg"] == "123.457"
    assert sessions[0]["unaccounted_mg"] == "123.000"


def test_the_pdf_report_is_rendered_from_the_page_template(world, browser_client, caplog):
    vial(world)
    today = timezone.localdate().isoformat()
    with caplog.at_level("WARNING", logger="weasyprint"):
        response = browser_client(world.pharmacist).get(
            f"/inventory/reports/ledger.pdf?site={world.north.pk}&start={today}&end={today}"
        )
    # WeasyPrint understood every style it was given: the screen-only ones never reach it
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    stamp = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="ketamine-ledger-north-{stamp}-{stamp}.pdf"'
    )
    assert_ledger_paper(response)


def assert_ledger_paper(response) -> None:
    """Not cached, on A4 landscape under the controlled-substance heading."""
    assert response["Cache-Control"] == "no-store"
    read_paper(response, size=A4_LANDSCAPE, heading="KetaClinic · controlled-substance record")


def test_a_count_prints_as_the_inventory_record(world, browser_client):
    count = matching_count(world, vials(world, count=2))
    response = browser_client(world.pharmacist).get(f"/inventory/counts/{count.pk}/inventory.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    stamp = timezone.localtime(count.taken_at).strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="ketamine-shift-north-{stamp}.pdf"'
    )
    assert_ledger_paper(response)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Every container matches the ledger." in text


def test_the_stock_and_ledger_pages_run_a_fixed_number_of_queries(world, browser_client):
    client = browser_client(world.pharmacist)
    vials(world, count=1)
    client.get("/inventory/")  # the first request of a session also checks 2FA devices
    few = {url: count_queries(client, url) for url in ("/inventory/", "/inventory/ledger/")}
    vials(world, count=4, lot="LOT-B")
    for url, queries in few.items():
        assert count_queries(client, url) == queries, url


PAGES = [
    "/inventory/",
    "/inventory/receive/",
    "/inventory/setup/",
    "/inventory/containers/{container}/",
    "/inventory/ledger/",
    "/inventory/counts/",
    "/inventory/incidents/",
    "/inventory/reports/",
    "/inventory/reports/ledger.csv?site={site}&start=2026-01-01&end=2026-12-31",
    "/inventory/patients/{patient}/",
    "/inventory/patients/{patient}/dispensing.csv",
]
POSTS = [
    "/inventory/sessions/{session}/draw/",
    "/inventory/sessions/{session}/waste/",
    "/inventory/sessions/{session}/administered/",
    "/inventory/sessions/{session}/return/",
    "/inventory/containers/{container}/",
]


@pytest.mark.parametrize("who", ["nurse_south", "clinician_south", "researcher", "patient_user"])
def test_outsiders_get_no_ledger_page(world, browser_client, who):
    container = vial(world)
    session = running_session(world)
    ids = {"container": container.pk, "session": session.pk, "patient": world.patient.pk}
    ids["site"] = world.north.pk
    client = browser_client(getattr(world, who))
    for template in PAGES:
        response = client.get(template.format(**ids))
        assert response.status_code in (403, 404), (template, response.status_code)
        assert b"NORTH-0001" not in response.content
    for template in POSTS:
        response = client.post(
            template.format(**ids), {"container": container.pk, "quantity": "1", "unit": "mg"}
        )
        assert response.status_code in (403, 404), (template, response.status_code)
    assert Movement.objects.count() == 1


@pytest.mark.parametrize(
    "url", ["/inventory/ledger/", "/inventory/reports/", "/inventory/reports/ledger.csv"]
)
def test_another_sites_pharmacist_asking_for_this_sites_ledger_is_refused(
    world, browser_client, url
):
    """Not answered with their own site's ledger instead, as if it were the one asked for."""
    vial(world)
    south = make_user("pharm_south", "pharmacist", [world.south])
    response = browser_client(south).get(f"{url}?site={world.north.pk}")
    assert response.status_code == 404
    assert b"NORTH-0001" not in response.content


def test_a_role_that_may_not_draw_is_refused_before_the_draw_form(world, browser_client):
    """The admin's container choices are empty; the answer is still a refusal, not a form error."""
    container = vial(world)
    session = running_session(world)
    response = browser_client(world.admin).post(
        f"/inventory/sessions/{session.pk}/draw/",
        {"container": container.pk, "quantity": "1", "unit": "mg"},
    )
    assert response.status_code == 403
    assert Movement.objects.count() == 1


def test_the_nurse_may_not_open_the_pharmacist_pages(world, browser_client):
    vial(world)
    client = browser_client(world.nurse)
    for url in ("/inventory/", "/inventory/ledger/", "/inventory/reports/", "/inventory/receive/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/inventory/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_pharmacist_records_the_site_registration_and_a_bad_dea_number_is_refused(
    world, browser_client
):
    client = browser_client(world.pharmacist)
    refused = client.post(
        "/inventory/setup/",
        {
            "form": "registration",
            "registration-registrant_name": "North Headache Centre",
            "registration-dea_number": "BN2345670",
            "registration-address": "1 Harbour Lane",
        },
    )
    assert refused.status_code == 200
    assert "the last digit should be 2" in refused.content.decode()
    recorded = client.post(
        "/inventory/setup/",
        {
            "form": "registration",
            "registration-registrant_name": "North Headache Centre",
            "registration-dea_number": "bn 2345672",
            "registration-address": "1 Harbour Lane",
        },
    )
    assert recorded.status_code == 302
    from ketaclinic.inventory.models import Registration

    assert Registration.objects.get(site=world.north).dea_number == "BN2345672"
