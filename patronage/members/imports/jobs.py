"""Import jobs: an uploaded file is stored, checked whole, then written whole in one transaction or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.errors import NotFound, ValidationFailed
from patronage.core.models import User
from patronage.members.imports.base import (
    CsvFile,
    FileRejected,
    ImportContext,
    Importer,
    RowError,
    csv_open,
    malformed_split,
)
from patronage.members.imports.messages import Message
from patronage.members.models import ImportJob, ImportKind, ImportStatus
from patronage.members.services import notify
from patronage.members.uploads import upload_forget, upload_store

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
MAX_STORED_ERRORS = 1_000
_IMPORTERS = {
    ImportKind.CUSTOMERS: "patronage.members.imports.customers.CustomerImporter",
    ImportKind.TRANSACTIONS: "patronage.commerce.imports.TransactionImporter",
    ImportKind.MEASUREMENTS: "patronage.standards.imports.MeasurementImporter",
}
_FINAL = (ImportStatus.DONE, ImportStatus.REJECTED)


@dataclass
class CheckReport:
    """The outcome of checking a file: how many rows, and the first errors with how many more there were."""

    rows_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append(error)
            else:
                self.more_errors += 1


def import_job_start(
    *,
    kind: str,
    file_name: str,
    content: bytes | IO[bytes],
    actor: User | None,
    options: Mapping[str, str] | None = None,
    enqueue: Callable[[int], object] | None,
) -> ImportJob:
    """Stores an uploaded file with its options and queues its import, handed to `enqueue` once this commits."""
    # The caller (a view, an endpoint) says how a job reaches a worker: a service never imports a task.
    # None leaves it queued for the caller to run itself (the import command, tests).
    if kind not in ImportKind.values:
        raise ValidationFailed(_("unknown import kind '%(kind)s'") % {"kind": kind}, field="kind")
    path, sha256 = upload_store(file_name, content)
    with transaction.atomic(durable=True):
        job = ImportJob.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_path=str(path),
            sha256=sha256,
            status=ImportStatus.QUEUED,
            options=dict(options or {}),
            created_by=actor,
            created_at=clock.now(),
        )
        if enqueue is not None:
            transaction.on_commit(partial(enqueue, job.pk))
    return job


def import_job_run(*, job_id: int, progress: Progress | None = None) -> ImportJob:
    """Runs one job, read with its stored options: checks every row, then writes them all in one transaction."""
    job = _job_claim(job_id)
    if job.status in _FINAL:
        return job
    if not Path(job.file_path).is_file():  # a failed import run again after its file was deleted
        gone = Message.of(gettext_noop("the uploaded file is no longer kept: upload it again"))
        return _job_finish(job, ImportStatus.FAILED, errors=[{"line": None, "field": "", **gone.as_dict()}])
    try:
        importer = _importer_for(job)
        report = _file_check(job, importer, progress)
        if not report.ok:
            return _job_finish(job, ImportStatus.REJECTED, errors=_errors_stored(report))
        _job_set(job, status=ImportStatus.IMPORTING, rows_total=report.rows_total)
        with transaction.atomic(durable=True):
            _file_write(job, importer, progress)
            notes = importer.notes()
            audit_record(
                actor=job.created_by,
                action="import.done",
                target=job,
                notes=[note.english for note in notes],
            )
    except Exception as exc:  # anything unexpected: the transaction rolled back, so nothing was written
        logger.exception("import job %s failed", job.pk)
        return _job_finish(
            job, ImportStatus.FAILED, errors=[{"line": None, "field": "", "message": str(exc)}]
        )
    counts = importer.counts
    return _job_finish(
        job,
        ImportStatus.DONE,
        rows_done=report.rows_total,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        notes=[note.as_dict() for note in notes],
    )


def import_file_check(
    *,
    kind: str,
    path: Path,
    actor: User | None = None,
    options: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Checks a file without importing it (a dry run): the same checks a job makes, nothing written."""
    importer = import_string(_IMPORTERS[ImportKind(kind)])(
        ImportContext(actor=actor, options=options or {}, started_at=clock.now())
    )
    return _report_build(importer, path, progress or _progress_ignore)


def _importer_for(job: ImportJob) -> Importer:
    context = ImportContext(actor=job.created_by, options=job.options, started_at=clock.now(), job_id=job.pk)
    importer: Importer = import_string(_IMPORTERS[ImportKind(job.kind)])(context)
    return importer


def _job_claim(job_id: int) -> ImportJob:
    # A job redelivered after a worker died is run again (its transaction rolled back);
    # a finished one is not: the conditional update lets only one caller claim it.
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .exclude(status__in=_FINAL)
        .update(status=ImportStatus.CHECKING, rows_done=0, errors=[], notes=[], finished_at=None)
    )
    job = import_job_get(job_id=job_id)
    if claimed:
        _progress_publish(job.pk, 0, job.rows_total)
    return job


def _file_check(job: ImportJob, importer: Importer, progress: Progress | None) -> CheckReport:
    def report_progress(done: int, total: int) -> None:
        _progress_publish(job.pk, done, total)
        if progress is not None:
            progress(done, total)

    return _report_build(importer, Path(job.file_path), report_progress)


def _report_build(importer: Importer, path: Path, progress: Progress) -> CheckReport:
    # Shared services (identity and profile checks) translate their messages when they raise, and
    # those are stored as rendered: checking in English stores them in English even when the job
    # runs where a language is active (an eager task runs in the uploader's request).
    with translation.override("en"):
        return _report_check(importer, path, progress)


def _report_check(importer: Importer, path: Path, progress: Progress) -> CheckReport:
    report = CheckReport()
    try:
        csv_file = _csv_open(importer, path)
    except FileRejected as exc:
        report.add(exc.errors)
        return report
    total = _rows_estimate(path)
    try:
        for batch in importer.batches(csv_file.rows()):
            good, malformed = malformed_split(batch)
            report.add(malformed)
            report.add(importer.check(good))
            report.rows_total += len(batch)
            progress(report.rows_total, max(total, report.rows_total))
    except FileRejected as exc:  # the reader cannot go past a line (a cell past the csv module's limit)
        report.add(exc.errors)
    report.errors.sort(key=lambda error: error.line)
    return report


def _csv_open(importer: Importer, path: Path) -> CsvFile:
    csv_file = csv_open(path, importer.columns)
    if errors := importer.header_check(csv_file):
        raise FileRejected(errors)
    return csv_file


def _rows_estimate(path: Path) -> int:
    """Lines after the header; exact unless cells hold line breaks. Shown while the rows are counted."""
    with path.open("rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


def _file_write(job: ImportJob, importer: Importer, progress: Progress | None) -> None:
    csv_file = _csv_open(importer, Path(job.file_path))
    done = 0
    for batch in importer.batches(csv_file.rows()):
        importer.write(batch)
        done += len(batch)
        # The job row is invisible to other connections until commit; the shared cache is not.
        _progress_publish(job.pk, done, job.rows_total)
        if progress is not None:
            progress(done, job.rows_total)


def _errors_stored(report: CheckReport) -> list[dict[str, object]]:
    stored = [error.as_dict() for error in report.errors]
    if report.more_errors:
        stored.append({"line": None, "field": "", "message": "", "more": report.more_errors})
    return stored


def _job_set(job: ImportJob, **values: object) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    job.save(update_fields=list(values))


def _job_finish(job: ImportJob, status: str, **values: object) -> ImportJob:
    with transaction.atomic(durable=True):
        _job_set(job, status=status, finished_at=clock.now(), **values)
        notify.import_finished(job=job)
        if status in _FINAL:
            transaction.on_commit(partial(upload_forget, job.file_path))
    _progress_publish(job.pk, job.rows_done, job.rows_total)
    return job


def _progress_publish(job_id: int, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), (done, total), timeout=24 * 3600)


def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def _progress_ignore(done: int, total: int) -> None:
    return None


# Selectors


def import_job_list() -> QuerySet[ImportJob]:
    """Every import, newest first, with who started it."""
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")


def import_job_get(*, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("import #%(id)s does not exist") % {"id": job_id}, field="job_id")
    return job


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows total) of the current phase, as the running job last published it."""
    published = cache.get(_progress_key(job.pk))
    if published is None:
        return job.rows_done, job.rows_total
    done, total = published
    return int(done), int(total)


def import_job_errors(job: ImportJob) -> tuple[list[dict[str, object]], int]:
    """The row errors of a rejected (or failed) job in the current language, and how many more were found.

    Each is {"line", "field", "message"}; a job stored before errors kept their template shows its
    message as it was stored.
    """
    rows = [
        {"line": error["line"], "field": error["field"], "message": Message.stored(error).render()}
        for error in job.errors
        if "more" not in error
    ]
    more = sum(int(error["more"]) for error in job.errors if "more" in error)
    return rows, more


def import_job_notes(job: ImportJob) -> list[str]:
    """What a finished import adds to its counts (e.g. new store codes created), in the current language."""
    notes: list[object] = list(job.notes)  # dicts written by Message.as_dict; plain strings in older jobs
    return [Message.stored(note).render() for note in notes]
