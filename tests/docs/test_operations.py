"""Every environment variable the code reads is documented in docs/operations.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env_str("NAME", ...), env_int("NAME", ...), os.environ.get("NAME"), os.environ["NAME"] ...
READ = re.compile(
    r"""(?:env_[a-z]+\(|os\.environ(?:\.get\()?\[?|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read() -> set[str]:
    names: set[str] = set()
    for folder in ("src", "scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(READ.findall(path.read_text(encoding="utf-8")))
    # Not configuration: DJANGO_SETTINGS_MODULE is set by our own entry points, and BENCH_* are
    # handed by benchmarks/web.py to the load generator it starts.
    return {name for name in names if not name.startswith("BENCH_")} - {"DJANGO_SETTINGS_MODULE"}


def test_every_variable_the_code_reads_is_in_the_operations_table() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", doc, flags=re.MULTILINE))
    read = variables_read()
    assert "KETACLINIC_TIME_ZONE" in read  # the pattern finds the typed readers' calls
    assert read - documented == set()


def test_the_readme_names_no_variable_the_code_does_not_read() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(KETACLINIC_[A-Z0-9_]+)`", readme))
    assert named - variables_read() == set()
