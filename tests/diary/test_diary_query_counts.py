"""The two requests of the load benchmark (benchmarks/web.py) run a fixed number of queries,
whatever the length of the diary: the diary tab of the chart and a save through the API.

Pinned at 30 days and again at 1,000 (a patient three years into the programme), so an N+1
or a per-day query shows here, on both databases, before it shows in the benchmark.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketaclinic.diary import actions
from tests.conftest import count_queries
from tests.diary.helpers import day_with, free_day, migraine_attack, today, triptan

pytestmark = pytest.mark.django_db

CHART_DIARY_QUERIES = 9  # 11 before the audit head row went (ADR 0008)
CHART_DIARY_CACHED_QUERIES = 7  # the same with the summary cached: no days, no questionnaires
# + 3: the week before's current versions, attacks and medicines, carried into the day's
# summary when an attack runs across midnight (clinical-rules.md §9); constant at any diary length
# - 2 for the audit event (one insert, no head row: ADR 0008)
NEW_DAY_SAVE_QUERIES = 16
# + 1 on an edit: whether the version it replaces had an attack past midnight (then the stored
# summaries of the week after are recomputed: an attack counts on every day it touches)
EDIT_SAVE_QUERIES = 13


def grow_diary(world, days: int) -> None:
    """Import the diary back to ``days`` days ago (from day 3 back: the saves use days 1-2)."""
    entries = {}
    for offset in range(3, days + 1):
        day = today() - timedelta(days=offset)
        entries[day] = (
            day_with(migraine_attack(day, medications=(triptan(day),)))
            if offset % 3 == 0
            else free_day()
        )
    actions.import_diary_days(actor=world.nurse, patient=world.patient, days=entries)


def save_queries(client, world, day, version: int) -> int:
    body = {"version": version, **({"headache_free": True} if version % 2 else {})}
    if not version % 2:
        body["attacks"] = [
            {
                "started_at": f"{day.isoformat()}T08:00:00+00:00",
                "ended_at": f"{day.isoformat()}T14:00:00+00:00",
                "pain": 7,
                "pulsating": True,
                "nausea": True,
                "medications": [{"drug": "sumatriptan", "dose_mg": "50"}],
            }
        ]
    with CaptureQueriesContext(connection) as queries:
        response = client.put(f"/api/diary/{world.patient.pk}/days/{day.isoformat()}", body)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_chart_diary_tab_runs_the_same_queries_at_30_and_1000_days(world, browser_client):
    client = browser_client(world.nurse)
    url = reverse("diary:chart", args=[world.patient.pk])
    grow_diary(world, 30)
    client.get(url)  # the first request of a session also sets the session up
    cache.clear()
    short = count_queries(client, url)  # the summary drawn
    short_cached = count_queries(client, url)  # the summary from the cache
    grow_diary(world, 1000)
    assert "Headache calendar" in client.get(url).content.decode()
    cache.clear()
    assert count_queries(client, url) == short == CHART_DIARY_QUERIES
    assert count_queries(client, url) == short_cached == CHART_DIARY_CACHED_QUERIES


def test_a_diary_save_runs_the_same_queries_at_30_and_1000_days(world, api):
    client = api(world.patient_user)
    grow_diary(world, 30)
    client.get(f"/api/diary/{world.patient.pk}/metrics")  # the token's first use is noted once
    counts = [
        save_queries(client, world, today() - timedelta(days=1), 0),  # a new day
        save_queries(client, world, today() - timedelta(days=1), 1),  # an edit of it
    ]
    grow_diary(world, 1000)
    assert [
        save_queries(client, world, today() - timedelta(days=2), 0),
        save_queries(client, world, today() - timedelta(days=2), 1),
    ] == counts
    assert counts == [NEW_DAY_SAVE_QUERIES, EDIT_SAVE_QUERIES]
