"""Rules for registry fields, shared by the pages and the API so both refuse the same input."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ketaclinic.core.errors import InputRefused
from ketaclinic.patients.models import IDENTIFIER_MAX_LENGTH, PatientStatus, Sex

MRN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
PHONE_PATTERN = re.compile(r"^[0-9+()\-. ]{0,30}$")
OLDEST_AGE_YEARS = 125
EDITABLE_FIELDS = (
    "mrn",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "status",
)


def _text(field: str, value: Any, *, required: bool, max_length: int) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InputRefused(field, value, "a non-empty value")
    if len(text) > max_length:
        raise InputRefused(field, f"{text[:20]}...", f"at most {max_length} characters")
    return text


def clean_patient_fields(data: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Normalise and check the fields in ``data``; ``InputRefused`` names the first bad one."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InputRefused(name, data[name], "one of " + ", ".join(EDITABLE_FIELDS))
    cleaned: dict[str, Any] = {}
    if "mrn" in data:
        mrn = _text("mrn", data["mrn"], required=True, max_length=20).upper()
        if not MRN_PATTERN.match(mrn):
            raise InputRefused("mrn", data["mrn"], "letters, digits and hyphens, at most 20")
        cleaned["mrn"] = mrn
    for name in ("given_name", "family_name"):
        if name in data:
            cleaned[name] = _text(name, data[name], required=True, max_length=80)
    if "date_of_birth" in data:
        born = data["date_of_birth"]
        if not isinstance(born, date):
            raise InputRefused("date_of_birth", born, "a date (YYYY-MM-DD)")
        if born > today:
            raise InputRefused("date_of_birth", born.isoformat(), f"not after today ({today})")
        if today.year - born.year > OLDEST_AGE_YEARS:
            raise InputRefused(
                "date_of_birth", born.isoformat(), f"at most {OLDEST_AGE_YEARS} years ago"
            )
        cleaned["date_of_birth"] = born
    if "sex" in data:
        if data["sex"] not in Sex.values:
            raise InputRefused("sex", data["sex"], "one of " + ", ".join(Sex.values))
        cleaned["sex"] = data["sex"]
    if "status" in data:
        if data["status"] not in PatientStatus.values:
            raise InputRefused(
                "status", data["status"], "one of " + ", ".join(PatientStatus.values)
            )
        cleaned["status"] = data["status"]
    if "phone" in data:
        phone = _text("phone", data["phone"], required=False, max_length=30)
        if not PHONE_PATTERN.match(phone):
            raise InputRefused("phone", phone, "digits, spaces and + ( ) - . only")
        cleaned["phone"] = phone
    if "email" in data:
        email = _text("email", data["email"], required=False, max_length=254).lower()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise InputRefused("email", email, "a valid e-mail address") from exc
        cleaned["email"] = email
    if "address" in data:
        cleaned["address"] = _text("address", data["address"], required=False, max_length=240)
    return cleaned


DETAIL_FIELDS = {
    "other_given_names": 0,
    "phone_use": 8,
    "deceased_at": 0,
    "address_line": 160,
    "city": 80,
    "state": 40,
    "postal_code": 20,
    "country": 40,
    "race": 16,
    "ethnicity": 16,
    "birth_sex": 3,
}
"""Optional registry details (issue 21) and their longest values: the fidelity of an imported
record (every given name, the phone's use, the moment of death, a structured address) and the
US Core demographics (race, ethnicity and birth sex codes)."""
PHONE_USES = ("home", "work", "mobile", "temp", "old")
BIRTH_SEXES = ("F", "M", "UNK")


def clean_patient_details(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check optional details; ``InputRefused`` names the first bad one."""
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name not in DETAIL_FIELDS:
            raise InputRefused(name, value, "one of " + ", ".join(DETAIL_FIELDS))
        if name == "other_given_names":
            names = [_text(name, part, required=True, max_length=80) for part in value or []]
            if len(names) > 5:
                raise InputRefused(name, len(names), "at most 5 further given names")
            cleaned[name] = names
        elif name == "deceased_at":
            if value is not None and not isinstance(value, datetime):
                raise InputRefused(name, value, "a date and time with its offset")
            cleaned[name] = value
        else:
            cleaned[name] = _text(name, value, required=False, max_length=DETAIL_FIELDS[name])
    if cleaned.get("phone_use") and cleaned["phone_use"] not in PHONE_USES:
        raise InputRefused("phone_use", cleaned["phone_use"], "one of " + ", ".join(PHONE_USES))
    if cleaned.get("birth_sex") and cleaned["birth_sex"] not in BIRTH_SEXES:
        raise InputRefused("birth_sex", cleaned["birth_sex"], "one of " + ", ".join(BIRTH_SEXES))
    return cleaned


def clean_identifiers(items: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """(system, value, type code, use) of foreign identifiers, each at most 255 characters."""
    cleaned = []
    for position, (system, value, type_code, use) in enumerate(items):
        field = f"identifier[{position}]"
        cleaned.append(
            (
                _text(f"{field}.system", system, required=True, max_length=IDENTIFIER_MAX_LENGTH),
                _text(f"{field}.value", value, required=True, max_length=IDENTIFIER_MAX_LENGTH),
                _text(f"{field}.type", type_code, required=False, max_length=10),
                _text(f"{field}.use", use, required=False, max_length=10),
            )
        )
    return cleaned
