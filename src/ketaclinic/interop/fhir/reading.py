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
from datetime import UTC, date, datetime
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
from ketaclinic.interop.fhir.context import (
    IDENTIFIER_TYPE,
    LOINC,
    base,
    extension_url,
    mrn_system,
    questionnaire_url,
)
from ketaclinic.interop.fhir.patient import REGISTRY_STATUS
from ketaclinic.patients.models import IDENTIFIER_MAX_LENGTH, PatientStatus, Sex
from ketaclinic.patients.validation import MRN_PATTERN

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
    source: str = ""
    """``Bundle.meta.source``: the sending system, when it says."""

    @property
    def sender(self) -> str:
        """Who sent the Bundle, as the chart shows it ("from <sender>"): its ``meta.source``,
        else the system of its first Patient's MRN (the hospital that keeps it), else the
        server of its first absolute fullUrl, else "an unnamed sender"."""
        if self.source:
            return self.source[:255]
        for entry in self.entries:
            resource: Any = entry.resource
            if entry.resource_type == "Patient":
                for identifier in resource.identifier or []:
                    if identifier.system and _is_mrn(identifier):
                        return str(identifier.system)[:255]
        for entry in self.entries:
            if entry.full_url.startswith(("http://", "https://")):
                return "/".join(entry.full_url.split("/")[:3])[:255]
        return "an unnamed sender"


MAX_DEPTH = 64
"""Deepest JSON nesting an import reads (a QuestionnaireResponse's nested items stay far
below it); deeper is refused before any validation, naming where."""
MAX_STRING = 1024 * 1024
"""Longest single string (1 MiB): a name, a note or an attachment, never a whole file."""


def _check_shape(data: Any) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, strings over MAX_STRING, NUL characters and
    unpaired surrogates (neither database can store them); iterative, so no recursion limit."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputRefused(path or "body", "...", f"JSON nested at most {MAX_DEPTH} deep")
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            for position, item in enumerate(value):
                stack.append((item, f"{path}[{position}]", depth + 1))
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise InputRefused(path, f"{value[:20]}...", f"at most {MAX_STRING} characters")
            if "\x00" in value:
                raise InputRefused(path, value[:40], "text without NUL characters")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputRefused(path, value[:40], "valid Unicode text") from None


def _as_bundle(data: dict[str, Any]) -> dict[str, Any]:
    """A single resource (as HL7's examples come) is read as a Bundle of that one entry."""
    if data.get("resourceType") == "Bundle":
        return data
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": data}]}


def bundle_json(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The Bundle as JSON, checked for its shape only (a quick look, before deciding whether to
    import it at once or as a background job); InputRefused names the first fault.

    A single resource is read as a one-entry Bundle. Nothing malformed gets further than
    here: wrong types, deep nesting, huge strings, bad UTF-8 are each refused naming where.
    """
    data: Any = raw
    if isinstance(raw, bytes | str):
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputRefused("body", str(exc)[:60], "a FHIR Bundle as JSON") from None
        except RecursionError:
            raise InputRefused("body", "...", f"JSON nested at most {MAX_DEPTH} deep") from None
    _check_shape(data)
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        got = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise InputRefused("resourceType", got, "a Bundle or a single FHIR R4 resource")
    bundle: dict[str, Any] = _as_bundle(data)
    items = bundle.get("entry")
    if items is not None and not isinstance(items, list):
        raise InputRefused("entry", items, "a list of entries")
    for index, entry in enumerate(items or []):
        if not isinstance(entry, dict):
            raise InputRefused(f"entry[{index}]", entry, "an object with a resource")
        resource = entry.get("resource")
        if resource is not None and not isinstance(resource, dict):
            raise InputRefused(f"entry[{index}].resource", resource, "a FHIR resource object")
    return bundle


def parse_bundle(raw: bytes | str | dict[str, Any]) -> ParsedBundle:
    """The Bundle's entries, each a validated R4 resource; InputRefused names the first fault
    (``bundle_json`` first)."""
    data = bundle_json(raw)
    for index, entry in enumerate(data.get("entry") or []):
        resource = entry.get("resource")
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if resource is None:
            continue
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
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        # The library's own refusals, outside pydantic's errors: never a traceback.
        raise InputRefused("entry", str(exc)[:60], "a valid FHIR R4 Bundle") from None
    entries = [
        Entry(index=index, full_url=entry.fullUrl or "", resource=entry.resource)
        for index, entry in enumerate(bundle.entry or [])
        if entry.resource is not None
    ]
    source = str(bundle.meta.source) if bundle.meta is not None and bundle.meta.source else ""
    return ParsedBundle(type=str(bundle.type), entries=entries, source=source)


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
    return _type_code(identifier) == "MR"


def _type_code(identifier: Identifier) -> str:
    codings = identifier.type.coding if identifier.type and identifier.type.coding else []
    return next((str(c.code) for c in codings if c.system == IDENTIFIER_TYPE and c.code), "")


US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
US_CORE_BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"


def _omb_code(patient: FhirPatient, url: str) -> str:
    for ext in patient.extension or []:
        if ext.url == url:
            for part in ext.extension or []:
                if part.url == "ombCategory" and part.valueCoding is not None:
                    return str(part.valueCoding.code or "")
    return ""


@dataclass(frozen=True)
class PatientFields:
    """What an incoming Patient becomes: ``create_patient``'s arguments and how to match it."""

    own_mrn: str | None
    """The value of this site's own MRN identifier, when the Patient carries one."""
    mrn_candidate: str | None
    """Another system's MRN that also fits ours (adopted when free here), else None."""
    fields: dict[str, Any]
    details: dict[str, Any]
    identifiers: list[tuple[str, str, str, str]]


def patient_fields(entry: Entry, site_code: str) -> PatientFields:
    """A FHIR Patient's registry fields (identified: names, birth date) for site ``site_code``.

    Every identifier with a system is kept as it came (other systems' MRNs, Synthea's UUIDs up
    to 255 characters); this site's MRN, when it is among them, is the record's MRN. A
    de-identified Patient (no name, a birth year only) cannot become a registry record.
    """
    patient = entry.resource
    assert isinstance(patient, FhirPatient)
    path = entry.path
    own_system = mrn_system(site_code)
    own_mrn: str | None = None
    candidate: str | None = None
    identifiers: list[tuple[str, str, str, str]] = []
    for position, identifier in enumerate(patient.identifier or []):
        if not identifier.system or not identifier.value:
            continue
        system, value = str(identifier.system), str(identifier.value)
        for field, text in (("system", system), ("value", value)):
            if len(text) > IDENTIFIER_MAX_LENGTH:
                raise InputRefused(
                    f"{path}.identifier[{position}].{field}",
                    f"{text[:20]}...",
                    f"at most {IDENTIFIER_MAX_LENGTH} characters",
                )
        if system == own_system:
            own_mrn = value
            continue
        if candidate is None and _is_mrn(identifier) and MRN_PATTERN.match(value):
            candidate = value
        identifiers.append((system, value, _type_code(identifier)[:10], str(identifier.use or "")))
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    family = name.family if name is not None else None
    given = [part for part in (name.given or []) if part] if name is not None else []
    if not family or not given:
        raise InputRefused(f"{path}.name", None, "a family and a given name")
    if patient.gender is not None and patient.gender not in Sex.values:
        raise InputRefused(f"{path}.gender", patient.gender, "one of " + ", ".join(Sex.values))
    born = patient.birthDate
    if not isinstance(born, date):
        raise InputRefused(f"{path}.birthDate", born, "a full date of birth (YYYY-MM-DD)")
    phone = next((t for t in patient.telecom or [] if t.system == "phone" and t.value), None)
    email = next((t for t in patient.telecom or [] if t.system == "email" and t.value), None)
    address = patient.address[0] if patient.address else None
    address_text = ""
    details: dict[str, Any] = {"other_given_names": [str(part) for part in given[1:]]}
    if address is not None:
        address_text = address.text or ", ".join(
            part
            for part in [*(address.line or []), address.city, address.state, address.postalCode]
            if part
        )
        details |= {
            "address_line": ", ".join(str(line) for line in address.line or []),
            "city": address.city or "",
            "state": address.state or "",
            "postal_code": address.postalCode or "",
            "country": address.country or "",
        }
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
    died = patient.deceasedDateTime
    if isinstance(died, datetime):
        details["deceased_at"] = died if died.tzinfo else died.replace(tzinfo=UTC)
    elif isinstance(died, date):
        details["deceased_at"] = datetime(died.year, died.month, died.day, tzinfo=UTC)
    birth_sex = next(
        (str(e.valueCode) for e in patient.extension or [] if e.url == US_CORE_BIRTH_SEX), ""
    )
    details |= {
        "phone_use": str(phone.use or "") if phone is not None else "",
        "race": _omb_code(patient, US_CORE_RACE),
        "ethnicity": _omb_code(patient, US_CORE_ETHNICITY),
        "birth_sex": birth_sex,
    }
    fields = {
        "given_name": str(given[0]),
        "family_name": str(family),
        "date_of_birth": born,
        "sex": patient.gender if patient.gender in Sex.values else Sex.UNKNOWN,
        "phone": str(phone.value) if phone is not None else "",
        "email": str(email.value) if email is not None else "",
        "address": address_text,
        "status": status,
    }
    return PatientFields(own_mrn, candidate, fields, details, identifiers)


@dataclass(frozen=True)
class Answers:
    instrument: str
    answers: list[Any]
    completed_at: datetime | None


LOINC_PHQ9 = "44249-1"
"""The PHQ-9 panel in LOINC; its Questionnaire's canonical is ``http://loinc.org/q/44249-1``."""
LOINC_PHQ9_TOTAL = "44261-6"
LOINC_PHQ9_ITEMS = (
    "44250-9",  # 1 little interest or pleasure in doing things
    "44255-8",  # 2 feeling down, depressed, or hopeless
    "44259-0",  # 3 trouble falling or staying asleep, or sleeping too much
    "44254-1",  # 4 feeling tired or having little energy
    "44251-7",  # 5 poor appetite or overeating
    "44258-2",  # 6 feeling bad about yourself
    "44252-5",  # 7 trouble concentrating
    "44253-3",  # 8 moving or speaking slowly, or being fidgety
    "44260-8",  # 9 thoughts that you would be better off dead
)
LOINC_FREQUENCY_ANSWERS = {"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3}
"""LOINC answer list LL358-3 (not at all, several days, more than half the days, nearly every
day) as the PHQ-9's 0-3 item scores."""
LOINC_QUESTIONNAIRE = "http://loinc.org/q/"


def questionnaire_answers(entry: Entry) -> Answers | None:
    """Instrument and answers of a QuestionnaireResponse to one of our instruments, else None.

    Ours are matched by canonical URL exactly (this installation's, unversioned: a version or
    another server's ``.../phq9`` is someone else's questionnaire and is held as received);
    a LOINC PHQ-9 (panel 44249-1, items by their LOINC codes) is scored as ours.
    """
    response = entry.resource
    assert isinstance(response, QuestionnaireResponse)
    canonical = str(response.questionnaire or "")
    authored = response.authored if isinstance(response.authored, datetime) else None
    if canonical in (f"{LOINC_QUESTIONNAIRE}{LOINC_PHQ9}", f"{LOINC}/{LOINC_PHQ9}"):
        return Answers("phq9", _loinc_phq9(entry), authored)
    instrument = next(
        (name for name in InstrumentName.values if questionnaire_url(name) == canonical), None
    )
    if instrument is None:
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
    return Answers(instrument=instrument, answers=answers, completed_at=authored)


def _loinc_phq9(entry: Entry) -> list[Any]:
    """The nine item scores of a LOINC PHQ-9, by item code (linkId ``44250-9`` or
    ``/44250-9``, nested in groups or not); the total (44261-6) is recomputed, never read."""
    by_code: dict[str, Any] = {}
    stack = list(getattr(entry.resource, "item", None) or [])
    while stack:
        item = stack.pop()
        stack.extend(item.item or [])
        code = str(item.linkId or "").rsplit("/", 1)[-1]
        if code in LOINC_PHQ9_ITEMS and item.answer:
            answer = item.answer[0]
            if answer.valueCoding is not None:
                by_code[code] = LOINC_FREQUENCY_ANSWERS.get(str(answer.valueCoding.code))
            else:
                by_code[code] = answer.valueInteger
    answers = []
    for position, code in enumerate(LOINC_PHQ9_ITEMS):
        value = by_code.get(code)
        if value is None:
            raise InputRefused(
                f"{entry.path}.item (LOINC {code})",
                None,
                f"PHQ-9 item {position + 1} answered with a LOINC LL358-3 code or 0-3",
            )
        answers.append(value)
    return answers


def _position(link_id: str | None) -> int:
    return int(link_id) if link_id and link_id.isdigit() else 0
