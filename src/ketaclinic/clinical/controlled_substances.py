"""Controlled-substance record rules for ketamine, a Schedule III drug in the US.

Sources: docs/clinical-rules.md §7; 21 CFR 1301.76(b) (theft or loss reported within one business
day), 21 CFR 1304.11 (initial and biennial inventory; estimating opened Schedule III-V
containers), 21 CFR 1304.22(c) (dispensing records: quantity, patient, who, when), DEA
Forms 41 (destruction) and 106 (theft or loss).

Quantities are exact: the ledger counts whole micrograms (int), converted once from what a person
typed (mg with at most three decimals, or mL at the container's strength) and never through a
binary float afterwards, so sums and differences are exact and reconcile to the microgram.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Final, Literal

from ketaclinic.clinical.errors import ClinicalInputError

MICROGRAMS_PER_MG: Final = 1000
ONE_MICROGRAM: Final = Decimal("0.001")
# A single ledger entry above 10 kg of ketamine cannot be a clinic's: a slip of units.
MAX_MICROGRAMS: Final = 10_000_000_000
# Marketed ketamine injections are 10, 50 and 100 mg/mL (docs/clinical-rules.md §5); compounded
# nasal sprays reach 150-200 mg/mL. Anything outside this is a typing slip.
STRENGTH_RANGE_MG_PER_ML: Final = (Decimal("0.1"), Decimal("500"))

Measure = Literal["exact", "estimate"]


def _decimal(field: str, value: Decimal | str | int) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ClinicalInputError(field, value, "a decimal number") from None
    if not number.is_finite():
        raise ClinicalInputError(field, value, "a finite decimal number")
    return number


def _decimal_places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only reach here
    return max(0, -exponent)


def mg_to_micrograms(field: str, mg: Decimal | str | int) -> int:
    """A positive quantity typed in mg, as whole micrograms; refused beyond 3 decimals.

    Source: docs/clinical-rules.md §7 (every milligram accounted for); a microgram is the finest
    quantity the ledger records, far below anything a syringe measures.
    """
    number = _decimal(field, mg)
    micrograms = number * MICROGRAMS_PER_MG
    if micrograms != micrograms.to_integral_value():
        raise ClinicalInputError(field, mg, "mg with at most 3 decimals (1 microgram)")
    return positive_micrograms(field, int(micrograms), shown=mg)


def ml_to_micrograms(field: str, ml: Decimal | str | int, strength_mg_per_ml: Decimal) -> int:
    """A positive volume typed in mL at ``strength_mg_per_ml``, as whole micrograms.

    mL x mg/mL x 1000, rounded half-even to the microgram once, here, at entry (volume =
    amount / concentration, docs/clinical-rules.md §5). The stored microgram figure is the record.
    """
    volume = _decimal(field, ml)
    if _decimal_places(volume) > 3:
        raise ClinicalInputError(field, ml, "mL with at most 3 decimals (1 microlitre)")
    exact = volume * strength_mg_per_ml * MICROGRAMS_PER_MG
    micrograms = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return positive_micrograms(field, micrograms, shown=ml)


def positive_micrograms(field: str, micrograms: int, *, shown: object = None) -> int:
    """``micrograms`` if it is above zero and plausible for one entry (at most 10 kg).

    Source: docs/clinical-rules.md §7; a ledger entry moves a positive quantity, its kind says which
    way.
    """
    if not 0 < micrograms <= MAX_MICROGRAMS:
        raise ClinicalInputError(
            field, micrograms if shown is None else shown, "a quantity above 0 and at most 10 kg"
        )
    return micrograms


def check_strength(field: str, strength: Decimal | str | int) -> Decimal:
    """A concentration in mg/mL with at most 3 decimals, 0.1-500 mg/mL.

    Source: docs/clinical-rules.md §5 (ketamine vials 10, 50, 100 mg/mL) and compounded nasal
    products (section 7, track the compounding pharmacy).
    """
    number = _decimal(field, strength)
    low, high = STRENGTH_RANGE_MG_PER_ML
    if _decimal_places(number) > 3 or not low <= number <= high:
        raise ClinicalInputError(field, strength, "0.1 to 500 mg/mL, at most 3 decimals")
    return number


def float_mg_to_micrograms(mg: float) -> int:
    """A pump-derived amount (a float sum of rate x time) as whole micrograms, half-even.

    Source: treatment session totals (docs/clinical-rules.md §5: mg = mg/h x hours); this is the one
    place a float meets the ledger, and it is rounded once to the microgram.
    """
    return int((Decimal(repr(mg)) * MICROGRAMS_PER_MG).quantize(Decimal(1), ROUND_HALF_EVEN))


def micrograms_to_mg(micrograms: int) -> Decimal:
    """Whole micrograms as an exact mg Decimal with three decimals (``73800`` -> ``73.800``)."""
    return (Decimal(micrograms) / MICROGRAMS_PER_MG).quantize(ONE_MICROGRAM)


def micrograms_to_ml(micrograms: int, strength_mg_per_ml: Decimal) -> Decimal:
    """The volume holding ``micrograms`` at ``strength_mg_per_ml``, to the microlitre."""
    exact = Decimal(micrograms) / (strength_mg_per_ml * MICROGRAMS_PER_MG)
    return exact.quantize(ONE_MICROGRAM, rounding=ROUND_HALF_EVEN)


def unaccounted_micrograms(*, drawn: int, returned: int, administered: int, wasted: int) -> int:
    """What a session drew and has not yet accounted for: drawn - returned - given - wasted.

    Source: docs/clinical-rules.md §7, "drawn = administered + wasted must balance"; a quantity
    returned to stock unopened leaves the session's custody too. Zero when balanced; negative
    when more was given or wasted than drawn (a recording error to investigate).
    """
    return drawn - returned - administered - wasted


# DEA registration numbers: two letters and seven digits; the seventh digit checks the first six.
_DEA_PATTERN: Final = re.compile(r"^[A-Z][A-Z9][0-9]{7}$")


def check_dea_number(field: str, number: str) -> str:
    """A DEA registration number, upper-cased, with its check digit verified.

    Format: a registrant-type letter, a second letter (the registrant's name initial, or 9),
    seven digits. Check digit: (d1 + d3 + d5) + 2 x (d2 + d4 + d6); its last digit is d7.
    Source: 21 CFR 1304.21-1304.22 records name the supplier's registration number
    (docs/clinical-rules.md §7); the check-digit rule is DEA's published registration-number
    algorithm.
    """
    cleaned = "".join(number.split()).upper()
    if not _DEA_PATTERN.match(cleaned):
        raise ClinicalInputError(field, number, "2 letters then 7 digits, e.g. AB1234563")
    digits = [int(char) for char in cleaned[2:]]
    total = digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])
    if total % 10 != digits[6]:
        raise ClinicalInputError(
            field, number, f"a valid check digit (the last digit should be {total % 10})"
        )
    return cleaned


def next_business_day(day: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first weekday after ``day`` that is not a holiday.

    Source: 21 CFR 1301.76(b): a theft or significant loss is reported to the DEA Field Division
    Office in writing within one business day of discovery (then DEA Form 106).
    """
    candidate = day + timedelta(days=1)
    while candidate.weekday() >= 5 or candidate in holidays:
        candidate += timedelta(days=1)
    return candidate


def biennial_inventory_due(last_inventory: date) -> date:
    """The date by which the next inventory is due: two years after the last one.

    Source: 21 CFR 1304.11(c): a new inventory at least every two years (docs/clinical-rules.md §7).
    A 29 February inventory falls due on 28 February.
    """
    try:
        return last_inventory.replace(year=last_inventory.year + 2)
    except ValueError:
        return last_inventory.replace(year=last_inventory.year + 2, day=28)


def opened_container_measure(*, schedule: int, units_in_container: int) -> Measure:
    """How an opened container is counted in an inventory: ``exact`` or ``estimate``.

    Source: 21 CFR 1304.11(e)(3) and docs/clinical-rules.md §7: Schedule I-II opened containers are
    counted or measured exactly; Schedule III-V may be estimated unless the container holds more
    than 1,000 units (the regulation's example is tablets or capsules; for a solution we count
    millilitres), in which case it is counted exactly.
    """
    if schedule not in (1, 2, 3, 4, 5):
        raise ClinicalInputError("schedule", schedule, "a DEA schedule from 1 to 5")
    if schedule <= 2 or units_in_container > 1000:
        return "exact"
    return "estimate"
