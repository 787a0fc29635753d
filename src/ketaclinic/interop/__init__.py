"""Interoperability: FHIR R4 export and import, REDCap, Parquet, and de-identification.

- :mod:`.deid`: HIPAA Safe Harbor de-identification (pure Python, no Django).
- :mod:`.fhir`: one small builder per FHIR resource type (``fhir.resources`` R4B models),
  the per-patient Bundle, bulk NDJSON and the Bundle import.
- :mod:`.redcap`: a REDCap data dictionary and the matching flat import CSV.
- :mod:`.parquet`: one Parquet table per entity (the outcome engine's schema where one exists).
- :mod:`.sources`: the rows every format reads, scoped to the sites an export may cover.
"""
