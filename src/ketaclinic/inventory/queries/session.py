"""A session's ledger: what was drawn for it and how every microgram was accounted for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from ketaclinic.clinical.controlled_substances import (
    float_mg_to_micrograms,
    unaccounted_micrograms,
)
from ketaclinic.inventory.models import Container, Movement, MovementKind
from ketaclinic.inventory.quantities import mg_text
from ketaclinic.treatment.closing_checks import administered_mg
from ketaclinic.treatment.models import SessionStatus, TreatmentSession

# Once the pump has stopped, the session record's total is final and the ledger must match it.
RECORD_FINAL = (SessionStatus.STOPPED, SessionStatus.DISCHARGED)


@dataclass
class ContainerCustody:
    """One container a session drew from, and what of that draw is still in the nurse's hands."""

    container: Container
    drawn_ug: int = 0
    custody_ug: int = 0


@dataclass
class SessionLedger:
    session: TreatmentSession
    drawn_ug: int = 0
    returned_ug: int = 0
    administered_ug: int = 0
    wasted_ug: int = 0
    # What the session record (rate segments or doses) says was given, whole micrograms.
    record_ug: int = 0
    containers: list[ContainerCustody] = field(default_factory=list)

    @property
    def record_final(self) -> bool:
        return self.session.status in RECORD_FINAL

    @property
    def custody_ug(self) -> int:
        return self.drawn_ug - self.returned_ug - self.administered_ug - self.wasted_ug

    @property
    def unaccounted_ug(self) -> int:
        return unaccounted_micrograms(
            drawn=self.drawn_ug,
            returned=self.returned_ug,
            administered=self.administered_ug,
            wasted=self.wasted_ug,
        )

    @property
    def administered_pending_ug(self) -> int:
        """Given per the session record but not yet booked in the ledger."""
        return self.record_ug - self.administered_ug

    @property
    def to_waste_ug(self) -> int:
        """What is left to waste or return once the given amount is booked."""
        return self.custody_ug - max(self.administered_pending_ug, 0)

    @property
    def balanced(self) -> bool:
        return self.administered_pending_ug == 0 and self.unaccounted_ug == 0

    @property
    def left_after_record_ug(self) -> int:
        """Drawn - returned - given (per the session record) - wasted: 0 when balanced."""
        return unaccounted_micrograms(
            drawn=self.drawn_ug,
            returned=self.returned_ug,
            administered=self.record_ug,
            wasted=self.wasted_ug,
        )

    def problems(self) -> list[str]:
        """Why this session cannot close yet (empty when its ledger balances)."""
        problems = []
        if self.administered_pending_ug > 0:
            problems.append(
                f"the session record shows {mg_text(self.record_ug)} given, the ledger "
                f"{mg_text(self.administered_ug)}: record the administered amount"
            )
        elif self.administered_pending_ug < 0:
            problems.append(
                f"the ledger books {mg_text(self.administered_ug)} administered but the session "
                f"record shows {mg_text(self.record_ug)}: the pharmacist must reconcile"
            )
        left = self.left_after_record_ug
        if left:
            returned = f" + returned {mg_text(self.returned_ug)}" if self.returned_ug else ""
            outcome = (
                f"{mg_text(left)} still to waste (witnessed) or return"
                if left > 0
                else f"{mg_text(-left)} more given or wasted than drawn: record the draw"
            )
            problems.append(
                f"drawn {mg_text(self.drawn_ug)} does not equal administered "
                f"{mg_text(self.record_ug)} + wasted {mg_text(self.wasted_ug)}{returned}: {outcome}"
            )
        return problems


def session_ledger(
    session: TreatmentSession, *, with_record: bool = True, given_mg: float | None = None
) -> SessionLedger:
    """Totals by kind and custody by container, in two queries (plus the session record's,
    unless the caller already holds it as ``given_mg``: the session page's derived totals)."""
    ledger = SessionLedger(session=session)
    rows = (
        Movement.objects.filter(session=session)
        .values("container_id", "kind")
        .annotate(total=Sum("quantity_ug"), custody=Sum("custody_delta_ug"))
        .order_by("container_id")
    )
    per_container: dict[int, ContainerCustody] = {}
    totals: dict[str, int] = defaultdict(int)
    custody: dict[int, int] = defaultdict(int)
    drawn: dict[int, int] = defaultdict(int)
    for row in rows:
        totals[row["kind"]] += row["total"]
        custody[row["container_id"]] += row["custody"]
        if row["kind"] == MovementKind.DRAW:
            drawn[row["container_id"]] += row["total"]
    if drawn:
        containers = Container.objects.select_related("product").in_bulk(list(drawn))
        for container_id in sorted(drawn):
            per_container[container_id] = ContainerCustody(
                container=containers[container_id],
                drawn_ug=drawn[container_id],
                custody_ug=custody[container_id],
            )
    ledger.drawn_ug = totals[MovementKind.DRAW]
    ledger.returned_ug = totals[MovementKind.RETURN]
    ledger.administered_ug = totals[MovementKind.ADMINISTERED]
    ledger.wasted_ug = totals[MovementKind.WASTE]
    ledger.containers = list(per_container.values())
    if with_record and session.status in (SessionStatus.RUNNING, *RECORD_FINAL):
        # While the pump runs this grows minute by minute; once stopped it is final.
        given = administered_mg(session) if given_mg is None else given_mg
        ledger.record_ug = float_mg_to_micrograms(given)
    return ledger


def ledger_close_problems(session: TreatmentSession) -> list[str]:
    """The close check the treatment app runs before discharge (drawn = given + wasted)."""
    return session_ledger(session).problems()


def session_movements(session: TreatmentSession) -> list[Movement]:
    """Every ledger line of ``session`` in the order it happened, with who recorded and who
    witnessed it (one query)."""
    return list(
        Movement.objects.filter(session=session)
        .select_related("container__product", "recorded_by", "witness")
        .order_by("occurred_at", "id")
    )
