"""The one hierarchy of errors the domain raises; the API and the pages map it in one place each."""

from __future__ import annotations


class ApplicationError(Exception):
    """A failure a user can act on: it names the problem and, where it has one, the field."""

    status = 400
    code = "application_error"

    def __init__(self, message: str, *, field: str | None = None, errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ([{"field": field, "message": message}] if field else [])


class ValidationFailed(ApplicationError):
    status = 422
    code = "validation_failed"

    @classmethod
    def every(cls, problems: list[tuple[str, str]]) -> ValidationFailed:
        """One refusal naming every bad field (field, message), so a form or an integrator sees them all at
        once; its message is the problems' own words, without field codes."""
        return cls(
            "; ".join(message for _field, message in problems),
            field=problems[0][0],
            errors=[{"field": field, "message": message} for field, message in problems],
        )


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class InsufficientPoints(Conflict):
    code = "insufficient_points"
