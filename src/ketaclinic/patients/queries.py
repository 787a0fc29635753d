"""Every read of the registry; scoped by site or by the patient's own account, and audited."""

from __future__ import annotations

import contextlib
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.patients.models import Patient, PatientIdentifier, PatientRevision


def visible_patients(user: User) -> QuerySet[Patient]:
    """The patients this user may see: a patient sees their own record, staff their sites'."""
    if not user.is_active:
        return Patient.objects.none()
    if user.role == Role.PATIENT:
        return Patient.objects.filter(account=user)
    if user.can(Capability.VIEW_PATIENTS):
        return Patient.objects.filter(site_id__in=user.site_ids())
    return Patient.objects.none()


def _matching(user: User, *, text: str, status: str, site_id: int | None) -> QuerySet[Patient]:
    """The patients at the user's sites matching the search, in name order.

    An MRN matches from its start ("N-10") or from its number ("1005" finds "N-1005"): staff
    read the number aloud from a letter or a wristband without the site's prefix. Another
    system's identifier (a referring hospital's MRN, kept with the record) matches exactly.
    """
    if not user.can(Capability.VIEW_PATIENTS):
        raise PermissionDenied("your role may not search the registry")
    patients = visible_patients(user).select_related("site")
    if text:
        condition = Q(mrn__istartswith=text) | Q(mrn__icontains=f"-{text}")
        condition |= Q(
            pk__in=PatientIdentifier.objects.filter(value__iexact=text).values("patient_id")
        )
        for word in text.split():
            condition |= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        with contextlib.suppress(ValueError):
            condition |= Q(date_of_birth=date.fromisoformat(text))
        patients = patients.filter(condition)
    if status:
        patients = patients.filter(status=status)
    if site_id is not None:
        patients = patients.filter(site_id=site_id)
    return patients.order_by("family_name", "given_name", "id")


def _audit_search(user: User, text: str, results: int) -> None:
    if text:
        record_event(
            actor=user,
            action="patient.search",
            object_type="patient",
            detail={"text": text, "results": results},
        )


def search_patients(
    user: User, *, text: str = "", status: str = "", site_id: int | None = None, limit: int = 50
) -> list[Patient]:
    """Registry search by MRN, name or date of birth (YYYY-MM-DD), for staff of the sites."""
    text = text.strip()
    found = list(_matching(user, text=text, status=status, site_id=site_id)[:limit])
    _audit_search(user, text, len(found))
    return found


PATIENTS_PER_PAGE = 50


def page_of_patients(
    user: User, *, text: str = "", status: str = "", page: int | str = 1
) -> Page[Patient]:
    """One page of the registry search (:func:`search_patients`' rules), the total counted once;
    a page number past the end gives the last page."""
    text = text.strip()
    paginator = Paginator(
        _matching(user, text=text, status=status, site_id=None), PATIENTS_PER_PAGE
    )
    found = paginator.get_page(page)
    _audit_search(user, text, paginator.count)
    return found


def get_patient(user: User, patient_id: int, *, purpose: str = "chart") -> Patient:
    """One patient's record, audited as a chart read; 404 when it is not visible to the user.

    404 rather than 403 so that a user cannot learn which record numbers exist elsewhere.
    """
    patient = visible_patients(user).select_related("site", "account").filter(pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    record_event(
        actor=user,
        action=f"patient.read.{purpose}",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
    )
    return patient


def list_revisions(patient: Patient) -> list[PatientRevision]:
    return list(patient.revisions.select_related("changed_by").order_by("-version"))
