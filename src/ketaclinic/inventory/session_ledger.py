"""How the ledger plugs into the treatment app, through its documented seam only.

``ketaclinic.treatment.closing_checks``: a session closes (discharge) only when drawn =
administered + wasted (+ returned) for it (docs/clinical-rules.md §7), and the session page shows
the ledger panel (draw, record administered, witnessed waste, return); the printable summary shows
the session's ledger (drawn, given, wasted with its witness).
"""

from __future__ import annotations

from ketaclinic.treatment.closing_checks import (
    register_close_check,
    register_session_panel,
    register_summary_section,
)

CLOSE_CHECK = "inventory.balance"
PANEL_TEMPLATE = "inventory/session_panel_slot.html"
SUMMARY_TEMPLATE = "inventory/session_summary_slot.html"


def register_with_treatment() -> None:
    from ketaclinic.inventory.queries.session import ledger_close_problems

    register_close_check(CLOSE_CHECK, ledger_close_problems)
    register_session_panel(PANEL_TEMPLATE)
    register_summary_section(SUMMARY_TEMPLATE)
