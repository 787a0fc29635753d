"""Clinical sub-commands (classify, refractory, score, dose, diary-metrics, vitals).

Each reads JSON from a file or ``-`` (standard input) and prints JSON to standard output, as
docs/contracts.md promises. Bad input (malformed JSON, an unknown field, a wrong type, a value out
of range, a dose above its hard limit) exits with status 2 and one line on standard error naming the
field, the value and what was expected; nothing is printed on standard output. These commands
never start Django.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ketaclinic.clinical.contracts import (
    ClassifyInput,
    DiaryMetricsInput,
    DoseInput,
    RefractoryInput,
    VitalsInput,
    parse_json,
)
from ketaclinic.clinical.diary import diary_metrics
from ketaclinic.clinical.dosing import calculate_dose
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.ichd3 import classify
from ketaclinic.clinical.instruments import INSTRUMENTS
from ketaclinic.clinical.refractory import assess_refractory
from ketaclinic.clinical.vitals import vital_alerts

EXIT_OK = 0
EXIT_BAD_INPUT = 2

Compute = Callable[[argparse.Namespace, str], dict[str, Any]]


def register(subparsers: Any) -> None:
    """Add the clinical sub-commands to ``subparsers``."""
    _add(
        subparsers,
        "classify",
        _classify,
        "ICHD-3 classification of a headache history.",
        "Prints the ICHD-3 (2018) diagnoses met, each criterion with met / not met and why, "
        "and the near misses (not_met). Input fields: headache, aura, frequency, "
        "acute_medication_days_per_month, overuse_months, other_diagnosis_better_accounts.",
    )
    _add(
        subparsers,
        "refractory",
        _refractory,
        "Resistant / refractory migraine status (EHF 2020).",
        "Prints status (not_resistant, resistant, refractory), the preventive classes failed and "
        "the reasons, by the European Headache Federation consensus (Sacco et al. 2020). Input "
        "fields: trials [{drug, class, outcome, dose, weeks}], debilitating_days_per_month, "
        "months, triptans_failed, available_classes.",
    )
    _add(
        subparsers,
        "score",
        _score,
        "Score a questionnaire.",
        "INSTRUMENT is one of "
        + ", ".join(INSTRUMENTS)
        + '. Input {"answers": [...]}: MIDAS five day-counts (0-90); HIT-6 six of never, rarely, '
        "sometimes, very often, always; PHQ-9 nine and GAD-7 seven integers 0-3; PGIC one "
        "integer 1-7; ID Migraine three true/false answers.",
        instrument=True,
    )
    _add(
        subparsers,
        "dose",
        _dose,
        "Dose and pump-rate calculation with limit checks.",
        "Routes: iv_infusion (steps of mg/kg/h, concentration_mg_per_ml), iv_bolus and "
        "nebulized (dose_mg_per_kg), intranasal (sprays, mg_per_spray). dosing_weight: actual, "
        "ideal (Devine) or adjusted, never above the actual weight. A dose above its hard limit "
        "is refused (exit status 2), as are a concentration outside its route's range (IV "
        "infusion 0.5-10 mg/mL, bolus at most 10, nebulized 1-100, intranasal 10-100), an "
        "infusion step above hard_max_mg_per_h (100 mg/h by default) and a running step below "
        "pump_min_ml_per_h (0.1 mL/h by default).",
    )
    _add(
        subparsers,
        "diary-metrics",
        _diary_metrics,
        "Headache-diary endpoints for baseline and follow-up periods.",
        "Headache, migraine, acute-medication and triptan days per period, normalised to 28 "
        "days over the days recorded; change in monthly migraine days and responder rates. "
        "definition: 4h (default) or 30min.",
    )
    _add(
        subparsers,
        "vitals",
        _vitals,
        "Vital-sign alerts (stop / confirm).",
        "phase: pre_dose, during or post; readings with time, systolic, diastolic, heart_rate, "
        "spo2, respiratory_rate, avpu, moaas (0-5), cadss6 (0-24); optional limits (tighter "
        "only). stop at SBP >= 180 or < 80, DBP >= 110, HR < 50 or > 150, SpO2 < 92, RR < 8 or "
        "> 30, AVPU pain or unresponsive, MOAA/S <= 2, CADSS-6 >= 18; confirm for a pre-dose "
        "blood pressure above 140/90, MOAA/S 3, CADSS-6 >= 12.",
    )


def _add(
    subparsers: Any,
    name: str,
    compute: Compute,
    summary: str,
    description: str,
    *,
    instrument: bool = False,
) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=summary, description=f"{summary} {description}"
    )
    if instrument:
        # Checked by the handler, not by argparse choices, so a wrong name is one line of error.
        parser.add_argument("instrument", metavar="INSTRUMENT", help=", ".join(INSTRUMENTS))
    parser.add_argument("file", metavar="FILE", help="JSON input file, or - for standard input")
    parser.set_defaults(handler=_handler(compute))


def _handler(compute: Compute) -> Callable[[argparse.Namespace], int]:
    """Wrap ``compute`` so bad input becomes exit status 2 and one line on standard error."""

    def handle(args: argparse.Namespace) -> int:
        try:
            result = compute(args, read_input(args.file))
        except ClinicalInputError as error:
            print(error, file=sys.stderr)
            return EXIT_BAD_INPUT
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_OK

    return handle


def read_input(source: str) -> str:
    """The text of ``source``: a file path, or ``-`` for standard input."""
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ClinicalInputError(
            "FILE", source, f"a readable UTF-8 JSON file, or - for standard input ({reason})"
        ) from None


def _classify(args: argparse.Namespace, text: str) -> dict[str, Any]:
    return classify(parse_json(ClassifyInput, text)).to_dict()


def _refractory(args: argparse.Namespace, text: str) -> dict[str, Any]:
    return assess_refractory(parse_json(RefractoryInput, text)).to_dict()


def _score(args: argparse.Namespace, text: str) -> dict[str, Any]:
    instrument = INSTRUMENTS.get(args.instrument)
    if instrument is None:
        raise ClinicalInputError("INSTRUMENT", args.instrument, "one of " + ", ".join(INSTRUMENTS))
    return instrument.score(parse_json(instrument.model, text)).to_dict()


def _dose(args: argparse.Namespace, text: str) -> dict[str, Any]:
    result = calculate_dose(parse_json(DoseInput, text))
    if result.refusals:
        raise result.refusals[0].error()
    return result.to_dict()


def _diary_metrics(args: argparse.Namespace, text: str) -> dict[str, Any]:
    return diary_metrics(parse_json(DiaryMetricsInput, text)).to_dict()


def _vitals(args: argparse.Namespace, text: str) -> dict[str, Any]:
    return vital_alerts(parse_json(VitalsInput, text)).to_dict()
