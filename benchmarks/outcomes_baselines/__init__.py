"""Baselines of benchmarks/outcomes.py: the same endpoints as ketaclinic.outcomes, written the
way a researcher would without it: DuckDB SQL, and a per-patient pandas loop."""
