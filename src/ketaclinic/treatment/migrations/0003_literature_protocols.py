"""The literature regimens of docs/clinical-rules.md §5, shipped DISABLED as library examples.

Each is labelled with its source. Their soft and hard limits are KetaClinic's examples, not the
sources' (the papers report regimens, not pump limits): an admin reviews every value, then
enables the protocol (or supersedes it with the clinic's own values).
"""

from typing import Any

from django.db import migrations

REVIEW = (
    " The soft and hard limits are KetaClinic examples, not taken from the source: review every "
    "value before enabling."
)
PROTOCOLS = [
    {
        "code": "lit-inpatient-iv-lauritsen",
        "name": "Inpatient continuous IV (Lauritsen 2016)",
        "route": "iv_infusion",
        "concentration_mg_per_ml": 1.0,
        "starting_dose": 0.1,
        "titration_step": 0.1,
        "min_titration_interval_minutes": 180,
        "rate_soft_max": 0.5,
        "rate_hard_max": 1.0,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 60,
        "source": "Lauritsen C, et al. J Headache Pain 2016;17:106; Pomeroy JL, et al. "
        "Headache 2017;57:276 (n=77)",
        "notes": "Start 0.1 mg/kg/h; +0.1 mg/kg/h no sooner than every 3-4 h until NRS <= 3 "
        "for 8 h. Mean rate at target 0.34 mg/kg/h; mean stay 4.8 days; NRS 7.1 to 3.8, 71.4 % "
        "acute responders, 27.3 % sustained." + REVIEW,
    },
    {
        "code": "lit-inpatient-iv-schwenk",
        "name": "Inpatient continuous IV, 5 days (Schwenk 2018)",
        "route": "iv_infusion",
        "concentration_mg_per_ml": 1.0,
        "starting_dose": 0.1,
        "titration_step": 0.1,
        "min_titration_interval_minutes": 180,
        "rate_soft_max": 0.8,
        "rate_hard_max": 1.2,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 60,
        "source": "Schwenk ES, et al. Reg Anesth Pain Med 2018;43:875 (n=61)",
        "notes": "5-day infusion; mean maximum rate 0.76 mg/kg/h (65.2 mg/h); 77 % immediate "
        "responders, 40 % sustained at about 38 days. Start and step copied from Lauritsen "
        "2016: to verify against the paper." + REVIEW,
    },
    {
        "code": "lit-outpatient-iv",
        "name": "Outpatient IV infusion (J Pain 2010)",
        "route": "iv_infusion",
        "concentration_mg_per_ml": 1.0,
        "starting_dose": 0.15,
        "titration_step": 0.05,
        "min_titration_interval_minutes": 30,
        "rate_soft_max": 0.2,
        "rate_hard_max": 0.3,
        "session_soft_max_mg": 30,
        "session_hard_max_mg": 45,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 60,
        "source": "J Pain 2010 abstract (247 patients)",
        "notes": "0.25-0.3 mg/kg over 90-120 min (0.15 mg/kg/h for 2 h gives 0.3 mg/kg), up to "
        "3 infusions; VAS 7.1 to 2.2." + REVIEW,
    },
    {
        "code": "lit-intranasal-home-yuan",
        "name": "Intranasal, as needed (Yuan 2023)",
        "route": "intranasal",
        "concentration_mg_per_ml": 100.0,
        "mg_per_spray": 10.0,
        "starting_dose": 20,
        "titration_step": 10,
        "min_titration_interval_minutes": 15,
        "dose_soft_max": 20,
        "dose_hard_max": 40,
        "day_hard_max_mg": 200,
        "week_hard_max_mg": 400,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 120,
        "source": "Yuan C, et al. Reg Anesth Pain Med 2023;48:581",
        "notes": "10 mg/0.1 mL spray; 1-2 sprays per nostril every 15 min as needed; at most 20 "
        "sprays (200 mg) a day and 40 (400 mg) a week. 49 % very effective; 74 % at least one "
        "adverse event. Observation 2 h after the dose (Spravato REMS, by analogy)." + REVIEW,
    },
    {
        "code": "lit-intranasal-ed",
        "name": "Intranasal single dose (Head Face Med 2021)",
        "route": "intranasal",
        "concentration_mg_per_ml": 100.0,
        "mg_per_spray": 10.0,
        "starting_dose": 50,
        "dose_soft_max": 60,
        "dose_hard_max": 75,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 120,
        "source": "Head Face Med 2021 randomised trial (n=140)",
        "notes": "0.75 mg/kg, at most 75 mg: set the plan's dose per patient (for example 50 mg "
        "for 67 kg)." + REVIEW,
    },
    {
        "code": "lit-nebulized-dove",
        "name": "Nebulized (Dove 2021)",
        "route": "nebulized",
        "concentration_mg_per_ml": 50.0,
        "starting_dose": 0.75,
        "titration_step": 0.25,
        "min_titration_interval_minutes": 20,
        "dose_soft_max": 1.0,
        "dose_hard_max": 1.5,
        "target_pain_nrs": 3,
        "vitals_interval_minutes": 15,
        "observation_minutes": 120,
        "source": "Dove D, et al. Ann Emerg Med 2021 (emergency department pain, n=120)",
        "notes": "0.75, 1 or 1.5 mg/kg by breath-actuated nebulizer." + REVIEW,
    },
]


def add_examples(apps: Any, schema_editor: Any) -> None:
    Protocol = apps.get_model("treatment", "Protocol")
    for fields in PROTOCOLS:
        if not Protocol.objects.filter(code=fields["code"]).exists():
            Protocol.objects.create(status="disabled", literature_example=True, **fields)


class Migration(migrations.Migration):
    dependencies = [("treatment", "0002_append_only")]
    operations = [migrations.RunPython(add_examples, migrations.RunPython.noop)]
