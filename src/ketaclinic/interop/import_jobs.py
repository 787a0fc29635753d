"""FHIR imports as background jobs: a large Bundle takes longer to check and write than a request
may (a web worker is killed after 30 s), so the request stores it and queues the job
(:func:`ketaclinic.jobs.actions.start_job`); the worker imports it, all or nothing.

Progress is told in stages: checking the Bundle (nothing written), then writing every entry in
one transaction, whose rows no one sees until it commits. A refused entry fails the job with the
refusal (field, value, limit) and stores nothing; the status endpoint's ``result`` has the counts
(created, skipped, held) or the refused entry, and the download is the whole report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.shortcuts import get_object_or_404

from ketaclinic.accounts.models import Site, User
from ketaclinic.interop.actions import check_import, write_import
from ketaclinic.interop.fhir.reading import parse_bundle
from ketaclinic.jobs.kinds import INPUT_FILENAME, JobKind, JobOutput, Progress

IMPORT_IN_REQUEST_MAX_ENTRIES = 200
"""A Bundle of more entries is imported as a background job (about a second of work at most is
done in the request); so is any Bundle sent with ``Prefer: respond-async`` (FHIR's asynchronous
request pattern). Requests are bounded anyway by Django's 2.5 MB body limit."""


def import_params(*, site: Site, entries: int) -> dict[str, Any]:
    return {"site": site.code, "entries": entries}


def _site(params: dict[str, Any]) -> Site:
    return get_object_or_404(Site, code=params["site"])


def _authorize(actor: User, params: dict[str, Any]) -> list[str]:
    site = _site(params)
    check_import(actor=actor, site=site)
    return [site.code]


def _describe(params: dict[str, Any]) -> str:
    return f"FHIR import into site {params['site']} ({params['entries']} entries)"


def _run(actor: User, params: dict[str, Any], folder: Path, progress: Progress) -> JobOutput:
    progress(5, f"Checking the Bundle's {params['entries']} entries")
    parsed = parse_bundle((folder / INPUT_FILENAME).read_bytes())
    progress(40, f"Writing {len(parsed.entries)} entries (all or nothing)")
    report = write_import(actor=actor, site=_site(params), parsed=parsed)
    path = folder / "fhir-import-report.json"
    path.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    return JobOutput(
        path=path, filename=path.name, content_type="application/json", summary=report.summary()
    )


FHIR_IMPORT = JobKind(authorize=_authorize, describe=_describe, run=_run)
