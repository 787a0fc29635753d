"""Synthetic patients and their courses, drawn for a chunk of patients at once (NumPy arrays).

Invented, plausible shapes (never clinical estimates): 60 % chronic migraine (ICHD-3 1.3: 15-26
headache days a month, 10-22 of them migraine days), 40 % episodic (4-14 migraine days);
a third with aura; triptan users, a few on ergots, opioids or combination analgesics; diaries
kept on ~93 % of days, one patient in ten stopping early. The first course starts 5 to 17 weeks
into the diary (a 28-day baseline, at least); later courses follow when relief has faded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ketaclinic.synth import protocols

MAX_COURSES = 3
RELAPSE_RAMP_DAYS = 28  # relief fades back to the patient's baseline over four weeks
MIN_DAYS = 90  # a baseline, a course and some follow-up


@dataclass(frozen=True)
class People:
    """Per-patient arrays (length P) and per-course arrays (P x MAX_COURSES)."""

    patient_id: np.ndarray
    enrolment_offset: np.ndarray  # days after the cohort start the diary begins
    chronic: np.ndarray
    has_aura: np.ndarray
    female: np.ndarray
    birth_year: np.ndarray
    refractory: np.ndarray
    migraine_p: np.ndarray  # daily probability of a migraine day before treatment
    other_headache_p: np.ndarray  # daily probability of another headache on a non-migraine day
    triptan_p: np.ndarray
    ergot_user: np.ndarray
    opioid_user: np.ndarray
    combination_user: np.ndarray
    adherence: np.ndarray
    dropout_day: np.ndarray  # first day not recorded any more (= days: never drops out)
    course_valid: np.ndarray  # P x 3 booleans
    course_protocol: np.ndarray  # P x 3 indices into protocols.PROTOCOLS
    course_first: np.ndarray  # P x 3 day indices in the patient's diary
    course_last: np.ndarray
    course_response: np.ndarray  # P x 3 fraction of migraine days removed
    course_relief_days: np.ndarray  # P x 3 days the relief holds after the last treatment day


def draw_people(rng: np.random.Generator, first_id: int, size: int, days: int) -> People:
    """``size`` patients with ids from ``first_id``, each with a diary of ``days`` days."""
    chronic = rng.random(size) < 0.6
    migraine_days = np.where(chronic, rng.uniform(10, 22, size), rng.uniform(4, 14, size))
    headache_days = np.where(
        chronic,
        np.maximum(rng.uniform(15, 26, size), migraine_days + 1),
        migraine_days + rng.uniform(0, 4, size),
    )
    migraine_p = migraine_days / 28
    other_headache_p = np.clip((headache_days - migraine_days) / (28 - migraine_days), 0, 1)
    uses_triptan = rng.random(size) < 0.8
    dropout = rng.random(size) < 0.1
    dropout_day = np.where(dropout, rng.integers(days // 3, days, size), days)
    people = dict(
        patient_id=np.arange(first_id, first_id + size, dtype=np.int64),
        enrolment_offset=rng.integers(0, 90, size),
        chronic=chronic,
        has_aura=rng.random(size) < 0.33,
        female=rng.random(size) < 0.78,
        birth_year=rng.integers(1955, 2006, size),
        refractory=rng.random(size) < 0.7,
        migraine_p=migraine_p,
        other_headache_p=other_headache_p,
        triptan_p=np.where(uses_triptan, rng.uniform(0.3, 0.9, size), 0.0),
        ergot_user=~uses_triptan & (rng.random(size) < 0.3),
        opioid_user=rng.random(size) < 0.06,
        combination_user=rng.random(size) < 0.15,
        adherence=rng.beta(14, 1.1, size),
        dropout_day=dropout_day,
    )
    return People(**people, **_courses(rng, size, days))


def _courses(rng: np.random.Generator, size: int, days: int) -> dict[str, np.ndarray]:
    """Up to three sequential courses per patient; a later one only after relief has faded."""
    shape = (size, MAX_COURSES)
    protocol = rng.choice(len(protocols.PROTOCOLS), size=shape, p=protocols.WEIGHTS)
    length = protocols.COURSE_DAYS[protocol]
    responder = rng.random(shape) < 0.68
    response = np.where(
        responder,
        np.clip(rng.normal(protocols.MEAN_RESPONSE[protocol], 0.15), 0.3, 1.0),
        rng.uniform(0.0, 0.25, shape),
    )
    relief = rng.exponential(protocols.MEDIAN_RELIEF[protocol] / np.log(2)) * np.where(
        responder, 1.0, 0.3
    )
    returns = rng.random(shape) < 0.75  # comes back for another course after relapsing
    returns[:, 0] = True
    first = np.zeros(shape, dtype=np.int64)
    latest_first = max(36, min(120, days - 60))
    first[:, 0] = rng.integers(35, latest_first + 1, size)
    for slot in range(1, MAX_COURSES):
        previous_end = first[:, slot - 1] + length[:, slot - 1] - 1
        gap = rng.integers(14, 60, size)
        first[:, slot] = (
            previous_end + np.ceil(relief[:, slot - 1]).astype(np.int64) + (RELAPSE_RAMP_DAYS + gap)
        )
    last = first + length - 1
    valid = np.cumprod(returns & (last < days - 1), axis=1).astype(bool)
    return dict(
        course_valid=valid,
        course_protocol=protocol,
        course_first=first,
        course_last=last,
        course_response=response,
        course_relief_days=relief,
    )
