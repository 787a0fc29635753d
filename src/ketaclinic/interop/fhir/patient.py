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
from fhir.resources.R4B.meta import Meta
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
from ketaclinic.patients.models import Patient, PatientIdentifier, PatientStatus

US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
US_CORE_BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
OMB_SYSTEM = "urn:oid:2.16.840.1.113883.6.238"
"""CDC Race & Ethnicity code system (the OMB categories US Core binds ``ombCategory`` to)."""
OMB_DISPLAY = {
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2135-2": "Hispanic or Latino",
    "2186-5": "Not Hispanic or Latino",
}
REGISTRY_STATUS = "registry-status"
AGE_GROUP = "age-group"
ACTIVE_STATUSES = frozenset({PatientStatus.REFERRED, PatientStatus.ACTIVE})


def mrn_identifier(patient: Patient) -> Identifier:
    kind = CodeableConcept(coding=[Coding(system=IDENTIFIER_TYPE, code="MR")])
    return Identifier(
        use="usual", type=kind, system=mrn_system(patient.site.code), value=patient.mrn
    )


def foreign_identifier(row: PatientIdentifier) -> Identifier:
    """Another system's identifier, as it came: system, value, type (MR, SS, ...) and use."""
    kind = (
        CodeableConcept(coding=[Coding(system=IDENTIFIER_TYPE, code=row.type_code)])
        if row.type_code
        else None
    )
    return Identifier(
        use=row.use or None,
        type=kind,
        system=row.system,
        value=row.value,
    )


def _omb(url: str, code: str) -> Extension:
    """A US Core race or ethnicity extension with one OMB category."""
    display = OMB_DISPLAY.get(code, code)
    return Extension(
        url=url,
        extension=[
            Extension(
                url="ombCategory",
                valueCoding=Coding(system=OMB_SYSTEM, code=code, display=display),
            ),
            Extension(url="text", valueString=display),
        ],
    )


def _us_core_extensions(patient: Patient) -> list[Extension]:
    """Race, ethnicity and birth sex (US Core 6.1) when the record has them."""
    extensions = []
    if patient.race:
        extensions.append(_omb(US_CORE_RACE, patient.race))
    if patient.ethnicity:
        extensions.append(_omb(US_CORE_ETHNICITY, patient.ethnicity))
    if patient.birth_sex:
        extensions.append(Extension(url=US_CORE_BIRTH_SEX, valueCode=patient.birth_sex))
    return extensions


def _address(patient: Patient) -> Address | None:
    if not (patient.address or patient.address_line or patient.city):
        return None
    return Address(
        text=patient.address or None,
        line=[patient.address_line] if patient.address_line else None,
        city=patient.city or None,
        state=patient.state or None,
        postalCode=patient.postal_code or None,
        country=patient.country or None,
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
        "meta": Meta(profile=[US_CORE_PATIENT]),
        "active": patient.status in ACTIVE_STATUSES,
        "gender": patient.sex,
        "managingOrganization": organisation,
        "extension": [status],
    }
    if patient.status == PatientStatus.DECEASED and (
        patient.deceased_at is None or context.deidentified
    ):
        fields["deceasedBoolean"] = True
    elif patient.status == PatientStatus.DECEASED:
        fields["deceasedDateTime"] = patient.deceased_at
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
        ContactPoint(
            system=kind, value=value, use=(patient.phone_use or "home") if kind == "phone" else None
        )
        for kind, value in (("phone", patient.phone), ("email", patient.email))
        if value
    ]
    address = _address(patient)
    given = [patient.given_name, *patient.other_given_names]
    fields.update(
        identifier=[
            mrn_identifier(patient),
            *(foreign_identifier(row) for row in patient.identifiers.all()),
        ],
        name=[HumanName(use="official", family=patient.family_name, given=given)],
        birthDate=patient.date_of_birth,
        telecom=telecom or None,
        address=[address] if address is not None else None,
    )
    fields["extension"] = [*fields["extension"], *_us_core_extensions(patient)]
    return FhirPatient(**fields)
