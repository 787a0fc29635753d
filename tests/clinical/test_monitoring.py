"""Monitoring labs, stop rules and the schedule (docs/clinical-rules.md §11), at every threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.clinical.monitoring import (
    ANALYTES,
    DEFAULT_INTERVAL,
    Interval,
    ItemInput,
    ItemStatus,
    Schedule,
    SinceLast,
    bpic_findings,
    check_result,
    check_uln,
    item_status,
    liver_findings,
    urinalysis_findings,
    worst,
)

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
ULN = {"alt": 40.0, "ast": 40.0, "alp": 130.0, "bilirubin": 21.0, "ggt": 60.0}


def kinds(findings: tuple[object, ...]) -> dict[str, str]:
    return {f.key: f.kind for f in findings}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("alt", 40, None),
        ("alt", 40.5, "abnormal"),
        ("alt", 120, "abnormal"),
        ("alt", 120.1, "stop"),
        ("ast", 120, "abnormal"),
        ("ast", 121, "stop"),
        ("alp", 260, "abnormal"),
        ("alp", 260.5, "stop"),
        ("bilirubin", 42, "abnormal"),
        ("bilirubin", 42.1, "stop"),
        ("ggt", 60, None),
        ("ggt", 600, "abnormal"),
    ],
)
def test_liver_thresholds(key: str, value: float, expected: str | None) -> None:
    values = {"alt": 20.0, "ast": 20.0, "alp": 80.0, "bilirubin": 10.0, key: value}
    found = kinds(liver_findings(values, ULN))
    if expected is None:
        assert found == {"liver": "normal"}
    else:
        assert found == {key: expected}


def test_liver_worst_of_several() -> None:
    findings = liver_findings({"alt": 200.0, "ast": 50.0}, ULN)
    assert worst(findings) == "stop"
    assert worst(liver_findings({"ast": 50.0}, ULN)) == "abnormal"
    assert worst(liver_findings({"ast": 5.0}, ULN)) == "normal"


@pytest.mark.parametrize(
    ("blood", "leucocytes", "protein", "symptoms", "expected"),
    [
        (0, 0, 0, False, {"urinalysis": "normal"}),
        (1, 1, 1, False, {"urinalysis": "normal"}),  # trace is not positive
        (2, 0, 0, False, {"urine_blood": "abnormal"}),
        (2, 0, 0, True, {"urine_blood": "stop"}),
        (1, 0, 0, True, {"bladder_symptoms": "abnormal"}),
        (0, 2, 3, False, {"urine_leucocytes": "abnormal", "urine_protein": "abnormal"}),
    ],
)
def test_urinalysis(
    blood: int, leucocytes: int, protein: int, symptoms: bool, expected: dict[str, str]
) -> None:
    values = {"urine_blood": blood, "urine_leucocytes": leucocytes, "urine_protein": protein}
    assert kinds(urinalysis_findings(values, symptoms)) == expected


@pytest.mark.parametrize(
    ("score", "first", "expected"),
    [
        (18, None, {"bpic_ss": "normal"}),
        (19, None, {"bpic_ss": "stop"}),
        (14, 10, {"bpic_ss": "normal"}),
        (15, 10, {"bpic_ss_rise": "stop"}),
        (20, 10, {"bpic_ss": "stop", "bpic_ss_rise": "stop"}),
    ],
)
def test_bpic_ss(score: int, first: int | None, expected: dict[str, str]) -> None:
    assert kinds(bpic_findings(score, first)) == expected


def test_check_result() -> None:
    liver = check_result("liver", {"alt": 30, "ast": 30, "alp": 90, "bilirubin": 8})
    assert "ggt" not in liver
    with pytest.raises(ClinicalInputError) as raised:
        check_result("liver", {"alt": 30, "ast": 30, "alp": 90})
    assert raised.value.field == "bilirubin"
    with pytest.raises(ClinicalInputError) as raised:
        check_result("liver", {"alt": 10001, "ast": 30, "alp": 90, "bilirubin": 8})
    assert (raised.value.field, raised.value.expected) == ("alt", "a number from 0 to 10000 U/L")
    with pytest.raises(ClinicalInputError) as raised:
        check_result("bpic_ss", {"bpic_ss": 39})
    assert raised.value.expected == "an integer from 0 to 38 points"
    with pytest.raises(ClinicalInputError):
        check_result("bpic_ss", {"bpic_ss": 2.5})
    with pytest.raises(ClinicalInputError):
        check_result("bpic_ss", {"bpic_ss": float("inf")})
    with pytest.raises(ClinicalInputError) as raised:
        check_result("bpic_ss", {"alt": 3})
    assert raised.value.field == "alt"
    with pytest.raises(ClinicalInputError) as raised:
        check_result("lipids", {})
    assert raised.value.field == "item"
    assert ANALYTES["alt"].check(0, "x") == 0


@pytest.mark.parametrize(("uln", "ok"), [(0.99, False), (1, True), (1000, True), (1000.1, False)])
def test_uln_range(uln: float, ok: bool) -> None:
    if ok:
        assert check_uln("alt", uln) == uln
    else:
        with pytest.raises(ClinicalInputError):
            check_uln("alt", uln)


def status(
    last_days_ago: float | None,
    sessions: int = 0,
    mg: float = 0,
    *,
    kind: str | None = "normal",
    reviewed: bool = False,
    first_days_ago: float | None = 200,
    overdue_reviewed: bool = False,
    interval: Interval = DEFAULT_INTERVAL,
) -> ItemStatus:
    last = None if last_days_ago is None else NOW - dt.timedelta(days=last_days_ago)
    first = None if first_days_ago is None else NOW - dt.timedelta(days=first_days_ago)
    return item_status(
        ItemInput("liver", last, kind, reviewed),  # type: ignore[arg-type]
        SinceLast(sessions, mg),
        NOW,
        first_session_at=first,
        interval=interval,
        overdue_reviewed=overdue_reviewed,
    )


@pytest.mark.parametrize(
    ("days", "sessions", "mg", "expected"),
    [
        (0, 0, 0, "ok"),
        (75, 0, 0, "ok"),
        (76, 0, 0, "due"),  # 90 - 14
        (89, 0, 0, "due"),
        (90, 0, 0, "overdue"),
        (1, 4, 0, "ok"),
        (1, 5, 0, "due"),
        (1, 6, 0, "overdue"),
        (1, 0, 1599, "ok"),
        (1, 0, 1600, "due"),
        (1, 0, 1999, "due"),
        (1, 0, 2000, "overdue"),
    ],
)
def test_schedule_thresholds(days: int, sessions: int, mg: float, expected: str) -> None:
    result = status(days, sessions, mg)
    assert result.status == expected
    assert result.blocks == (expected == "overdue")


def test_stop_review_and_labels() -> None:
    stop = status(1, kind="stop")
    assert (stop.status, stop.blocks, stop.label) == ("stop", True, "stop: needs review")
    reviewed = status(1, kind="stop", reviewed=True)
    assert reviewed.status == "ok"
    overdue = status(100, overdue_reviewed=True)
    assert (overdue.status, overdue.blocks, overdue.label) == ("overdue", False, "overdue")
    assert status(1).label == "up to date"
    assert status(80).label == "due"


def test_missing_baseline() -> None:
    before_any = status(None, kind=None, first_days_ago=None)
    assert (before_any.status, before_any.blocks) == ("due", False)
    soon = status(None, sessions=1, kind=None, first_days_ago=3)
    assert (soon.status, soon.reasons) == ("due", ("no baseline result",))
    late = status(None, sessions=6, kind=None, first_days_ago=30)
    assert late.status == "overdue"
    assert late.reasons[-1] == "no baseline result"


def test_interval_triggers_can_be_off() -> None:
    off = Interval(sessions=None, mg=None, days=None)
    assert status(1000, 100, 1e6, interval=off).status == "ok"


def test_schedule_summary() -> None:
    items = (status(1), status(80), status(100), status(1, kind="stop"))
    schedule = Schedule(items)
    assert schedule.status == "stop"
    assert len(schedule.blocking) == 2
    assert schedule.block_message().endswith("Liver tests overdue; Liver tests stop: needs review")
    assert Schedule((status(1), status(80))).status == "due"
    assert Schedule((status(100),)).status == "overdue"
    assert Schedule((status(1),)).status == "ok"
