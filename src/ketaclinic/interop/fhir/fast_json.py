"""FHIR JSON of a built resource, byte for byte what ``model_dump_json()`` writes, ~13x faster.

``fhir.resources`` serialises through a Python ``model_serializer`` that, for every element of
every nested model, looks up the class's element order, alias map and field types again and
builds an ``OrderedDict`` through pydantic: profiled, three quarters of a bulk export's time
(issue 22). The rules are those of ``fhir_core.fhirabstractmodel.FHIRAbstractModel._fhir_iter``
(elements in the specification's order, ``resourceType`` first, ``None`` and empty lists left
out, a primitive's ``_element`` extension after it, ``fhir_comments`` last, decimals as int when
integral, UUIDs as ``urn:uuid:``); here each class's plan is computed once, the resource becomes
plain dicts and lists, and ``pydantic_core.to_json`` — the encoder ``model_dump_json`` ends in —
writes it, so dates, times, floats and non-ASCII text come out identical.
``tests/interop/test_fast_json.py`` compares the two on every resource type, identified and
de-identified; the builders still validate every resource with fhir.resources.
"""

from __future__ import annotations

import decimal
import uuid
from functools import cache
from typing import Any

from fhir_core.fhirabstractmodel import FHIR_COMMENTS_FIELD_NAME, FHIRAbstractModel
from fhir_core.utils import is_primitive_type
from pydantic_core import to_json

# (field name, JSON key, primitive?, extension field name or "", its JSON key)
Plan = tuple[bool, str, tuple[tuple[str, str, bool, str, str], ...]]


@cache
def _plan(cls: type[FHIRAbstractModel]) -> Plan:
    aliases = cls.get_alias_mapping()
    fields = []
    for element in cls.elements_sequence():
        name = aliases[element]
        info = cls.model_fields[name]
        primitive = is_primitive_type(info)
        ext = f"{name}__ext"
        ext_key = ""
        if primitive and ext in cls.model_fields:
            ext_key = cls.model_fields[ext].alias or ext
        fields.append((name, info.alias or name, primitive, ext if ext_key else "", ext_key))
    return bool(cls.has_resource_base()), getattr(cls, "__resource_type__", ""), tuple(fields)


def _primitive(value: Any) -> Any:
    if isinstance(value, list):
        return [_primitive(item) for item in value]
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        if (
            value.is_finite()
            and value == value.to_integral_value()
            and isinstance(exponent, int)
            and exponent >= 0
        ):
            return int(value)
        return float(value)
    if isinstance(value, uuid.UUID):
        return f"urn:uuid:{value}"
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("base64 elements are not exported; use model_dump_json()")
    return value


def _complex(value: Any) -> Any:
    if isinstance(value, list):
        return [_complex(item) for item in value]
    if isinstance(value, FHIRAbstractModel):
        return as_data(value)
    raise TypeError(f"unexpected element value {type(value).__name__}")


def as_data(model: FHIRAbstractModel) -> dict[str, Any]:
    """The resource (or element) as the plain dict its JSON is written from."""
    has_type, resource_type, fields = _plan(type(model))
    values = model.__dict__
    data: dict[str, Any] = {"resourceType": resource_type} if has_type else {}
    for name, key, primitive, ext, ext_key in fields:
        value = values.get(name)
        if value is not None:
            value = _primitive(value) if primitive else _complex(value)
            if not (isinstance(value, list) and not value):
                data[key] = value
        if ext:
            extension = values.get(ext)
            if extension is not None:
                extension = _complex(extension)
                if len(extension) > 0:
                    data[ext_key] = extension
    comments = values.get(FHIR_COMMENTS_FIELD_NAME)
    if comments is not None:
        data[FHIR_COMMENTS_FIELD_NAME] = comments
    return data


def dumps(resource: FHIRAbstractModel) -> str:
    """``resource.model_dump_json()``, the same bytes."""
    return to_json(as_data(resource)).decode()
