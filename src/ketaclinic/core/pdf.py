"""PDFs from the pages' own templates, so that paper and screen show the same figures.

A page template extends ``base_template``: ``base.html`` on screen, its app's print base on
paper (which extends ``print_base.html``, with the paper heading of that app). Each app describes
its paper once, as a :class:`Paper`; its stylesheets (the site's, the pages' own, the paper
one with ``@page``) are inlined into the document, so WeasyPrint fetches nothing over the
network while printing and a template can tell paper from screen by ``print_css``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Paper:
    """How an app's pages print: the template they extend on paper and the stylesheets (static
    paths, in cascade order) inlined into it."""

    base_template: str
    stylesheets: tuple[str, ...]

    def css(self) -> str:
        """The stylesheets' text, one after the other; a missing one is left out."""
        parts = []
        for name in self.stylesheets:
            path = finders.find(name)
            if isinstance(path, str):
                with open(path, encoding="utf-8") as handle:
                    parts.append(handle.read())
        return "\n".join(parts)

    def render(self, template: str, context: dict[str, Any]) -> bytes:
        """``template`` rendered on this paper, then laid out by WeasyPrint."""
        from weasyprint import HTML  # type: ignore[import-untyped]  # no stubs published

        html = render_to_string(
            template, {**context, "base_template": self.base_template, "print_css": self.css()}
        )
        document: bytes = HTML(string=html).write_pdf()
        return document
