"""FHIR R4 (``fhir.resources`` R4B models): one builder module per resource type, the
per-patient Bundle, bulk NDJSON, and the Bundle import."""
