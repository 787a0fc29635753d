"""A diary day (attacks, medication) as one diary-metrics entry: the rules of diary_day."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.diary import DEFINITIONS, is_migraine_day
from ketaclinic.clinical.diary_day import (
    AttackFacts,
    check_attack,
    has_migraine_features,
    intensity,
    summarise_day,
)
from ketaclinic.clinical.errors import ClinicalInputError

UTC = dt.UTC
DAY = dt.date(2026, 3, 10)
START = dt.datetime(2026, 3, 10, tzinfo=UTC)
END = dt.datetime(2026, 3, 11, tzinfo=UTC)


def at(hour: float) -> dt.datetime:
    return START + dt.timedelta(hours=hour)


def attack(
    start: float, end: float | None, pain: int = 7, until: float | None = None, **facts: object
) -> AttackFacts:
    return AttackFacts(
        started_at=at(start),
        ended_at=None if end is None else at(end),
        known_until=None if until is None else at(until),
        pain=pain,
        **facts,
    )


MIGRAINE = {"unilateral": True, "pulsating": True, "nausea": True}


def summary(*attacks: AttackFacts, headache_free: bool = False):
    return summarise_day(
        date=DAY, day_start=START, day_end=END, headache_free=headache_free, attacks=list(attacks)
    )


@pytest.mark.parametrize(
    ("pain", "expected"),
    [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"), (6, "moderate"), (7, "severe")],
)
def test_nrs_maps_to_an_intensity(pain, expected):
    assert intensity(pain) == expected


def test_an_impossible_nrs_has_no_intensity():
    with pytest.raises(ClinicalInputError, match="pain"):
        intensity(11)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"unilateral": True, "nausea": True}, True),  # unilateral + moderate pain, nausea
        ({"photophobia": True, "phonophobia": True, "pulsating": True}, True),
        ({"photophobia": True, "pulsating": True}, False),  # D needs both photo and phono
        ({"unilateral": True}, False),  # no associated symptom
    ],
)
def test_migraine_features_need_ichd3_criteria_c_and_d(facts, expected):
    assert has_migraine_features(attack(0, 5, pain=5, **facts)) is expected


def test_mild_pain_alone_does_not_make_criterion_c():
    assert not has_migraine_features(attack(0, 5, pain=2, unilateral=True, nausea=True))
    assert has_migraine_features(
        attack(0, 5, pain=2, unilateral=True, worse_with_activity=True, nausea=True)
    )


def test_a_headache_free_day_is_an_entry_without_headache():
    entry = summary(headache_free=True)
    assert entry is not None
    assert (entry.headache, entry.duration_hours, entry.pain) == (False, None, None)


def test_a_headache_free_day_cannot_hold_attacks():
    with pytest.raises(ClinicalInputError, match="headache_free"):
        summary(attack(1, 2), headache_free=True)


def test_a_day_with_nothing_recorded_is_missing():
    assert summary() is None


def test_two_attacks_without_features_add_their_hours_counting_overlap_once():
    entry = summary(attack(8, 10, pain=3), attack(9, 12, pain=5), attack(20, 21, pain=2))
    assert entry.headache
    assert entry.duration_hours == 5
    assert entry.pain == 5
    assert not entry.migraine_features


def test_a_featured_attack_counts_its_own_hours_not_the_days_total():
    # 3 h migraine-like + 3 h plain headache: not a 4 h migraine day, whatever the total
    entry = summary(attack(6, 9, **MIGRAINE), attack(14, 17, pain=3))
    assert entry.migraine_features
    assert entry.duration_hours == 3
    assert not is_migraine_day(entry, DEFINITIONS["4h"])
    assert is_migraine_day(entry, DEFINITIONS["30min"])


def test_an_attack_past_midnight_counts_its_whole_duration_on_its_first_day():
    # clinical-rules.md §9: a 22:00-06:00 migraine is one 8 h attack, a migraine day on both dates
    entry = summary(attack(22, 30, **MIGRAINE))
    assert entry.duration_hours == 8
    assert is_migraine_day(entry, DEFINITIONS["4h"])


def test_an_attack_begun_the_day_before_makes_this_day_a_headache_day_of_its_whole_length():
    entry = summary(attack(-3, 5, pain=4))
    assert (entry.headache, entry.duration_hours, entry.duration_known) == (True, 8, True)


def test_a_21_to_03_migraine_is_a_migraine_day_on_both_dates():
    evening = attack(21, 27, **MIGRAINE)
    today = summary(evening)
    tomorrow = summarise_day(
        date=DAY + dt.timedelta(days=1),
        day_start=END,
        day_end=END + dt.timedelta(days=1),
        headache_free=False,
        attacks=[evening],
    )
    assert today.duration_hours == tomorrow.duration_hours == 6
    assert is_migraine_day(today, DEFINITIONS["4h"])
    assert is_migraine_day(tomorrow, DEFINITIONS["4h"])


@pytest.mark.parametrize(
    ("start", "end", "touches"),
    [
        (-5, -1, False),  # the day before, ended before midnight
        (-5, 0, False),  # ended exactly at midnight: not this day
        (-5, 0.01, True),  # a minute past midnight: this day too
        (23.99, 30, True),  # begun a minute before midnight
        (24, 30, False),  # begun at the next midnight: the next day
    ],
)
def test_only_attacks_touching_the_day_count(start, end, touches):
    assert (summary(attack(start, end, pain=4)) is not None) == touches


def test_an_attack_with_an_unknown_end_counts_its_known_lower_bound_only():
    # docs/clinical-rules.md §9: never imputed, never growing with the clock
    entry = summary(attack(10, None, until=15, **MIGRAINE))
    assert (entry.duration_hours, entry.duration_known) == (5, False)
    nothing_confirmed = summary(attack(10, None, pain=4))
    assert (nothing_confirmed.duration_hours, nothing_confirmed.duration_known) == (0, False)


def test_a_lower_bound_before_the_start_counts_zero_hours():
    entry = summary(attack(10, None, until=9, pain=4))
    assert (entry.duration_hours, entry.duration_known) == (0, False)


def test_an_unknown_featured_attack_makes_the_day_of_unknown_duration():
    entry = summary(attack(1, 3, **MIGRAINE), attack(5, None, until=6, **MIGRAINE))
    assert (entry.duration_hours, entry.duration_known) == (2, False)


def test_an_attack_longer_than_72_hours_is_capped_for_the_contract():
    entry = summary(attack(0, 80, pain=4))
    assert entry.duration_hours == 72


def test_an_aura_without_headache_is_an_aura_day_not_a_headache_day():
    entry = summary(attack(9, 9.5, pain=0, aura=True, medication_classes=("nsaid",)))
    assert (entry.headache, entry.aura, entry.acute_medication) == (False, True, ("nsaid",))
    assert entry.duration_hours is None
    assert is_migraine_day(entry, DEFINITIONS["4h"])


def test_medication_classes_are_those_of_the_contract_once_each():
    entry = summary(
        attack(1, 3, medication_classes=("triptan", "nsaid")),
        attack(5, 6, medication_classes=("triptan", "gepant", "homeopathy")),
    )
    assert entry.acute_medication == ("gepant", "nsaid", "triptan")


def test_the_days_pain_is_the_highest_and_aura_is_any():
    entry = summary(attack(1, 2, pain=3), attack(4, 5, pain=8, aura=True))
    assert (entry.pain, entry.aura) == (8, True)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (AttackFacts(started_at=at(5), ended_at=at(4), pain=5), "attack.ended_at"),
        (AttackFacts(started_at=at(5), ended_at=at(5), pain=5), "attack.ended_at"),
        (AttackFacts(started_at=at(5), ended_at=None, pain=11), "attack.pain"),
        (AttackFacts(started_at=at(5), ended_at=None, pain=0), "attack.pain"),
    ],
)
def test_impossible_attacks_are_refused(bad, field):
    with pytest.raises(ClinicalInputError, match=field.replace(".", r"\.")):
        check_attack(bad)


def test_summarise_names_the_attack_that_is_wrong():
    with pytest.raises(ClinicalInputError, match=r"attacks\[1\]\.pain"):
        summary(attack(1, 2), attack(3, 4, pain=0))


def test_an_attack_inside_another_adds_no_hours():
    entry = summary(attack(8, 12, pain=3), attack(9, 10, pain=6))
    assert entry.duration_hours == 4


def test_hours_are_real_hours_across_a_daylight_saving_change():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Stockholm")
    day = dt.date(2026, 3, 29)  # clocks go from 02:00 to 03:00
    start = dt.datetime(2026, 3, 29, tzinfo=zone)
    end = dt.datetime(2026, 3, 30, tzinfo=zone)
    attack = AttackFacts(
        started_at=dt.datetime(2026, 3, 29, 1, tzinfo=zone),
        ended_at=dt.datetime(2026, 3, 29, 4, tzinfo=zone),
        pain=4,
    )
    entry = summarise_day(
        date=day, day_start=start, day_end=end, headache_free=False, attacks=[attack]
    )
    assert entry.duration_hours == 2
