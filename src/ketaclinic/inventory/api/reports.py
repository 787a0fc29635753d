"""The ledger report and a patient's dispensing log, as JSON (CSV and PDF are pages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from ketaclinic.core.http import current_user
from ketaclinic.core.schemas import BoundedIn
from ketaclinic.inventory.api.common import site_by_code
from ketaclinic.inventory.api.schemas import LedgerReportOut, SessionLineOut
from ketaclinic.inventory.queries.reports import SessionLine, dispensing_log, ledger_report
from ketaclinic.inventory.queries.stock import open_incident_count, require_ledger
from ketaclinic.patients.queries import get_patient

router = Router(tags=["inventory"])


class ReportQuery(BoundedIn):
    site: str
    start: date
    end: date


@router.get("/reports/ledger", response=LedgerReportOut)
def ledger(request: HttpRequest, filters: Query[ReportQuery]) -> dict[str, Any]:
    """Every movement, per-lot balances (opening + movements = closing), dispensing by session
    and count discrepancies for a site and period (inclusive dates)."""
    user = current_user(request)
    require_ledger(user)
    site = site_by_code(user, filters.site)
    report = ledger_report(user, site, filters.start, filters.end)
    return {
        "site": site.code,
        "dea_number": report.registration.dea_number if report.registration else None,
        "start": report.start,
        "end": report.end,
        "lots": report.lots,
        "totals": report.totals,
        "sessions": report.sessions,
        "movements": report.movements,
        "discrepancies": report.discrepancies,
        "open_incidents": open_incident_count(site),
    }


@router.get("/patients/{patient_id}/dispensing", response=list[SessionLineOut])
def dispensing(request: HttpRequest, patient_id: int) -> list[SessionLine]:
    """One patient's ketamine, session by session (21 CFR 1304.22(c))."""
    user = current_user(request)
    require_ledger(user)
    patient = get_patient(user, patient_id, purpose="dispensing")
    return list(dispensing_log(user, patient))
