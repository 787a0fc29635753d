"""The flat REDCap import CSV: one row per patient, one more per repeating form instance.

Streamed: patients and questionnaires are read in patient order side by side (a merge), so
instance numbers restart per patient and nothing accumulates. ``<form>_complete`` is 2
(Complete) on every row that carries the form's data.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ketaclinic.clinical.home_intranasal import acute_response
from ketaclinic.diary.models import DiaryDay
from ketaclinic.instruments.models import QuestionnaireResponse
from ketaclinic.interop import sources, treatment_sources
from ketaclinic.interop.fhir.context import ExportContext
from ketaclinic.interop.redcap.dictionary import (
    DIARY_MEDICATIONS,
    HEADER,
    PATIENT_FORM,
    code,
    data_dictionary,
    record_columns,
)
from ketaclinic.patients.models import Patient
from ketaclinic.treatment.models import HomeUse, TreatmentSession

COMPLETE = "2"
Builder = Callable[[Any, ExportContext, int, str], dict[str, Any]]


def record_id(patient: Patient, context: ExportContext) -> str:
    if context.deidentifier is not None:
        return context.deidentifier.patient_pseudonym(patient.pk)
    return f"{patient.site.code}-{patient.mrn}"


def patient_row(patient: Patient, context: ExportContext, today: date) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_id": record_id(patient, context),
        "site": code(patient.site.code),
        "sex": patient.sex,
        "status": patient.status,
        f"{PATIENT_FORM}_complete": COMPLETE,
    }
    if context.deidentifier is not None:
        age = context.deidentifier.age(patient.date_of_birth, today, patient.pk)
        row.update(
            birth_year=age.birth_year if age.birth_year is not None else "",
            age_years=age.age_years if age.age_years is not None else "",
            age_90_plus="1" if age.over_89 else "0",
        )
        return row
    row.update(
        mrn=patient.mrn,
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth.isoformat(),
        phone=patient.phone,
        email=patient.email,
        address=patient.address,
    )
    return row


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def response_row(
    response: QuestionnaireResponse, context: ExportContext, instance: int, rid: str
) -> dict[str, Any]:
    form = response.instrument
    row: dict[str, Any] = {
        "record_id": rid,
        "redcap_repeat_instrument": form,
        "redcap_repeat_instance": instance,
        f"{form}_date": _stamp(context.instant(response.completed_at, response.patient_id)),
        f"{form}_complete": COMPLETE,
    }
    for position, answer in enumerate(response.answers, start=1):
        row[f"{form}_{position}"] = code(str(answer))
    if form != "pgic":
        row[f"{form}_total"] = response.total
        row[f"{form}_band"] = code(response.band)
    return row


def diary_row(day: DiaryDay, context: ExportContext, instance: int, rid: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "record_id": rid,
        "redcap_repeat_instrument": "diary",
        "redcap_repeat_instance": instance,
        "diary_date": context.date(day.date, day.patient_id).isoformat(),
        "diary_headache": _yes(day.headache),
        "diary_hours": _number(day.duration_hours),
        "diary_hours_known": _yes(day.duration_known),
        "diary_pain": "" if day.pain is None else day.pain,
        "diary_migraine_features": _yes(day.migraine_features),
        "diary_aura": _yes(day.aura),
        "diary_complete": COMPLETE,
    }
    for name in DIARY_MEDICATIONS:
        row[f"diary_med_{name}"] = _yes(getattr(day, f"med_{name}"))
    return row


def session_row(
    session: TreatmentSession, context: ExportContext, instance: int, rid: str
) -> dict[str, Any]:
    patient = session.patient_id
    started = session.started_at
    grades = [event.grade for event in session.adverse_events.all()]
    return {
        "record_id": rid,
        "redcap_repeat_instrument": "session",
        "redcap_repeat_instance": instance,
        "session_date": context.date(session.scheduled_for, patient).isoformat(),
        "session_start": _stamp(context.instant(started, patient)) if started else "",
        "session_route": session.protocol.route,
        "session_status": session.status,
        "session_total_mg": _number(session.total_mg),
        "session_minutes": _number(session.infusion_minutes),
        "session_nrs_before": _blank(session.nrs_before),
        "session_nrs_after": _blank(session.nrs_after),
        "session_acute_response": ""
        if session.acute_response is None
        else _yes(session.acute_response),
        "session_ae_count": len(grades),
        "session_ae_max_grade": max(grades) if grades else "",
        "session_moaas_lowest": _blank(getattr(session, "moaas_lowest", None)),
        "session_cadss6_highest": _blank(getattr(session, "cadss6_highest", None)),
        "session_complete": COMPLETE,
    }


def home_use_row(use: HomeUse, context: ExportContext, instance: int, rid: str) -> dict[str, Any]:
    response = acute_response(use.pain_before, use.pain_after_2h)
    codes = {warning["code"] for warning in use.warnings}
    return {
        "record_id": rid,
        "redcap_repeat_instrument": "home_use",
        "redcap_repeat_instance": instance,
        "home_use_at": _stamp(context.instant(use.used_at, use.patient_id)),
        "home_use_sprays": use.sprays,
        "home_use_mg": _number(use.sprays * use.prescription.mg_per_spray),
        "home_use_pain_before": use.pain_before,
        "home_use_pain_after_2h": _blank(use.pain_after_2h),
        "home_use_acute_response": "" if response is None else _yes(response),
        "home_use_dissociation": _yes(use.dissociation),
        "home_use_dizziness": _yes(use.dizziness),
        "home_use_nausea": _yes(use.nausea),
        "home_use_other": _yes(bool(use.other_side_effects)),
        "home_use_could_rest": "" if use.could_rest is None else _yes(use.could_rest),
        "home_use_over_cap": _yes(bool(codes & {"day_cap", "week_cap"})),
        "home_use_warned": _yes(bool(codes)),
        "home_use_complete": COMPLETE,
    }


def _number(value: float | None) -> str:
    """A plain decimal (REDCap's number validation refuses 1.2e+04)."""
    return "" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def _blank(value: object) -> object:
    return "" if value is None else value


def _yes(value: bool) -> str:
    return "1" if value else "0"


class _Repeating:
    """One patient-ordered source of repeating instances, read alongside the patients."""

    def __init__(self, rows: Iterator[Any], form: Callable[[Any], str], build: Builder) -> None:
        self.rows, self.form, self.build = rows, form, build
        self.pending = next(rows, None)

    def for_patient(
        self, patient_pk: int, context: ExportContext, rid: str
    ) -> Iterator[dict[str, Any]]:
        instances: dict[str, int] = {}
        while self.pending is not None and self.pending.patient_id <= patient_pk:
            if self.pending.patient_id == patient_pk:
                form = self.form(self.pending)
                instances[form] = instances.get(form, 0) + 1
                yield self.build(self.pending, context, instances[form], rid)
            self.pending = next(self.rows, None)


def rows(site_ids: list[int], context: ExportContext, today: date) -> Iterator[dict[str, Any]]:
    """Every patient's row then their repeating instances: a merge of patient-ordered cursors."""
    repeating = [
        _Repeating(
            sources.questionnaires(site_ids, by_patient=True), lambda r: r.instrument, response_row
        ),
        _Repeating(sources.diary_days(site_ids), lambda _: "diary", diary_row),
        _Repeating(
            treatment_sources.sessions(site_ids, by_patient=True), lambda _: "session", session_row
        ),
        _Repeating(
            treatment_sources.home_uses(site_ids, by_patient=True),
            lambda _: "home_use",
            home_use_row,
        ),
    ]
    for patient in sources.patients(site_ids):
        rid = record_id(patient, context)
        yield patient_row(patient, context, today)
        for source in repeating:
            yield from source.for_patient(patient.pk, context, rid)


def write_redcap(
    out: Path, *, site_ids: list[int], site_codes: list[str], context: ExportContext, today: date
) -> dict[str, int]:
    """``data_dictionary.csv``, ``records.csv`` and ``repeating_instruments.csv`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    fields = data_dictionary(
        deidentified=context.deidentified,
        site_codes=[code(c) for c in site_codes],
        this_year=today.year,
    )
    with (out / "data_dictionary.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(field.row() for field in fields)
    forms = list(dict.fromkeys(field.form for field in fields if field.form != PATIENT_FORM))
    with (out / "repeating_instruments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["form_name", "custom_form_label"])
        writer.writerows([form, ""] for form in forms)
    counts = {"records": 0, "repeating_instances": 0}
    with (out / "records.csv").open("w", newline="", encoding="utf-8") as handle:
        dict_writer = csv.DictWriter(handle, fieldnames=record_columns(fields), restval="")
        dict_writer.writeheader()
        for row in rows(site_ids, context, today):
            dict_writer.writerow(row)
            counts["repeating_instances" if row.get("redcap_repeat_instrument") else "records"] += 1
    return counts
