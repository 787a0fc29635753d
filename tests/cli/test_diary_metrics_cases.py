"""``ketaclinic diary-metrics`` per the amended contract (docs/contracts.md; clinical-rules.md §9):
the issue's cases, one table, through the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from typing import Any

import pytest
from tests.cli.test_clinical_commands import ok, run

from ketaclinic.cli import main

FEB = {"start": "2026-02-01", "end": "2026-02-28"}
MAR = {"start": "2026-03-01", "end": "2026-03-28"}
MIGRAINE = {"headache": True, "duration_hours": 6, "pain": 7, "migraine_features": True}


def days(period: dict[str, str], count: int = 28, **fields: Any) -> list[dict[str, Any]]:
    start = dt.date.fromisoformat(period["start"])
    return [
        {"date": (start + dt.timedelta(days=n)).isoformat(), "headache": False, **fields}
        for n in range(count)
    ]


def metrics(
    entries: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch
) -> dict[str, Any]:
    payload = {"entries": entries, "baseline": FEB, "follow_up": [MAR]}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(payload)))
    status = main(["diary-metrics", "-"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    result: dict[str, Any] = json.loads(captured.out)
    return result


BASELINE_12 = days(FEB, 12, **MIGRAINE) + days(FEB)[12:]  # 12 migraine days of 28


def follow_up_with(first: list[dict[str, Any]], recorded: int = 28) -> list[dict[str, Any]]:
    """March: ``first`` (dated from 1 March), the rest headache-free, ``recorded`` days."""
    rest = days(MAR, recorded)[len(first) :]
    dated = [{**entry, "date": f"2026-03-{n + 1:02d}"} for n, entry in enumerate(first)]
    return BASELINE_12 + dated + rest


UNKNOWN_2H = {**MIGRAINE, "duration_hours": 2, "duration_known": False}
CASES = [
    pytest.param(
        follow_up_with([MIGRAINE, MIGRAINE]),
        {"migraine_days": 2, "indeterminate_days": 0, "mmd_change_percent": -83.333},
        id="two 6 h migraines",
    ),
    pytest.param(
        follow_up_with([{**MIGRAINE, "duration_hours": 6}] * 2),
        {"migraine_days": 2, "headache_days": 2},
        id="21:00-03:00 attack: two entries of 6 h, two migraine days",
    ),
    pytest.param(
        follow_up_with([UNKNOWN_2H] * 3),
        {
            "migraine_days": 0,
            "indeterminate_days": 3,
            "headache_days": 3,
            "migraine_days_28": 0.0,
            "migraine_days_upper_28": 3.0,
        },
        id="unknown duration, lower bound 2 h: indeterminate",
    ),
    pytest.param(
        follow_up_with([{**UNKNOWN_2H, "duration_hours": 4}]),
        {"migraine_days": 1, "indeterminate_days": 0},
        id="lower bound 4 h: a migraine day",
    ),
    pytest.param(
        follow_up_with(
            [
                {**UNKNOWN_2H, "acute_medication": ["gepant"]},
                {**MIGRAINE, "duration_hours": 1, "acute_medication": ["ditan"]},
            ]
        ),
        {
            "migraine_days": 2,
            "indeterminate_days": 0,
            "migraine_specific_days": 2,
            "acute_medication_days": 2,
            "triptan_days": 0,
        },
        id="gepant and ditan: migraine-specific (rule c)",
    ),
    pytest.param(
        follow_up_with([{**MIGRAINE, "acute_medication": ["ketamine_intranasal"]}] * 15),
        {
            "acute_medication_days": 15,
            "medication_overuse": [],
            "not_counted_for_overuse": [
                {"medication": "ketamine_intranasal", "days": 15, "days_28": 15.0}
            ],
        },
        id="intranasal ketamine: an acute day, reported, not counted for 8.2",
    ),
    pytest.param(
        follow_up_with([{**MIGRAINE, "acute_medication": ["triptan"]}] * 10),
        {
            "medication_overuse": [
                {"code": "8.2.2", "medication": "triptan", "days_28": 10.0, "threshold": 10}
            ]
        },
        id="triptan on 10 days: 8.2.2",
    ),
    pytest.param(
        follow_up_with([], recorded=3),
        {
            "insufficient_data": True,
            "mmd_change_percent": None,
            "responder_30": None,
            "responder_50": None,
            "responder_75": None,
            "responder_100": None,
        },
        id="3 of 28 days recorded: no responder flag",
    ),
    pytest.param(
        follow_up_with([], recorded=23),
        {"insufficient_data": False, "mmd_change_percent": -100.0, "responder_100": True},
        id="23 of 28 days recorded: judged",
    ),
]


@pytest.mark.parametrize(("entries", "expected"), CASES)
def test_diary_metrics_cases(entries, expected, capsys, monkeypatch) -> None:
    follow_up = metrics(entries, capsys, monkeypatch)["follow_up"][0]
    assert {key: follow_up[key] for key in expected} == expected


def test_an_insufficient_baseline_leaves_every_period_without_flags(capsys, monkeypatch) -> None:
    entries = days(FEB, 22, **MIGRAINE) + days(MAR)
    result = metrics(entries, capsys, monkeypatch)
    assert result["baseline"]["insufficient_data"] is True
    assert result["follow_up"][0]["responder_50"] is None


def test_the_installed_script_gives_the_new_fields() -> None:
    payload = {"entries": follow_up_with([UNKNOWN_2H]), "baseline": FEB, "follow_up": [MAR]}
    result = ok(run("diary-metrics", "-", stdin=json.dumps(payload)))
    period = result["follow_up"][0]
    assert (period["indeterminate_days"], period["migraine_days_upper_28"]) == (1, 1.0)
    assert period["migraine_specific_days"] == 0


def test_a_duration_beyond_72_hours_is_refused_naming_field_value_and_limit() -> None:
    payload = {
        "entries": [{"date": "2026-03-01", **MIGRAINE, "duration_hours": 73}],
        "baseline": FEB,
    }
    completed = run("diary-metrics", "-", stdin=json.dumps(payload))
    assert completed.returncode == 2
    assert "entries[0].duration_hours" in completed.stderr
    assert "73" in completed.stderr
    assert "72" in completed.stderr
