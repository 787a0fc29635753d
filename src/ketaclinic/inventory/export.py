"""The ledger report as CSV (one file per part) and as PDF (WeasyPrint, from the page's own
template), so that paper, spreadsheet and screen show the same figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from ketaclinic.clinical.controlled_substances import micrograms_to_mg, micrograms_to_ml
from ketaclinic.core.pdf import Paper
from ketaclinic.inventory.queries.reports import LedgerReport, SessionLine

CSV_PARTS = ("movements", "lots", "sessions", "waste", "discrepancies")
PAPER = Paper("inventory/print_base.html", ("ketaclinic/ketaclinic.css", "inventory/print.css"))


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _who(user: Any) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _movement_rows(report: LedgerReport) -> Iterator[list[Any]]:
    yield [
        "occurred_at",
        "recorded_at",
        "kind",
        "container",
        "product",
        "strength_mg_per_ml",
        "lot",
        "quantity_mg",
        "quantity_ml",
        "on_hand_change_mg",
        "on_hand_after_mg",
        "patient_mrn",
        "session_id",
        "recorded_by",
        "witness",
        "reason",
        "form_reference",
        "container_seq",
    ]
    for m in report.movements:
        strength = m.container.product.strength_mg_per_ml
        yield [
            _when(m.occurred_at),
            _when(m.recorded_at),
            m.kind,
            m.container.code,
            m.container.product.name,
            f"{strength.normalize():f}",
            m.container.lot,
            micrograms_to_mg(m.quantity_ug),
            micrograms_to_ml(m.quantity_ug, strength),
            micrograms_to_mg(m.on_hand_delta_ug),
            micrograms_to_mg(m.on_hand_after_ug),
            m.patient.mrn if m.patient else "",
            m.session_id or "",
            _who(m.recorded_by),
            _who(m.witness),
            m.reason,
            m.form_reference,
            m.seq,
        ]


def _lot_rows(report: LedgerReport) -> Iterator[list[Any]]:
    yield [
        "product",
        "strength_mg_per_ml",
        "lot",
        "expires_on",
        "containers",
        "opening_mg",
        "received_mg",
        "drawn_net_of_returns_mg",
        "disposed_mg",
        "adjusted_mg",
        "closing_mg",
        "reconciles",
    ]
    for line in [*report.lots, report.totals]:
        yield [
            line.product,
            line.strength,
            line.lot,
            line.expires_on.isoformat() if line.lot else "",
            line.containers,
            micrograms_to_mg(line.opening_ug),
            micrograms_to_mg(line.received_ug),
            micrograms_to_mg(line.drawn_ug),
            micrograms_to_mg(line.disposed_ug),
            micrograms_to_mg(line.adjusted_ug),
            micrograms_to_mg(line.closing_ug),
            "yes" if line.reconciles else "NO",
        ]


def session_rows(lines: Iterable[SessionLine]) -> Iterator[list[Any]]:
    yield [
        "first_movement_at",
        "session_id",
        "patient_mrn",
        "patient",
        "drawn_mg",
        "administered_mg",
        "wasted_mg",
        "returned_mg",
        "unaccounted_mg",
        "recorded_by",
        "witnesses",
    ]
    for line in lines:
        yield [
            _when(line.when),
            line.session_id,
            line.patient.mrn,
            f"{line.patient.family_name}, {line.patient.given_name}",
            micrograms_to_mg(line.drawn_ug),
            micrograms_to_mg(line.administered_ug),
            micrograms_to_mg(line.wasted_ug),
            micrograms_to_mg(line.returned_ug),
            micrograms_to_mg(line.unaccounted_ug),
            " ".join(sorted(line.nurses)),
            " ".join(sorted(line.witnesses)),
        ]


def _waste_rows(report: LedgerReport) -> Iterator[list[Any]]:
    yield ["occurred_at", "container", "lot", "quantity_mg", "patient_mrn", "session_id",
           "wasted_by", "witness", "witnessed_at", "reason"]  # fmt: skip
    for m in report.waste:
        yield [
            _when(m.occurred_at),
            m.container.code,
            m.container.lot,
            micrograms_to_mg(m.quantity_ug),
            m.patient.mrn if m.patient else "",
            m.session_id or "",
            _who(m.recorded_by),
            _who(m.witness),
            _when(m.witnessed_at) if m.witnessed_at else "",
            m.reason,
        ]


def _discrepancy_rows(report: LedgerReport) -> Iterator[list[Any]]:
    yield ["counted_at", "count_kind", "counted_by", "container", "expected_mg", "counted_mg",
           "difference_mg", "measure"]  # fmt: skip
    for line in report.discrepancies:
        yield [
            _when(line.count.taken_at),
            line.count.kind,
            _who(line.count.counted_by),
            line.container.code,
            micrograms_to_mg(line.expected_ug),
            micrograms_to_mg(line.counted_ug),
            micrograms_to_mg(line.difference_ug),
            line.measure,
        ]


def report_csv(report: LedgerReport, part: str) -> str:
    rows = {
        "movements": _movement_rows,
        "lots": _lot_rows,
        "sessions": lambda r: session_rows(r.sessions),
        "waste": _waste_rows,
        "discrepancies": _discrepancy_rows,
    }[part](report)
    return to_csv(rows)


def to_csv(rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it.
        writer.writerow(
            [f"'{cell}" if isinstance(cell, str) and cell[:1] in "=+-@" else cell for cell in row]
        )
    return buffer.getvalue()
