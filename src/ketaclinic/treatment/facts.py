"""Facts about a patient that the clinical core needs (age, sex for dosing weight)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ketaclinic.clinical.age import age_in_years
from ketaclinic.patients.models import Patient


def patient_age(patient: Patient, on: date) -> int:
    return age_in_years(patient.date_of_birth, on)


def dosing_sex(patient: Patient) -> Literal["male", "female"] | None:
    """The sex the Devine formula needs; None when the registry says other or unknown."""
    if patient.sex == "male":
        return "male"
    if patient.sex == "female":
        return "female"
    return None
