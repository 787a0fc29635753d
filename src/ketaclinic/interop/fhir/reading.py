"""Reading an incoming FHIR Bundle: validated with ``fhir.resources`` first, then mapped.

Nothing here writes. :func:`parse_bundle` refuses anything that is not a valid R4 Bundle with an
:class:`~ketaclinic.core.errors.InputRefused` naming the path (``entry[2].resource.birthDate``);
the other functions turn one resource into the fields a KetaClinic action takes, refusing what
the action could not store in the same way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from ketaclinic.clinical.contracts import format_location
from ketaclinic.core.errors import InputRefused
from ketaclinic.instruments.models import InstrumentName
from ketaclinic.interop.fhir.context import IDENTIFIER_TYPE, base, extension_url
from ketaclinic.interop.fhir.patient import REGISTRY_STATUS
from ketaclinic.patients.models import PatientStatus, Sex

CONTENT_DIGEST_SYSTEM = "urn:ketaclinic:content-sha256"
"""Identifier of a resource that came without one: a digest of its content (minus id, meta),
so importing the same resource twice is still recognised."""


@dataclass(frozen=True)
class Entry:
    index: int
    full_url: str
    resource: Resource

    @property
    def path(self) -> str:
        return f"entry[{self.index}].resource"

    @property
    def resource_type(self) -> str:
        return str(self.resource.get_resource_type())


@dataclass(frozen=True)
class ParsedBundle:
    type: str
    entries: list[Entry]


def bundle_json(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The Bundle as JSON, checked only for its shape (a quick look, before deciding whether to
    import it at once or as a background job); InputRefused for anything else."""
    data: Any = raw
    if isinstance(raw, bytes | str):
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputRefused("body", str(exc)[:60], "a FHIR Bundle as JSON") from None
        except RecursionError:  # nested deeper than the parser goes: no Bundle is
            raise InputRefused("body", "deeply nested JSON", "a FHIR Bundle as JSON") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        got = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise InputRefused("resourceType", got, "Bundle")
    if not isinstance(data.get("entry") or [], list):
        raise InputRefused("entry", type(data["entry"]).__name__, "a list of entries")
    return data


def parse_bundle(raw: bytes | str | dict[str, Any]) -> ParsedBundle:
    """The Bundle's entries, each a validated R4 resource; InputRefused names the first fault."""
    data = bundle_json(raw)
    for index, entry in enumerate(data.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        try:
            get_fhir_model_class(str(kind))
        except (KeyError, ValueError, TypeError):
            raise InputRefused(
                f"entry[{index}].resource.resourceType", kind, "a FHIR R4 resource type"
            ) from None
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        value = error.get("input")
        raise InputRefused(format_location(error["loc"]), value, error["msg"]) from None
    except (KeyError, TypeError, ValueError) as exc:  # the library's own refusals
        raise InputRefused("entry", str(exc)[:60], "a valid FHIR R4 Bundle") from None
    entries = [
        Entry(index=index, full_url=entry.fullUrl or "", resource=entry.resource)
        for index, entry in enumerate(bundle.entry or [])
        if entry.resource is not None
    ]
    return ParsedBundle(type=str(bundle.type), entries=entries)


class References:
    """Resolves a reference to the entry it names: by fullUrl or by ``Type/id``."""

    def __init__(self, entries: list[Entry]) -> None:
        self._by_key: dict[str, int] = {}
        for entry in entries:
            if entry.full_url:
                self._by_key[entry.full_url] = entry.index
            if entry.resource.id:
                self._by_key[f"{entry.resource_type}/{entry.resource.id}"] = entry.index

    def resolve(self, reference: Reference | None) -> int | None:
        if reference is None or not reference.reference:
            return None
        text = str(reference.reference)
        if text in self._by_key:
            return self._by_key[text]
        # An absolute URL on the Bundle's server: match its last two segments.
        tail = "/".join(text.rstrip("/").split("/")[-2:])
        return self._by_key.get(tail)


def identifier_key(resource: Resource, identifiers: list[Identifier] | None) -> tuple[str, str]:
    """The resource's first identifier with a system and value, else a digest of its content."""
    for identifier in identifiers or []:
        if identifier.system and identifier.value:
            return str(identifier.system), str(identifier.value)
    content = resource.model_dump(mode="json", exclude={"id", "meta"})
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return CONTENT_DIGEST_SYSTEM, hashlib.sha256(canonical.encode()).hexdigest()


def all_identifiers(identifiers: list[Identifier] | None) -> list[tuple[str, str]]:
    return [
        (str(item.system), str(item.value))
        for item in identifiers or []
        if item.system and item.value
    ]


def _is_mrn(identifier: Identifier) -> bool:
    if identifier.system and str(identifier.system).startswith(f"{base()}/sid/mrn/"):
        return True
    codings = identifier.type.coding if identifier.type and identifier.type.coding else []
    return any(c.system == IDENTIFIER_TYPE and c.code == "MR" for c in codings)


def patient_fields(entry: Entry) -> dict[str, Any]:
    """``create_patient``'s keyword arguments from a FHIR Patient (identified: names, birth date).

    A de-identified Patient (no name, a birth year only) cannot become a registry record.
    """
    patient = entry.resource
    assert isinstance(patient, FhirPatient)
    path = entry.path
    mrn = next((i.value for i in patient.identifier or [] if _is_mrn(i) and i.value), None)
    if mrn is None:
        raise InputRefused(f"{path}.identifier", None, "a medical record number (type MR)")
    name = patient.name[0] if patient.name else None
    family = name.family if name is not None else None
    given = " ".join(part for part in name.given or [] if part) if name is not None else ""
    if not family or not given:
        raise InputRefused(f"{path}.name", None, "a family and a given name")
    born = patient.birthDate
    if not isinstance(born, date):
        raise InputRefused(f"{path}.birthDate", born, "a full date of birth (YYYY-MM-DD)")
    telecom = {item.system: item.value for item in reversed(patient.telecom or [])}
    address = patient.address[0] if patient.address else None
    address_text = ""
    if address is not None:
        address_text = address.text or ", ".join(
            part for part in [*(address.line or []), address.city, address.postalCode] if part
        )
    status = next(
        (
            str(ext.valueCode)
            for ext in patient.extension or []
            if ext.url == extension_url(REGISTRY_STATUS) and ext.valueCode in PatientStatus.values
        ),
        PatientStatus.ACTIVE if patient.active is not False else PatientStatus.INACTIVE,
    )
    if patient.deceasedBoolean or patient.deceasedDateTime:
        status = PatientStatus.DECEASED
    return {
        "mrn": str(mrn),
        "given_name": given,
        "family_name": str(family),
        "date_of_birth": born,
        "sex": patient.gender if patient.gender in Sex.values else Sex.UNKNOWN,
        "phone": telecom.get("phone") or "",
        "email": telecom.get("email") or "",
        "address": address_text,
        "status": status,
    }


@dataclass(frozen=True)
class Answers:
    instrument: str
    answers: list[Any]
    completed_at: datetime | None


def questionnaire_answers(entry: Entry) -> Answers | None:
    """Instrument and answers of a QuestionnaireResponse to one of our instruments, else None."""
    response = entry.resource
    assert isinstance(response, QuestionnaireResponse)
    instrument = str(response.questionnaire or "").rstrip("/").split("/")[-1].split("|")[0]
    if instrument not in InstrumentName.values:
        return None
    items = sorted(response.item or [], key=lambda item: _position(item.linkId))
    answers: list[Any] = []
    for position, item in enumerate(items):
        answer = item.answer[0] if item.answer else None
        value = None
        if answer is not None:
            value = answer.valueInteger if answer.valueInteger is not None else answer.valueString
        if value is None:
            raise InputRefused(
                f"{entry.path}.item[{position}].answer", None, "an integer or a string answer"
            )
        answers.append(value)
    authored = response.authored if isinstance(response.authored, datetime) else None
    return Answers(instrument=instrument, answers=answers, completed_at=authored)


def _position(link_id: str | None) -> int:
    return int(link_id) if link_id and link_id.isdigit() else 0
