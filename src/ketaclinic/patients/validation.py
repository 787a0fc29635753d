"""Rules for registry fields, shared by the pages and the API so both refuse the same input."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ketaclinic.core.errors import InputRefused
from ketaclinic.patients.models import PatientStatus, Sex

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
