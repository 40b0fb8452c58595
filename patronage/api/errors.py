"""The one place that turns failures into JSON problem responses.

Every error body has the same shape, so an integrator writes one error handler:
{"type": code, "title": short title, "status": N, "detail": plain words, "errors": [{"field", "message"}]}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from patronage.api.auth import NOT_AUTHENTICATED
from patronage.core.errors import ApplicationError

# Where ninja says an input came from; integrators know fields, not request parts.
_INPUT_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Body parameters of every endpoint are called `payload` (see routers/); the name is ours, not the caller's.
_BODY_PARAMETER = "payload"

# ninja's own 401, when no auth method accepted the request, says only this.
_BARE_UNAUTHORIZED = AuthenticationError().message

NOT_FOUND = "There is nothing at this address."

_TYPES_BY_STATUS = {400: "bad_request", 403: "permission_denied"}

# Places in a body whose errors name only what follows them: a tagged union's tag and the object under it
# (an analysis' parameters are named "model", not "clv.params.model"). Schemas add theirs.
UNWRAPPED_PREFIXES: set[tuple[str, ...]] = set()


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    type_: str,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
) -> HttpResponse:
    """A JSON problem response in the API's one error shape."""
    body = problem_body(status=status, type_=type_, detail=detail, errors=errors)
    return api.create_response(request, body, status=status)


def problem_body(
    *, status: int, type_: str, detail: str, errors: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The problem as a plain dict: the body of an error response, or one failed item of a bulk request."""
    return {
        "type": type_,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": list(errors),
    }


def application_problem(exc: ApplicationError) -> dict[str, Any]:
    """What the API answers for a domain failure."""
    return problem_body(status=exc.status, type_=exc.code, detail=exc.message, errors=exc.errors)


def validation_problem(loc_errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the API answers for input that fails its schema; `loc_errors` as pydantic or ninja give them."""
    errors = [{"field": field_name(error["loc"]), "message": error["msg"]} for error in loc_errors]
    detail = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
    return problem_body(status=422, type_="validation_failed", detail=detail, errors=errors)


def register_error_handlers(api: NinjaAPI) -> None:
    """Installs the mapping on `api`; ninja picks the most specific handler by the exception's class."""

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return api.create_response(request, application_problem(exc), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_problem(exc.errors), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, status=404, type_="not_found", detail=NOT_FOUND)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = NOT_AUTHENTICATED if exc.message == _BARE_UNAUTHORIZED else exc.message
        return problem(api, request, status=401, type_="not_authenticated", detail=detail)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        type_ = _TYPES_BY_STATUS.get(exc.status_code, "http_error")
        return problem(api, request, status=exc.status_code, type_=type_, detail=exc.message)


def field_name(loc: Sequence[str | int]) -> str:
    """'joined_at' from ('body', 'payload', 'joined_at'); nested places are dotted ('consents.profiling')."""
    parts = list(loc)
    if parts and parts[0] in _INPUT_SOURCES:
        parts = parts[1:]
    if parts and parts[0] == _BODY_PARAMETER:
        parts = parts[1:]
    if parts and parts[-1] == "[key]":  # pydantic's mark on a refused key of an object: the key names it
        parts = parts[:-1]
    for prefix in UNWRAPPED_PREFIXES:
        if len(parts) > len(prefix) and tuple(parts[: len(prefix)]) == prefix:
            parts = parts[len(prefix) :]
            break
    return ".".join(str(part) for part in parts) or "body"
