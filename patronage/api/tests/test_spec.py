"""What an integrator reads before writing code: the OpenAPI spec and the browsable docs."""

from __future__ import annotations

import importlib
import pkgutil

from django.test import Client
from ninja import Schema

import patronage.api.schemas as package


def test_the_openapi_spec_is_served_and_lists_the_member_paths(db):
    spec = Client().get("/api/v1/openapi.json").json()

    assert spec["info"]["title"] == "Patronage API"
    assert {
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/timeline",
        "/api/v1/members/{member_id}/consents",
        "/api/v1/members/{member_id}/export",
        "/api/v1/members/{member_id}/erase",
        "/api/v1/members/merge",
        "/api/v1/members/duplicates",
    } <= set(spec["paths"])
    assert spec["paths"]["/api/v1/members"]["post"]["operationId"] == "create_member"


def test_the_spec_documents_the_error_shape_and_the_key(db):
    spec = Client().get("/api/v1/openapi.json").json()

    create = spec["paths"]["/api/v1/members"]["post"]
    assert create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_browsable_docs_are_served(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_no_two_schemas_share_a_name():
    # The document names each shape by its class: a second class of the same name silently replaces the
    # first, and one endpoint is then documented (and fuzzed) with the other's shape.
    owners: dict[str, list[str]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                owners.setdefault(name, []).append(module_info.name)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
