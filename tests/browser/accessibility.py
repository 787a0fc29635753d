"""axe-core (through axe-playwright-python) on a page as it is shown: the check every browser
test can call at the steps it reaches (WCAG 2.1 AA and axe's best practices)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING = frozenset({"critical", "serious"})
_AXE = Axe()


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """axe's critical and serious violations on ``page``, each with the nodes it names."""
    response = _AXE.run(page).response
    return [v for v in response["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations as a reader can act on them: rule, impact, help, the first nodes."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']} {node.get('failureSummary', '')[:240]!r}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """No critical or serious axe violation, and exactly one h1 (WCAG 1.3.1, 2.4.6)."""
    violations = blocking_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"
    headings = page.locator("h1").count()
    assert headings == 1, f"{page.url}: {headings} h1 elements"
