"""The architecture page's import graph is the code's (``scripts/import_graph.py --check``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_graph_in_the_architecture_doc_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_graph.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts over the package found in ``src``."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(src)},
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint_imports(ROOT / "src", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_record_app_importing_outcomes_breaks_the_lint(tmp_path: Path) -> None:
    """`make lint` fails on a layer-breaking import, naming the contract and the line."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "ketaclinic", src / "ketaclinic")
    metrics = src / "ketaclinic" / "diary" / "metrics.py"
    metrics.write_text(
        metrics.read_text(encoding="utf-8") + "\nfrom ketaclinic.outcomes import analytics\n",
        encoding="utf-8",
    )
    result = _lint_imports(src, tmp_path)
    assert result.returncode == 1
    assert "Record apps stay below outcomes, interop, portal, home, synth and demo BROKEN" in (
        result.stdout
    )
    assert "ketaclinic.diary.metrics -> ketaclinic.outcomes.analytics" in result.stdout
