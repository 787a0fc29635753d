"""The repository explains itself: the README's layout names every package, its "where do I
change…" table answers the questions a newcomer asks first, and no file points at design
documents outside the repository (tests may read the third-party data in ``../shared/data/``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ketaclinic"
OUTSIDE = re.compile(r"CLINICAL\.md|CONTRACTS\.md|DESIGN\.md|\.\./shared")


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_layout_names_every_package() -> None:
    layout = _readme().split("## Layout", 1)[1].split("## ", 1)[0]
    packages = {path.parent.name + "/" for path in PACKAGE.glob("*/__init__.py")}
    listed = set(re.findall(r"^  (\w+/)", layout, flags=re.MULTILINE))
    assert packages - listed == set()


def test_where_do_i_change_answers_the_first_questions() -> None:
    table = _readme().split("## Where do I change", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    asked = " ".join(row.split("|")[1] for row in rows)
    for question in ("a dose limit", "a diary rule", "a questionnaire", "an API permission"):
        assert question in asked
    assert "| a page |" in table


def test_no_file_points_outside_the_repository() -> None:
    found = []
    for folder in ("src", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".md", ".txt", ".toml", ".css", ".js"}:
                continue
            if path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if OUTSIDE.search(line) and "../shared/data" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
