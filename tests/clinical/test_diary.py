"""Diary endpoints: day definitions, missing days, 28-day normalisation, responders, overuse."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketaclinic.clinical.contracts import (
    DiaryEntry,
    DiaryMetricsInput,
    DiaryPeriod,
    MedicationClass,
)
from ketaclinic.clinical.diary import (
    DEFINITIONS,
    diary_metrics,
    is_indeterminate_day,
    is_migraine_day,
    mmd_change_percent,
    recorded_metrics,
)
from ketaclinic.clinical.errors import ClinicalInputError

FEB = {"start": "2026-02-01", "end": "2026-02-28"}
MAR = {"start": "2026-03-01", "end": "2026-03-28"}


def day(date: str, **fields: Any) -> dict[str, Any]:
    return {"date": date, "headache": False, **fields}


def migraine(date: str, **fields: Any) -> dict[str, Any]:
    base = {"headache": True, "duration_hours": 6, "pain": 7, "migraine_features": True}
    return day(date, **{**base, **fields})


def dates(period: dict[str, str], count: int | None = None) -> list[str]:
    start = dt.date.fromisoformat(period["start"])
    end = dt.date.fromisoformat(period["end"])
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d.isoformat() for d in days[:count]]


def metrics(entries: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    request = {"entries": entries, "baseline": FEB, "follow_up": [MAR], **fields}
    return diary_metrics(DiaryMetricsInput.model_validate(request)).to_dict()


def entry(**fields: Any) -> DiaryEntry:
    return DiaryEntry.model_validate({"date": "2026-03-01", "headache": True, **fields})


@pytest.mark.parametrize(
    ("fields", "four_hours", "thirty_minutes"),
    [
        pytest.param({"duration_hours": 4, "migraine_features": True}, True, True, id="4 h"),
        pytest.param({"duration_hours": 3.5, "migraine_features": True}, False, True, id="3.5 h"),
        pytest.param({"duration_hours": 0.5, "migraine_features": True}, False, True, id="30 min"),
        pytest.param({"duration_hours": 0.4, "migraine_features": True}, False, False, id="<30"),
        pytest.param({"duration_hours": 8, "migraine_features": False}, False, False, id="no MF"),
        pytest.param({"duration_hours": 8}, False, False, id="features not recorded"),
        pytest.param({"duration_hours": 1, "aura": True}, True, True, id="aura"),
        pytest.param({"acute_medication": ["triptan"]}, True, True, id="triptan-treated"),
        pytest.param({"acute_medication": ["ergot"]}, True, True, id="ergot-treated"),
        pytest.param({"acute_medication": ["nsaid"]}, False, False, id="nsaid-treated"),
        pytest.param({"acute_medication": ["gepant"]}, True, True, id="gepant-treated"),
        pytest.param({"acute_medication": ["ditan"]}, True, True, id="ditan-treated"),
        pytest.param(
            {"acute_medication": ["ketamine_intranasal"]}, False, False, id="ketamine-treated"
        ),
        pytest.param({"acute_medication": ["opioid", "other"]}, False, False, id="opioid+other"),
        pytest.param(
            {"duration_hours": 4, "duration_known": False, "migraine_features": True},
            True,
            True,
            id="lower bound 4 h",
        ),
    ],
)
def test_migraine_day_definitions(
    fields: dict[str, Any], four_hours: bool, thirty_minutes: bool
) -> None:
    assert is_migraine_day(entry(**fields), DEFINITIONS["4h"]) is four_hours
    assert is_migraine_day(entry(**fields), DEFINITIONS["30min"]) is thirty_minutes


@pytest.mark.parametrize(
    ("fields", "four_hours", "thirty_minutes"),
    [
        pytest.param(
            {"duration_hours": 2, "duration_known": False, "migraine_features": True},
            True,
            False,
            id="lower bound 2 h, features",
        ),
        pytest.param(
            {"duration_hours": 0.5, "duration_known": False, "migraine_features": True},
            True,
            False,
            id="lower bound 30 min",
        ),
        pytest.param(
            {"duration_hours": 0, "duration_known": False, "migraine_features": True},
            True,
            True,
            id="nothing confirmed",
        ),
        pytest.param(
            {"duration_hours": 2, "duration_known": False, "migraine_features": False},
            False,
            False,
            id="no features",
        ),
        pytest.param(
            {"duration_hours": 2, "duration_known": True, "migraine_features": True},
            False,
            False,
            id="known 2 h",
        ),
        pytest.param({"migraine_features": True}, True, True, id="no hours given"),
        pytest.param(
            {
                "duration_hours": 2,
                "duration_known": False,
                "migraine_features": True,
                "acute_medication": ["gepant"],
            },
            False,
            False,
            id="gepant qualifies it",
        ),
        pytest.param(
            {"duration_hours": 1, "duration_known": False, "migraine_features": True, "aura": True},
            False,
            False,
            id="aura qualifies it",
        ),
    ],
)
def test_indeterminate_days(fields: dict[str, Any], four_hours: bool, thirty_minutes: bool) -> None:
    """clinical-rules.md §9: only the unknown rest of the attack could make it a migraine day."""
    assert is_indeterminate_day(entry(**fields), DEFINITIONS["4h"]) is four_hours
    assert is_indeterminate_day(entry(**fields), DEFINITIONS["30min"]) is thirty_minutes


def test_indeterminate_days_give_the_upper_end_of_a_sensitivity_range() -> None:
    unknown = {"duration_hours": 1, "duration_known": False}
    entries = [
        *(migraine(d) for d in dates(MAR, 4)),
        *(migraine(d, **unknown) for d in dates(MAR)[4:7]),
        *(migraine(d, acute_medication=["ditan"], **unknown) for d in dates(MAR)[7:8]),
        *(day(d) for d in dates(MAR)[8:14]),
    ]
    follow_up = metrics(entries)["follow_up"][0]
    assert (follow_up["migraine_days"], follow_up["indeterminate_days"]) == (5, 3)
    assert follow_up["migraine_days_28"] == 10.0  # 5 x 28 / 14
    assert follow_up["migraine_days_upper_28"] == 16.0  # (5 + 3) x 28 / 14
    assert (follow_up["migraine_specific_days"], follow_up["migraine_specific_days_28"]) == (1, 2)
    assert follow_up["headache_days"] == 8


def test_an_aura_without_headache_is_a_migraine_day_but_not_a_headache_day() -> None:
    aura_only = DiaryEntry.model_validate({"date": "2026-03-01", "headache": False, "aura": True})
    assert is_migraine_day(aura_only, DEFINITIONS["4h"])
    triptan_no_headache = DiaryEntry.model_validate(
        {"date": "2026-03-01", "headache": False, "acute_medication": ["triptan"]}
    )
    assert not is_migraine_day(triptan_no_headache, DEFINITIONS["4h"])


def test_the_contract_example_counts_one_recorded_day() -> None:
    result = metrics([migraine("2026-03-01", duration_hours=5, acute_medication=["triptan"])])
    assert result["definition"] == "4h"
    follow_up = result["follow_up"][0]
    assert (follow_up["days"], follow_up["days_recorded"]) == (28, 1)
    assert follow_up["migraine_days"] == 1
    assert follow_up["insufficient_data"] is True
    assert follow_up["mmd_change_percent"] is None
    assert result["baseline"]["migraine_days_28"] is None


def test_missing_days_are_never_headache_free() -> None:
    # 14 recorded days, 7 with migraine: 7 x 28 / 14 = 14 migraine days per 28, not 7.
    entries = [migraine(d) if i % 2 == 0 else day(d) for i, d in enumerate(dates(MAR, 14))]
    follow_up = metrics(entries)["follow_up"][0]
    assert (follow_up["migraine_days"], follow_up["migraine_days_28"]) == (7, 14.0)
    assert follow_up["headache_days_28"] == 14.0


@pytest.mark.parametrize(("recorded", "insufficient"), [(23, False), (22, True), (28, False)])
def test_a_period_with_fewer_than_80_percent_of_days_recorded_is_flagged(
    recorded: int, insufficient: bool
) -> None:
    # 80 % of 28 days is 22.4 days.
    entries = [day(d) for d in dates(MAR, recorded)]
    assert metrics(entries)["follow_up"][0]["insufficient_data"] is insufficient


def baseline_and_follow_up(baseline_days: int, follow_up_days: int) -> list[dict[str, Any]]:
    feb = [migraine(d) if i < baseline_days else day(d) for i, d in enumerate(dates(FEB))]
    mar = [migraine(d) if i < follow_up_days else day(d) for i, d in enumerate(dates(MAR))]
    return feb + mar


@pytest.mark.parametrize(
    ("baseline", "follow_up", "change", "responders"),
    [
        (10, 10, 0.0, (False, False, False, False)),
        (10, 7, -30.0, (True, False, False, False)),
        (10, 8, -20.0, (False, False, False, False)),
        (10, 5, -50.0, (True, True, False, False)),
        (10, 6, -40.0, (True, False, False, False)),
        (12, 3, -75.0, (True, True, True, False)),
        (10, 0, -100.0, (True, True, True, True)),
        (10, 12, 20.0, (False, False, False, False)),
    ],
)
def test_mmd_change_and_responders(
    baseline: int, follow_up: int, change: float, responders: tuple[bool, ...]
) -> None:
    result = metrics(baseline_and_follow_up(baseline, follow_up))["follow_up"][0]
    assert result["mmd_change_percent"] == change
    assert (
        result["responder_30"],
        result["responder_50"],
        result["responder_75"],
        result["responder_100"],
    ) == responders


@pytest.mark.parametrize(
    ("baseline_recorded", "follow_up_recorded", "flags_null"),
    [
        (28, 28, False),
        (23, 28, False),  # 23 of 28: enough
        (22, 28, True),  # baseline insufficient: every period null
        (28, 23, False),
        (28, 22, True),  # this follow-up insufficient
        (28, 3, True),  # the 3 of 28 days
    ],
)
def test_responder_flags_are_null_when_data_are_insufficient(
    baseline_recorded: int, follow_up_recorded: int, flags_null: bool
) -> None:
    """clinical-rules.md §9: no responder flag from a period with < 80 % of its days recorded."""
    feb = [migraine(d) for d in dates(FEB, baseline_recorded)]
    mar = [day(d) for d in dates(MAR, follow_up_recorded)]
    follow_up = metrics(feb + mar)["follow_up"][0]
    flags = [follow_up[f"responder_{t}"] for t in (30, 50, 75, 100)]
    if flags_null:
        assert follow_up["mmd_change_percent"] is None
        assert flags == [None] * 4
    else:
        assert follow_up["mmd_change_percent"] == -100.0
        assert flags == [True] * 4


def test_no_migraine_day_at_baseline_leaves_change_and_responders_null() -> None:
    result = metrics(baseline_and_follow_up(0, 3))["follow_up"][0]
    assert result["mmd_change_percent"] is None
    assert result["responder_50"] is None
    assert mmd_change_percent(10, None) is None


def test_counts_follow_the_definition_named() -> None:
    short = [migraine(d, duration_hours=1) for d in dates(MAR)]
    feb = [day(d) for d in dates(FEB)]
    assert metrics(feb + short)["follow_up"][0]["migraine_days"] == 0
    thirty = metrics(feb + short, definition="30min")
    assert thirty["definition"] == "30min"
    assert thirty["definition_version"] == "ketaclinic-migraine-day-30min-1"
    assert thirty["follow_up"][0]["migraine_days"] == 28


def test_acute_medication_and_triptan_days() -> None:
    entries = [
        migraine("2026-03-01", acute_medication=["triptan", "nsaid"]),
        migraine("2026-03-02", acute_medication=["nsaid"]),
        day("2026-03-03"),
    ]
    follow_up = metrics(entries)["follow_up"][0]
    assert (follow_up["acute_medication_days"], follow_up["triptan_days"]) == (2, 1)


def with_medication(days_with: int, medication: list[str], recorded: int = 28) -> dict[str, Any]:
    entries = [
        migraine(d, acute_medication=medication) if i < days_with else day(d)
        for i, d in enumerate(dates(MAR, recorded))
    ]
    follow_up: dict[str, Any] = metrics(entries)["follow_up"][0]
    return follow_up


@pytest.mark.parametrize(
    ("medication", "threshold", "code"),
    [
        (["triptan"], 10, "8.2.2"),
        (["ergot"], 10, "8.2.1"),
        (["opioid"], 10, "8.2.4"),
        (["combination_analgesic"], 10, "8.2.5"),
        (["paracetamol"], 15, "8.2.3.1"),
        (["nsaid"], 15, "8.2.3.2"),
    ],
)
def test_the_diary_warns_of_medication_overuse_at_each_threshold(
    medication: list[str], threshold: int, code: str
) -> None:
    warnings = with_medication(threshold, medication)["medication_overuse"]
    assert [w["code"] for w in warnings] == [code]
    assert warnings[0]["days_28"] == threshold
    assert with_medication(threshold - 1, medication)["medication_overuse"] == []


def test_the_diary_warns_of_non_opioid_and_multiple_class_overuse() -> None:
    entries = [
        migraine(d, acute_medication=["paracetamol" if i % 2 else "nsaid"])
        for i, d in enumerate(dates(MAR, 16))
    ] + [day(d) for d in dates(MAR)[16:]]
    assert [w["code"] for w in metrics(entries)["follow_up"][0]["medication_overuse"]] == ["8.2.3"]
    mixed = [
        migraine(d, acute_medication=["triptan" if i % 2 else "opioid"])
        for i, d in enumerate(dates(MAR, 10))
    ] + [day(d) for d in dates(MAR)[10:]]
    assert [w["code"] for w in metrics(mixed)["follow_up"][0]["medication_overuse"]] == ["8.2.6"]


@pytest.mark.parametrize("drug_class", ["gepant", "ditan", "ketamine_intranasal"])
def test_gepants_ditans_and_intranasal_ketamine_are_reported_not_counted_for_overuse(
    drug_class: str,
) -> None:
    """clinical-rules.md §9: ICHD-3 8.2 does not define them yet; each is an acute-medication
    day."""
    entries = [migraine(d, acute_medication=[drug_class]) for d in dates(MAR)]
    follow_up = metrics(entries)["follow_up"][0]
    assert follow_up["acute_medication_days"] == 28
    assert follow_up["medication_overuse"] == []
    assert follow_up["not_counted_for_overuse"] == [
        {"medication": drug_class, "days": 28, "days_28": 28.0}
    ]


def test_an_uncounted_class_does_not_make_multiple_class_overuse() -> None:
    # 6 days triptan + 6 days gepant: two classes on 12 days, but only triptan counts (6 days)
    entries = [
        *(migraine(d, acute_medication=["triptan"]) for d in dates(MAR, 6)),
        *(migraine(d, acute_medication=["gepant"]) for d in dates(MAR)[6:12]),
        *(day(d) for d in dates(MAR)[12:]),
    ]
    assert metrics(entries)["follow_up"][0]["medication_overuse"] == []
    with_opioid = [
        *(migraine(d, acute_medication=["triptan"]) for d in dates(MAR, 6)),
        *(migraine(d, acute_medication=["opioid"]) for d in dates(MAR)[6:12]),
        *(day(d) for d in dates(MAR)[12:]),
    ]
    assert [w["code"] for w in metrics(with_opioid)["follow_up"][0]["medication_overuse"]] == [
        "8.2.6"
    ]


def test_sparse_diaries_do_not_extrapolate_overuse() -> None:
    # Two recorded triptan days would be 28 per 28 days if extrapolated; as a lower bound
    # over the whole period they are 2.
    assert with_medication(2, ["triptan"], recorded=2)["medication_overuse"] == []
    sparse = with_medication(12, ["triptan"], recorded=12)
    assert sparse["insufficient_data"] is True
    assert sparse["medication_overuse"][0]["days_28"] == 12


@pytest.mark.parametrize(
    ("request_changes", "message"),
    [
        (
            {"entries": [day("2026-03-01"), day("2026-03-01")]},
            'entries[1].date: got "2026-03-01", expected one entry per calendar day',
        ),
        (
            {"entries": [day("2026-03-01", duration_hours=2)]},
            "entries[0].duration_hours: got 2, expected nothing on a day without headache",
        ),
        (
            {"entries": [day("2026-03-01", pain=3)]},
            "entries[0].pain: got 3, expected nothing on a day without headache",
        ),
        (
            {"entries": [day("2026-03-01", migraine_features=True)]},
            "entries[0].migraine_features: got true, expected nothing on a day without headache",
        ),
        (
            {"entries": [], "baseline": {"start": "2026-02-28", "end": "2026-02-01"}},
            'baseline.end: got "2026-02-01", expected on or after start (2026-02-28)',
        ),
        (
            {"entries": [], "follow_up": [{"start": "2026-01-01", "end": "2037-01-01"}]},
            'follow_up[0].end: got "2037-01-01", expected at most 3660 days after start',
        ),
    ],
)
def test_it_refuses_contradictory_diaries(request_changes: dict[str, Any], message: str) -> None:
    request = {"entries": [], "baseline": FEB, "follow_up": [MAR], **request_changes}
    with pytest.raises(ClinicalInputError) as caught:
        diary_metrics(DiaryMetricsInput.model_validate(request))
    assert str(caught.value) == message


def test_a_headache_free_day_may_record_zero_pain_and_duration() -> None:
    result = metrics([day("2026-03-01", pain=0, duration_hours=0, migraine_features=False)])
    assert result["follow_up"][0]["headache_days"] == 0


class TableDay(NamedTuple):
    """A day as the diary app reads it from its table: plain fields, no contract model."""

    date: dt.date
    headache: bool
    duration_hours: float | None
    pain: int | None
    migraine_features: bool
    aura: bool
    acute_medication: tuple[str, ...]
    duration_known: bool = True


CLASSES = get_args(MedicationClass)
MARCH = dt.date(2026, 3, 1)


@st.composite
def table_days(draw: st.DrawFn) -> list[TableDay]:
    days = []
    for offset in sorted(draw(st.sets(st.integers(0, 90), max_size=80))):
        headache = draw(st.booleans())
        days.append(
            TableDay(
                MARCH + dt.timedelta(days=offset),
                headache,
                draw(st.sampled_from([None, 0.5, 3.99, 4.0, 9.0])) if headache else None,
                draw(st.integers(0, 10)) if headache else None,
                draw(st.booleans()),  # the table may keep features on a headache-free day
                draw(st.booleans()),
                tuple(sorted(draw(st.sets(st.sampled_from(CLASSES), max_size=3)))),
                draw(st.booleans()) if headache else True,
            )
        )
    return days


periods = st.tuples(st.integers(-5, 95), st.integers(0, 40)).map(
    lambda span: DiaryPeriod(
        start=MARCH + dt.timedelta(days=span[0]),
        end=MARCH + dt.timedelta(days=span[0] + span[1]),
    )
)


@settings(max_examples=200, deadline=None)
@given(
    table_days(),
    periods,
    st.lists(periods, max_size=5),
    st.sampled_from(["4h", "30min"]),
)
def test_days_read_from_the_table_count_as_the_contracts_entries(
    days: list[TableDay], baseline: DiaryPeriod, follow_up: list[DiaryPeriod], definition: str
) -> None:
    entries = [
        DiaryEntry.model_validate(
            {
                "date": day.date,
                "headache": day.headache,
                "aura": day.aura,
                "acute_medication": day.acute_medication,
                **(
                    {
                        "duration_hours": day.duration_hours,
                        "duration_known": day.duration_known,
                        "pain": day.pain,
                        "migraine_features": day.migraine_features,
                    }
                    if day.headache
                    else {}
                ),
            }
        )
        for day in days
    ]
    request = DiaryMetricsInput(
        entries=tuple(entries), baseline=baseline, follow_up=tuple(follow_up), definition=definition
    )
    counted = recorded_metrics(days, baseline=baseline, follow_up=follow_up, definition=definition)
    assert counted == diary_metrics(request)
