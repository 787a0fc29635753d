"""Writing the diary: a new version per save, never an overwrite; 409 when stale; own diary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from ketaclinic.audit.models import AuditEvent
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import InputRefused, StaleVersion
from ketaclinic.diary import actions, queries
from ketaclinic.diary.entries import AttackEntry
from ketaclinic.diary.models import Attack, DiaryDay, DiaryDayVersion
from tests.diary.helpers import (
    at,
    day_with,
    free_day,
    migraine_attack,
    mild_attack,
    today,
    triptan,
    yesterday,
)

pytestmark = pytest.mark.django_db


def save(world, day, entry, version=0, **kwargs):
    return actions.save_day(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=version,
        entry=entry,
        **kwargs,
    )


def test_a_headache_free_day_is_recorded_as_such(world):
    row = save(world, today(), free_day())
    assert (row.version, row.headache_free, row.headache, row.attack_count) == (1, True, False, 0)
    assert AuditEvent.objects.filter(action="diary.day.save", object_id=str(row.pk)).exists()


def test_a_day_with_two_attacks_summarises_for_the_metrics_contract(world):
    day = yesterday()
    entry = day_with(
        migraine_attack(day, medications=(triptan(day),)),
        mild_attack(day),
        sleep_quality="poor",
        triggers=("weather",),
    )
    row = save(world, day, entry)
    assert row.attack_count == 2
    assert (row.headache, row.migraine_features, row.pain, row.duration_hours) == (
        True,
        True,
        7,
        6.0,
    )
    assert row.medication_classes == ["triptan"]
    (summary,) = queries.list_day_summaries(world.patient, day, day)
    assert summary.medication_classes == ("triptan",)
    contract = queries.contract_entry(summary)
    assert contract.acute_medication == ("triptan",)
    assert (contract.headache, contract.migraine_features, contract.pain) == (True, True, 7)
    version = queries.current_version(row)
    assert [a.position for a in version.attacks.all()] == [1, 2]
    assert version.sleep_quality == "poor"


def test_every_edit_is_a_new_version_and_the_old_one_stays(world):
    day = yesterday()
    save(world, day, day_with(mild_attack(day)))
    actions.save_attack(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=1,
        attack=migraine_attack(day),
    )
    row = actions.save_attack(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=2,
        attack=migraine_attack(day, start=9, hours=2),
        position=2,
    )
    history = queries.day_history(row)
    assert [v.version for v in history] == [3, 2, 1]
    assert [len(v.attacks.all()) for v in history] == [2, 2, 1]
    assert history[2].attacks.all()[0].pain == 3  # version 1 untouched
    assert DiaryDayVersion.objects.filter(day=row).count() == 3


def test_a_stale_version_is_refused_and_nothing_is_written(world):
    day = yesterday()
    save(world, day, free_day())
    save(world, day, day_with(mild_attack(day)), version=1)
    with pytest.raises(StaleVersion, match="version 1, it is now version 2"):
        save(world, day, free_day(), version=1)
    assert DiaryDay.objects.get().version == 2
    with pytest.raises(StaleVersion):
        save(world, day - timedelta(days=1), free_day(), version=3)


def test_a_second_first_entry_of_the_same_day_is_stale(world):
    save(world, today(), free_day())
    with pytest.raises(StaleVersion):
        save(world, today(), free_day(), version=0)


def test_a_day_in_the_future_or_too_long_ago_is_refused(world):
    with pytest.raises(InputRefused, match="date"):
        save(world, today() + timedelta(days=1), free_day())
    with pytest.raises(InputRefused, match="within the last year"):
        save(world, today() - timedelta(days=400), free_day())


def test_a_day_needs_a_decision_headache_free_or_an_attack(world):
    with pytest.raises(InputRefused, match="attacks"):
        save(world, today(), day_with())


def test_an_attack_must_start_on_the_diary_day(world):
    day = today() - timedelta(days=2)
    with pytest.raises(InputRefused, match=r"attacks\[0\]\.started_at"):
        save(world, day, day_with(mild_attack(day + timedelta(days=1))))


def test_impossible_attacks_and_unknown_drugs_are_refused(world):
    day = yesterday()
    bad_end = AttackEntry(started_at=at(day, 9), ended_at=at(day, 8), pain=5)
    with pytest.raises(ClinicalInputError, match="ended_at"):
        save(world, day, day_with(bad_end))
    unknown = migraine_attack(day, medications=(triptan(day).__class__(drug="aspirine"),))
    with pytest.raises(ClinicalInputError, match="drug"):
        save(world, day, day_with(unknown))
    with pytest.raises(InputRefused, match="triggers"):
        save(world, day, day_with(mild_attack(day), triggers=("moon",)))
    assert not DiaryDay.objects.exists()


def test_another_patient_and_staff_cannot_write(world):
    for actor in (world.other_patient_user, world.clinician, world.admin):
        with pytest.raises(PermissionDenied):
            actions.save_day(
                actor=actor,
                patient=world.patient,
                day=today(),
                expected_version=0,
                entry=free_day(),
            )


def test_marking_a_day_headache_free_takes_its_attacks_out_into_history(world):
    day = yesterday()
    save(world, day, day_with(mild_attack(day)))
    row = actions.record_headache_free_day(
        actor=world.patient_user, patient=world.patient, day=day, expected_version=1
    )
    assert row.headache_free
    assert row.attack_count == 0
    assert queries.day_history(row)[0].reason == "marked headache-free"
    assert Attack.objects.count() == 1  # the attack of version 1 is still there


def test_the_last_attack_cannot_be_removed_but_another_can(world):
    day = yesterday()
    save(world, day, day_with(mild_attack(day)))
    with pytest.raises(InputRefused, match="headache-free"):
        actions.remove_attack(
            actor=world.patient_user, patient=world.patient, day=day, expected_version=1, position=1
        )
    actions.save_attack(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=1,
        attack=migraine_attack(day),
    )
    row = actions.remove_attack(
        actor=world.patient_user, patient=world.patient, day=day, expected_version=2, position=1
    )
    assert row.attack_count == 1
    assert row.migraine_features
    with pytest.raises(InputRefused, match="position"):
        actions.remove_attack(
            actor=world.patient_user, patient=world.patient, day=day, expected_version=3, position=5
        )


def test_factors_are_saved_as_a_new_version(world):
    day = yesterday()
    save(world, day, free_day())
    from ketaclinic.diary.entries import DayFactors

    row = actions.save_day_factors(
        actor=world.patient_user,
        patient=world.patient,
        day=day,
        expected_version=1,
        factors=DayFactors(stress="high", menstruation="yes", note="  long day  "),
    )
    version = queries.current_version(row)
    assert (row.version, version.stress, version.note) == (2, "high", "long day")
    with pytest.raises(InputRefused, match="stress"):
        actions.save_day_factors(
            actor=world.patient_user,
            patient=world.patient,
            day=day,
            expected_version=2,
            factors=DayFactors(stress="extreme"),
        )


def test_the_database_refuses_to_change_or_delete_what_was_written(world):
    save(world, yesterday(), day_with(mild_attack(yesterday())))
    with pytest.raises(DatabaseError), transaction.atomic():
        DiaryDayVersion.objects.update(note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Attack.objects.update(pain=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Attack.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DiaryDay.objects.all().delete()


def test_the_patients_time_zone_decides_the_calendar_day(world):
    actions.set_time_zone(actor=world.patient_user, patient=world.patient, time_zone="Asia/Tokyo")
    assert queries.patient_time_zone(world.patient) == "Asia/Tokyo"
    day = queries.local_today("Asia/Tokyo") - timedelta(days=1)
    start, end = queries.day_bounds(day, "Asia/Tokyo")
    assert end - start == timedelta(hours=24)
    # 23:30 UTC the day before is 08:30 in Tokyo: on the Tokyo day
    attack = AttackEntry(
        started_at=start + timedelta(hours=8, minutes=30),
        ended_at=start + timedelta(hours=12),
        pain=4,
    )
    row = save(world, day, day_with(attack))
    assert queries.current_version(row).time_zone == "Asia/Tokyo"
    with pytest.raises(InputRefused, match="time_zone"):
        actions.set_time_zone(
            actor=world.patient_user, patient=world.patient, time_zone="Mars/Base"
        )
    with pytest.raises(PermissionDenied):
        actions.set_time_zone(actor=world.clinician_south, patient=world.patient, time_zone="UTC")


def test_a_days_bounds_follow_daylight_saving_changes():
    from datetime import date

    start, end = queries.day_bounds(date(2026, 3, 29), "Europe/Stockholm")
    assert end - start == timedelta(hours=23)


def test_an_import_loads_many_days_once_with_one_audit_event(world):
    days = {today() - timedelta(days=n): free_day() for n in range(1, 31)}
    first = actions.import_diary_days(actor=world.nurse, patient=world.patient, days=days)
    again = actions.import_diary_days(actor=world.nurse, patient=world.patient, days=days)
    assert (first, again) == (30, 0)
    assert AuditEvent.objects.filter(action="diary.import").count() == 2
    assert not AuditEvent.objects.filter(action="diary.day.save").exists()
    with pytest.raises(PermissionDenied):
        actions.import_diary_days(actor=world.nurse_south, patient=world.patient, days=days)
    with pytest.raises(InputRefused, match="date"):
        actions.import_diary_days(
            actor=world.nurse,
            patient=world.patient,
            days={today() + timedelta(days=2): free_day()},
        )


def test_an_attack_cannot_start_later_than_now(world):
    later = at(today(), 0) + timedelta(days=1, minutes=-1)
    attack = AttackEntry(started_at=later, ended_at=later + timedelta(minutes=30), pain=5)
    with pytest.raises(InputRefused, match="not later than now"):
        save(world, today(), day_with(attack))


def test_saving_an_attack_across_midnight_updates_the_next_days_stored_summary(world):
    """An attack counts on every day it touches (clinical-rules.md §9): the day after, already
    recorded, gets the whole attack in its summary when the evening before is saved, and loses
    it when the attack is shortened."""
    evening, morning = today() - timedelta(days=3), today() - timedelta(days=2)
    save(world, morning, day_with(mild_attack(morning, start=15, hours=1)))
    assert DiaryDay.objects.get(patient=world.patient, date=morning).migraine_features is False
    save(world, evening, day_with(migraine_attack(evening, start=21, hours=6)))
    after = DiaryDay.objects.get(patient=world.patient, date=morning)
    assert (after.headache, after.migraine_features, after.duration_hours, after.pain) == (
        True,
        True,
        6.0,
        7,
    )
    assert after.version == 1  # the patient's own record of the day is unchanged
    save(world, evening, day_with(migraine_attack(evening, start=21, hours=2)), version=1)
    after = DiaryDay.objects.get(patient=world.patient, date=morning)
    assert (after.migraine_features, after.duration_hours, after.pain) == (False, 1.0, 3)


def test_an_attack_into_a_day_recorded_headache_free_is_refused_and_nothing_stored(world):
    evening, morning = today() - timedelta(days=3), today() - timedelta(days=2)
    save(world, morning, free_day())
    with pytest.raises(InputRefused) as refused:
        save(world, evening, day_with(migraine_attack(evening, start=21, hours=6)))
    assert refused.value.field == "attacks"
    assert "recorded headache-free" in str(refused.value)
    assert not DiaryDay.objects.filter(patient=world.patient, date=evening).exists()
    assert DiaryDay.objects.get(patient=world.patient, date=morning).headache_free
