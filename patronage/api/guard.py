"""What no API request may carry, refused before any endpoint reads it, in the API's problem shape.

A body over the configured size (413); text holding a NUL character or an unpaired surrogate, in the
query or anywhere in a JSON body, and JSON nested past any shape the API takes (422, naming the place).
Each of these reached the database before and ended in a server error. The JSON body is parsed once
here and handed to ninja's parser (`GuardedParser`), so a bulk request is not parsed twice.

A raw e-mail (`INBOUND_EMAIL_PATH`) is no JSON and has its own limit, INBOUND_EMAIL_MAX_BYTES: it is read
here within that limit and handed on as the request's body, unparsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.parser import Parser

from patronage.api.errors import NOT_FOUND, problem_body
from patronage.core.inputs import Refusal, body_refusal, text_refusal
from patronage.messages.inbound_parse import max_bytes, size_refusal

INBOUND_EMAIL_PATH = "/api/v1/inbound/email"

API_PREFIX = "/api/"
_PARSED = "_patronage_json"
_FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class ApiInputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == INBOUND_EMAIL_PATH:
            refused = _inbound_too_large(request) or _bad_query(request)
            if refused is not None:
                return refused
        elif request.path.startswith(API_PREFIX):
            refused = _too_large(request) or _bad_query(request) or _bad_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)


class GuardedParser(Parser):
    """ninja's JSON parser, taking the body the guard parsed already."""

    def parse_body(self, request: HttpRequest) -> Any:
        if hasattr(request, _PARSED):
            return getattr(request, _PARSED)
        return super().parse_body(request)


def _too_large(request: HttpRequest) -> HttpResponse | None:
    if request.content_type == "multipart/form-data":
        return None  # files stream to disk; an import's size is the import's own rule
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length <= limit:
        try:
            request.body  # noqa: B018 - reading it is the check: a body sent without its length
        except RequestDataTooBig:
            pass
        else:
            return None
    detail = f"The request body is larger than {limit // (1024 * 1024)} MiB; send fewer items at a time."
    return JsonResponse(problem_body(status=413, type_="payload_too_large", detail=detail), status=413)


def _inbound_too_large(request: HttpRequest) -> HttpResponse | None:
    """Reads a raw e-mail within its own limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE is for the JSON bodies)."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    body = b"" if length > max_bytes() else request.read(max_bytes() + 1)
    refused = size_refusal(max(length, len(body)))
    if refused is None:
        request._body = body  # what HttpRequest.body answers from now on
        return None
    return JsonResponse(
        problem_body(status=413, type_="payload_too_large", detail=refused.message), status=413
    )


def _bad_query(request: HttpRequest) -> HttpResponse | None:
    for name, values in request.GET.lists():
        for text in (name, *values):
            if refusal := text_refusal(text):
                return _refused(name if text_refusal(name) is None else "query", refusal)
    return None


def _bad_body(request: HttpRequest) -> HttpResponse | None:
    # ninja reads any body as JSON, whatever its declared type: so does the guard, forms and files aside.
    if request.content_type in _FORM_TYPES:
        return _bad_form(request)
    if not request.body:
        return None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None  # ninja answers a body that is not JSON
    setattr(request, _PARSED, data)
    if found := body_refusal(data):
        return _refused(*found)
    return None


def _bad_form(request: HttpRequest) -> HttpResponse | None:
    # A form's fields and its files' names are text the product stores (an import's options and file name).
    if request.method != "POST":
        return None
    fields = [(name, values) for name, values in request.POST.lists()]
    files = [(name, [upload.name or "" for upload in uploads]) for name, uploads in request.FILES.lists()]
    for name, values in fields + files:
        for text in (name, *values):
            if refusal := text_refusal(text):
                return _refused(name if text_refusal(name) is None else "body", refusal)
    return None


def _refused(field: str, refusal: Refusal) -> HttpResponse:
    message = refusal.message()
    body = problem_body(
        status=422,
        type_="validation_failed",
        detail=f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )
    return JsonResponse(body, status=422)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under /api/ that no endpoint answers: the problem shape, not Django's HTML page."""
    body = problem_body(status=404, type_="not_found", detail=NOT_FOUND)
    return JsonResponse(body, status=404)
