"""A PDF the app printed, read back with its paper checked: page size, numbers, heading."""

from __future__ import annotations

import io

from django.http import HttpResponse
from pypdf import PdfReader

A4_PORTRAIT = (595, 842)  # points
A4_LANDSCAPE = (842, 595)


def read_paper(response: HttpResponse, *, size: tuple[int, int], heading: str) -> PdfReader:
    """The PDF in ``response``, after checking that it is laid out on ``size`` (points) with
    numbered pages (both from the app's paper stylesheet: proof that it was inlined) and opens
    with ``heading`` (from the app's print base template)."""
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.startswith(heading)
    assert f"page 1 of {len(reader.pages)}" in first
    return reader
