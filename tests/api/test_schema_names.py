"""Each request and response schema of the API has a name of its own.

django-ninja files every schema of the OpenAPI document under its class name, so two classes of
one name (two apps' ``StopIn``) leave one of them described by the other's fields: a client built
from the document sends the wrong body, and the authorisation matrix's example bodies are refused.
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import ketaclinic.api  # imports every router, and so every schema


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_no_two_schemas_of_the_project_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("ketaclinic."):
            by_name[cls.__name__].add(cls.__module__)
    assert {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1} == {}


def test_the_document_describes_the_session_stop_by_its_own_schema() -> None:
    document = ketaclinic.api.api.get_openapi_schema()
    stop = document["paths"]["/api/treatment/sessions/{session_id}/stop"]["post"]
    ref = stop["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert "version" in fields
