"""Shapes shared by every router."""

from __future__ import annotations

from pydantic import BaseModel

# The statuses an endpoint may answer with a problem; declared so the OpenAPI spec shows the error shape.
PROBLEM_STATUSES = frozenset({400, 401, 403, 404, 409, 422})


class ValueSchema(BaseModel):
    """The base of shapes built from plain values, on the paths that carry many of them (transactions).

    ninja's Schema wraps every validation in a step that reads attributes off ORM objects; on a bulk
    request of a thousand purchases that step cost about six times the validation itself. Shapes read
    off model instances (with `resolve_*` methods) stay on ninja's Schema.
    """


class FieldError(ValueSchema):
    field: str | None
    message: str


class Problem(ValueSchema):
    """Every error: a machine-readable type, the status, and plain words naming the problem and the field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError]
