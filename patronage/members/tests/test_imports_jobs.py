"""Import jobs: stored uploads, the status flow, progress, failure leaving nothing, and the Celery task."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from patronage.core import clock
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
from patronage.members.tasks import import_files_sweep_task, import_job_enqueue
from patronage.members.uploads import FAILED_FILES_KEPT, STRAY_FILES_KEPT, import_files_sweep, uploads_folder

GOOD = b"email,name\none@example.com,One\ntwo@example.com,Two\nthree@example.com,Three\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_upload_is_stored_under_its_hash_not_its_name_and_queued(manager, settings):
    job = import_job_start(
        kind="customers", file_name="../My list.csv", content=GOOD, actor=manager, enqueue=None
    )

    assert job.status == ImportStatus.QUEUED
    path = Path(job.file_path)
    assert path.parent == Path(settings.MEDIA_ROOT) / "imports"
    assert path.name.startswith(f"{job.sha256}-")
    assert path.suffix == ".csv"
    assert "list" not in path.name.lower()  # a file's name can name a person: the job keeps it, not the disk
    assert job.file_name == "../My list.csv"
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


# The stored file: it lists people, so it is kept only while its import needs it


def _started(manager, content: bytes = GOOD):
    return import_job_start(
        kind="customers", file_name="list.csv", content=content, actor=manager, enqueue=None
    )


def test_a_done_import_deletes_its_file_once_it_commits(manager, django_capture_on_commit_callbacks):
    job = _started(manager)

    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_run(job_id=job.pk).status == ImportStatus.DONE

    assert not Path(job.file_path).exists()
    assert import_job_get(job_id=job.pk).created_count == 3  # the counts and the report stay


def test_a_rejected_import_deletes_its_file_and_keeps_its_report(manager, django_capture_on_commit_callbacks):
    job = _started(manager, b"email\nnope\n")

    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_run(job_id=job.pk).status == ImportStatus.REJECTED

    assert not Path(job.file_path).exists()
    assert import_job_errors(import_job_get(job_id=job.pk))[0][0]["line"] == 2


def test_a_failed_import_keeps_its_file_a_week_to_be_run_again_then_the_sweep_deletes_it(
    manager, monkeypatch, django_capture_on_commit_callbacks
):
    job = _started(manager)
    monkeypatch.setattr(customers_import.CustomerImporter, "_tags_save", lambda *a: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_run(job_id=job.pk).status == ImportStatus.FAILED

    assert Path(job.file_path).exists()
    assert import_files_sweep(now=clock.now() + FAILED_FILES_KEPT - timedelta(minutes=1)) == 0
    assert import_files_sweep(now=clock.now() + FAILED_FILES_KEPT + timedelta(minutes=1)) == 1
    assert not Path(job.file_path).exists()


def test_a_failed_import_run_again_after_its_file_went_asks_for_the_file_again(manager, monkeypatch):
    job = _started(manager)
    with monkeypatch.context() as patch:
        patch.setattr(customers_import.CustomerImporter, "_tags_save", lambda *a: 1 / 0)
        import_job_run(job_id=job.pk)
    Path(job.file_path).unlink()

    again = import_job_run(job_id=job.pk)

    assert again.status == ImportStatus.FAILED
    assert import_job_errors(again)[0][0]["message"] == "the uploaded file is no longer kept: upload it again"
    assert Member.objects.count() == 0


def test_the_sweep_keeps_running_imports_and_fresh_uploads_and_takes_old_strays(manager):
    queued = _started(manager)
    folder = uploads_folder()
    fresh, old = folder / "fresh.part", folder / "old.csv"
    fresh.write_bytes(b"email\nx@example.com\n")
    old.write_bytes(b"email\ny@example.com\n")
    long_ago = (clock.now() - STRAY_FILES_KEPT - timedelta(minutes=1)).timestamp()
    os.utime(old, (long_ago, long_ago))

    assert import_files_sweep_task() == 1

    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [Path(queued.file_path).name, "fresh.part"]
    )


def test_the_same_file_uploaded_twice_is_kept_twice_so_one_import_ending_leaves_the_other(
    manager, django_capture_on_commit_callbacks
):
    first, second = _started(manager), _started(manager)
    assert first.sha256 == second.sha256
    assert first.file_path != second.file_path

    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=first.pk)

    assert not Path(first.file_path).exists()
    assert import_job_run(job_id=second.pk).status == ImportStatus.DONE


def test_the_import_files_sweep_is_on_the_beat_schedule(settings):
    """A failed import's file is removed after its retention only if something runs the sweep."""
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "members.import_files_sweep" in scheduled
