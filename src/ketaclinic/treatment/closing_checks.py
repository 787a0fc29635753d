"""The seam where other apps add conditions a session must meet before it closes (discharge).

The controlled-substance ledger requires drawn = administered + wasted before a
session closes. It registers a check from its ``AppConfig.ready()``::

    from ketaclinic.treatment.closing_checks import administered_mg, register_close_check

    def ledger_balances(session):  # -> list of problems, empty when the session may close
        drawn, wasted = ...  # from the inventory ledger
        given = administered_mg(session)
        if abs(drawn - given - wasted) > 0.01:
            return [f"drawn {drawn:g} mg != given {given:g} mg + wasted {wasted:g} mg"]
        return []

    register_close_check("inventory.balance", ledger_balances)

``discharge_session`` runs every check inside its transaction, with the session row locked, and
refuses (409) while any returns a problem; the session page lists the problems ahead of time
(``close_problems``) so the nurse sees what is missing before trying. Panels for the session page
(for example the ledger's draw / waste form) register with ``register_session_panel``: the page
includes each template with ``session`` and ``state`` in its context; sections of the printable
session summary (the ledger's drawn, given and wasted with the witness) register with
``register_summary_section`` the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from ketaclinic.treatment.models import TreatmentSession

CloseCheck = Callable[[TreatmentSession], list[str]]
_CHECKS: dict[str, CloseCheck] = {}
_PANELS: list[str] = []
_SUMMARY_SECTIONS: list[str] = []


def register_close_check(name: str, check: CloseCheck) -> None:
    """Add (or replace, by name) a check run before a session closes."""
    _CHECKS[name] = check


def unregister_close_check(name: str) -> None:
    _CHECKS.pop(name, None)


def close_problems(session: TreatmentSession) -> list[str]:
    """Every registered check's problems for ``session``, in registration order."""
    return [problem for check in list(_CHECKS.values()) for problem in check(session)]


def register_session_panel(template_name: str) -> None:
    """Include ``template_name`` on the session page (after the charting panels)."""
    if template_name not in _PANELS:
        _PANELS.append(template_name)


def session_panels() -> list[str]:
    return list(_PANELS)


def register_summary_section(template_name: str) -> None:
    """Include ``template_name`` in the printable session summary (after the charted tables)."""
    if template_name not in _SUMMARY_SECTIONS:
        _SUMMARY_SECTIONS.append(template_name)


def summary_sections() -> list[str]:
    return list(_SUMMARY_SECTIONS)


def administered_mg(session: TreatmentSession) -> float:
    """Milligrams administered in ``session``, derived from its rate segments or doses.

    The figure the ledger must balance against (docs/clinical-rules.md §7).
    """
    from django.utils import timezone

    from ketaclinic.treatment.queries.delivery import session_totals

    segments = list(session.segments.order_by("started_at", "id"))
    doses = list(session.doses.all())
    return session_totals(session, segments, doses, timezone.now()).mg
