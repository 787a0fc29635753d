"""Every shipped literature protocol gets every hard cap its route needs, and stays disabled.

A protocol or plan missing a hard cap is now refused (ISMP Guidelines for Optimizing Safe
Implementation and Use of Smart Infusion Pumps, 2020: hard limits on every dosing parameter).
The caps below are KetaClinic's examples drawn from each regimen's source, not values the papers
set as limits; each note says where they come from, and an admin reviews them before enabling.

A literature protocol never enabled nor used is completed in place (it is still the shipped
draft). One that was enabled or is used by a plan never changes: it gets a new version with the
caps, disabled for review, and the old version is disabled too, since it could no longer be used.
"""

from typing import Any

from django.db import migrations

CAPS: dict[str, dict[str, Any]] = {
    "lit-inpatient-iv-lauritsen": {
        "rate_hard_max_mg_per_h": 100,
        "session_soft_max_mg": 4000,
        "session_hard_max_mg": 6000,
        "day_soft_max_mg": 800,
        "day_hard_max_mg": 1200,
        "week_soft_max_mg": 4000,
        "week_hard_max_mg": 6000,
        "why": "Caps: mean rate at target 0.34 mg/kg/h (Lauritsen 2016); 24 h cap 1,200 mg = the "
        "0.5 mg/kg/h soft rate for 100 kg over 24 h; session and 7-day caps 6,000 mg = five such "
        "days (mean stay 4.8 days, Pomeroy 2017); 100 mg/h absolute.",
    },
    "lit-inpatient-iv-schwenk": {
        "rate_hard_max_mg_per_h": 100,
        "session_soft_max_mg": 6000,
        "session_hard_max_mg": 8000,
        "day_soft_max_mg": 1200,
        "day_hard_max_mg": 1600,
        "week_soft_max_mg": 6000,
        "week_hard_max_mg": 8000,
        "why": "Caps: mean maximum 65.2 mg/h (Schwenk 2018) for 24 h is 1,565 mg, so 1,600 mg per "
        "24 h; session and 7-day caps 8,000 mg = five such days (5-day infusion); 100 mg/h "
        "absolute.",
    },
    "lit-outpatient-iv": {
        "rate_hard_max_mg_per_h": 30,
        "day_soft_max_mg": 30,
        "day_hard_max_mg": 45,
        "week_soft_max_mg": 90,
        "week_hard_max_mg": 135,
        "why": "Caps: 0.3 mg/kg (J Pain 2010) for 150 kg is 45 mg per session and 24 h; up to 3 "
        "infusions, so 135 mg per 7 days; 30 mg/h = 0.3 mg/kg/h for 100 kg.",
    },
    "lit-intranasal-home-yuan": {
        "session_soft_max_mg": 100,
        "session_hard_max_mg": 200,
        "why": "Caps: at most 200 mg a day and 400 mg a week (Yuan 2023); a session in clinic at "
        "most the day's 200 mg.",
    },
    "lit-intranasal-ed": {
        "session_hard_max_mg": 75,
        "day_hard_max_mg": 75,
        "week_hard_max_mg": 75,
        "why": "Caps: one dose of 0.75 mg/kg, at most 75 mg (Head Face Med 2021 trial, a single "
        "dose): 75 mg per session, 24 h and 7 days until the clinic decides otherwise.",
    },
    "lit-nebulized-dove": {
        "session_soft_max_mg": 200,
        "session_hard_max_mg": 300,
        "day_soft_max_mg": 200,
        "day_hard_max_mg": 300,
        "week_soft_max_mg": 400,
        "week_hard_max_mg": 600,
        "why": "Caps: the largest Dove 2021 dose, 1.5 mg/kg, twice for 100 kg is 300 mg per "
        "session and 24 h (soft 200 mg); two sessions a week at most (600 mg per 7 days).",
    },
}
COPIED = (
    "name",
    "route",
    "concentration_mg_per_ml",
    "mg_per_spray",
    "starting_dose",
    "target_pain_nrs",
    "vitals_interval_minutes",
    "observation_minutes",
    "source",
    "notes",
    "dose_soft_max",
    "dose_hard_max",
    "rate_soft_max",
    "rate_hard_max",
    "session_soft_max_mg",
    "session_hard_max_mg",
    "day_soft_max_mg",
    "day_hard_max_mg",
    "week_soft_max_mg",
    "week_hard_max_mg",
    "rate_hard_max_mg_per_h",
    "titration_step",
    "min_titration_interval_minutes",
)


def _with_caps(fields: dict[str, Any], caps: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with every cap it lacks (a cap already set is kept: it may be tighter)."""
    merged = dict(fields)
    for name, value in caps.items():
        if name != "why" and merged.get(name) is None:
            merged[name] = float(value)
    if caps["why"] not in merged["notes"]:
        merged["notes"] = f"{merged['notes']} {caps['why']}".strip()
    return merged


def add_caps(apps: Any, schema_editor: Any) -> None:
    Protocol = apps.get_model("treatment", "Protocol")
    TreatmentPlan = apps.get_model("treatment", "TreatmentPlan")
    for code, caps in CAPS.items():
        latest = Protocol.objects.filter(code=code).order_by("-version").first()
        if latest is None:
            continue
        fields = {name: getattr(latest, name) for name in COPIED}
        completed = _with_caps(fields, caps)
        if completed == fields:
            continue
        used = TreatmentPlan.objects.filter(protocol=latest).exists()
        if latest.status in ("draft", "disabled") and not used:
            Protocol.objects.filter(pk=latest.pk).update(
                status="disabled", row_version=latest.row_version + 1, **completed
            )
            continue
        Protocol.objects.create(
            code=code,
            version=latest.version + 1,
            supersedes=latest,
            status="disabled",
            literature_example=True,
            **completed,
        )
        if latest.status == "enabled":
            Protocol.objects.filter(pk=latest.pk).update(
                status="disabled", row_version=latest.row_version + 1
            )


class Migration(migrations.Migration):
    dependencies = [("treatment", "0005_mg_per_h_cap_and_avpu_check")]
    operations = [migrations.RunPython(add_caps, migrations.RunPython.noop)]
