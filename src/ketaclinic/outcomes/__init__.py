"""Outcomes: per-patient response, cohort analytics, time to relapse, figures and reports.

Part 1 (this package as it stands) is Django-free and columnar: :mod:`.schema` documents the
input frames, :mod:`.analytics` computes the endpoints per course and 28-day month with Polars,
:mod:`.periods` and :mod:`.relapse` hold the rules for periods and relapse, :mod:`.cohort`
aggregates (responder rates, adverse events) with :mod:`.stats` (Wilson intervals, small-cell
suppression), :mod:`.survival` fits Kaplan-Meier curves with lifelines, :mod:`.figures` draws
and :mod:`.synth` writes a synthetic cohort (``ketaclinic synth``).

Wiring to the database is a thin adapter: :mod:`.sources` reads the diary days, courses and
sessions a user may see (one query each, in the column order of :mod:`.schema`), and the pages
call :func:`.analytics.compute_outcomes` and :mod:`.cohort` on them. The cohort side:
:mod:`.cohort_filters` (the filter form of page, PDF and API), :mod:`.cohort_queries` (who sees
what: staff as recorded, researchers de-identified), :mod:`.disclosure` (small-cell and
complementary suppression), :mod:`.cohort_figures`, :mod:`.cohort_views` and :mod:`.api`;
:mod:`.rendering` makes one template a page (inline SVG) or a PDF (PNG, WeasyPrint). Nothing is
cached: every page computes from the rows as they are.
"""
