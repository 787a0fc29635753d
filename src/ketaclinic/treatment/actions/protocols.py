"""The protocol library: create, edit a draft, supersede, enable after review, disable."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical import limits as ranges
from ketaclinic.clinical.discharge import observation_floor
from ketaclinic.clinical.pump import check_concentration
from ketaclinic.core.errors import Conflict, InputRefused, StaleVersion
from ketaclinic.core.inputs import text
from ketaclinic.treatment.actions.common import check_limits, finite
from ketaclinic.treatment.models import LIMIT_FIELD_NAMES, Protocol, ProtocolStatus, Route

SETTINGS = (
    "name",
    "route",
    "concentration_mg_per_ml",
    "mg_per_spray",
    "starting_dose",
    "target_pain_nrs",
    "vitals_interval_minutes",
    "observation_minutes",
    "administration_minutes",
    "fasting_hours",
    "source",
    "notes",
    *LIMIT_FIELD_NAMES,
)


def clean_protocol(fields: dict[str, Any]) -> dict[str, Any]:
    """Check a complete set of protocol settings with the drug-library rules of the core."""
    unknown = set(fields) - set(SETTINGS)
    if unknown:
        name = sorted(unknown)[0]
        raise InputRefused(name, fields[name], "one of " + ", ".join(SETTINGS))
    data = {name: fields.get(name) for name in SETTINGS}
    data["name"] = text("name", data["name"] or "", required=True, max_length=120)
    data["source"] = text("source", data["source"] or "", max_length=300)
    data["notes"] = text("notes", data["notes"] or "")
    if data["route"] not in Route.values:
        raise InputRefused("route", data["route"], "one of " + ", ".join(Route.values))
    concentration = _number(data, "concentration_mg_per_ml")
    ranges.CONCENTRATION_MG_PER_ML.check("concentration_mg_per_ml", concentration)
    check_concentration(data["route"], concentration)
    if data["route"] == Route.INTRANASAL:
        ranges.MG_PER_SPRAY.check("mg_per_spray", _number(data, "mg_per_spray"))
    else:
        data["mg_per_spray"] = None
    for name in LIMIT_FIELD_NAMES:
        value = data[name]
        if value is not None:
            if not finite(value) or value < 0:
                raise InputRefused(name, value, "a number of at least 0, or nothing")
            data[name] = float(value)
    target = data["target_pain_nrs"] if data["target_pain_nrs"] is not None else 3
    ranges.NRS.check("target_pain_nrs", target)
    data["target_pain_nrs"] = int(target)
    # The observation floor of the route: a protocol may lengthen it, never shorten it.
    floor = observation_floor(data["route"])
    for name, default, low, high in (
        ("vitals_interval_minutes", 15, 1, 240),
        ("observation_minutes", floor, floor, 1440),
        ("administration_minutes", 60, 0, 720),
        ("fasting_hours", 0, 0, 12),
    ):
        value = data[name] if data[name] is not None else default
        if not isinstance(value, int) or not low <= value <= high:
            unit = "hours" if name == "fasting_hours" else "minutes"
            raise InputRefused(name, value, f"whole {unit} from {low} to {high}")
        data[name] = value
    starting = _number(data, "starting_dose")
    probe = Protocol(**data)
    check_limits(data["route"], probe.limit_set(), starting)
    return data


def _number(data: dict[str, Any], name: str) -> float:
    value = data[name]
    if not finite(value):
        raise InputRefused(name, value, "a number")
    data[name] = float(value)
    return float(value)


def _in_use(protocol: Protocol) -> bool:
    return protocol.plans.exists()


def _audit(actor: User, action: str, protocol: Protocol, **detail: Any) -> None:
    record_event(
        actor=actor,
        action=f"protocol.{action}",
        object_type="protocol",
        object_id=protocol.pk,
        detail={"code": protocol.code, "version": protocol.version, **detail},
    )


@transaction.atomic
def create_protocol(*, actor: User, code: str, **fields: Any) -> Protocol:
    """A new library entry, version 1, as a draft (not usable until enabled)."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    slug = text("code", code, required=True, max_length=40).lower()
    if not slug.replace("-", "").replace("_", "").isalnum():
        raise InputRefused("code", code, "letters, digits, hyphens and underscores")
    if Protocol.objects.filter(code=slug).exists():
        raise Conflict(f"protocol code {slug} is already in the library")
    protocol = Protocol.objects.create(code=slug, created_by=actor, **clean_protocol(fields))
    _audit(actor, "create", protocol)
    return protocol


@transaction.atomic
def revise_protocol(
    *, actor: User, protocol: Protocol, expected_row_version: int, changes: dict[str, Any]
) -> Protocol:
    """Edit a draft in place; an enabled, disabled or used protocol can only be superseded."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    current = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if current.row_version != expected_row_version:
        raise StaleVersion("This protocol", expected_row_version, current.row_version)
    if current.status != ProtocolStatus.DRAFT or _in_use(current):
        raise Conflict(
            f"{current} is {current.get_status_display().lower()}"
            f"{' and in use' if _in_use(current) else ''}: it cannot change; supersede it "
            "with a new version"
        )
    data = clean_protocol({**{name: getattr(current, name) for name in SETTINGS}, **changes})
    for name, value in data.items():
        setattr(current, name, value)
    current.row_version += 1
    current.save()
    _audit(actor, "revise", current, fields=sorted(changes))
    return current


@transaction.atomic
def supersede_protocol(
    *, actor: User, protocol: Protocol, changes: dict[str, Any], reason: str
) -> Protocol:
    """A new draft version with ``changes``; the old one stays in force until the new is enabled."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    current = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if current.status == ProtocolStatus.SUPERSEDED or hasattr(current, "superseded_by"):
        raise Conflict(f"{current} already has a newer version")
    why = text("reason", reason, required=True, max_length=240)
    data = clean_protocol({**{name: getattr(current, name) for name in SETTINGS}, **changes})
    if data["route"] != current.route:
        raise InputRefused("route", data["route"], f"the same route ({current.route})")
    newer = Protocol.objects.create(
        code=current.code,
        version=current.version + 1,
        supersedes=current,
        created_by=actor,
        literature_example=current.literature_example,
        **data,
    )
    _audit(actor, "supersede", newer, reason=why, supersedes=current.version)
    return newer


@transaction.atomic
def enable_protocol(
    *, actor: User, protocol: Protocol, expected_row_version: int, review_note: str
) -> Protocol:
    """An admin has reviewed every value: the protocol may be used for new plans.

    Its settings are checked again (a protocol stored before a rule existed, such as every hard
    cap, cannot be enabled until it complies). Enabling a newer version supersedes the version
    it replaces (existing plans keep theirs).
    """
    require(actor, Capability.MANAGE_PROTOCOLS)
    current = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if current.row_version != expected_row_version:
        raise StaleVersion("This protocol", expected_row_version, current.row_version)
    if current.status in (ProtocolStatus.ENABLED, ProtocolStatus.SUPERSEDED):
        raise Conflict(f"{current} is {current.get_status_display().lower()}")
    note = text("review_note", review_note, required=True)
    clean_protocol({name: getattr(current, name) for name in SETTINGS})
    current.status = ProtocolStatus.ENABLED
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.review_note = note
    current.row_version += 1
    current.save()
    if current.supersedes_id is not None:
        Protocol.objects.filter(pk=current.supersedes_id).update(
            status=ProtocolStatus.SUPERSEDED, row_version=F("row_version") + 1
        )
    _audit(actor, "enable", current)
    return current


@transaction.atomic
def disable_protocol(
    *, actor: User, protocol: Protocol, expected_row_version: int, reason: str
) -> Protocol:
    """No new plans or sessions under this protocol until it is enabled again."""
    require(actor, Capability.MANAGE_PROTOCOLS)
    current = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if current.row_version != expected_row_version:
        raise StaleVersion("This protocol", expected_row_version, current.row_version)
    if current.status != ProtocolStatus.ENABLED:
        raise Conflict(f"{current} is {current.get_status_display().lower()}, not enabled")
    why = text("reason", reason, required=True, max_length=240)
    current.status = ProtocolStatus.DISABLED
    current.row_version += 1
    current.save(update_fields=["status", "row_version"])
    _audit(actor, "disable", current, reason=why)
    return current
