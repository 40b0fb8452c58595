"""Bulk imports for integrations: upload a CSV, then follow the job until it is done or rejected."""

# No `from __future__ import annotations` here: ninja reads `File[...]`/`Form[...]` parameters at import time.

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.imports import ImportJobOut
from patronage.core.errors import ValidationFailed
from patronage.members.imports import import_job_get, import_job_list, import_job_start
from patronage.members.models import ImportJob
from patronage.members.tasks import import_job_enqueue

router = Router(tags=["imports"])
# The form's fields: any other is refused, as unknown fields of a JSON body are (a typo never goes unnoticed).
FORM_FIELDS = {"kind", "file", "namespace", "source", "program", "historical"}
IMPORTS = require_scope("imports")


@router.post("", response={202: ImportJobOut, PROBLEM_STATUSES: Problem}, auth=IMPORTS)
def start_import(
    request: HttpRequest,
    kind: Form[Literal["customers", "transactions"]],
    file: File[UploadedFile],
    namespace: Form[str] = "",
    source: Form[str] = "",
    program: Form[str] = "",
    # A form field is text: "true" or "false", as the document's enum says (not "0", "yes" or "on").
    historical: Form[Literal["true", "false"]] = "false",
) -> Status[ImportJob]:
    """Queues a CSV import (`kind` customers or transactions). The whole file is checked first: a bad row
    rejects the file with its line numbers, and nothing is written. Follow it with GET /imports/{id}.

    Transactions: `program` books every order's points in that program (a row's `program` column wins);
    `historical` lets purchases from before their program began earn."""
    unknown = sorted((set(request.POST) | set(request.FILES)) - FORM_FIELDS)
    if unknown:
        raise ValidationFailed(_("unknown field '%(field)s'") % {"field": unknown[0]}, field=unknown[0])
    given = (("namespace", namespace), ("source", source), ("program", program))
    options = {name: value for name, value in given if value}
    if historical == "true":
        options["historical"] = "yes"
    job = import_job_start(
        kind=kind,
        file_name=file.name or "upload.csv",
        content=file,
        actor=acting_user(request),
        options=options,
        enqueue=import_job_enqueue,
    )
    return Status(202, job)


@router.get("", response={200: list[ImportJobOut], PROBLEM_STATUSES: Problem}, auth=IMPORTS)
@paginate(LimitOffset)
def list_imports(request: HttpRequest) -> QuerySet[ImportJob]:
    """Imports, newest first."""
    return import_job_list()


@router.get("/{job_id}", response={200: ImportJobOut, PROBLEM_STATUSES: Problem}, auth=IMPORTS)
def get_import(request: HttpRequest, job_id: PathId) -> ImportJob:
    """A job's status, progress, counts and, when rejected, each bad row's line, column and reason."""
    return import_job_get(job_id=job_id)
