"""Outcomes: per-patient response, cohort analytics, time to relapse, figures and reports.

Part 1 (this package as it stands) is Django-free and columnar: :mod:`.schema` documents the
input frames, :mod:`.analytics` computes the endpoints per course and 28-day month with Polars,
:mod:`.periods` and :mod:`.relapse` hold the rules for periods and relapse, :mod:`.cohort`
aggregates (responder rates, adverse events) with :mod:`.stats` (Wilson intervals, small-cell
suppression), :mod:`.survival` fits Kaplan-Meier curves with lifelines, :mod:`.figures` draws
and :mod:`.synth` writes a synthetic cohort (``ketaclinic synth``).

Wiring to the database is a thin adapter: a ``queries.py`` function that reads the diary days,
courses and sessions a user may see (one query each, ``values_list`` in the column order of
:mod:`.schema`), builds the three frames, and calls :func:`.analytics.compute_outcomes` and
:mod:`.cohort` (``min_cell=0`` for staff on their own sites, the default 11 for researchers).
Nothing is cached: every page computes from the rows as they are.
"""
