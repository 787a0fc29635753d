"""The outcome PDFs (a letter to the referring physician, a patient summary): the pages' own
templates laid out by WeasyPrint on A4 portrait, figures as PNG data URIs (house pattern of
``inventory.export``: nothing fetched over the network while printing)."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PRINT_BASE = "outcomes/patient_print_base.html"
STYLESHEETS = (
    "ketaclinic/ketaclinic.css",
    "outcomes/patient_outcomes.css",
    "outcomes/patient_print.css",
)


def print_css() -> str:
    """The site stylesheet plus the paper one, inlined."""
    parts = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, encoding="utf-8") as handle:
                parts.append(handle.read())
    return "\n".join(parts)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # no stubs published

    html = render_to_string(
        template, {**context, "base_template": PRINT_BASE, "print_css": print_css()}
    )
    document: bytes = HTML(string=html).write_pdf()
    return document


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
