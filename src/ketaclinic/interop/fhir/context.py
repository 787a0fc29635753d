"""What every FHIR builder shares: the systems of this installation and the de-identification.

A builder takes a model instance and an :class:`ExportContext` and returns a validated
``fhir.resources`` R4B model. The context decides, in one place, how a record is named (its
resource id, its identifiers) and how its dates are written, so a de-identified export cannot
forget a field: builders never format an id or a date themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.conf import settings
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference

from ketaclinic.interop.deid import Deidentifier

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"


def base() -> str:
    """This installation's FHIR base (``KETACLINIC_FHIR_BASE``): prefix of its local systems."""
    return str(settings.FHIR_BASE)


def mrn_system(site_code: str) -> str:
    """MRNs are unique per site, so each site has its own identifier system."""
    return f"{base()}/sid/mrn/{site_code}"


def site_system() -> str:
    return f"{base()}/sid/site"


def record_system(kind: str) -> str:
    """The identifier system of one kind of KetaClinic record (its database key)."""
    return f"{base()}/sid/{kind}"


def pseudonym_system() -> str:
    return f"{base()}/sid/pseudonym"


def code_system(name: str) -> str:
    """A local code system, such as ``ichd-3`` or ``instrument-score``."""
    return f"{base()}/CodeSystem/{name}"


def extension_url(name: str) -> str:
    return f"{base()}/StructureDefinition/{name}"


def questionnaire_url(instrument: str) -> str:
    return f"{base()}/Questionnaire/{instrument}"


@cache
def concept(system: str, code: str, display: str = "", text: str = "") -> CodeableConcept:
    """A one-coding concept, validated once and shared (never mutated) by every resource."""
    coding = Coding(system=system, code=code, display=display or None)
    return CodeableConcept(coding=[coding], text=text or None)


@cache
def category(code: str, display: str) -> CodeableConcept:
    return concept(OBSERVATION_CATEGORY, code, display)


@dataclass(frozen=True)
class ExportContext:
    """How records are named and dated in one export: as they are, or de-identified."""

    deidentifier: Deidentifier | None = None

    @property
    def deidentified(self) -> bool:
        return self.deidentifier is not None

    def patient_id(self, patient_pk: int) -> str:
        if self.deidentifier is not None:
            return self.deidentifier.patient_pseudonym(patient_pk)
        return f"patient-{patient_pk}"

    def resource_id(self, kind: str, pk: int | str) -> str:
        """``kind-pk``, or an opaque keyed pseudonym when de-identified (164.514(b)(2)(i)(R))."""
        if self.deidentifier is not None:
            return self.deidentifier.record_pseudonym(kind, pk)
        return f"{kind}-{pk}"

    def patient_reference(self, patient_pk: int) -> Reference:
        return Reference(reference=f"Patient/{self.patient_id(patient_pk)}")

    def reference(self, resource_type: str, kind: str, pk: int | str) -> Reference:
        return Reference(reference=f"{resource_type}/{self.resource_id(kind, pk)}")

    def record_identifiers(self, kind: str, pk: int | str) -> list[Identifier] | None:
        """The record's KetaClinic identifier; none when de-identified (it is a record number)."""
        if self.deidentifier is not None:
            return None
        return [Identifier(system=record_system(kind), value=str(pk))]

    def record_identifier(self, kind: str, pk: int | str) -> Identifier | None:
        identifiers = self.record_identifiers(kind, pk)
        return identifiers[0] if identifiers else None

    def date(self, value: date, patient_pk: int) -> date:
        if self.deidentifier is not None:
            return self.deidentifier.shift_date(value, patient_pk)
        return value

    def instant(self, value: datetime, patient_pk: int) -> datetime:
        if self.deidentifier is not None:
            return self.deidentifier.shift_datetime(value, patient_pk)
        return value

    def text(self, value: str) -> str | None:
        """Free text, or nothing when de-identified: a note may hold a name or a date."""
        if self.deidentifier is not None or not value:
            return None
        return value
