"""Every write to the diary: a save is a new version of the whole day, never an overwrite.

The patient keeps their own diary (``Capability.KEEP_DIARY`` and their own record); staff do not
write in it, except the bulk import of an existing diary (``import_diary_days``), which needs
``EDIT_PATIENTS`` at the patient's site and is audited once per import.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ketaclinic.accounts.models import User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability, Role
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.acute_medications import drug as find_drug
from ketaclinic.clinical.diary_day import AttackFacts
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import InputRefused, StaleVersion
from ketaclinic.diary.entries import AttackEntry, DayEntry, DayFactors, day_entry
from ketaclinic.diary.models import (
    Attack,
    AttackMedication,
    DiaryDay,
    DiaryDayVersion,
    DiaryProfile,
)
from ketaclinic.diary.queries import current_entry, day_bounds, local_today, patient_time_zone
from ketaclinic.diary.validation import (
    MAX_ATTACK_HOURS,
    clean_factors,
    settle,
    spanning_facts,
    summary_fields,
)
from ketaclinic.patients.models import Patient

MAX_DAYS_BACK = 366
DIARY_DAY = "This diary day"


def _check_keeper(actor: User, patient: Patient) -> None:
    """Only the patient writes in their diary."""
    require(actor, Capability.KEEP_DIARY)
    if patient.account_id != actor.pk:
        raise PermissionDenied("a patient may only keep their own diary")


@transaction.atomic
def set_time_zone(*, actor: User, patient: Patient, time_zone: str) -> DiaryProfile:
    """The zone whose midnights divide the patient's diary days (the patient or site staff)."""
    if actor.role == Role.PATIENT:
        _check_keeper(actor, patient)
    else:
        require(actor, Capability.EDIT_PATIENTS)
        require_site(actor, patient.site_id)
    if time_zone not in zoneinfo.available_timezones():
        raise InputRefused("time_zone", time_zone, "an IANA time zone such as Europe/Stockholm")
    profile, _ = DiaryProfile.objects.update_or_create(
        patient=patient, defaults={"time_zone": time_zone, "updated_at": timezone.now()}
    )
    record_event(
        actor=actor,
        action="diary.time_zone",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"time_zone": time_zone},
    )
    return profile


def _version_row(
    day: DiaryDay,
    version: int,
    entry: DayEntry,
    actor: User,
    time_zone: str,
    reason: str,
    source: str,
) -> DiaryDayVersion:
    return DiaryDayVersion(
        day=day,
        version=version,
        headache_free=entry.headache_free,
        sleep_quality=entry.factors.sleep_quality,
        stress=entry.factors.stress,
        menstruation=entry.factors.menstruation,
        triggers=list(entry.factors.triggers),
        note=entry.factors.note,
        time_zone=time_zone,
        recorded_by=actor,
        source=source,
        reason=reason,
    )


def _attack_rows(
    versions: list[tuple[DiaryDayVersion, DayEntry]],
) -> list[tuple[Attack, list[AttackMedication]]]:
    """Write the attacks and medications of saved versions, in two bulk inserts (one when no
    attack has a medicine). Returns each attack written with its medicines, in order."""
    attacks: list[Attack] = []
    pending: list[tuple[Attack, AttackEntry]] = []
    for version, entry in versions:
        for position, item in enumerate(entry.attacks, start=1):
            row = Attack(
                version=version,
                position=position,
                started_at=item.started_at,
                ended_at=item.ended_at,
                known_until=item.known_until,
                still_going=item.still_going,
                pain=item.pain,
                location=item.location,
                pulsating=item.pulsating,
                worse_with_activity=item.worse_with_activity,
                aura=item.aura,
                nausea=item.nausea,
                photophobia=item.photophobia,
                phonophobia=item.phonophobia,
            )
            attacks.append(row)
            pending.append((row, item))
    Attack.objects.bulk_create(attacks)
    written = [
        (
            row,
            [
                AttackMedication(
                    attack=row,
                    drug=med.drug,
                    drug_class=find_drug(med.drug).drug_class,
                    dose_mg=med.dose_mg,
                    taken_at=med.taken_at,
                    relief_2h=med.relief_2h,
                )
                for med in item.medications
            ],
        )
        for row, item in pending
    ]
    medications = [med for _, meds in written for med in meds]
    if medications:
        AttackMedication.objects.bulk_create(medications)
    return written


@dataclass(frozen=True)
class SavedDay:
    """What a save wrote: the day's summary row, its new version, and the version's attacks
    with their medicines (in position order), as stored."""

    row: DiaryDay
    version: DiaryDayVersion
    attacks: list[tuple[Attack, list[AttackMedication]]]


def save_day(
    *,
    actor: User,
    patient: Patient,
    day: date,
    expected_version: int,
    entry: DayEntry,
    reason: str = "",
) -> DiaryDay:
    """Save the whole day as a new version if nobody saved it since ``expected_version``.

    ``expected_version`` is 0 for a day not yet recorded. A stale version is refused
    (``StaleVersion``, 409) rather than overwriting what the patient saved elsewhere.
    """
    return write_day(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=expected_version,
        entry=entry,
        reason=reason,
    ).row


@transaction.atomic
def write_day(
    *,
    actor: User,
    patient: Patient,
    day: date,
    expected_version: int,
    entry: DayEntry,
    reason: str = "",
) -> SavedDay:
    """:func:`save_day`, returning everything it wrote, so that the API can answer with the
    saved day without reading it back (three queries fewer on the busiest write)."""
    _check_keeper(actor, patient)
    time_zone = patient_time_zone(patient)
    today = local_today(time_zone)
    if day > today:
        raise InputRefused("date", day.isoformat(), f"today ({today}) or earlier")
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise InputRefused("date", day.isoformat(), "a day within the last year")
    if len(reason) > 240:
        raise InputRefused("reason", reason[:20] + "...", "at most 240 characters")
    entry = settle(replace(entry, factors=clean_factors(entry.factors)), timezone.now())
    fields = summary_fields(day, entry, time_zone, carried_attacks(patient, day, time_zone))
    # Locks the day's row only (``of``): the patient's row stays free for the foreign-key
    # checks other transactions make at commit while they hold the audit chain's head.
    current = (
        DiaryDay.objects.select_for_update(of=("self",)).filter(patient=patient, date=day).first()
    )
    found = current.version if current is not None else 0
    if found != expected_version:
        raise StaleVersion(DIARY_DAY, expected_version, found)
    now = timezone.now()
    if current is None:
        try:
            with transaction.atomic():
                current = DiaryDay.objects.create(
                    patient=patient,
                    date=day,
                    version=1,
                    first_recorded_at=now,
                    updated_at=now,
                    **fields,
                )
        except IntegrityError:  # saved at the same moment elsewhere
            raise StaleVersion(DIARY_DAY, expected_version, 1) from None
    else:
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        current.updated_at = now
        current.save(update_fields=[*fields, "version", "updated_at"])
    reached_past_midnight = found > 0 and _spanned_past_midnight(current, found, day, time_zone)
    version = _version_row(current, current.version, entry, actor, time_zone, reason, "portal")
    version.save()
    attacks = _attack_rows([(version, entry)])
    if reached_past_midnight or spanning_facts(day, entry, time_zone):
        resummarise_later_days(patient, day, time_zone)
    record_event(
        actor=actor,
        action="diary.day.save",
        object_type="diary_day",
        object_id=current.pk,
        site_id=patient.site_id,
        detail={"date": day.isoformat(), "version": current.version},
    )
    return SavedDay(current, version, attacks)


@dataclass(frozen=True)
class ImportedDay:
    """One day of an existing diary to store as version 1 (see ``store_imported_days``)."""

    patient: Patient
    day: date
    entry: DayEntry
    time_zone: str


CARRY_DAYS = MAX_ATTACK_HOURS // 24  # an attack lasts at most 7 days (validation)


def carried_attacks(patient: Patient, day: date, time_zone: str) -> list[AttackFacts]:
    """The stored attacks of the week before ``day`` (current versions) that go on past their
    own day: an attack across midnight counts on every day it touches (clinical-rules.md §9)."""
    earlier = (
        DiaryDayVersion.objects.filter(
            day__patient=patient,
            day__date__gte=day - timedelta(days=CARRY_DAYS),
            day__date__lt=day,
            version=F("day__version"),
        )
        .select_related("day")
        .prefetch_related("attacks__medications")
    )
    return [
        fact
        for version in earlier
        for fact in spanning_facts(version.day.date, day_entry(version), time_zone)
    ]


def _spanned_past_midnight(row: DiaryDay, version: int, day: date, time_zone: str) -> bool:
    """Whether version ``version`` of the day had an attack going on past its midnight (one
    query): then a save that shortens it changes the following days too."""
    _, end = day_bounds(day, time_zone)
    return (
        Attack.objects.filter(version__day=row, version__version=version)
        .filter(Q(ended_at__gt=end) | Q(known_until__gt=end))
        .exists()
    )


def resummarise_later_days(patient: Patient, day: date, time_zone: str) -> int:
    """Recompute the stored summaries of the recorded days of the week after ``day``, whose
    saved attacks may now go on into them, or no longer do: an attack across midnight counts
    on every day it touches (clinical-rules.md §9, "Diary days"). Returns the days changed.

    A later day recorded headache-free that an attack now touches refuses the save (the core's
    rule: no attack on a headache-free day), so the diary never holds both. One query when no
    later day is recorded (the usual save of today)."""
    later = list(
        DiaryDay.objects.filter(
            patient=patient, date__gt=day, date__lte=day + timedelta(days=CARRY_DAYS)
        ).order_by("date")
    )
    changed = 0
    for row in later:
        entry = current_entry(patient, row.date)
        try:
            fields = summary_fields(
                row.date, entry, time_zone, carried_attacks(patient, row.date, time_zone)
            )
        except ClinicalInputError as exc:
            raise InputRefused(
                "attacks",
                f"an attack going on into {row.date:%d %b %Y}",
                f"an end before that day, which is recorded headache-free (record the headache "
                f"on that day first): {exc.expected}",
            ) from None
        if any(getattr(row, name) != value for name, value in fields.items()):
            DiaryDay.objects.filter(pk=row.pk).update(**fields)
            changed += 1
    return changed


@transaction.atomic
def store_imported_days(*, actor: User, days: Sequence[ImportedDay], source: str) -> int:
    """Write ``days`` as version 1 each, of any number of patients, in a few bulk inserts.

    The building block of the bulk imports (``import_diary_days``, the synthetic cohort loader):
    each day is checked and summarised by the clinical core exactly as a saved day is; the
    caller checks the actor's permissions, leaves out days already recorded and audits the
    import. A day already recorded breaks the (patient, date) constraint: nothing is stored.
    """
    now = timezone.now()
    rows: list[DiaryDay] = []
    entries: list[DayEntry] = []
    zones: list[str] = []
    # Attacks going on past their day's midnight, by patient: they count on the days they
    # touch (clinical-rules.md §9), so each day is summarised with the earlier ones of the batch.
    spanning: dict[int, list[tuple[date, list[AttackFacts]]]] = {}
    for item in sorted(days, key=lambda item: (item.patient.pk, item.day)):
        entry = settle(replace(item.entry, factors=clean_factors(item.entry.factors)), now)
        earlier = spanning.setdefault(item.patient.pk, [])
        carried = [
            fact
            for started, facts in earlier
            if started >= item.day - timedelta(days=CARRY_DAYS)
            for fact in facts
        ]
        fields = summary_fields(item.day, entry, item.time_zone, carried)
        if facts := spanning_facts(item.day, entry, item.time_zone):
            earlier.append((item.day, facts))
        rows.append(
            DiaryDay(
                patient=item.patient,
                date=item.day,
                version=1,
                first_recorded_at=now,
                updated_at=now,
                **fields,
            )
        )
        entries.append(entry)
        zones.append(item.time_zone)
    DiaryDay.objects.bulk_create(rows)
    versions = [
        _version_row(row, 1, entry, actor, tz, "imported", source)
        for row, entry, tz in zip(rows, entries, zones, strict=True)
    ]
    DiaryDayVersion.objects.bulk_create(versions)
    _attack_rows(list(zip(versions, entries, strict=True)))
    return len(rows)


@transaction.atomic
def import_diary_days(
    *, actor: User, patient: Patient, days: Mapping[date, DayEntry], source: str = "import"
) -> int:
    """Bulk-load days of an existing diary (paper, another system, the demo): version 1 each.

    Days already recorded are left alone (the import never overwrites). One audit event for the
    whole import. Returns the number of days created.
    """
    require(actor, Capability.EDIT_PATIENTS)
    require_site(actor, patient.site_id)
    time_zone = patient_time_zone(patient)
    today = local_today(time_zone)
    existing = set(DiaryDay.objects.filter(patient=patient).values_list("date", flat=True))
    new_days: list[ImportedDay] = []
    for day in sorted(days):
        if day in existing:
            continue
        if day > today:
            raise InputRefused("date", day.isoformat(), f"today ({today}) or earlier")
        new_days.append(ImportedDay(patient, day, days[day], time_zone))
    created = store_imported_days(actor=actor, days=new_days, source=source)
    record_event(
        actor=actor,
        action="diary.import",
        object_type="patient",
        object_id=patient.pk,
        site_id=patient.site_id,
        detail={"days": created, "source": source},
    )
    return created


def _position(entry: DayEntry, position: int) -> None:
    if not 1 <= position <= len(entry.attacks):
        raise InputRefused("position", position, f"an attack from 1 to {len(entry.attacks)}")


def save_attack(
    *,
    actor: User,
    patient: Patient,
    day: date,
    expected_version: int,
    attack: AttackEntry,
    position: int | None = None,
) -> DiaryDay:
    """Add an attack to the day (``position`` None) or change attack ``position``: a new version."""
    current = current_entry(patient, day)
    if position is not None:
        _position(current, position)
    return save_day(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=expected_version,
        entry=current.with_attack(position, attack),
    )


def remove_attack(
    *, actor: User, patient: Patient, day: date, expected_version: int, position: int
) -> DiaryDay:
    """Take attack ``position`` out of the day (it stays in the earlier versions)."""
    current = current_entry(patient, day)
    _position(current, position)
    if len(current.attacks) == 1:
        raise InputRefused(
            "position", position, "another attack left on the day, or mark the day headache-free"
        )
    return save_day(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=expected_version,
        entry=current.without_attack(position),
        reason=f"attack {position} removed",
    )


def record_headache_free_day(
    *, actor: User, patient: Patient, day: date, expected_version: int
) -> DiaryDay:
    """No headache that day (any attacks recorded before stay in the day's history)."""
    current = current_entry(patient, day)
    entry = replace(current, headache_free=True, attacks=())
    reason = "marked headache-free" if current.attacks else ""
    return save_day(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=expected_version,
        entry=entry,
        reason=reason,
    )


def save_day_factors(
    *, actor: User, patient: Patient, day: date, expected_version: int, factors: DayFactors
) -> DiaryDay:
    """Sleep, stress, period, triggers and note of a day already recorded."""
    current = current_entry(patient, day)
    return save_day(
        actor=actor,
        patient=patient,
        day=day,
        expected_version=expected_version,
        entry=replace(current, factors=factors),
    )
