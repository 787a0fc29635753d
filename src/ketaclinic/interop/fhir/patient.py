"""``Patient`` from a registry record (identified, or de-identified by Safe Harbor)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.reference import Reference

from ketaclinic.interop.fhir.context import (
    IDENTIFIER_TYPE,
    ExportContext,
    extension_url,
    mrn_system,
    pseudonym_system,
    site_system,
)
from ketaclinic.patients.models import Patient, PatientStatus

REGISTRY_STATUS = "registry-status"
AGE_GROUP = "age-group"
ACTIVE_STATUSES = frozenset({PatientStatus.REFERRED, PatientStatus.ACTIVE})


def mrn_identifier(patient: Patient) -> Identifier:
    kind = CodeableConcept(coding=[Coding(system=IDENTIFIER_TYPE, code="MR")])
    return Identifier(
        use="usual", type=kind, system=mrn_system(patient.site.code), value=patient.mrn
    )


def build_patient(patient: Patient, context: ExportContext, *, today: date) -> FhirPatient:
    """The registry record; de-identified: pseudonym, sex, birth year (or "90+"), status only.

    ``today`` is the date ages are computed on (the export's date, so the oldest age the record
    can show). Site: the managing organisation by its code, never its address.
    """
    status = Extension(url=extension_url(REGISTRY_STATUS), valueCode=patient.status)
    organisation = Reference(identifier=Identifier(system=site_system(), value=patient.site.code))
    fields: dict[str, Any] = {
        "id": context.patient_id(patient.pk),
        "active": patient.status in ACTIVE_STATUSES,
        "gender": patient.sex,
        "managingOrganization": organisation,
        "extension": [status],
    }
    if patient.status == PatientStatus.DECEASED:
        fields["deceasedBoolean"] = True
    if context.deidentifier is not None:
        age = context.deidentifier.age(patient.date_of_birth, today, patient.pk)
        fields["identifier"] = [
            Identifier(system=pseudonym_system(), value=context.patient_id(patient.pk))
        ]
        if age.over_89:
            fields["extension"] = [
                status,
                Extension(url=extension_url(AGE_GROUP), valueString=age.label),
            ]
        else:
            fields["birthDate"] = str(age.birth_year)
        return FhirPatient(**fields)
    telecom = [
        ContactPoint(system=kind, value=value, use="home" if kind == "phone" else None)
        for kind, value in (("phone", patient.phone), ("email", patient.email))
        if value
    ]
    fields.update(
        identifier=[mrn_identifier(patient)],
        name=[HumanName(use="official", family=patient.family_name, given=[patient.given_name])],
        birthDate=patient.date_of_birth,
        telecom=telecom or None,
        address=[Address(text=patient.address)] if patient.address else None,
    )
    return FhirPatient(**fields)
