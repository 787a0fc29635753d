"""Writes of the interop app: importing a FHIR Bundle into a site.

The import is one transaction: every entry is created, skipped or held, or nothing is stored.
Records are written through the owning apps' actions (``create_patient``,
``submit_questionnaire``), so an imported record passes the same checks, and leaves the same
revisions and audit events, as one typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.reference import Reference

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.permissions import require, require_site
from ketaclinic.accounts.roles import Capability
from ketaclinic.audit.actions import record_event
from ketaclinic.clinical.errors import ClinicalInputError
from ketaclinic.core.errors import Conflict, InputRefused
from ketaclinic.instruments.actions import submit_questionnaire
from ketaclinic.interop.fhir import score_observation
from ketaclinic.interop.fhir.context import LOINC, code_system
from ketaclinic.interop.fhir.reading import (
    LOINC_PHQ9_TOTAL,
    Entry,
    ParsedBundle,
    PatientFields,
    References,
    all_identifiers,
    identifier_key,
    parse_bundle,
    patient_fields,
    questionnaire_answers,
)
from ketaclinic.interop.medicines import record_imported_medicine
from ketaclinic.interop.models import FhirImport, ImportedRecord, ImportOutcome
from ketaclinic.patients.actions import create_patient
from ketaclinic.patients.models import IDENTIFIER_MAX_LENGTH, Patient, PatientIdentifier

HELD_TYPES = frozenset(
    {
        "AllergyIntolerance",
        "Condition",
        "Encounter",
        "MedicationRequest",
        "MedicationStatement",
        "Observation",
        "Procedure",
    }
)
"""Kept with their patient as read-only external history (shown on the chart, "from <sender>,
imported <date>", and exported again) until KetaClinic has a record type for them."""
PATIENT_TYPES = frozenset({"Patient"})
IMPORT_MRN_PREFIX = "IMP-"
"""MRNs given to imported patients whose sender's MRN does not fit ours (IMP-1001, ...)."""


@dataclass
class ImportReport:
    """What one Bundle import did, entry by entry."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    fhir_import_id: int | None = None

    def add(self, entry: Entry, outcome: str, **detail: Any) -> None:
        self.entries.append(
            {"entry": entry.index, "resourceType": entry.resource_type, "outcome": outcome} | detail
        )

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.entries if item["outcome"] == outcome)

    def summary(self) -> dict[str, Any]:
        """The counts alone (a background import's result on its status endpoint)."""
        return {
            "import_id": self.fhir_import_id,
            "created": self.count("created"),
            "skipped": self.count("skipped"),
            "held": self.count("held"),
        }

    def as_dict(self) -> dict[str, Any]:
        return self.summary() | {"entries": self.entries}


class _Importer:
    def __init__(
        self,
        actor: User,
        site: Site,
        entries: list[Entry],
        progress: Callable[[int, int], None] | None = None,
        for_patient: Patient | None = None,
        sender: str = "",
    ) -> None:
        self.sender = sender
        self.actor, self.site, self.entries = actor, site, entries
        self.progress = progress
        self.for_patient = for_patient
        self.outside: tuple[int, str] | None = None  # (entry, reference) of the named patient
        self.done = 0
        self.references = References(entries)
        self.patients: dict[int, Patient] = {}
        self.seen: dict[tuple[str, str], int] = {}
        self.pending: list[ImportedRecord] = []
        self.report = ImportReport()
        self.next_import_number: int | None = None

    def run(self) -> ImportReport:
        # Patients first: everything else points at one.
        for entry in self.entries:
            if entry.resource_type in PATIENT_TYPES and self.for_patient is not None:
                raise InputRefused(
                    entry.path, entry.resource_type, "no Patient in a file for a named chart"
                )
            if entry.resource_type in PATIENT_TYPES:
                self._guarded(self._patient, entry)
                self._step()
        for entry in self.entries:
            if entry.resource_type == "QuestionnaireResponse":
                self._guarded(self._questionnaire, entry)
            elif entry.resource_type in HELD_TYPES:
                self._guarded(self._held, entry)
            elif entry.resource_type not in PATIENT_TYPES:
                self.report.add(entry, "skipped", reason=f"{entry.resource_type} is not imported")
            if entry.resource_type not in PATIENT_TYPES:
                self._step()
        return self.report

    @staticmethod
    def _guarded(step: Callable[[Entry], None], entry: Entry) -> None:
        """One entry's mapping; a resource valid FHIR but not shaped as the mapping reads it
        (a missing element it needs) is refused naming the entry, never a traceback."""
        try:
            step(entry)
        except ClinicalInputError:  # a refusal already naming its field (a ValueError too)
            raise
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise InputRefused(
                entry.path, str(exc)[:80], "a resource KetaClinic can read"
            ) from None

    def _step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.entries))

    def _known(self, keys: list[tuple[str, str]]) -> ImportedRecord | int | None:
        """An earlier import of the same identifier, or an earlier entry of this Bundle."""
        for key in keys:
            if key in self.seen:
                return self.seen[key]
        return (
            ImportedRecord.objects.filter(site=self.site)
            .filter(_any_identifier(keys))
            .select_related("patient")
            .first()
            if keys
            else None
        )

    def _remember(self, entry: Entry, key: tuple[str, str], outcome: str, **fields: Any) -> None:
        for part, text in zip(("system", "value"), key, strict=True):
            if len(text) > IDENTIFIER_MAX_LENGTH:
                raise InputRefused(
                    f"{entry.path}.identifier.{part}",
                    f"{text[:20]}...",
                    f"at most {IDENTIFIER_MAX_LENGTH} characters",
                )
        self.seen[key] = entry.index
        self.pending.append(
            ImportedRecord(
                site=self.site,
                entry_index=entry.index,
                resource_type=entry.resource_type,
                system=key[0],
                value=key[1],
                outcome=outcome,
                resource=entry.resource.model_dump(mode="json"),
                **fields,
            )
        )

    def _patient(self, entry: Entry) -> None:
        resource = entry.resource
        assert isinstance(resource, FhirPatient)
        keys = all_identifiers(resource.identifier)
        known = self._known(keys)
        if isinstance(known, int):
            self.patients[entry.index] = self.patients[known]
            self.report.add(entry, "skipped", reason=f"the same patient as entry[{known}]")
            return
        if known is not None and known.patient is not None:
            self.patients[entry.index] = known.patient
            self.report.add(entry, "skipped", reason="imported before", patient=known.patient.pk)
            return
        found = patient_fields(entry, self.site.code)
        existing = self._registered(found)
        if existing is not None:
            self.patients[entry.index] = existing
            self.report.add(entry, "skipped", reason="already registered here", patient=existing.pk)
            return
        try:
            patient = create_patient(
                actor=self.actor,
                site=self.site,
                mrn=self._mrn(found),
                **found.fields,
                details=found.details,
                identifiers=found.identifiers,
            )
        except ClinicalInputError as exc:
            raise InputRefused(f"{entry.path} ({exc.field})", exc.value, exc.expected) from None
        except Conflict as exc:
            raise InputRefused(f"{entry.path}.identifier", str(exc), "unique at the site") from None
        self.patients[entry.index] = patient
        key = identifier_key(resource, resource.identifier)
        self._remember(
            entry,
            key,
            ImportOutcome.CREATED,
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
        )
        self.report.add(entry, "created", patient=patient.pk)

    def _registered(self, found: PatientFields) -> Patient | None:
        """The site's record of this patient: by our own MRN, else by another system's
        identifier (system, value) that a record here already carries."""
        if found.own_mrn is not None:
            return Patient.objects.filter(site=self.site, mrn=found.own_mrn.upper()).first()
        condition = Q()
        for system, value, _type, _use in found.identifiers:
            condition |= Q(system=system, value=value)
        if not found.identifiers:
            return None
        match = PatientIdentifier.objects.filter(condition, site=self.site).first()
        return match.patient if match is not None else None

    def _mrn(self, found: PatientFields) -> str:
        """The new record's MRN: ours when the Patient has it, the sender's MRN when it fits
        and is free here, else the next ``IMP-<n>`` (a foreign MRN such as Synthea's UUID
        stays one of the record's identifiers)."""
        for mrn in (found.own_mrn, found.mrn_candidate):
            if mrn is not None and not self._mrn_taken(mrn):
                return mrn
        if self.next_import_number is None:
            numbers = [
                int(mrn[len(IMPORT_MRN_PREFIX) :])
                for mrn in Patient.objects.filter(
                    site=self.site, mrn__startswith=IMPORT_MRN_PREFIX
                ).values_list("mrn", flat=True)
                if mrn[len(IMPORT_MRN_PREFIX) :].isdigit()
            ]
            self.next_import_number = max(numbers, default=1000) + 1
        number, self.next_import_number = self.next_import_number, self.next_import_number + 1
        return f"{IMPORT_MRN_PREFIX}{number}"

    def _mrn_taken(self, mrn: str) -> bool:
        return Patient.objects.filter(site=self.site, mrn=mrn.upper()).exists()

    def _subject(
        self, entry: Entry, reference: Reference | None, *, field: str = "subject"
    ) -> Patient:
        index = self.references.resolve(reference)
        if index is not None and index in self.patients:
            return self.patients[index]
        shown = reference.reference if reference is not None else None
        if self.for_patient is None or not shown:
            raise InputRefused(f"{entry.path}.{field}", shown, "a Patient entry of this Bundle")
        return self._named_patient(entry, str(shown), field)

    def _named_patient(self, entry: Entry, reference: str, field: str) -> Patient:
        """The chart the user named for a file about one patient (an HL7 example, another
        system's single resource), whose reference to that patient points outside the file.

        Every such reference must be the same one: a file about two patients is refused, so a
        resource of someone else is never filed on this chart."""
        assert self.for_patient is not None
        if self.outside is None:
            self.outside = (entry.index, reference)
        elif self.outside[1] != reference:
            first, same = self.outside
            raise InputRefused(
                f"{entry.path}.{field}", reference, f"{same}, as entry[{first}] (one patient)"
            )
        return self.for_patient

    def _already(self, entry: Entry, key: tuple[str, str]) -> bool:
        known = self._known([key])
        if known is None:
            return False
        where = f"entry[{known}]" if isinstance(known, int) else "imported before"
        self.report.add(entry, "skipped", reason=f"same identifier as {where}")
        return True

    def _questionnaire(self, entry: Entry) -> None:
        resource: Any = entry.resource
        patient = self._subject(entry, resource.subject)
        key = identifier_key(resource, [resource.identifier] if resource.identifier else None)
        if self._already(entry, key):
            return
        answers = questionnaire_answers(entry)
        if answers is None:
            self._remember(entry, key, ImportOutcome.HELD, patient=patient)
            self.report.add(entry, "held", reason="not a KetaClinic instrument")
            return
        try:
            response = submit_questionnaire(
                actor=self.actor,
                patient=patient,
                instrument=answers.instrument,
                answers=answers.answers,
                completed_at=answers.completed_at,
                imported=True,
            )
        except ClinicalInputError as exc:
            raise InputRefused(f"{entry.path} ({exc.field})", exc.value, exc.expected) from None
        self._remember(
            entry,
            key,
            ImportOutcome.CREATED,
            patient=patient,
            object_type="questionnaire",
            object_id=response.pk,
        )
        self.report.add(entry, "created", questionnaire=response.pk)

    def _held(self, entry: Entry) -> None:
        resource: Any = entry.resource
        if entry.resource_type == "AllergyIntolerance":
            patient = self._subject(entry, resource.patient, field="patient")
        else:
            patient = self._subject(entry, resource.subject)
        if entry.resource_type == "Observation" and self._derived_score(resource):
            self.report.add(
                entry, "skipped", reason="a questionnaire score: recomputed from the answers"
            )
            return
        key = identifier_key(resource, resource.identifier)
        if self._already(entry, key):
            return
        self._remember(entry, key, ImportOutcome.HELD, patient=patient)
        medicine = record_imported_medicine(
            actor=self.actor,
            patient=patient,
            resource_type=entry.resource_type,
            resource=self.pending[-1].resource,
            sender=self.sender,
        )
        extra = {"medication": medicine.pk} if medicine is not None else {}
        self.report.add(
            entry, "held", reason="kept with the patient until a record type exists", **extra
        )

    def _derived_score(self, observation: Any) -> bool:
        """A score we recompute: ours, or a LOINC PHQ-9 total, derived from a response here."""
        codings = observation.code.coding or []
        scored = any(
            c.system == code_system(score_observation.SCORE_SYSTEM)
            or (c.system == LOINC and c.code == LOINC_PHQ9_TOTAL)
            for c in codings
        )
        sources = [self.references.resolve(ref) for ref in observation.derivedFrom or []]
        return scored and any(
            index is not None and self.entries[index].resource_type == "QuestionnaireResponse"
            for index in sources
        )


TYPE_CAPABILITIES: dict[str, tuple[Capability, ...]] = {
    "Patient": (Capability.EDIT_PATIENTS,),
    "QuestionnaireResponse": (Capability.RECORD_QUESTIONNAIRES,),
}
"""What an entry of each type needs beyond IMPORT_RECORDS (the actions it is written through
check the same again); everything else is held or skipped, which IMPORT_RECORDS covers."""


def check_import_permissions(actor: User, entries: list[Entry]) -> None:
    """Before anything is written: the first entry the actor may not import is refused by name
    (an admin may register patients but not enter questionnaire answers)."""
    for entry in entries:
        for capability in TYPE_CAPABILITIES.get(entry.resource_type, ()):
            if not actor.can(capability):
                raise PermissionDenied(
                    f"{entry.path} ({entry.resource_type}): your role ({actor.role}) may not "
                    f"{capability.value}; nothing was imported"
                )


def _any_identifier(keys: list[tuple[str, str]]) -> Q:
    condition = Q()
    for system, value in keys:
        condition |= Q(system=system, value=value)
    return condition


def import_fhir_bundle(
    *,
    actor: User,
    site: Site,
    bundle: bytes | str | dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
    patient: Patient | None = None,
) -> ImportReport:
    """Import a FHIR Bundle into ``site``: all or nothing, idempotent by identifier.

    Patients become registry records (``create_patient``), QuestionnaireResponses to our
    instruments scored responses (``submit_questionnaire``, source "import"); questionnaire score
    Observations derived from them are skipped (recomputed); Conditions, MedicationStatements
    and other Observations are held in the import ledger with their patient. Any entry refused
    refuses the whole Bundle (InputRefused naming ``entry[i].resource...``); an import killed
    half-way leaves nothing either (one transaction), so it can be run again.
    ``progress(done, total)`` after each entry (written, not yet committed).

    ``patient`` names the chart a file about one patient belongs to when its references to
    that patient point outside the file (a single resource, as HL7's examples are published):
    they are filed on that chart; a file holding a Patient, or about two patients, is refused.
    """
    check_import(actor=actor, site=site)
    if patient is not None and patient.site_id != site.pk:
        raise InputRefused("patient", patient.mrn, f"a patient of {site.code}")
    return write_import(
        actor=actor, site=site, parsed=parse_bundle(bundle), progress=progress, patient=patient
    )


def check_import(*, actor: User, site: Site) -> None:
    """Whether ``actor`` may import into ``site`` (before anything is read or queued)."""
    require(actor, Capability.IMPORT_RECORDS)
    require_site(actor, site.pk)


@transaction.atomic
def write_import(
    *,
    actor: User,
    site: Site,
    parsed: ParsedBundle,
    progress: Callable[[int, int], None] | None = None,
    patient: Patient | None = None,
) -> ImportReport:
    """Write a parsed Bundle (:func:`~.fhir.reading.parse_bundle`, which writes nothing) in one
    transaction: every entry, the import ledger and the audit event, or none of them."""
    check_import(actor=actor, site=site)
    entries = parsed.entries
    check_import_permissions(actor, entries)
    importer = _Importer(actor, site, entries, progress, for_patient=patient, sender=parsed.sender)
    report = importer.run()
    fhir_import = FhirImport.objects.create(
        site=site,
        imported_by=actor,
        bundle_type=parsed.type[:20],
        sender=parsed.sender,
        entries=len(entries),
        created=report.count("created"),
        skipped=report.count("skipped"),
        held=report.count("held"),
        report=report.entries,
    )
    for record in importer.pending:
        record.fhir_import = fhir_import
    ImportedRecord.objects.bulk_create(importer.pending)
    report.fhir_import_id = fhir_import.pk
    record_event(
        actor=actor,
        action="import.fhir",
        object_type="fhir_import",
        object_id=fhir_import.pk,
        site_id=site.pk,
        detail={
            "entries": len(entries),
            "created": fhir_import.created,
            "skipped": fhir_import.skipped,
            "held": fhir_import.held,
        }
        | ({"for_patient": patient.pk} if patient is not None else {}),
    )
    return report
