from datetime import datetime

from ninja import Field, Schema

from patronage.members.imports import import_job_errors, import_job_notes, import_job_progress
from patronage.members.models import ImportJob


class ImportRowError(Schema):
    line: int | None = None
    field: str | None = None
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    rows_done: int
    rows_total: int
    created: int = Field(..., alias="created_count")
    updated: int = Field(..., alias="updated_count")
    unchanged: int = Field(..., alias="unchanged_count")
    errors: list[ImportRowError]
    more_errors: int
    notes: list[str]
    created_at: datetime
    finished_at: datetime | None

    # Progress lives in the shared cache while a job runs; errors and notes are read through the import selectors.
    @staticmethod
    def resolve_rows_done(job: ImportJob) -> int:
        return import_job_progress(job)[0]

    @staticmethod
    def resolve_rows_total(job: ImportJob) -> int:
        return import_job_progress(job)[1]

    @staticmethod
    def resolve_errors(job: ImportJob) -> list[dict[str, object]]:
        return import_job_errors(job)[0]

    @staticmethod
    def resolve_more_errors(job: ImportJob) -> int:
        return import_job_errors(job)[1]

    @staticmethod
    def resolve_notes(job: ImportJob) -> list[str]:
        return import_job_notes(job)
