"""Rules that hold for every field of every operation, written into the generated OpenAPI document.

The guard (guard.py) refuses a NUL character in any text of a request, keys of JSON objects included, so
every plain string the document describes for a request carries a pattern without it. A JSON object kept
on a record (a member's preferences) is described by the StoredJson component: at most
JSON_MAX_DEPTH levels, and its numbers finite. schemathesis fuzzes the API against this document on every
test run (tests/test_fuzz.py), so a rule that is not written here is one the fuzzer reports.
"""

from __future__ import annotations

import sys
from typing import Any

from patronage.api.schemas.common import SAFE_TEXT, STORED_JSON_MARKER
from patronage.core.inputs import JSON_MAX_BYTES, JSON_MAX_DEPTH

_REF_PREFIX = "#/components/schemas/"
_SAFE_STRING = {"type": "string", "pattern": SAFE_TEXT}
_FINITE = sys.float_info.max


def stated(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the rules every request field follows written into each request schema."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    seen: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _state(parameter.get("schema", {}), components, seen)
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if media_type == "multipart/form-data":
                    # A form takes its own fields only (an import refuses others, see routers/imports.py).
                    media.get("schema", {}).setdefault("additionalProperties", False)
                _state(media.get("schema", {}), components, seen)
    components.update(_stored_json_components())
    return document


def _state(schema: Any, components: dict[str, Any], seen: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        name = ref.removeprefix(_REF_PREFIX)
        if name not in seen and name in components:
            seen.add(name)
            _state(components[name], components, seen)
        return
    if schema.pop(STORED_JSON_MARKER, False):
        schema.clear()
        schema["$ref"] = f"{_REF_PREFIX}StoredJson"
        return
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema):
        schema["pattern"] = SAFE_TEXT
    if schema.get("format") == "binary":
        schema.setdefault("minLength", 1)  # an empty file part is no file: Django drops it
    if schema.get("type") == "object" and schema.get("additionalProperties", True) is not False:
        schema.setdefault("propertyNames", dict(_SAFE_STRING))
    for key in ("items", "additionalProperties", "not"):
        _state(schema.get(key), components, seen)
    for key in ("properties", "$defs"):
        for item in (schema.get(key) or {}).values():
            _state(item, components, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for item in schema.get(key) or []:
            _state(item, components, seen)


def _stored_json_components() -> dict[str, Any]:
    """StoredJson and its levels, StoredJson1 to StoredJson{JSON_MAX_DEPTH}: a chain, not a recursion,
    so the depth is stated (and generators need not follow a loop)."""
    made: dict[str, Any] = {
        "StoredJson": {
            "type": "object",
            "propertyNames": dict(_SAFE_STRING),
            "additionalProperties": {"$ref": f"{_REF_PREFIX}StoredJson1"},
            "description": f"a JSON object of at most {JSON_MAX_DEPTH} levels and "
            f"{JSON_MAX_BYTES // 1024} KiB (as UTF-8 JSON); its text without NUL characters",
        }
    }
    for level in range(1, JSON_MAX_DEPTH + 1):
        deeper = {"$ref": f"{_REF_PREFIX}StoredJson{level + 1}"}
        last = level == JSON_MAX_DEPTH
        made[f"StoredJson{level}"] = {
            "anyOf": [
                {"type": "null"},
                {"type": "boolean"},
                {"type": "number", "minimum": -_FINITE, "maximum": _FINITE},
                dict(_SAFE_STRING),
                {"type": "array", "maxItems": 0} if last else {"type": "array", "items": deeper},
                {"type": "object", "maxProperties": 0}
                if last
                else {"type": "object", "propertyNames": dict(_SAFE_STRING), "additionalProperties": deeper},
            ]
        }
    return made
