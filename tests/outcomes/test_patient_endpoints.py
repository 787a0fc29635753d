"""One patient's endpoints from diaries written through the diary's actions and sessions charted
through the treatment's, against values computed by hand (docs/clinical-rules.md §4)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from ketaclinic.instruments.actions import submit_questionnaire
from ketaclinic.outcomes.patient_queries import patient_outcomes
from tests.outcomes.patient_helpers import (
    SESSION_DAYS_AGO,
    ago,
    course_on,
    hana_story,
    write_diary,
)


@pytest.fixture
def hana(world):
    plan = hana_story(world)
    return patient_outcomes(world.patient), plan


def test_the_baseline_is_the_28_days_before_the_first_session(hana):
    data, _ = hana
    (course,) = data.endpoints.courses
    session_day = ago(SESSION_DAYS_AGO)
    assert (course.first_day, course.last_day) == (session_day, session_day)
    baseline = course.baseline
    assert (baseline.start, baseline.end) == (
        session_day - timedelta(28),
        session_day - timedelta(1),
    )
    assert baseline.days_recorded == 28
    assert baseline.migraine_days_28 == 14.0  # 13 migraines + 1 triptan-treated migraine
    assert baseline.headache_days_28 == 14.0
    assert baseline.acute_medication_days_28 == 1.0  # the sumatriptan day
    assert course.baseline_problem is None


def test_month_1_halves_the_migraine_days_a_50_but_not_75_percent_responder(hana):
    data, _ = hana
    first = data.endpoints.courses[0].months[0]
    assert (first.start, first.end) == (ago(SESSION_DAYS_AGO - 1), ago(SESSION_DAYS_AGO - 28))
    assert first.migraine_days_28 == 7.0
    assert first.headache_days_28 == 8.0  # the mild headache is a headache day, not a migraine day
    assert first.mmd_change_percent == pytest.approx(-50.0)
    assert first.responders == {30: True, 50: True, 75: False, 100: False}


def test_a_month_with_20_of_28_days_is_insufficient_and_normalised(hana):
    data, _ = hana
    second = data.endpoints.courses[0].months[1]
    assert second.days_recorded == 20
    assert second.insufficient_data is True
    assert second.migraine_days_28 == pytest.approx(4 * 28 / 20)  # 5.6, missing days not free


def test_a_responder_relapses_in_the_first_sufficient_month_below_the_threshold(hana):
    data, _ = hana
    course = data.endpoints.courses[0]
    assert [p.migraine_days_28 for p in course.months] == pytest.approx([7.0, 5.6, 14.0, 0.0])
    relapse = course.relapse
    assert relapse.status == "relapsed"
    assert relapse.month == 3
    # Month 3 runs from day 57 to day 84 after the session day.
    assert relapse.period_start == ago(SESSION_DAYS_AGO - 57)
    assert relapse.period_end == ago(SESSION_DAYS_AGO - 84)
    assert relapse.first_response_month == 1  # -50 %: a response under either threshold
    assert relapse.days_after_course == 84


def test_what_changed_pools_months_1_to_3(hana):
    data, _ = hana
    change = data.endpoints.courses[0].change
    assert change.months == (1, 2, 3)
    assert (change.days, change.days_recorded) == (84, 76)
    migraine = change.measures["migraine_days"]
    assert migraine.baseline == 14.0
    assert migraine.after == pytest.approx(25 * 28 / 76)  # 7 + 4 + 14 migraine days
    assert migraine.change_percent == pytest.approx((25 * 28 / 76 - 14) / 14 * 100)  # -34.2 %
    assert change.responders == {30: True, 50: False, 75: False, 100: False}
    assert change.measures["acute_medication_days"].change_percent == pytest.approx(-100.0)


def test_the_session_response_comes_from_the_charted_pain(hana):
    data, _ = hana
    (session,) = data.endpoints.sessions
    assert (session.pain_before, session.pain_after, session.nrs_drop) == (7, 2, 5)
    assert session.acute_response is True
    assert session.reached_nrs3 is True
    assert session.minutes_to_nrs3 == pytest.approx(40.0)


def test_a_diary_that_stops_censors_at_the_last_sufficient_month(world):
    session_day = ago(100)
    codes = "M." * 14 + "." + "M......" * 4 + "M......" * 4  # baseline 14; months 1-2: 4 each
    write_diary(world, world.other_patient, session_day - timedelta(28), codes)
    course_on(world, world.other_patient, session_day)
    (course,) = patient_outcomes(world.other_patient).endpoints.courses
    assert course.follow_up_months == 3  # 100 // 28
    assert [p.insufficient_data for p in course.months] == [False, False, True]
    assert course.relapse.status == "responding"
    assert course.relapse.month == 2
    assert "too few days after month 2" in course.relapse.reason


def test_follow_up_ends_where_the_next_course_begins(world):
    first, second = ago(150), ago(60)
    codes = "M." * 14 + "." + "M......" * 30  # baseline 14, then 4 per 28 days, to today
    write_diary(world, world.patient, first - timedelta(28), codes[: 28 + 151])
    plan = course_on(world, world.patient, first)
    later = course_on(world, world.patient, second)
    data = patient_outcomes(world.patient)
    one, two = data.endpoints.courses
    assert (one.course_id, two.course_id) == (plan.pk, later.pk)
    assert one.follow_up_end == second - timedelta(1)
    assert one.follow_up_months == 3  # (150 - 61) // 28
    assert one.relapse.status == "responding"
    assert one.relapse.month == 3
    assert "next course began" in one.relapse.reason
    assert two.baseline.migraine_days_28 == pytest.approx(4.0)


def test_a_baseline_without_migraine_days_cannot_give_a_percentage(world):
    session_day = ago(40)
    write_diary(world, world.patient, session_day - timedelta(28), "." * 28 + "." + "M" * 39 + ".")
    course_on(world, world.patient, session_day)
    (course,) = patient_outcomes(world.patient).endpoints.courses
    assert course.baseline.migraine_days_28 == 0.0
    assert "no migraine day" in course.baseline_problem
    assert course.months[0].mmd_change_percent is None
    assert course.months[0].responders == {30: None, 50: None, 75: None, 100: None}
    assert course.relapse.status == "not_evaluable"
    assert course.latest_evaluable is None


def test_a_baseline_with_20_of_28_days_recorded_is_no_baseline(world):
    session_day = ago(40)
    write_diary(world, world.patient, session_day - timedelta(28), "M.." * 6 + "M." + "_" * 8)
    course_on(world, world.patient, session_day)
    (course,) = patient_outcomes(world.patient).endpoints.courses
    assert course.baseline.days_recorded == 20
    assert course.baseline_problem.startswith(
        "No baseline: fewer than 80 % of the 28 days before the first session were recorded "
        "(20 of 28"
    )
    assert course.relapse.status == "not_evaluable"


def test_a_patient_without_a_course_has_only_the_last_28_days(world):
    write_diary(world, world.patient, ago(27), "M.." * 9 + "_")
    endpoints = patient_outcomes(world.patient).endpoints
    assert endpoints.courses == []
    assert (endpoints.recent.days_recorded, endpoints.recent.migraine_days) == (27, 9)


def test_questionnaires_are_compared_before_and_in_months_1_to_3_after(world):
    hana_story(world)

    def midas(days_ago: int, answers: list[int]) -> None:
        submit_questionnaire(
            actor=world.clinician,
            patient=world.patient,
            instrument="midas",
            answers=answers,
            completed_at=datetime.combine(ago(days_ago), time(9), tzinfo=UTC),
        )

    midas(200, [9, 9, 9, 9, 9])  # more than 90 days before the course: not "before"
    midas(125, [3, 2, 4, 1, 5])  # 15, five days before the session
    midas(100, [1, 1, 1, 1, 1])  # 5, in month 1
    midas(10, [0, 0, 0, 0, 0])  # after month 3: not "after"
    submit_questionnaire(
        actor=world.clinician,
        patient=world.patient,
        instrument="pgic",
        answers=[2],
        completed_at=datetime.combine(ago(90), time(9), tzinfo=UTC),
    )
    data = patient_outcomes(world.patient)
    rows = {
        row.instrument: row
        for row in data.questionnaire_changes[data.endpoints.courses[0].course_id]
    }
    assert rows["midas"].before[:2] == (ago(125), 15)
    assert rows["midas"].after[:2] == (ago(100), 5)
    assert rows["midas"].change == -10
    assert rows["pgic"].before is None  # the PGIC asks about change itself
    assert rows["pgic"].after[1] == 2
    assert "phq9" not in rows


def test_a_course_that_never_responded_is_a_non_responder_not_never_relapsed(world):
    """clinical-rules.md §9: relapse is judged only for responders."""
    session_day = ago(60)
    codes = "M." * 14 + "." + ("M" * 10 + "." * 18) * 2  # baseline 14; then 10: -29 %
    write_diary(world, world.other_patient, session_day - timedelta(28), codes)
    course_on(world, world.other_patient, session_day)
    (course,) = patient_outcomes(world.other_patient).endpoints.courses
    assert (course.relapse.status, course.relapse.month) == ("non_responder", 2)
    assert course.relapse.first_response_month is None
    assert course.relapse.reason.startswith("No response")
