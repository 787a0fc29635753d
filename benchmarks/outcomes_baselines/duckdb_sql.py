"""The outcome endpoints in hand-written DuckDB SQL, from the same Parquet files.

Same definitions as ketaclinic.outcomes (docs/clinical-rules.md §4 and the rules in
ketaclinic.outcomes.periods / .relapse / .cohort): diary rows joined to their patient's courses
and bucketed into the baseline (month 0) and complete 28-day follow-up months by date arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

RESPONDER_THRESHOLDS = (30, 50, 75, 100)
MONTHS = (1, 3, 6, 12)

PERIODS_SQL = """
CREATE OR REPLACE TEMP TABLE periods AS
WITH
raw AS (
    SELECT
        *,
        med_triptan OR med_ergot OR med_gepant OR med_ditan AS specific,
        coalesce(duration_known, true) AND headache_hours IS NOT NULL AS known,
        aura
            OR (headache AND (med_triptan OR med_ergot OR med_gepant OR med_ditan))
            OR (headache AND coalesce(migraine_features, false)
                AND coalesce(CAST(headache_hours AS DOUBLE), 0) + 1e-9 >= $min_hours)
            AS migraine
    FROM read_parquet($diary)
),
diary AS (
    SELECT
        patient_id,
        day,
        headache,
        migraine,
        med_paracetamol OR med_nsaid OR med_triptan OR med_ergot OR med_gepant OR med_ditan
            OR med_opioid OR med_combination_analgesic OR med_ketamine_intranasal OR med_other
            AS acute_medication,
        med_triptan AS triptan,
        specific,
        headache AND coalesce(migraine_features, false) AND NOT known AND NOT migraine
            AS indeterminate
    FROM raw
),
cut AS (SELECT max(day) AS as_of FROM read_parquet($diary)),
courses AS (
    SELECT
        c.patient_id, c.course_id, c.first_treatment_day, c.last_treatment_day,
        greatest(0, (least(
            coalesce(lead(c.first_treatment_day) OVER (
                PARTITION BY c.patient_id ORDER BY c.first_treatment_day, c.course_id) - 1,
                cut.as_of),
            cut.as_of) - c.last_treatment_day) // 28) AS n_months
    FROM read_parquet($courses) AS c, cut
),
months AS (
    SELECT
        course_id, patient_id, month,
        CASE WHEN month = 0 THEN first_treatment_day - 28
             ELSE last_treatment_day + CAST(1 + 28 * (month - 1) AS INTEGER) END AS start
    FROM (SELECT *, unnest(range(0, n_months + 1)) AS month FROM courses)
),
counts AS (
    SELECT
        c.course_id,
        CASE WHEN d.day < c.first_treatment_day THEN 0
             ELSE (d.day - c.last_treatment_day - 1) // 28 + 1 END AS month,
        count(*) AS days_recorded,
        count_if(d.headache) AS headache_days,
        count_if(d.migraine) AS migraine_days,
        count_if(d.acute_medication) AS acute_medication_days,
        count_if(d.triptan) AS triptan_days,
        count_if(d.specific) AS migraine_specific_days,
        count_if(d.indeterminate) AS indeterminate_days
    FROM courses AS c
    JOIN diary AS d
      ON d.patient_id = c.patient_id
     AND d.day >= c.first_treatment_day - 28
     AND d.day <= c.last_treatment_day + CAST(28 * c.n_months AS INTEGER)
     AND (d.day < c.first_treatment_day OR d.day > c.last_treatment_day)
    GROUP BY ALL
),
period_counts AS (
    SELECT
        m.course_id, m.month, m.start, m.start + 27 AS "end", 28 AS days,
        coalesce(k.days_recorded, 0) AS days_recorded,
        coalesce(k.headache_days, 0) AS headache_days,
        coalesce(k.migraine_days, 0) AS migraine_days,
        coalesce(k.acute_medication_days, 0) AS acute_medication_days,
        coalesce(k.triptan_days, 0) AS triptan_days,
        coalesce(k.migraine_specific_days, 0) AS migraine_specific_days,
        coalesce(k.indeterminate_days, 0) AS indeterminate_days
    FROM months AS m LEFT JOIN counts AS k USING (course_id, month)
),
normalised AS (
    SELECT
        *,
        CASE WHEN days_recorded > 0 THEN headache_days * 28.0 / days_recorded END
            AS headache_days_28,
        CASE WHEN days_recorded > 0 THEN migraine_days * 28.0 / days_recorded END
            AS migraine_days_28,
        CASE WHEN days_recorded > 0 THEN acute_medication_days * 28.0 / days_recorded END
            AS acute_medication_days_28,
        CASE WHEN days_recorded > 0 THEN triptan_days * 28.0 / days_recorded END
            AS triptan_days_28,
        CASE WHEN days_recorded > 0 THEN migraine_specific_days * 28.0 / days_recorded END
            AS migraine_specific_days_28,
        CASE WHEN days_recorded > 0
             THEN (migraine_days + indeterminate_days) * 28.0 / days_recorded END
            AS migraine_days_upper_28,
        days_recorded < 0.8 * days - 1e-9 AS insufficient_data
    FROM period_counts
),
with_change AS (
    SELECT
        n.*,
        CASE WHEN n.month > 0 AND b.migraine_days_28 > 0
                  AND NOT n.insufficient_data AND NOT b.insufficient_data
             THEN (n.migraine_days_28 - b.migraine_days_28) / b.migraine_days_28 * 100
             END AS mmd_change_percent
    FROM normalised AS n
    JOIN normalised AS b ON b.course_id = n.course_id AND b.month = 0
)
SELECT
    *,
    mmd_change_percent <= -30 + 1e-9 AS responder_30,
    mmd_change_percent <= -50 + 1e-9 AS responder_50,
    mmd_change_percent <= -75 + 1e-9 AS responder_75,
    mmd_change_percent <= -100 + 1e-9 AS responder_100
FROM with_change
"""

# Relapse judged for responders only (clinical.relapse): the first month with MMD down by the
# threshold (30 % for chronic migraine 1.3, else 50 %), then the first later month below it.
RELAPSE_SQL = """
WITH
baseline AS (
    SELECT
        course_id,
        migraine_days_28 AS baseline_mmd,
        insufficient_data AS baseline_insufficient_data
    FROM periods WHERE month = 0
),
thresholds AS (
    SELECT
        course_id,
        CASE WHEN diagnosis = '1.3' OR starts_with(diagnosis, '1.3.') THEN 30 ELSE 50 END
            AS threshold
    FROM read_parquet($courses)
),
judged AS (
    SELECT p.course_id, p.month, p.mmd_change_percent <= -t.threshold + 1e-9 AS responding
    FROM periods AS p JOIN thresholds AS t USING (course_id)
    WHERE p.month > 0 AND p.mmd_change_percent IS NOT NULL
),
firsts AS (
    SELECT
        course_id,
        min(month) FILTER (WHERE responding) AS first_response_month,
        max(month) AS last_month
    FROM judged GROUP BY course_id
),
relapses AS (
    SELECT j.course_id, min(j.month) AS relapse_month
    FROM judged AS j JOIN firsts AS f USING (course_id)
    WHERE NOT j.responding AND j.month > f.first_response_month
    GROUP BY j.course_id
)
SELECT
    b.course_id, b.baseline_mmd, b.baseline_insufficient_data,
    CASE
        WHEN f.last_month IS NULL THEN 'not_evaluable'
        WHEN f.first_response_month IS NULL THEN 'non_responder'
        WHEN r.relapse_month IS NULL THEN 'responding'
        ELSE 'relapsed'
    END AS relapse_status,
    f.first_response_month,
    coalesce(r.relapse_month, f.last_month) AS last_judged_month,
    r.relapse_month,
    CASE WHEN f.first_response_month IS NOT NULL THEN r.relapse_month IS NOT NULL END
        AS relapsed
FROM baseline AS b
LEFT JOIN firsts AS f USING (course_id)
LEFT JOIN relapses AS r USING (course_id)
ORDER BY b.course_id
"""

RATES_SQL = """
WITH
evaluable AS (
    SELECT p.*
    FROM periods AS p
    JOIN periods AS b ON b.course_id = p.course_id AND b.month = 0
    WHERE p.month IN (1, 3, 6, 12) AND NOT p.insufficient_data
      AND p.mmd_change_percent IS NOT NULL AND NOT b.insufficient_data
),
counted AS (
    SELECT month, threshold, count(*) AS n,
           count_if(CASE threshold WHEN 30 THEN responder_30 WHEN 50 THEN responder_50
                                   WHEN 75 THEN responder_75 ELSE responder_100 END) AS responders
    FROM evaluable, (SELECT unnest([30, 50, 75, 100]) AS threshold)
    GROUP BY month, threshold
),
z AS (SELECT 1.959963984540054 AS z)
SELECT
    month, threshold, n, responders,
    responders / n AS rate,
    greatest(0.0, ((responders / n + z * z / (2 * n))
        - z * sqrt((responders / n) * (1 - responders / n) / n + z * z / (4 * n * n)))
        / (1 + z * z / n)) AS ci_lower,
    least(1.0, ((responders / n + z * z / (2 * n))
        + z * sqrt((responders / n) * (1 - responders / n) / n + z * z / (4 * n * n)))
        / (1 + z * z / n)) AS ci_upper
FROM counted, z
ORDER BY month, threshold
"""


def compute(
    diary: Path, courses: Path, *, min_hours: float = 4.0, threads: int | None = None
) -> dict[str, pl.DataFrame]:
    """Periods, per-course relapse and responder rates at months 1, 3, 6, 12 (unsuppressed)."""
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    connection.execute(
        PERIODS_SQL,
        {"diary": str(diary), "courses": str(courses), "min_hours": min_hours},
    )
    periods = connection.sql("SELECT * FROM periods ORDER BY course_id, month").pl()
    relapse = connection.sql(RELAPSE_SQL, params={"courses": str(courses)}).pl()
    rates = connection.sql(RATES_SQL).pl()
    connection.close()
    return {"periods": periods, "relapse": relapse, "rates": rates}
