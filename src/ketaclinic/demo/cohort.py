"""A synthetic treated cohort behind the outcome pages: a few hundred patients over 18 months.

The forty demo patients are too few for cohort figures, and a researcher (who sees counts of
11 or more only) would find nearly every cell suppressed. So the demo draws a cohort with
``ketaclinic synth`` (a fixed seed: the same cohort every time, ending yesterday) and loads it
through the bulk-load action (``synth.cohort_load.load_synthetic_records``): registry records
(MRN ``DSYN-...``), questionnaires, diaries and courses on the library's literature protocols,
which the demo clinic's admin enables for it. Idempotent: skipped once synthetic patients exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol as TypingProtocol

from django.utils import timezone

from ketaclinic import synth
from ketaclinic.accounts.models import User
from ketaclinic.patients.models import Patient
from ketaclinic.synth.cohort_load import DEMO_MRN_PREFIX, load_synthetic_records
from ketaclinic.synth.cohort_treatment import LIBRARY_CODES
from ketaclinic.treatment import actions
from ketaclinic.treatment.models import Protocol, ProtocolStatus

PATIENTS = 120
DAYS = 480  # a baseline, courses, and a year of follow-up for most
SEED = 2026


class Report(TypingProtocol):
    def count(self, what: str, n: int = 1) -> None: ...


def _protocols(admin: User) -> dict[str, Protocol]:
    """The library protocol of each synthetic regimen, enabled (reviewed) if it was not."""
    mapped = {}
    for name, code in LIBRARY_CODES.items():
        protocol = Protocol.objects.filter(code=code).order_by("-version").first()
        if protocol is None:
            raise LookupError(f"protocol {code} is not in the library")
        if protocol.status != ProtocolStatus.ENABLED:
            protocol = actions.enable_protocol(
                actor=admin,
                protocol=protocol,
                expected_row_version=protocol.row_version,
                review_note="Demo clinic: enabled for the synthetic outcome cohort.",
            )
        mapped[name] = protocol
    return mapped


def seed_cohort(report: Report, admin: User) -> None:
    if Patient.objects.filter(mrn__startswith=DEMO_MRN_PREFIX).exists():
        return
    protocols = _protocols(admin)
    start = timezone.localdate() - timedelta(days=DAYS)
    cohort = synth.generate(PATIENTS, DAYS, seed=SEED, start=start)
    counts = load_synthetic_records(actor=admin, cohort=cohort, protocols=protocols)
    for what, n in counts.items():
        report.count(f"synthetic {what}", n)
