"""Home use on the outcome pages (route "intranasal, home"): the chart's Outcomes tab for one
patient, the cohort page for the clinic (and withheld from a researcher when too few patients
used home spray: the page's disclosure rule)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

from ketaclinic.inventory import actions as inventory
from ketaclinic.treatment import actions
from tests.home_intranasal.builders import prescribed, spray_bottles


def _home_use(world) -> None:
    rx = prescribed(world)
    bottle = spray_bottles(world, count=1)[0]
    inventory.dispense_home_supply(
        actor=world.pharmacist, prescription=rx, container=bottle, received_by="Hana Lindqvist"
    )
    for minutes, after in ((300, 3), (120, 7)):
        actions.log_home_use(
            actor=world.patient_user,
            patient=world.patient,
            sprays=2,
            pain_before=8,
            pain_after_2h=after,
            nausea=after == 7,
            used_at=timezone.now() - timedelta(minutes=minutes),
        )


def test_the_outcomes_tab_shows_home_use_and_the_supply(world, browser_client):
    _home_use(world)
    page = browser_client(world.clinician).get(f"/patients/{world.patient.pk}/outcomes/")
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "Home nasal spray (intranasal, home)" in text
    assert "1 of 2 uses with a 2 h score (50 %)" in text  # 8 -> 3 halved, 8 -> 7 not
    assert "Uses with a side effect</dt><dd>50 %" in text
    # 100 sprays of 10 mg dispensed, 4 used: 960 mg left at home.
    assert "<strong>960000 µg</strong> the patient should hold" in text


def test_the_outcomes_tab_of_a_patient_never_prescribed_home_use_has_no_such_section(
    world, browser_client
):
    page = browser_client(world.clinician).get(f"/patients/{world.patient.pk}/outcomes/")
    assert "intranasal, home" not in page.content.decode()


def test_the_cohort_page_has_the_route_intranasal_home(world, browser_client):
    _home_use(world)
    text = browser_client(world.clinician).get("/outcomes/cohort/").content.decode()
    assert "Route “intranasal, home”" in text
    assert "1 of 2 · 50" in text
    assert "= 960000 µg still at patients' homes" in text


def test_a_researcher_sees_the_home_section_withheld_for_one_patient(world, browser_client):
    _home_use(world)
    text = browser_client(world.researcher).get("/outcomes/cohort/").content.decode()
    assert "Route “intranasal, home”" in text
    assert "Withheld: fewer than" in text
    assert "960000" not in text
