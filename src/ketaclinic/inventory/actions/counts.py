"""Counts against the derived balance, and the incidents they open until resolved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.accounts.second_person import WITNESS, verify_second_person
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.controlled_substances import opened_container_measure
from ketaclinic.core import inputs
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.inventory.actions.common import MAX_TEXT, allowed_at
from ketaclinic.inventory.models import (
    Container,
    Count,
    CountKind,
    CountLine,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentKind,
    InventoryTiming,
    Measure,
    Movement,
)
from ketaclinic.inventory.quantities import mg_text, typed_quantity

INVENTORY_KINDS = (CountKind.INITIAL, CountKind.BIENNIAL)


@dataclass(frozen=True)
class CountedContainer:
    """What the counter found in one container, typed in mg or mL."""

    container_id: int
    quantity_mg: Decimal | str | None = None
    quantity_ml: Decimal | str | None = None


def derived_balances(container_ids: list[int]) -> dict[int, int]:
    """On-hand balances summed from the ledger itself (not the containers' cache)."""
    rows = (
        Movement.objects.filter(container_id__in=container_ids)
        .values("container_id")
        .annotate(balance=Sum("on_hand_delta_ug"))
        .order_by()
    )
    balances = dict.fromkeys(container_ids, 0)
    balances.update({row["container_id"]: int(row["balance"]) for row in rows})
    return balances


def record_count(
    *,
    actor: User,
    site: Site,
    kind: str,
    counted: list[CountedContainer],
    timing: str = "",
    note: str = "",
    witness_username: str = "",
    witness_password: str = "",
) -> Count:
    """A physical count of every container holding stock at the site.

    Blind: the counter types what is there; the expected balances are derived from the ledger
    under lock at that moment. A difference opens one incident for the count. An initial or
    biennial inventory says opening or close of business (21 CFR 1304.11(a)) and marks opened
    containers as estimated where the rule allows (21 CFR 1304.11(e)(3)).
    """
    capability = Capability.MANAGE_STOCK if kind in INVENTORY_KINDS else Capability.COUNT_STOCK
    allowed_at(actor, capability, site.pk)
    witness = None
    if witness_username:
        witness = verify_second_person(
            actor=actor,
            role=WITNESS,
            username=witness_username,
            password=witness_password,
            site_id=site.pk,
            what="count",
        )
    return _record_count(
        actor=actor,
        site=site,
        kind=kind,
        counted=counted,
        timing=timing,
        note=note,
        witness=witness,
    )


def _check_kind(kind: str, timing: str) -> None:
    if kind not in CountKind.values:
        raise InputRefused("kind", kind, "one of " + ", ".join(CountKind.values))
    if kind in INVENTORY_KINDS and timing not in InventoryTiming.values:
        raise InputRefused("timing", timing, "opening or close (of business) for an inventory")


@transaction.atomic
def _record_count(
    *,
    actor: User,
    site: Site,
    kind: str,
    counted: list[CountedContainer],
    timing: str,
    note: str,
    witness: User | None,
) -> Count:
    _check_kind(kind, timing)
    # Lock every container of the site that holds stock (or was named), in id order.
    named = [row.container_id for row in counted]
    if len(set(named)) != len(named):
        raise InputRefused("counted", named, "each container once")
    containers = {
        row.pk: row
        for row in Container.objects.select_for_update()
        .select_related("product")
        .filter(Q(site=site) & (Q(on_hand_ug__gt=0) | Q(pk__in=named)))
        .order_by("pk")
    }
    unknown = [pk for pk in named if pk not in containers or containers[pk].site_id != site.pk]
    if unknown:
        raise InputRefused("counted", unknown, f"containers of {site.name}")
    missing = [row.code for pk, row in containers.items() if pk not in named and row.on_hand_ug]
    if missing:
        raise InputRefused("counted", ", ".join(missing), "a count for every container in stock")
    expected = derived_balances(list(containers))
    count = Count.objects.create(
        site=site,
        kind=kind,
        timing=timing if kind in INVENTORY_KINDS else "",
        counted_by=actor,
        witness=witness,
        note=inputs.text("note", note, max_length=MAX_TEXT),
        taken_at=timezone.now(),
    )
    differences = []
    for index, row in enumerate(counted):
        container = containers[row.container_id]
        quantity = typed_quantity(
            quantity_mg=row.quantity_mg,
            quantity_ml=row.quantity_ml,
            strength_mg_per_ml=container.product.strength_mg_per_ml,
            field=f"counted[{index}].quantity_mg",
            allow_zero=True,
        )
        sealed = container.opened_at is None
        measure = Measure.EXACT
        if kind in INVENTORY_KINDS and not sealed:
            measure = Measure(
                opened_container_measure(
                    schedule=container.product.schedule,
                    units_in_container=int(container.volume_ml),
                )
            )
        line = CountLine.objects.create(
            count=count,
            container=container,
            expected_ug=expected[container.pk],
            counted_ug=quantity,
            measure=measure,
            sealed=sealed,
        )
        if line.difference_ug and measure == Measure.EXACT:
            sign = "+" if line.difference_ug > 0 else "-"
            differences.append(f"{container.code} {sign}{mg_text(abs(line.difference_ug))}")
    if differences:
        incident = Incident.objects.create(
            site=site,
            kind=IncidentKind.DISCREPANCY,
            summary=f"{count.get_kind_display()} differs from the ledger: "
            + "; ".join(differences),
            count=count,
            opened_by=actor,
        )
        record_event(
            actor=actor,
            action="inventory.incident.open",
            object_type="incident",
            object_id=incident.pk,
            site_id=site.pk,
            detail={"kind": "discrepancy", "count": count.pk},
        )
    record_event(
        actor=actor,
        action="inventory.count",
        object_type="count",
        object_id=count.pk,
        site_id=site.pk,
        detail={"kind": kind, "containers": len(counted), "discrepancies": len(differences)},
    )
    return count


@transaction.atomic
def add_incident_event(
    *, actor: User, incident: Incident, kind: str, text_: str, form_reference: str = ""
) -> IncidentEvent:
    """A note, the DEA notification (loss), or the resolution with its reason.

    A loss is resolved only with its DEA Form 106 reference. Resolving twice is refused by the
    database too (one ``resolved`` event per incident).
    """
    allowed_at(actor, Capability.MANAGE_STOCK, incident.site_id)
    if kind not in IncidentEventKind.values:
        raise InputRefused("kind", kind, "one of " + ", ".join(IncidentEventKind.values))
    body = inputs.text("text", text_, required=True, max_length=1000)
    reference = inputs.text("form_reference", form_reference, max_length=60)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.events.filter(kind=IncidentEventKind.RESOLVED).exists():
        raise Conflict("this incident is already resolved")
    if (
        kind == IncidentEventKind.RESOLVED
        and locked.kind == IncidentKind.LOSS
        and not (reference or locked.events.exclude(form_reference="").exists())
    ):
        raise InputRefused("form_reference", "", "the DEA Form 106 reference for a loss")
    try:
        with transaction.atomic():
            event = IncidentEvent.objects.create(
                incident=locked,
                kind=kind,
                text=body,
                form_reference=reference,
                recorded_by=actor,
            )
    except IntegrityError:
        raise Conflict("this incident is already resolved") from None
    record_event(
        actor=actor,
        action=f"inventory.incident.{kind}",
        object_type="incident",
        object_id=locked.pk,
        site_id=locked.site_id,
        detail={"form_reference": reference},
    )
    return event
