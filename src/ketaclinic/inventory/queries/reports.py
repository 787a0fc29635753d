"""The ledger report for a site and a date range (screen, CSV and PDF share it).

Every figure is summed from the ledger's movements; the per-lot table reconciles: opening +
movements in the period = closing, and both ends are themselves ledger sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.inventory.models import (
    Container,
    CountLine,
    Incident,
    Movement,
    MovementKind,
    Registration,
)
from ketaclinic.inventory.queries.stock import (
    _incidents,
    _start_of,
    audit_report,
    balances_at,
    movements_between,
    require_ledger,
    site_registration,
)
from ketaclinic.patients.models import Patient

MAX_DAYS = 3 * 366  # records are kept two years (21 CFR 1304.04); a report spans at most three


@dataclass
class LotLine:
    """One product lot at the site over the period (in micrograms)."""

    product: str
    strength: object
    lot: str
    expires_on: date
    containers: int = 0
    opening_ug: int = 0
    received_ug: int = 0  # receipts and transfers in
    drawn_ug: int = 0  # draws less returns
    disposed_ug: int = 0  # waste of remainders, destruction, loss, transfers out
    adjusted_ug: int = 0  # signed
    closing_ug: int = 0

    @property
    def movement_ug(self) -> int:
        return self.received_ug - self.drawn_ug - self.disposed_ug + self.adjusted_ug

    @property
    def reconciles(self) -> bool:
        return self.opening_ug + self.movement_ug == self.closing_ug


@dataclass
class SessionLine:
    session_id: int
    patient: Patient
    when: datetime
    drawn_ug: int = 0
    administered_ug: int = 0
    wasted_ug: int = 0
    returned_ug: int = 0
    nurses: set[str] = field(default_factory=set)
    witnesses: set[str] = field(default_factory=set)

    @property
    def unaccounted_ug(self) -> int:
        return self.drawn_ug - self.administered_ug - self.wasted_ug - self.returned_ug


@dataclass
class LedgerReport:
    site: Site
    registration: Registration | None
    start: date
    end: date
    generated_at: datetime
    generated_by: User
    movements: list[Movement]
    lots: list[LotLine]
    sessions: list[SessionLine]
    waste: list[Movement]
    discrepancies: list[CountLine]
    incidents: list[Incident]

    @property
    def totals(self) -> LotLine:
        total = LotLine(product="All lots", strength="", lot="", expires_on=self.end)
        for line in self.lots:
            for name in (
                "containers",
                "opening_ug",
                "received_ug",
                "drawn_ug",
                "disposed_ug",
                "adjusted_ug",
                "closing_ug",
            ):
                setattr(total, name, getattr(total, name) + getattr(line, name))
        return total


def check_range(start: date, end: date) -> None:
    from ketaclinic.core.errors import InputRefused

    if end < start:
        raise InputRefused("end", end.isoformat(), f"a date on or after {start.isoformat()}")
    if (end - start).days > MAX_DAYS:
        raise InputRefused("end", end.isoformat(), f"at most {MAX_DAYS} days after the start")


_RECEIVED = (MovementKind.RECEIPT, MovementKind.TRANSFER_IN)
_DISPOSED = (
    MovementKind.WASTE,
    MovementKind.DESTRUCTION,
    MovementKind.LOSS,
    MovementKind.TRANSFER_OUT,
)


def _lot_lines(site: Site, start: date, end: date, movements: list[Movement]) -> list[LotLine]:
    opening = balances_at(site, _start_of(start))
    closing = balances_at(site, _start_of(end, plus_days=1))
    ids = set(opening) | set(closing) | {m.container_id for m in movements}
    containers = Container.objects.filter(pk__in=ids).select_related("product")
    lots: dict[tuple[int, str], LotLine] = {}
    container_lot: dict[int, LotLine] = {}
    for container in containers:
        key = (container.product_id, container.lot)
        line = lots.get(key)
        if line is None:
            line = lots[key] = LotLine(
                product=container.product.name,
                strength=container.product.strength_mg_per_ml,
                lot=container.lot,
                expires_on=container.expires_on,
            )
        line.containers += 1
        line.opening_ug += opening.get(container.pk, 0)
        line.closing_ug += closing.get(container.pk, 0)
        container_lot[container.pk] = line
    for movement in movements:
        line = container_lot[movement.container_id]
        delta = movement.on_hand_delta_ug
        if movement.kind in _RECEIVED:
            line.received_ug += delta
        elif movement.kind in (MovementKind.DRAW, MovementKind.RETURN):
            line.drawn_ug -= delta
        elif movement.kind in _DISPOSED:
            line.disposed_ug -= delta
        elif movement.kind == MovementKind.ADJUSTMENT:
            line.adjusted_ug += delta
    return sorted(lots.values(), key=lambda line: (line.product, str(line.strength), line.lot))


def _session_lines(movements: list[Movement]) -> list[SessionLine]:
    sessions: dict[int, SessionLine] = {}
    for movement in movements:
        if movement.session_id is None:
            continue
        assert movement.patient is not None
        line = sessions.setdefault(
            movement.session_id,
            SessionLine(
                session_id=movement.session_id,
                patient=movement.patient,
                when=movement.occurred_at,
            ),
        )
        amount = {
            MovementKind.DRAW: "drawn_ug",
            MovementKind.ADMINISTERED: "administered_ug",
            MovementKind.WASTE: "wasted_ug",
            MovementKind.RETURN: "returned_ug",
        }[MovementKind(movement.kind)]
        setattr(line, amount, getattr(line, amount) + movement.quantity_ug)
        line.nurses.add(movement.recorded_by.get_username())
        if movement.witness is not None:
            line.witnesses.add(movement.witness.get_username())
    return sorted(sessions.values(), key=lambda line: (line.when, line.session_id))


def ledger_report(user: User, site: Site, start: date, end: date) -> LedgerReport:
    """Everything the inspector asks for, for one site and period; reading it is audited."""
    require_ledger(user)
    check_range(start, end)
    movements = movements_between(user, site, start, end)
    lines = list(
        CountLine.objects.filter(
            count__site=site,
            count__taken_at__gte=_start_of(start),
            count__taken_at__lt=_start_of(end, plus_days=1),
        )
        .select_related("count", "count__counted_by", "container__product")
        .order_by("count__taken_at", "container__code")
    )
    incidents = list(
        _incidents([site.pk])
        .filter(opened_at__gte=_start_of(start), opened_at__lt=_start_of(end, plus_days=1))
        .order_by("opened_at", "id")
    )
    report = LedgerReport(
        site=site,
        registration=site_registration(site),
        start=start,
        end=end,
        generated_at=timezone.now(),
        generated_by=user,
        movements=movements,
        lots=_lot_lines(site, start, end, movements),
        sessions=_session_lines(movements),
        waste=[m for m in movements if m.kind == MovementKind.WASTE],
        discrepancies=[line for line in lines if line.difference_ug],
        incidents=incidents,
    )
    audit_report(user, site, "ledger", {"start": start, "end": end, "movements": len(movements)})
    return report


def default_range() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=30), today


def dispensing_log(user: User, patient: Patient) -> list[SessionLine]:
    """Every session's draws, administration, waste and returns for one patient (the caller
    has fetched ``patient`` through ``patients.queries.get_patient``: scoped and audited)."""
    require_ledger(user)
    movements = list(
        Movement.objects.filter(patient=patient)
        .select_related("recorded_by", "witness", "patient")
        .order_by("occurred_at", "id")
    )
    audit_report(user, patient.site, "dispensing", {"patient": patient.pk})
    return _session_lines(movements)
