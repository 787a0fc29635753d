"""The clinical commands of ``ketaclinic``, called exactly as docs/contracts.md writes them.

Contract examples run through the installed console script; more cases run in-process through
``ketaclinic.cli.main``. Bad input: exit status 2, one line on standard error naming the field,
the value and what was expected, nothing on standard output.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ketaclinic.cli import main

KETACLINIC = Path(sys.executable).parent / "ketaclinic"  # the installed console script
COMMANDS = ["classify", "refractory", "score", "dose", "diary-metrics", "vitals"]

CLASSIFY_EXAMPLE: dict[str, Any] = {
    "headache": {
        "attacks": 12,
        "duration_hours": [6, 24],
        "unilateral": True,
        "pulsating": True,
        "intensity": "severe",
        "aggravated_by_activity": True,
        "nausea": True,
        "vomiting": False,
        "photophobia": True,
        "phonophobia": True,
    },
    "aura": {
        "attacks": 3,
        "symptoms": ["visual", "sensory"],
        "fully_reversible": True,
        "gradual_spread_5min": True,
        "in_succession": True,
        "each_lasts_5_to_60_min": True,
        "unilateral": True,
        "positive": True,
        "headache_within_60min": True,
    },
    "frequency": {"headache_days_per_month": 20, "migraine_days_per_month": 10, "months": 6},
    "acute_medication_days_per_month": {
        "paracetamol": 0,
        "nsaid": 0,
        "triptan": 12,
        "ergot": 0,
        "opioid": 0,
        "combination_analgesic": 0,
    },
    "overuse_months": 4,
    "other_diagnosis_better_accounts": False,
}
REFRACTORY_EXAMPLE: dict[str, Any] = {
    "trials": [
        {"drug": "topiramate", "class": "anticonvulsant", "outcome": "not_tolerated"},
        {"drug": "propranolol", "class": "beta_blocker", "outcome": "ineffective"},
    ],
    "debilitating_days_per_month": 10,
    "months": 7,
    "triptans_failed": 2,
}
DOSE_EXAMPLE: dict[str, Any] = {
    "route": "iv_infusion",
    "weight_kg": 82,
    "height_cm": 178,
    "sex": "male",
    "dosing_weight": "actual",
    "concentration_mg_per_ml": 1.0,
    "steps": [
        {"rate_mg_per_kg_per_h": 0.1, "minutes": 180},
        {"rate_mg_per_kg_per_h": 0.2, "minutes": 180},
    ],
    "limits": {"soft_max_mg_per_kg_per_h": 1.0, "hard_max_mg_per_kg_per_h": 2.0},
}
DIARY_EXAMPLE: dict[str, Any] = {
    "entries": [
        {
            "date": "2026-03-01",
            "headache": True,
            "duration_hours": 5,
            "pain": 7,
            "migraine_features": True,
            "aura": False,
            "acute_medication": ["triptan"],
        }
    ],
    "baseline": {"start": "2026-02-01", "end": "2026-02-28"},
    "follow_up": [{"start": "2026-03-01", "end": "2026-03-28"}],
    "definition": "4h",
}
VITALS_EXAMPLE: dict[str, Any] = {
    "phase": "pre_dose",
    "readings": [
        {
            "time": "2026-03-01T10:15:00",
            "systolic": 150,
            "diastolic": 92,
            "heart_rate": 88,
            "spo2": 97,
            "respiratory_rate": 14,
        }
    ],
}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The installed ``ketaclinic`` script, as an outside check calls it."""
    return subprocess.run(
        [str(KETACLINIC), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def call(
    args: list[str], stdin: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """``ketaclinic.cli.main`` in-process: (status, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def ok(completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    output: dict[str, Any] = json.loads(completed.stdout)
    return output


# --- the contract examples, through the installed script ------------------------------------


def test_classify_example_gives_chronic_migraine_and_triptan_overuse(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(CLASSIFY_EXAMPLE))
    result = ok(run("classify", str(path)))
    codes = [d["code"] for d in result["diagnoses"]]
    assert codes[0] == "1.3"
    assert {"1.3", "8.2.2"} <= set(codes)
    chronic = result["diagnoses"][0]
    assert chronic["name"] == "Chronic migraine"
    assert chronic["criteria"] == {"A": True, "B": True, "C": True, "D": True}
    assert chronic["explanation"][0] == (
        "A: headache on 20 days/month for 6 months (>= 15 for > 3)"
    )
    assert result["not_met"][0]["code"] == "1.1"
    assert isinstance(result["not_met"][0]["failed"], list)


def test_refractory_example_from_stdin() -> None:
    result = ok(run("refractory", "-", stdin=json.dumps(REFRACTORY_EXAMPLE)))
    assert result["status"] == "not_resistant"
    assert result["failed_classes"] == ["anticonvulsant", "beta_blocker"]
    assert all(isinstance(reason, str) for reason in result["reasons"])


def test_score_example() -> None:
    result = ok(run("score", "midas", "-", stdin='{"answers": [5, 5, 5, 4, 4]}'))
    assert result == {
        "instrument": "midas",
        "total": 23,
        "band": "IV",
        "label": "severe disability",
        "flags": [],
    }


def test_dose_example() -> None:
    result = ok(run("dose", "-", stdin=json.dumps(DOSE_EXAMPLE)))
    assert result["dosing_weight_kg"] == 82.0
    assert [(s["mg_per_h"], s["ml_per_h"], s["mg"]) for s in result["steps"]] == [
        (8.2, 8.2, 24.6),
        (16.4, 16.4, 49.2),
    ]
    assert (result["total_mg"], result["total_ml"], result["limit"]) == (73.8, 73.8, "ok")


def test_diary_metrics_example() -> None:
    result = ok(run("diary-metrics", "-", stdin=json.dumps(DIARY_EXAMPLE)))
    assert result["definition"] == "4h"
    period_keys = {
        "days",
        "days_recorded",
        "headache_days",
        "migraine_days",
        "acute_medication_days",
        "triptan_days",
        "headache_days_28",
        "migraine_days_28",
        "acute_medication_days_28",
        "triptan_days_28",
        "insufficient_data",
    }
    assert period_keys <= set(result["baseline"])
    follow_up = result["follow_up"][0]
    assert period_keys | {"mmd_change_percent", "responder_50", "responder_75"} <= set(follow_up)
    assert (follow_up["days"], follow_up["days_recorded"], follow_up["migraine_days"]) == (28, 1, 1)
    assert follow_up["migraine_days_28"] == 28.0
    assert follow_up["insufficient_data"] is True
    assert follow_up["mmd_change_percent"] is None
    assert follow_up["responder_100"] is None


def test_vitals_example() -> None:
    result = ok(run("vitals", "-", stdin=json.dumps(VITALS_EXAMPLE)))
    assert result["alerts"][0] == {
        "time": "2026-03-01T10:15:00",
        "field": "systolic",
        "value": 150,
        "level": "confirm",
        "rule": result["alerts"][0]["rule"],
    }
    assert [a["field"] for a in result["alerts"]] == ["systolic", "diastolic"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_clinical_command_has_help(command: str) -> None:
    completed = run(command, "--help")
    assert completed.returncode == 0
    assert completed.stdout.startswith(f"usage: ketaclinic {command}")
    assert "FILE" in completed.stdout


# --- bad input, through the installed script ------------------------------------------------

BAD_INPUT = [
    pytest.param(["classify", "-"], "{not json", "input: got", id="malformed JSON"),
    pytest.param(
        ["classify", "-"],
        '{"headache": {"attacks": 12, "colour": "red"}}',
        'headache.colour: got "red", expected no such field',
        id="unknown field",
    ),
    pytest.param(
        ["classify", "-"],
        '{"headache": {"attacks": "12"}}',
        'headache.attacks: got "12", expected an integer',
        id="wrong type",
    ),
    pytest.param(
        ["refractory", "-"],
        json.dumps({**REFRACTORY_EXAMPLE, "months": -1}),
        "months: got -1, expected a number >= 0",
        id="out of range",
    ),
    pytest.param(
        ["score", "phq9", "-"],
        '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 4]}',
        "answers[8]: got 4, expected a number <= 3",
        id="item out of range",
    ),
    pytest.param(
        ["score", "eq5d", "-"],
        '{"answers": [1]}',
        'INSTRUMENT: got "eq5d", expected one of midas, hit6, phq9, gad7, pgic',
        id="unknown instrument",
    ),
    pytest.param(
        ["dose", "-"],
        json.dumps(
            {
                **DOSE_EXAMPLE,
                "steps": [
                    {"rate_mg_per_kg_per_h": 0.1, "minutes": 180},
                    {"rate_mg_per_kg_per_h": 2.5, "minutes": 60},
                ],
            }
        ),
        "steps[1].rate_mg_per_kg_per_h: got 2.5, expected at most 2 mg/kg/h (hard limit)",
        id="dose above the hard limit",
    ),
    pytest.param(
        ["diary-metrics", "-"],
        json.dumps({**DIARY_EXAMPLE, "definition": "2h"}),
        "definition: got \"2h\", expected one of '4h' or '30min'",
        id="unknown definition",
    ),
    pytest.param(
        ["vitals", "-"],
        json.dumps(
            {**VITALS_EXAMPLE, "readings": [{**VITALS_EXAMPLE["readings"][0], "spo2": 101}]}
        ),
        "readings[0].spo2: got 101, expected a number <= 100",
        id="impossible SpO2",
    ),
    pytest.param(
        ["vitals", "-"],
        json.dumps(
            {**VITALS_EXAMPLE, "readings": [{**VITALS_EXAMPLE["readings"][0], "heart_rate": -5}]}
        ),
        "readings[0].heart_rate: got -5, expected a number >= 0",
        id="negative rate",
    ),
    pytest.param(
        ["classify", "/no/such/file.json"],
        "",
        'FILE: got "/no/such/file.json", expected a readable UTF-8 JSON file',
        id="missing file",
    ),
]


@pytest.mark.parametrize(("args", "stdin", "message"), BAD_INPUT)
def test_bad_input_exits_2_with_one_line_and_no_output(
    args: list[str], stdin: str, message: str
) -> None:
    completed = run(*args, stdin=stdin)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1
    assert completed.stderr.startswith(message)


# --- in-process: the same handlers, every instrument and route -------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "band"),
    [
        ("midas", [0, 1, 2, 1, 1], "I"),
        ("hit6", ["never", "rarely", "sometimes", "very often", "always", "never"], "some impact"),
        ("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], "mild"),
        ("gad7", [3, 3, 3, 3, 3, 0, 0], "severe"),
        ("pgic", [6], "better"),
        ("id_migraine", [True, True, False], "positive"),
        ("dast10", [True, True, True, True, False, False, False, False, False, False], "moderate"),
        ("audit_c", [1, 1, 1], "positive"),
    ],
)
def test_score_every_instrument(
    instrument: str,
    answers: list[Any],
    band: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, out, err = call(
        ["score", instrument, "-"], json.dumps({"answers": answers}), capsys, monkeypatch
    )
    assert (status, err) == (0, "")
    assert json.loads(out)["band"] == band


def test_phq9_self_harm_flag_reaches_the_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = call(
        ["score", "phq9", "-"], '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}', capsys, monkeypatch
    )
    assert status == 0
    assert json.loads(out)["flags"] == ["self_harm_risk"]


def test_a_refused_intranasal_dose_prints_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    request = {
        "route": "intranasal",
        "sprays": 2,
        "mg_per_spray": 10,
        "mg_taken_today": 190,
        "mg_taken_this_week": 190,
        "limits": {"max_mg_per_day": 200},
    }
    status, out, err = call(["dose", "-"], json.dumps(request), capsys, monkeypatch)
    assert (status, out) == (2, "")
    assert err == (
        "mg_taken_today: got 190, expected at most 200 mg a day including this dose (210 mg)\n"
    )


def test_a_soft_limit_is_reported_not_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    request = {  # 1.5 mg/kg/h x 60 kg = 90 mg/h: under the 100 mg/h absolute cap
        **DOSE_EXAMPLE,
        "weight_kg": 60,
        "steps": [{"rate_mg_per_kg_per_h": 1.5, "minutes": 60}],
    }
    status, out, _ = call(["dose", "-"], json.dumps(request), capsys, monkeypatch)
    assert status == 0
    assert json.loads(out)["limit"] == "soft_exceeded"


def test_a_file_that_is_not_utf8_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative name: a long temporary path would be shortened in the message.
    monkeypatch.chdir(tmp_path)
    path = Path("latin1.json")
    path.write_bytes(b'{"entries": "\xe9"}')
    status, out, err = call(["diary-metrics", str(path)], "", capsys, monkeypatch)
    assert (status, out) == (2, "")
    assert err.startswith('FILE: got "latin1.json", expected a readable UTF-8 JSON file')
    assert err.endswith("(not UTF-8 text)\n")


@pytest.mark.parametrize(
    ("command", "payload"),
    [
        ("classify", CLASSIFY_EXAMPLE),
        ("refractory", REFRACTORY_EXAMPLE),
        ("dose", DOSE_EXAMPLE),
        ("diary-metrics", DIARY_EXAMPLE),
        ("vitals", VITALS_EXAMPLE),
    ],
)
def test_in_process_and_installed_script_agree(
    command: str,
    payload: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, out, _ = call([command, "-"], json.dumps(payload), capsys, monkeypatch)
    assert status == 0
    assert json.loads(out) == ok(run(command, "-", stdin=json.dumps(payload)))


def test_audit_c_takes_sex_on_the_command_line_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = call(
        ["score", "audit_c", "-"], '{"answers": [1, 1, 1], "sex": "male"}', capsys, monkeypatch
    )
    assert status == 0
    assert json.loads(out)["band"] == "negative"
