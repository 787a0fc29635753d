"""Outcomes: per-patient response, cohort analytics, time to relapse, figures and reports.

Part 1 (this package as it stands) is Django-free and columnar: :mod:`.schema` documents the
input frames, :mod:`.analytics` computes the endpoints with Polars, :mod:`.cohort` aggregates
them, :mod:`.survival` fits Kaplan-Meier curves with lifelines, :mod:`.synth` writes a synthetic
cohort and :mod:`.figures` draws. The database adapter (diary, courses and sessions read from
the models into these frames) comes with the diary and treatment apps.
"""
