"""Diary endpoints of hand-built diaries against hand-computed values.

Rules: docs/clinical-rules.md §4."""

from __future__ import annotations

import polars as pl
import pytest

from ketaclinic.outcomes import schema
from ketaclinic.outcomes.analytics import DiaryDataError, compute_outcomes
from ketaclinic.outcomes.periods import CohortFilter
from tests.outcomes.builders import course, courses, day, diaries, diary

BASELINE_14 = "M." * 14  # 28 days recorded, 14 migraine days
TREATMENT = "....."  # course days 28-32: recorded, counted in no period


def month(outcomes, number: int, course_id: int = 10) -> dict:
    rows = outcomes.periods.filter(
        (pl.col("course_id") == course_id) & (pl.col("month") == number)
    ).to_dicts()
    assert len(rows) == 1
    return rows[0]


def test_a_halved_migraine_frequency_is_a_50_but_not_a_75_percent_responder():
    days = BASELINE_14 + TREATMENT + "M" * 7 + "." * 21
    outcomes = compute_outcomes(diary(days), courses(course(10, 28, 32)))
    baseline, first = month(outcomes, 0), month(outcomes, 1)
    assert (baseline["start"], baseline["end"]) == (day(0), day(27))
    assert (first["start"], first["end"]) == (day(33), day(60))
    assert baseline["migraine_days"] == baseline["headache_days"] == 14
    assert baseline["migraine_days_28"] == 14.0
    assert first["migraine_days_28"] == 7.0
    assert first["mmd_change_percent"] == pytest.approx(-50.0)
    assert (first["responder_30"], first["responder_50"]) == (True, True)
    assert (first["responder_75"], first["responder_100"]) == (False, False)
    assert baseline["responder_50"] is None
    assert baseline["mmd_change_percent"] is None
    assert outcomes.periods.height == 2  # only complete months up to the last diary day


def test_missing_days_are_missing_not_headache_free_and_counts_are_normalised():
    baseline = "M." * 12 + "____"  # 24 of 28 recorded, 12 migraine days
    follow_up = "MM" + "." * 20 + "______"  # 22 of 28 recorded, 2 migraine days
    outcomes = compute_outcomes(
        diary(baseline + TREATMENT + follow_up + "."), courses(course(10, 28, 32))
    )
    base, first = month(outcomes, 0), month(outcomes, 1)
    assert base["days_recorded"] == 24
    assert base["migraine_days_28"] == pytest.approx(12 * 28 / 24)  # 14.0, not 12
    assert base["insufficient_data"] is False  # 24 >= 80 % of 28 (22.4)
    assert first["days_recorded"] == 22
    assert first["migraine_days_28"] == pytest.approx(2 * 28 / 22)
    assert first["insufficient_data"] is True  # 22 < 22.4
    # docs/clinical-rules.md §9: no change and no responder flag from a month with insufficient data
    assert first["mmd_change_percent"] is None
    assert first["responder_50"] is None


def test_a_month_with_no_day_recorded_has_no_rates_and_no_change():
    days = BASELINE_14 + TREATMENT + "_" * 28 + "."
    first = month(compute_outcomes(diary(days), courses(course(10, 28, 32))), 1)
    assert first["days_recorded"] == 0
    assert first["migraine_days_28"] is None
    assert first["headache_days_28"] is None
    assert first["insufficient_data"] is True
    assert first["mmd_change_percent"] is None
    assert first["responder_50"] is None


def test_a_baseline_without_migraine_days_leaves_responders_and_relapse_undefined():
    days = "." * 28 + TREATMENT + "M" + "." * 27
    outcomes = compute_outcomes(diary(days), courses(course(10, 28, 32)))
    first = month(outcomes, 1)
    assert first["migraine_days_28"] == 1.0
    assert first["mmd_change_percent"] is None
    assert [first[f"responder_{t}"] for t in (30, 50, 75, 100)] == [None] * 4
    row = outcomes.courses.row(0, named=True)
    assert row["baseline_mmd"] == 0.0
    assert row["relapse_month"] is None
    assert row["relapsed"] is None


@pytest.mark.parametrize(
    ("definition", "migraine_days"),
    [("4h", 3), ("30min", 4)],  # M, t, a; and s (2 h with features) under 30min
)
def test_each_kind_of_day_counts_as_clinical_core_section_4_says(definition, migraine_days):
    days = "Mhstap." + "." * 21 + TREATMENT
    base = month(
        compute_outcomes(diary(days), courses(course(10, 28, 32)), definition=definition), 0
    )
    assert base["headache_days"] == 4  # M h s t; aura without headache is no headache day
    assert base["migraine_days"] == migraine_days
    assert base["acute_medication_days"] == 2  # t (triptan) and p (paracetamol, no headache)
    assert base["triptan_days"] == 1


def test_unknown_migraine_features_or_hours_do_not_make_a_migraine_day():
    frame = diary("MM" + "." * 26 + TREATMENT).with_columns(
        migraine_features=pl.when(pl.col("day") == day(0))
        .then(None)
        .otherwise(pl.col("migraine_features")),
        headache_hours=pl.when(pl.col("day") == day(1))
        .then(None)
        .otherwise(pl.col("headache_hours")),
    )
    base = month(compute_outcomes(frame, courses(course(10, 28, 32))), 0)
    assert (base["headache_days"], base["migraine_days"]) == (2, 0)


def test_four_hours_exactly_is_a_migraine_day_under_4h():
    frame = diary("M" + "." * 27 + TREATMENT).with_columns(
        headache_hours=pl.when(pl.col("headache")).then(4.0).cast(pl.Float32)
    )
    assert month(compute_outcomes(frame, courses(course(10, 28, 32))), 0)["migraine_days"] == 1


def relapse_diary(*, month_4: str = "M" * 14 + "." * 14) -> pl.DataFrame:
    months = [
        "MM" + "." * 26,  # month 1: 2 migraine days (MMD 2)
        "M" * 10 + "_" * 18,  # month 2: 10 recorded, all migraine: insufficient, skipped
        "M" * 5 + "." * 23,  # month 3: 5 (MMD 5)
        month_4,
    ]
    return diary(BASELINE_14 + "." + "".join(months))


def relapse_columns(outcomes) -> tuple:
    row = outcomes.courses.row(0, named=True)
    return (
        row["relapse_status"],
        row["first_response_month"],
        row["relapse_month"],
        row["last_judged_month"],
        row["relapsed"],
    )


def test_a_responder_relapses_in_the_first_sufficient_month_below_the_threshold():
    """clinical.relapse: responding in month 1 (MMD 14 -> 2), month 2 skipped (insufficient),
    month 3 still responding (5: -64 %), month 4 back to 14 (0 %): relapse in month 4."""
    outcomes = compute_outcomes(relapse_diary(), courses(course(10, 28)))
    assert month(outcomes, 2)["insufficient_data"] is True
    assert relapse_columns(outcomes) == ("relapsed", 1, 4, 4, True)
    row = outcomes.courses.row(0, named=True)
    assert row["response_threshold_percent"] == 30  # chronic migraine, ICHD-3 1.3
    assert row["follow_up_months"] == 4


def test_without_relapse_a_responder_is_censored_at_its_last_sufficient_month():
    outcomes = compute_outcomes(
        relapse_diary(month_4="M" * 3 + "_" * 25), courses(course(10, 28)), as_of=day(140)
    )
    row = outcomes.courses.row(0, named=True)
    assert row["follow_up_months"] == 4  # the data run to day 140; month 4 has 3 days recorded
    assert relapse_columns(outcomes) == ("responding", 1, None, 3, False)


@pytest.mark.parametrize(
    ("diagnosis", "expected"),
    [
        ("1.3", ("relapsed", 1, 3, 3, True)),  # chronic: -43 % responds (>= 30 %), -14 % not
        ("1.1", ("non_responder", None, None, 3, None)),  # episodic: -43 % is not -50 %
    ],
)
def test_relapse_is_judged_only_for_responders_at_the_threshold_of_the_diagnosis(
    diagnosis, expected
):
    """A course that never responded is a non-responder, not "never relapsed" (its relapse flag
    is null, and it stays out of time to relapse)."""
    months = ["M" * 8 + "." * 20, "M" * 8 + "." * 20, "M" * 12 + "." * 16]
    outcomes = compute_outcomes(
        diary(BASELINE_14 + "." + "".join(months)), courses(course(10, 28, diagnosis=diagnosis))
    )
    assert relapse_columns(outcomes) == expected


def test_an_insufficient_baseline_makes_relapse_not_evaluable():
    days = "M" * 10 + "_" * 18 + "." + "." * 28
    row = compute_outcomes(diary(days), courses(course(10, 28))).courses.row(0, named=True)
    assert row["baseline_insufficient_data"] is True
    assert row["relapse_month"] is None
    assert row["relapsed"] is None


def test_follow_up_ends_the_day_before_the_next_course_whatever_the_filter():
    days = BASELINE_14 + "." * 200
    two = courses(
        course(10, 28, 28, route="iv_infusion"),
        course(11, 122, 122, route="intranasal"),
    )
    outcomes = compute_outcomes(diary(days), two)
    assert outcomes.as_of == day(227)
    by_course = dict(outcomes.courses.select("course_id", "follow_up_months").iter_rows())
    assert by_course == {10: 3, 11: 3}  # (121 - 28) // 28 and (227 - 122) // 28
    iv_only = compute_outcomes(diary(days), two, cohort=CohortFilter(routes=["iv_infusion"]))
    assert iv_only.courses["follow_up_months"].to_list() == [3]
    assert iv_only.periods["course_id"].unique().to_list() == [10]
    intranasal = compute_outcomes(diary(days), two, cohort=CohortFilter(routes=["intranasal"]))
    assert month(intranasal, 0, course_id=11)["start"] == day(94)  # overlaps course 10's months


def test_as_of_and_max_months_bound_the_follow_up():
    days = BASELINE_14 + "." * 200
    outcomes = compute_outcomes(diary(days), courses(course(10, 28)), as_of=day(100))
    assert outcomes.periods["month"].to_list() == [0, 1, 2]  # (100 - 28) // 28
    capped = compute_outcomes(diary(days), courses(course(10, 28)), max_months=1)
    assert capped.periods["month"].to_list() == [0, 1]


def test_cohort_filters_select_by_diagnosis_family_status_protocol_and_start_date():
    days = BASELINE_14 + "." * 60
    rows = courses(
        course(10, 28, diagnosis="1.2.1", protocol="a", patient_id=1),
        course(20, 28, diagnosis="1.3", refractory_status="resistant", patient_id=2),
    )
    both = diaries(diary(days, patient_id=1), diary(days, patient_id=2))

    def selected(**criteria) -> list[int]:
        result = compute_outcomes(both, rows, cohort=CohortFilter(**criteria))
        return result.courses["course_id"].to_list()

    assert selected(diagnoses=["1.2"]) == [10]
    assert selected(diagnoses=["1.3", "1.2.1"]) == [10, 20]
    assert selected(refractory_statuses=["resistant"]) == [20]
    assert selected(protocols=["a"]) == [10]
    assert selected(started_from=day(28), started_to=day(28)) == [10, 20]
    assert selected(started_from=day(29)) == []


def test_row_order_does_not_matter_but_two_rows_for_one_day_are_refused():
    frame = diaries(
        diary(BASELINE_14 + TREATMENT + "M." * 14, patient_id=2),
        diary(BASELINE_14 + TREATMENT + "MM" * 14, patient_id=1),
    )
    rows = courses(course(10, 28, 32, patient_id=1), course(20, 28, 32, patient_id=2))
    ordered = compute_outcomes(frame, rows).periods
    shuffled = compute_outcomes(frame.sample(fraction=1.0, shuffle=True, seed=3), rows).periods
    assert ordered.equals(shuffled)
    with pytest.raises(DiaryDataError, match="more than one row"):
        compute_outcomes(pl.concat([frame, frame.head(1)]), rows)


def test_courses_are_checked():
    rows = courses(course(10, 28), course(10, 40))
    with pytest.raises(DiaryDataError, match="course_id"):
        compute_outcomes(diary(BASELINE_14), rows)
    backwards = courses(course(10, 28, 20))
    with pytest.raises(DiaryDataError, match="before"):
        compute_outcomes(diary(BASELINE_14), backwards)
    with pytest.raises(DiaryDataError, match="patient_id"):
        compute_outcomes(diary(BASELINE_14), courses(course(10, 28, patient_id=1 << 50)))
    with pytest.raises(schema.SchemaError, match="route"):
        compute_outcomes(diary(BASELINE_14), courses(course(10, 28)).drop("route"))


def test_counts_stay_exact_when_the_running_sums_wrap_past_2_to_the_64():
    # 70,000 indeterminate days: field 6 (bits 54-62) wraps the running sum
    patients, days = 100, 700
    frame = (
        pl.DataFrame({"patient_id": pl.int_range(1, patients + 1, eager=True)})
        .join(pl.DataFrame({"offset": pl.int_range(0, days, eager=True)}), how="cross")
        .select(
            "patient_id",
            day=pl.lit(day(0)) + pl.duration(days=pl.col("offset")),
            headache=pl.lit(value=True),
            headache_hours=pl.lit(1.0),
            duration_known=pl.lit(value=False),
            max_pain=pl.lit(5),
            migraine_features=pl.lit(value=True),
            aura=pl.lit(value=False),
            **{column: pl.lit(value=False) for column in schema.MEDICATION_COLUMNS},
        )
    )
    rows = courses(*(course(patient, 28, patient_id=patient) for patient in range(1, 101)))
    periods = compute_outcomes(frame, rows).periods
    assert periods.height == patients * (1 + (days - 1 - 28) // 28)
    for column in ("days_recorded", "headache_days", "indeterminate_days"):
        assert periods[column].unique().to_list() == [28], column
    assert periods["migraine_days"].unique().to_list() == [0]


def test_a_clinic_without_diary_days_or_courses_gets_empty_not_failing_results():
    no_diary = compute_outcomes(schema.empty(schema.DIARY_DAYS), courses(course(10, 28)))
    assert no_diary.as_of == day(28)  # the last treatment day, without a diary
    assert no_diary.periods["days_recorded"].to_list() == [0]
    assert no_diary.courses["relapse_month"].to_list() == [None]
    nothing = compute_outcomes(schema.empty(schema.DIARY_DAYS), schema.empty(schema.COURSES))
    assert (nothing.periods.height, nothing.courses.height) == (0, 0)


def test_a_period_longer_than_the_packed_fields_hold_is_refused():
    from ketaclinic.outcomes.analytics import day_totals, period_counts

    totals = day_totals(diary(BASELINE_14).lazy(), "4h")
    periods = pl.DataFrame(
        {"patient_id": [1], "course_id": [10], "month": [0], "start": [day(0)], "end": [day(5000)]}
    )
    with pytest.raises(ValueError, match="at most 511 days"):
        period_counts(totals, periods)
