"""Registry pages: search, chart, register and edit, with outsiders and pinned query counts."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from ketaclinic.patients.models import Patient
from tests.conftest import count_queries, make_patient

pytestmark = pytest.mark.django_db
# The chart's Overview tab; pinned against a growing record in tests/core/test_chart_overview.py.
# 20 before the audit was sealed by the worker (ADR 0008); + 6 for the monitoring panel (§11: site
# settings, sessions, home uses, lab results, the eligibility liver test, the latest review).
# + 1 for the current medicines (§10), + 1 for the latest PDMP check (§13).
CHART_PAGE_QUERIES = 18 + 6 + 1 + 1

FORM = {
    "mrn": "N-300",
    "given_name": "Keiko",
    "family_name": "Nakamura",
    "date_of_birth": "1990-02-03",
    "sex": "female",
    "status": "active",
    "phone": "",
    "email": "",
    "address": "",
}


def test_the_list_shows_my_sites_patients_only(world, browser_client):
    response = browser_client(world.nurse).get(reverse("patients:list"))
    assert response.status_code == HTTPStatus.OK
    assert b"Lindqvist" in response.content
    assert b"Varga" not in response.content


def test_search_narrows_the_list_and_htmx_gets_only_the_results(world, browser_client):
    client = browser_client(world.nurse)
    response = client.get(reverse("patients:list"), {"q": "whit"}, headers={"HX-Request": "true"})
    assert b"Whitlock" in response.content
    assert b"Lindqvist" not in response.content
    assert b"<html" not in response.content


def test_an_empty_search_says_so(world, browser_client):
    response = browser_client(world.nurse).get(reverse("patients:list"), {"q": "zzz"})
    assert b"No patient matches this search" in response.content


def test_the_chart_shows_the_record_and_its_history(world, browser_client):
    response = browser_client(world.nurse).get(reverse("patients:detail", args=[world.patient.pk]))
    assert response.status_code == HTTPStatus.OK
    assert b"Lindqvist" in response.content
    assert b"Version 1" in response.content


@pytest.mark.parametrize("outsider", ["nurse_south", "clinician_south"])
def test_staff_of_another_site_get_404_for_the_chart(world, browser_client, outsider):
    response = browser_client(getattr(world, outsider)).get(
        reverse("patients:detail", args=[world.patient.pk])
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Lindqvist" not in response.content


@pytest.mark.parametrize("persona", ["researcher", "patient_user", "other_patient_user"])
def test_researchers_and_patients_cannot_use_the_registry_pages(world, browser_client, persona):
    client = browser_client(getattr(world, persona))
    assert client.get(reverse("patients:list")).status_code == HTTPStatus.FORBIDDEN
    chart = client.get(reverse("patients:detail", args=[world.patient.pk]))
    assert chart.status_code == HTTPStatus.FORBIDDEN
    assert b"Lindqvist" not in chart.content
    assert client.get(reverse("patients:create")).status_code == HTTPStatus.FORBIDDEN


def test_a_clinician_registers_a_patient(world, browser_client):
    response = browser_client(world.clinician).post(
        reverse("patients:create"), {**FORM, "site": str(world.north.pk)}
    )
    patient = Patient.objects.get(mrn="N-300")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])


def test_a_bad_date_of_birth_is_shown_beside_the_field_and_nothing_is_stored(world, browser_client):
    response = browser_client(world.clinician).post(
        reverse("patients:create"),
        {**FORM, "site": str(world.north.pk), "date_of_birth": "2999-01-01"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "not after today" in response.context["form"].errors["date_of_birth"][0]
    assert not Patient.objects.filter(mrn="N-300").exists()


def test_a_duplicate_mrn_is_shown_beside_the_mrn(world, browser_client):
    response = browser_client(world.clinician).post(
        reverse("patients:create"), {**FORM, "mrn": "N-1", "site": str(world.north.pk)}
    )
    assert "already in use" in response.context["form"].errors["mrn"][0]


def test_a_pharmacist_may_not_register_patients(world, browser_client):
    response = browser_client(world.pharmacist).post(
        reverse("patients:create"), {**FORM, "site": str(world.north.pk)}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Patient.objects.filter(mrn="N-300").exists()


def test_editing_saves_a_new_version(world, browser_client):
    url = reverse("patients:edit", args=[world.patient.pk])
    data = {
        **FORM,
        "mrn": "N-1",
        "given_name": "Hana",
        "family_name": "Lindqvist",
        "date_of_birth": "1985-04-12",
        "version": "1",
        "reason": "married name",
    }
    data["family_name"] = "Lindqvist-Berg"
    response = browser_client(world.nurse).post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.family_name == "Lindqvist-Berg"
    assert patient.version == 2


def test_a_stale_edit_gets_409_and_a_clear_message(world, browser_client):
    url = reverse("patients:edit", args=[world.patient.pk])
    data = {
        **FORM,
        "mrn": "N-1",
        "given_name": "Hana",
        "family_name": "Lindqvist",
        "date_of_birth": "1985-04-12",
        "reason": "",
    }
    browser_client(world.nurse).post(url, {**data, "version": "1", "phone": "555-1111"})
    response = browser_client(world.clinician).post(
        url, {**data, "version": "1", "phone": "555-2222"}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert b"changed by someone else" in response.content
    assert Patient.objects.get(pk=world.patient.pk).phone == "555-1111"


def test_the_list_page_does_not_grow_with_the_number_of_patients(world, browser_client):
    client = browser_client(world.nurse)
    url = reverse("patients:list")
    client.get(url)  # warm the session
    few = count_queries(client, url)
    for n in range(30):
        make_patient(world.clinician, world.north, f"N-{500 + n}")
    assert count_queries(client, url) == few


def test_the_chart_page_query_count_is_pinned(world, browser_client):
    client = browser_client(world.nurse)
    url = reverse("patients:detail", args=[world.patient.pk])
    client.get(url)
    few = count_queries(client, url)
    for version in range(1, 6):
        client.post(
            reverse("patients:edit", args=[world.patient.pk]),
            {
                **FORM,
                "mrn": "N-1",
                "given_name": "Hana",
                "family_name": "Lindqvist",
                "date_of_birth": "1985-04-12",
                "version": str(version),
                "phone": f"555-00{version}0",
                "reason": "",
            },
        )
    assert count_queries(client, url) == few == CHART_PAGE_QUERIES


def test_the_search_finds_a_patient_by_the_number_of_the_mrn_without_its_prefix(
    world, browser_client
):
    make_patient(world.clinician, world.north, "N-1005", family_name="Okonkwo")
    client = browser_client(world.nurse)
    for text in ("N-1005", "1005", "n-100", "100"):
        response = client.get(reverse("patients:list"), {"q": text})
        assert b"Okonkwo" in response.content, text
    assert b"Okonkwo" not in client.get(reverse("patients:list"), {"q": "005"}).content


def test_the_list_pages_through_the_registry_fifty_at_a_time(world, browser_client):
    for n in range(60):
        make_patient(world.clinician, world.north, f"N-{700 + n}", family_name=f"Zed{n:02d}")
    client = browser_client(world.nurse)
    first = client.get(reverse("patients:list"), {"q": "zed"})
    assert first.content.count(b"/patients/") >= 50
    assert b"Patients 1\xe2\x80\x9350 of 60" in first.content
    assert b'rel="next"' in first.content
    assert b"Zed49" in first.content
    assert b"Zed50" not in first.content
    second = client.get(reverse("patients:list"), {"q": "zed", "page": "2"})
    assert b"Zed50" in second.content
    assert b"Zed59" in second.content
    assert b"Zed49" not in second.content
    assert b'rel="prev"' in second.content
    assert b'rel="next"' not in second.content
    assert b"q=zed&amp;page=1" in second.content  # the search is kept from page to page
