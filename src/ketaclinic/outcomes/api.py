"""Outcomes over the JSON API: one router, mounted under ``/api/outcomes``.

The cohort endpoints (``/api/outcomes/cohort``) and the per-patient ones are defined here with
explicit ``XIn`` / ``XOut`` schemas; the reads are in ``cohort_queries`` and ``patient_queries``.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["outcomes"])
