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


def _lot(line: Any) -> dict[str, Any]:
    return {
        "product": line.product,
        "strength_mg_per_ml": line.strength or 0,
        "lot": line.lot,
        "expires_on": line.expires_on,
        "containers": line.containers,
        "opening_ug": line.opening_ug,
        "received_ug": line.received_ug,
        "drawn_ug": line.drawn_ug,
        "disposed_ug": line.disposed_ug,
        "adjusted_ug": line.adjusted_ug,
        "closing_ug": line.closing_ug,
        "reconciles": line.reconciles,
    }


def _session(line: SessionLine) -> dict[str, Any]:
    return {
        "session_id": line.session_id,
        "patient_mrn": line.patient.mrn,
        "when": line.when,
        "drawn_ug": line.drawn_ug,
        "administered_ug": line.administered_ug,
        "wasted_ug": line.wasted_ug,
        "returned_ug": line.returned_ug,
        "unaccounted_ug": line.unaccounted_ug,
        "recorded_by": sorted(line.nurses),
        "witnesses": sorted(line.witnesses),
    }


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
        "lots": [_lot(line) for line in report.lots],
        "totals": _lot(report.totals),
        "sessions": [_session(line) for line in report.sessions],
        "movements": report.movements,
        "discrepancies": report.discrepancies,
        "open_incidents": open_incident_count(site),
    }


@router.get("/patients/{patient_id}/dispensing", response=list[SessionLineOut])
def dispensing(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    """One patient's ketamine, session by session (21 CFR 1304.22(c))."""
    user = current_user(request)
    require_ledger(user)
    patient = get_patient(user, patient_id, purpose="dispensing")
    return [_session(line) for line in dispensing_log(user, patient)]
