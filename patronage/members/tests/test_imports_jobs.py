"""Import jobs: stored uploads, the status flow, progress, failure leaving nothing, and the Celery task."""

from __future__ import annotations

from pathlib import Path

import pytest

from patronage.core.models import AuditEntry
from patronage.members.imports import customers as customers_import
from patronage.members.imports import (
    import_job_errors,
    import_job_get,
    import_job_list,
    import_job_progress,
    import_job_run,
    import_job_start,
)
from patronage.members.models import Identity, ImportStatus, Member, TimelineEvent
from patronage.members.tasks import import_job_enqueue

GOOD = b"email,name\none@example.com,One\ntwo@example.com,Two\nthree@example.com,Three\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_upload_is_stored_under_its_hash_and_queued(manager, settings):
    job = import_job_start(
        kind="customers", file_name="../My list.csv", content=GOOD, actor=manager, enqueue=None
    )

    assert job.status == ImportStatus.QUEUED
    path = Path(job.file_path)
    assert path.parent == Path(settings.MEDIA_ROOT) / "imports"
    assert path.name == f"{job.sha256}-My_list.csv"
    assert path.read_bytes() == GOOD
    assert list(import_job_list()) == [job]


def test_a_job_goes_from_queued_to_done_and_publishes_its_progress(manager):
    job = import_job_start(kind="customers", file_name="list.csv", content=GOOD, actor=manager, enqueue=None)
    seen: list[tuple[int, int]] = []

    job = import_job_run(job_id=job.pk, progress=lambda done, total: seen.append((done, total)))

    assert job.status == ImportStatus.DONE
    assert (job.rows_total, job.rows_done, job.created_count) == (3, 3, 3)
    assert job.finished_at is not None
    assert seen == [(3, 3), (3, 3)]  # one batch checked, one batch written
    assert import_job_progress(job) == (3, 3)
    assert AuditEntry.objects.filter(action="import.done", target_id=str(job.pk), actor=manager).exists()


def test_a_finished_job_is_not_run_again(manager):
    job = import_job_start(kind="customers", file_name="list.csv", content=GOOD, actor=manager, enqueue=None)
    import_job_run(job_id=job.pk)
    Member.objects.all().delete()

    again = import_job_run(job_id=job.pk)

    assert again.status == ImportStatus.DONE
    assert Member.objects.count() == 0


def test_a_crash_while_writing_marks_the_job_failed_and_writes_nothing(manager, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(customers_import.CustomerImporter, "_tags_save", explode)
    job = import_job_start(kind="customers", file_name="list.csv", content=GOOD, actor=manager, enqueue=None)

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert import_job_errors(job)[0][0]["message"] == "disk full"
    assert (Member.objects.count(), Identity.objects.count(), TimelineEvent.objects.count()) == (0, 0, 0)


def test_a_failed_job_can_be_run_again(manager, monkeypatch):
    job = import_job_start(kind="customers", file_name="list.csv", content=GOOD, actor=manager, enqueue=None)
    with monkeypatch.context() as patch:
        patch.setattr(customers_import.CustomerImporter, "_tags_save", lambda *a: 1 / 0)
        assert import_job_run(job_id=job.pk).status == ImportStatus.FAILED

    assert import_job_run(job_id=job.pk).status == ImportStatus.DONE
    assert Member.objects.count() == 3


def test_the_celery_task_runs_the_job_once_the_upload_commits(
    manager, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_start(
                kind="customers",
                file_name="list.csv",
                content=GOOD,
                actor=manager,
                enqueue=import_job_enqueue,
            )
    finally:
        app.conf.task_always_eager = False

    job = import_job_get(job_id=job.pk)
    assert job.status == ImportStatus.DONE
    assert Member.objects.count() == 3


def test_the_celery_task_reads_the_options_stored_on_the_job(manager, django_capture_on_commit_callbacks):
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_start(
                kind="customers",
                file_name="list.csv",
                content=b"customer_id,email\n42,one@example.com\n",
                actor=manager,
                options={"namespace": "pos"},
                enqueue=import_job_enqueue,
            )
    finally:
        app.conf.task_always_eager = False

    assert import_job_get(job_id=job.pk).options == {"namespace": "pos"}
    assert Identity.objects.get(kind="external").namespace == "pos"


def test_the_task_leaves_a_rejected_job_alone(manager):
    from patronage.members.tasks import import_job_run_task

    job = import_job_start(
        kind="customers", file_name="bad.csv", content=b"email\nnope\n", actor=manager, enqueue=None
    )
    assert import_job_run_task(job.pk) == ImportStatus.REJECTED
    assert import_job_run_task(job.pk) == ImportStatus.REJECTED
    assert import_job_get(job_id=job.pk).errors[0]["line"] == 2


def test_an_unknown_kind_is_refused(manager):
    from patronage.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        import_job_start(kind="rewards", file_name="x.csv", content=b"", actor=manager, enqueue=None)
    assert raised.value.field == "kind"
