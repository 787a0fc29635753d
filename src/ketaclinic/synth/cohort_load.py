"""Bulk-load a synthetic cohort (``ketaclinic synth``) into the database, for demos and benchmarks.

Creating 10,000 patients one ``create_patient`` at a time (each with its own audit event) takes
minutes; this action validates each row with the registry's own rules
(``clean_patient_fields``), scores each questionnaire and summarises each diary day with the
clinical core, then writes in chunks of :data:`CHUNK` patients with ``bulk_create``. It is refused
in production: synthetic patients must never mix with real ones.

All or nothing: the whole cohort is one transaction, audited once ("cohort.load") at its end.
A load that fails, is interrupted or killed (even ``kill -9``) leaves no row behind, and can
simply be run again; one that committed refuses a second run (``Conflict``). ``progress`` is
called after each chunk is written (not yet committed), so a long load can show how far it is.

What it loads from the cohort's ``patients.parquet``: one registry record per patient (an
invented name, its family name never a demo patient's; MRN ``SYN-<id>``, a birth date in the
cohort's birth year, sex, site) and a questionnaire history: MIDAS, HIT-6, PHQ-9 and GAD-7 at
the start of the diary and every 90 days after (not in the future). PHQ-9 item 9 is always 0
here, so no self-harm alert is due. ``load_synthetic_records`` (the demo) loads an in-memory
cohort whole: the same, then its courses (:mod:`.cohort_treatment`).

Both load the diary (``diary_days.parquet``, the in-memory cohort's ``diary_days``) with each
chunk of patients: every recorded day before today in the site's time zone, as version 1 of a
diary day (:mod:`.cohort_diary`). ``load-cohort`` loads no courses or sessions: in the database
a course is an approved plan whose sessions are charted step by step, which a row of
``courses.parquet`` cannot honestly fill in; the demo's in-memory cohort loads analytics-only
courses (:mod:`.cohort_treatment`, its docstring says what they lack).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.instruments import INSTRUMENTS
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.actions import INSTRUMENT_RULES_VERSION
from ketaclinic.instruments.models import QuestionnaireResponse, ResponseSource
from ketaclinic.patients.models import Patient, PatientRevision
from ketaclinic.patients.validation import EDITABLE_FIELDS, clean_patient_fields
from ketaclinic.synth import SyntheticCohort
from ketaclinic.synth.cohort_diary import load_diaries
from ketaclinic.synth.cohort_treatment import load_treatment
from ketaclinic.synth.names import COHORT_FAMILY_NAMES, given_names
from ketaclinic.treatment.models import Protocol

CHUNK = 100  # patients per write: a chunk of 730-day diaries is ~70,000 days in memory
QUESTIONNAIRE_EVERY_DAYS = 90
HIT6_WORDS = ("never", "rarely", "sometimes", "very often", "always")
MRN_PREFIX = "SYN-"  # `ketaclinic load-cohort`
DEMO_MRN_PREFIX = "DSYN-"  # the demo's own synthetic cohort, so a loaded cohort never clashes


def _answers(rng: random.Random, instrument: str) -> list[Any]:
    if instrument == "midas":
        return [rng.randint(0, 12) for _ in range(5)]
    if instrument == "hit6":
        return [rng.choice(HIT6_WORDS) for _ in range(6)]
    if instrument == "phq9":
        return [rng.randint(0, 3) for _ in range(8)] + [0]
    return [rng.randint(0, 3) for _ in range(7)]


def _patient(row: dict[str, Any], site: Site, today: date, prefix: str) -> Patient:
    number = int(row["patient_id"])
    rng = random.Random(number)
    born = date(int(row["birth_year"]), rng.randint(1, 12), rng.randint(1, 28))
    fields = clean_patient_fields(
        {
            "mrn": f"{prefix}{number}",
            "given_name": rng.choice(given_names(row["sex"])),
            "family_name": rng.choice(COHORT_FAMILY_NAMES),
            "date_of_birth": born,
            "sex": row["sex"],
            "phone": f"555-{number % 10_000:04d}",
            "email": f"synthetic{number}@example.org",
            "status": "active",
        },
        today=today,
    )
    return Patient(site=site, **fields)


def _responses(
    patient: Patient, start: date, end: date, actor: User, now: datetime
) -> Iterator[QuestionnaireResponse]:
    rng = random.Random(f"questionnaires-{patient.mrn}")
    day = start
    while day <= end:
        moment = datetime.combine(day, time(10, 0), tzinfo=UTC)
        if moment > now:
            return
        for offset, instrument in enumerate(("midas", "hit6", "phq9", "gad7")):
            spec = INSTRUMENTS[instrument]
            parsed = spec.model.model_validate({"answers": _answers(rng, instrument)})
            score = spec.score(parsed)
            yield QuestionnaireResponse(
                patient=patient,
                instrument=instrument,
                answers=list(parsed.model_dump()["answers"]),
                total=score.total,
                band=score.band,
                label=score.label,
                flags=list(score.flags),
                rule_version=INSTRUMENT_RULES_VERSION,
                completed_at=moment + timedelta(minutes=offset),
                entered_by=actor,
                source=ResponseSource.IMPORT,
            )
        day += timedelta(days=QUESTIONNAIRE_EVERY_DAYS)


def _sites(actor: User, codes: list[str]) -> dict[str, Site]:
    sites = {site.code: site for site in Site.objects.filter(code__in=codes)}
    for code in codes:
        if code not in sites:
            raise InputRefused("site", code, "the code of an existing site")
        require_site(actor, sites[code].pk)
    return sites


def _refuse_in_production(actor: User) -> None:
    if settings.PRODUCTION:
        raise PermissionDenied("synthetic cohorts are never loaded into a production database")
    require(actor, Capability.IMPORT_RECORDS)


@transaction.atomic
def load_synthetic_cohort(
    *,
    actor: User,
    directory: Path,
    limit: int | None = None,
    diaries: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Load ``directory``'s synthetic patients, questionnaires and diaries; counts by kind.

    ``diaries=False`` leaves the diary days out (a quicker load when only the registry and the
    questionnaires matter); ``progress(written, total)`` after each chunk of patients.
    """
    _refuse_in_production(actor)
    path, diary_path = directory / "patients.parquet", directory / "diary_days.parquet"
    if not path.exists() or (diaries and not diary_path.exists()):
        raise InputRefused("directory", str(directory), "a cohort written by `ketaclinic synth`")
    frame = pl.read_parquet(path)
    if limit is not None:
        frame = frame.head(limit)
    diary = pl.read_parquet(diary_path) if diaries else None
    counts, _ = _load_patients(actor, frame, source=str(directory), diary=diary, progress=progress)
    counts.setdefault("diary_days", 0)  # said even when left out (--without-diaries)
    return counts


@transaction.atomic
def load_synthetic_records(
    *, actor: User, cohort: SyntheticCohort, protocols: Mapping[str, Protocol]
) -> dict[str, int]:
    """Load an in-memory cohort whole (the demo): patients, questionnaires and diaries as
    above, and courses (:mod:`.cohort_treatment`) up to now; what lies in the future is left
    out. ``protocols``: synthetic protocol name to the library protocol it was given by."""
    _refuse_in_production(actor)
    now = timezone.now()
    sessions = cohort.sessions.filter(pl.col("start") < now.replace(tzinfo=None))
    counts, patients = _load_patients(
        actor,
        cohort.patients,
        source="synthetic cohort",
        prefix=DEMO_MRN_PREFIX,
        diary=cohort.diary_days,
    )
    counts["diary days"] = counts.pop("diary_days")  # the demo reports counts in words
    counts.update(
        load_treatment(
            actor=actor,
            patients=patients,
            courses=cohort.courses,
            sessions=sessions,
            protocols=protocols,
        )
    )
    record_event(
        actor=actor,
        action="cohort.load_records",
        object_type="cohort",
        detail={"seed": cohort.seed, "days": cohort.days, **counts},
    )
    return counts


def _load_patients(
    actor: User,
    frame: pl.DataFrame,
    *,
    source: str,
    prefix: str = MRN_PREFIX,
    diary: pl.DataFrame | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, int], dict[int, Patient]]:
    """Registry records and questionnaires of ``frame`` (``patients.parquet``), audited once;
    the counts and the patients by synthetic id."""
    sites = _sites(actor, sorted(frame["site"].unique().to_list()))
    if Patient.objects.filter(mrn__startswith=prefix, site__in=sites.values()).exists():
        raise Conflict("a synthetic cohort is already loaded at these sites")
    today, now = timezone.localdate(), timezone.now()
    counts = {"patients": 0, "questionnaires": 0}
    if diary is not None:
        counts["diary_days"] = 0
    loaded: dict[int, Patient] = {}
    for chunk in frame.iter_slices(CHUNK):
        rows = chunk.to_dicts()
        patients = Patient.objects.bulk_create(
            [_patient(row, sites[row["site"]], today, prefix) for row in rows]
        )
        PatientRevision.objects.bulk_create(
            PatientRevision(
                patient=patient,
                version=1,
                changed_by=actor,
                reason="synthetic cohort",
                changes={n: [None, str(getattr(patient, n))] for n in EDITABLE_FIELDS},
            )
            for patient in patients
        )
        responses = [
            response
            for row, patient in zip(rows, patients, strict=True)
            for response in _responses(patient, row["diary_start"], row["diary_end"], actor, now)
        ]
        QuestionnaireResponse.objects.bulk_create(responses, batch_size=2000)
        if diary is not None:
            by_id = {row["patient_id"]: p for row, p in zip(rows, patients, strict=True)}
            counts["diary_days"] += load_diaries(actor=actor, patients=by_id, diary=diary)
        counts["patients"] += len(patients)
        counts["questionnaires"] += len(responses)
        loaded.update(
            (int(row["patient_id"]), patient) for row, patient in zip(rows, patients, strict=True)
        )
        if progress is not None:
            progress(counts["patients"], frame.height)
    record_event(
        actor=actor,
        action="cohort.load",
        object_type="cohort",
        detail={"directory": source, "sites": sorted(sites), **counts},
    )
    return counts, loaded
