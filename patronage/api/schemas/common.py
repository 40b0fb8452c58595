"""Shapes shared by every router."""

from __future__ import annotations

from ninja import Schema

# The statuses an endpoint may answer with a problem; declared so the OpenAPI spec shows the error shape.
PROBLEM_STATUSES = frozenset({400, 401, 403, 404, 409, 422})


class FieldError(Schema):
    field: str | None
    message: str


class Problem(Schema):
    """Every error: a machine-readable type, the status, and plain words naming the problem and the field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError]
