"""The main navigation, by capability: each user sees only the places they may go."""

from __future__ import annotations

from dataclasses import dataclass

from ketaclinic.accounts.models import User
from ketaclinic.accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None = None
    roles: frozenset[str] | None = None
    or_capability: Capability | None = None  # a second capability that also opens it

    def visible_to(self, user: User) -> bool:
        if self.roles is not None and user.role not in self.roles:
            return False
        if self.or_capability is not None and user.can(self.or_capability):
            return True
        return self.capability is None or user.can(self.capability)


PATIENT = frozenset({"patient"})
STAFF = frozenset({"admin", "clinician", "nurse", "pharmacist", "researcher"})

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "core:home", roles=STAFF),
    NavItem("Today", "core:home", roles=PATIENT),
    NavItem("Diary", "diary:calendar", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem("Questionnaires", "instruments:mine", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem("Summary", "diary:summary", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem(
        "Progress", "patient_outcomes:progress", capability=Capability.KEEP_DIARY, roles=PATIENT
    ),
    NavItem("Nasal spray", "portal:home_spray", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem("Settings", "portal:settings", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem("Appointments", "portal:appointments", capability=Capability.KEEP_DIARY, roles=PATIENT),
    NavItem("Patients", "patients:list", capability=Capability.VIEW_PATIENTS),
    NavItem("Schedule", "scheduling:day", capability=Capability.VIEW_SCHEDULE),
    NavItem("Referrals", "portal:referrals", capability=Capability.TRIAGE_REFERRALS),
    NavItem("Sessions", "treatment:worklist", capability=Capability.CHART_SESSIONS),
    NavItem("Protocols", "treatment:protocols", capability=Capability.VIEW_PROTOCOLS),
    NavItem("Guardrails", "treatment:guardrails", capability=Capability.VIEW_GUARDRAIL_REPORT),
    NavItem("Controlled substances", "inventory:stock", capability=Capability.VIEW_LEDGER),
    # Nurses take the shift count (blind) without reading the ledger itself.
    NavItem(
        "Stock count",
        "inventory:count_new",
        capability=Capability.COUNT_STOCK,
        roles=frozenset({"nurse"}),
    ),
    # The clinic's own outcomes for its staff; de-identified aggregates for researchers.
    NavItem(
        "Outcomes",
        "outcomes:cohort",
        capability=Capability.VIEW_COHORT_OUTCOMES,
        or_capability=Capability.VIEW_DEIDENTIFIED_AGGREGATES,
    ),
    NavItem("Audit log", "audit:search", capability=Capability.VIEW_AUDIT),
    NavItem("Exports", "interop:exports", capability=Capability.EXPORT_DEIDENTIFIED),
)


def items_for(user: User) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.visible_to(user)]
