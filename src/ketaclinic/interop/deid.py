"""De-identification by the HIPAA Safe Harbor method, 45 CFR 164.514(b)(2).

Pure Python (no Django): every export format calls one :class:`Deidentifier`, built from the
installation's secret (``KETACLINIC_DEID_SECRET``), so a patient gets the same pseudonym and the
same date shift in FHIR, REDCap and Parquet, in this export and the next.

What Safe Harbor asks (164.514(b)(2)(i)) and what KetaClinic does, identifier by identifier, is
written down as data in :data:`SAFE_HARBOR` (the tests check every format against it). In short:

- names, addresses, telephone and e-mail, record numbers (MRN), account and portal log-ins, URLs
  and IP addresses are never written; free text (notes, reasons, descriptions) is dropped,
  because a clinician may type a name or a date into it;
- the patient is known by a keyed pseudonym (HMAC-SHA256 of the record key). It is a
  re-identification code as 164.514(c) allows: not derived from information about the
  individual, not reversible without the key, and the key is never disclosed;
- dates: Safe Harbor keeps no element of a date but the year. KetaClinic shifts every date of a
  patient by one secret offset of 1 to 182 days either way (:meth:`Deidentifier.date_offset_days`)
  so that intervals (diary days, course length, time to relapse) survive exactly; the true date
  cannot be read back without the key. Strictly, shifted dates are a documented deviation that an
  expert determination (164.514(b)(1)) should cover; a consortium that needs the letter of Safe
  Harbor keeps only the year of each shifted date;
- ages over 89 (164.514(b)(2)(i)(C)) become the single category "90+" and the birth year is
  dropped; younger patients keep the year of their (shifted) birth date.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ketaclinic.clinical.age import age_in_years

MAX_SHIFT_DAYS = 182
"""Dates move by 1 to 182 days, earlier or later: never 0, so no true date survives by chance."""
OLDEST_REPORTED_AGE = 89
"""164.514(b)(2)(i)(C): ages over 89 are aggregated into one category, 90 or older."""
AGE_90_PLUS = "90+"
PATIENT_NUMBER_BITS = 42
"""Pseudonymous patient numbers fit the outcome engine's ``patient_id`` (within +-2**42)."""
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MIN_SECRET_BYTES = 16


@dataclass(frozen=True)
class SafeHarborItem:
    """One identifier of 164.514(b)(2)(i), and how every export treats it."""

    paragraph: str
    identifier: str
    handling: str


SAFE_HARBOR: tuple[SafeHarborItem, ...] = (
    SafeHarborItem("A", "names", "dropped (patient, relatives, staff)"),
    SafeHarborItem(
        "B", "geographic subdivisions smaller than a state", "address and ZIP code dropped"
    ),
    SafeHarborItem(
        "C",
        "elements of dates except year; ages over 89",
        "dates shifted per patient by a secret offset; ages over 89 as 90+, birth year dropped",
    ),
    SafeHarborItem("D", "telephone numbers", "dropped"),
    SafeHarborItem("E", "fax numbers", "dropped (not collected)"),
    SafeHarborItem("F", "electronic mail addresses", "dropped"),
    SafeHarborItem("G", "social security numbers", "not collected"),
    SafeHarborItem("H", "medical record numbers", "dropped; a keyed pseudonym instead"),
    SafeHarborItem("I", "health plan beneficiary numbers", "not collected"),
    SafeHarborItem("J", "account numbers", "portal accounts and user names dropped"),
    SafeHarborItem("K", "certificate/license numbers", "not collected"),
    SafeHarborItem("L", "vehicle identifiers and serial numbers", "not collected"),
    SafeHarborItem("M", "device identifiers and serial numbers", "not collected"),
    SafeHarborItem("N", "web URLs", "no patient URL written; resource ids pseudonymous"),
    SafeHarborItem("O", "IP addresses", "audit data never exported"),
    SafeHarborItem("P", "biometric identifiers", "not collected"),
    SafeHarborItem("Q", "full-face photographs", "not collected"),
    SafeHarborItem(
        "R",
        "any other unique identifying number, characteristic or code",
        "record numbers replaced by keyed pseudonyms (164.514(c)); free text dropped",
    ),
)


@dataclass(frozen=True)
class DeidentifiedAge:
    """An age as Safe Harbor allows it: exact up to 89, else the category "90+" with no year."""

    age_years: int | None
    birth_year: int | None
    over_89: bool

    @property
    def label(self) -> str:
        """``"47"`` or ``"90+"``."""
        return AGE_90_PLUS if self.over_89 else str(self.age_years)


class Deidentifier:
    """Pseudonyms and date shifts for one installation's secret (45 CFR 164.514(b)(2), (c)).

    Every value is an HMAC-SHA256 of the record's key under the secret, with a domain label per
    use, so a pseudonym tells nothing about the date shift and neither can be computed back.
    """

    def __init__(self, secret: str | bytes) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < _MIN_SECRET_BYTES:
            raise ValueError(f"the de-identification secret needs {_MIN_SECRET_BYTES}+ bytes")
        self._key = key

    def _digest(self, domain: str, key: object) -> bytes:
        message = f"{domain}\x1f{key}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def patient_number(self, patient_key: object) -> int:
        """A stable pseudonymous number in [1, 2**42): the outcome tables' ``patient_id``.

        Two of 10,000 patients share one with a probability of about 1 in 90,000 (n**2 / 2**43);
        the text pseudonym (:meth:`patient_pseudonym`) is the same number, so a collision would
        merge two patients in every format alike. At a million patients (1 in 9) a wider number
        would be needed; the outcome schema's 42-bit ``patient_id`` is the limit.
        """
        value = int.from_bytes(self._digest("patient-number", patient_key)[:8], "big")
        return value % ((1 << PATIENT_NUMBER_BITS) - 1) + 1

    def patient_pseudonym(self, patient_key: object) -> str:
        """``"P-"`` and the patient number in Crockford base32 (9 characters), e.g. P-0K3M9ZQ2T."""
        number = self.patient_number(patient_key)
        chars = []
        for _ in range(9):
            number, digit = divmod(number, 32)
            chars.append(_CROCKFORD[digit])
        return "P-" + "".join(reversed(chars))

    def record_pseudonym(self, kind: str, record_key: object) -> str:
        """A stable opaque id for a record of ``kind`` (FHIR resource ids, REDCap instances)."""
        return f"{kind}-{self._digest('record:' + kind, record_key)[:10].hex()}"

    def date_offset_days(self, patient_key: object) -> int:
        """The patient's shift: -182..-1 or 1..182 days, never 0; the same for all their dates."""
        draw = int.from_bytes(self._digest("date-shift", patient_key)[:8], "big")
        magnitude = draw % MAX_SHIFT_DAYS + 1
        return magnitude if (draw >> 32) & 1 else -magnitude

    def shift_date(self, value: date, patient_key: object) -> date:
        """``value`` moved by the patient's offset; intervals between their dates are kept."""
        return value + timedelta(days=self.date_offset_days(patient_key))

    def shift_datetime(self, value: datetime, patient_key: object) -> datetime:
        """``value`` moved by the patient's offset in whole days (time of day and zone kept)."""
        return value + timedelta(days=self.date_offset_days(patient_key))

    def age(self, born: date, on: date, patient_key: object) -> DeidentifiedAge:
        """Age on ``on``, and the year of the shifted birth date unless the patient is over 89.

        164.514(b)(2)(i)(C): "all ages over 89 and all elements of dates (including year)
        indicative of such age" are aggregated into one category of 90 or older. The birth year
        given is that of the shifted birth date, so ages computed against shifted event dates
        stay right to within a year.
        """
        years = age_in_years(born, on)
        if years > OLDEST_REPORTED_AGE:
            return DeidentifiedAge(age_years=None, birth_year=None, over_89=True)
        shifted = self.shift_date(born, patient_key)
        return DeidentifiedAge(age_years=years, birth_year=shifted.year, over_89=False)
