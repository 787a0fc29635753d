"""The clients of ``benchmarks/web.py``: locust users, one class per scenario, run headless.

``web.py`` starts ``locust --headless -u 50 <Class>`` in its own process, so the load comes from
outside the server's processes, as a clinic's browsers and phones would. Every user logs in
first (the patient app takes a bearer token; a nurse's browser signs in with the log-in form);
when the last one is in, they all start together and only then are requests recorded, so the
log-ins (Argon2, deliberately slow) are not in the figures. Each request's time is kept
(milliseconds, as the client saw it) and written as JSON when locust quits; ``web.py`` computes
throughput and percentiles from them.

Scenarios:

- ``Ceiling``: ``GET /api/health``, the same server's bare JSON endpoint (it runs ``SELECT 1``);
- ``DiaryRead``: the patient's app reads one recorded day (``GET /api/diary/{id}/days/{day}``);
- ``DiaryWrite``: the patient saves whole days through ``PUT /api/diary/{id}/days/{day}``, each
  client on its own days of the last year, each save carrying the version it last read, so
  every request is a real write (a new version of a day, with its attack, medicine and audit
  event) and none is a conflict;
- ``Chart``: a nurse opens the diary tab of the patient's chart (``/patients/{id}/diary/``).

Set by ``web.py`` in the environment: BENCH_PATIENT_ID, BENCH_TODAY, BENCH_TIME_ZONE,
BENCH_PATIENT_USER, BENCH_STAFF_USER, BENCH_PASSWORD, BENCH_USERS, BENCH_SECONDS (the measured
window), BENCH_PACE_S (seconds between one client's requests; 0 = back to back), BENCH_OUT
(where the JSON goes).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import gevent
import gevent.event
from locust import FastHttpUser, constant, events, task

PATIENT_ID = int(os.environ.get("BENCH_PATIENT_ID", "0"))
TODAY = date.fromisoformat(os.environ.get("BENCH_TODAY", date.today().isoformat()))
ZONE = ZoneInfo(os.environ.get("BENCH_TIME_ZONE", "UTC"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
PACE_S = float(os.environ.get("BENCH_PACE_S", "0"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
DAYS_BACK = 360  # the diary takes saves up to a year back (diary.actions.MAX_DAYS_BACK)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_random = random.Random(9)  # the same arrivals on every run
ready = gevent.event.Event()
logged_in = itertools.count(1)
recorded: list[tuple[str, float, bool]] = []
window: dict[str, float] = {}


runner: dict[str, Any] = {}


@events.init.add_listener
def _keep(environment: Any, **_: Any) -> None:
    runner["runner"] = environment.runner


def _logged_in() -> None:
    """Count this user in; the last one opens the measured window (BENCH_SECONDS long).

    Paced clients (BENCH_PACE_S > 0) then each wait a random part of the pace before their
    first request, and the window opens one pace later: staff do not all click at the same
    instant, and a burst of fifty requests at once every few seconds would measure the burst,
    not the page. Closed-loop clients start together and are measured from the start.
    """
    if next(logged_in) == USERS:
        gevent.spawn_later(PACE_S, _open_window)
        ready.set()
    ready.wait()
    if PACE_S > 0:
        gevent.sleep(_random.uniform(0, PACE_S))


def _open_window() -> None:
    window["start"] = time.monotonic()
    if os.environ.get("BENCH_OUT"):  # tells web.py to read the server's CPU clocks
        Path(os.environ["BENCH_OUT"] + ".ready").touch()
    gevent.spawn_later(SECONDS, _stop)


def _stop() -> None:
    window["end"] = time.monotonic()
    runner["runner"].quit()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    if "start" in window and "end" not in window:
        recorded.append((name, response_time, exception is None))


@events.test_stop.add_listener
def _write(**_: Any) -> None:
    window.setdefault("end", time.monotonic())
    target = os.environ.get("BENCH_OUT")
    if not target:
        return
    seconds = window["end"] - window.get("start", window["end"])
    with open(target, "w") as out:
        json.dump({"seconds": seconds, "users": USERS, "requests": recorded}, out)


def _wait_time() -> Any:
    """Back to back, or paced: a think time drawn from an exponential distribution with mean
    BENCH_PACE_S, so the clients' requests together arrive as independent staff's would (a
    Poisson stream of USERS / PACE_S a second), not in lockstep."""
    if PACE_S <= 0:
        return constant(0)
    return lambda _user: _random.expovariate(1 / PACE_S)


class Ceiling(FastHttpUser):
    wait_time = _wait_time()

    def on_start(self) -> None:
        _logged_in()

    @task
    def health(self) -> None:
        self.client.get("/api/health", name="ceiling")


def _bearer(user: FastHttpUser) -> None:
    """The patient's app signs in once for a bearer token, as the phone app does."""
    response = user.client.post(
        "/api/auth/token",
        json={"username": os.environ["BENCH_PATIENT_USER"], "password": PASSWORD},
        name="log-in",
    )
    user.client.auth_header = f"Bearer {response.json()['token']}"  # type: ignore[attr-defined]


class DiaryRead(FastHttpUser):
    """The patient's app reading one recorded day: the same stack as a save (bearer token, the
    patient's record, one diary row) without the write; for reference beside the ceiling."""

    wait_time = _wait_time()

    def on_start(self) -> None:
        _bearer(self)
        # A recorded day older than any the saves write (they go back a year at most).
        start, end = TODAY - timedelta(days=430), TODAY - timedelta(days=400)
        listed = self.client.get(
            f"/api/diary/{PATIENT_ID}/days",
            params={"start": start.isoformat(), "end": end.isoformat()},
            name="read days",
        ).json()
        self.day = listed[0]["date"]
        _logged_in()

    @task
    def read_day(self) -> None:
        self.client.get(f"/api/diary/{PATIENT_ID}/days/{self.day}", name="diary_get")


class DiaryWrite(FastHttpUser):
    """The patient's app: a bearer token, then saves of whole days with their versions."""

    wait_time = _wait_time()
    numbers: ClassVar[itertools.count[int]] = itertools.count()

    def on_start(self) -> None:
        index = next(self.numbers)
        _bearer(self)
        # This client's days: every USERS-th day back from yesterday, so no two clients share one.
        self.days = [TODAY - timedelta(days=n) for n in range(1 + index, DAYS_BACK, USERS)]
        listed = self.client.get(
            f"/api/diary/{PATIENT_ID}/days",
            params={"start": min(self.days).isoformat(), "end": max(self.days).isoformat()},
            name="read days",
        ).json()
        self.versions = {day: 0 for day in self.days}
        self.versions.update({date.fromisoformat(row["date"]): row["version"] for row in listed})
        self.turn = 0
        _logged_in()

    def _entry(self, day: date) -> dict[str, Any]:
        if self.turn % 3 == 0:
            return {"headache_free": True, "factors": {"sleep_quality": "good", "stress": "some"}}
        start = datetime.combine(day, clock(7 + self.turn % 9, 15), tzinfo=ZONE)
        return {
            "attacks": [
                {
                    "started_at": start.isoformat(),
                    "ended_at": (start + timedelta(hours=5)).isoformat(),
                    "pain": 4 + self.turn % 6,
                    "location": "left",
                    "pulsating": True,
                    "nausea": True,
                    "photophobia": True,
                    "medications": [
                        {
                            "drug": "sumatriptan",
                            "dose_mg": "50",
                            "taken_at": (start + timedelta(minutes=40)).isoformat(),
                            "relief_2h": "better",
                        }
                    ],
                }
            ],
            "factors": {"sleep_quality": "poor", "stress": "high", "triggers": ["weather"]},
        }

    @task
    def save_day(self) -> None:
        day = self.days[self.turn % len(self.days)]
        body = {"version": self.versions[day], **self._entry(day)}
        self.turn += 1
        with self.client.put(
            f"/api/diary/{PATIENT_ID}/days/{day.isoformat()}",
            json=body,
            name="diary_put",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.versions[day] = response.json()["version"]
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Chart(FastHttpUser):
    """A nurse's browser: the log-in form, then the diary tab of the patient's chart."""

    wait_time = _wait_time()

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="log-in page").text or ""
        found = CSRF.search(page)
        assert found is not None, "no CSRF token on the log-in page"
        self.client.post(
            "/accounts/login/",
            data={
                "username": os.environ["BENCH_STAFF_USER"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": found.group(1),
                "next": "/",
            },
            name="log-in",
        )
        _logged_in()

    @task
    def chart(self) -> None:
        with self.client.get(
            f"/patients/{PATIENT_ID}/diary/", name="chart", catch_response=True
        ) as response:
            if response.status_code != 200 or "Headache calendar" not in (response.text or ""):
                response.failure(f"{response.status_code}: not the chart's diary tab")
