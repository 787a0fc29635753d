"""What kinds of job there are, and the contract each follows.

A kind belongs to the app whose work it runs (exports to ``interop``, the cohort PDF to
``outcomes``); this module only names them, by dotted path, so the jobs app imports no record
app at start-up. Each kind says who may start it (and, since the check runs again at every
status look and download, who still may), what to call it, and how to run it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.module_loading import import_string

from ketaclinic.accounts.models import User

Progress = Callable[[int, str], None]  # percent done (0-100), what is being done
INPUT_FILENAME = "input"
"""A job started with an input (:func:`~ketaclinic.jobs.actions.start_job`'s ``input``) finds it
under this name in the folder its ``run`` is given."""


@dataclass(frozen=True)
class JobOutput:
    """A finished job's file, written to a private temporary folder the runner owns."""

    path: Path
    filename: str
    content_type: str
    summary: dict[str, Any] | None = None  # shown on the status endpoint as ``result``


@dataclass(frozen=True)
class JobKind:
    # Raises PermissionDenied (or InputRefused) unless ``actor`` may run it with these params;
    # returns the codes of the sites it covers (for the audit and the status page).
    authorize: Callable[[User, dict[str, Any]], Sequence[str]]
    describe: Callable[[dict[str, Any]], str]
    # Runs in the worker, as the user who asked; writes under the folder it is given.
    run: Callable[[User, dict[str, Any], Path, Progress], JobOutput]


KINDS = {
    "export": "ketaclinic.interop.jobs.EXPORT",
    "cohort_pdf": "ketaclinic.outcomes.cohort_jobs.COHORT_PDF",
    "bulk_fhir": "ketaclinic.interop.bulk_data.BULK_FHIR",
    "fhir_type": "ketaclinic.interop.jobs.FHIR_TYPE",
    "fhir_import": "ketaclinic.interop.import_jobs.FHIR_IMPORT",
}


def get_kind(name: str) -> JobKind:
    kind = import_string(KINDS[name])
    assert isinstance(kind, JobKind)
    return kind
