"""Stored import files: where an upload is kept, and when it goes.

An uploaded file lists people, so it is kept only while its import needs it: deleted when the import is
done or rejected (the report keeps the lines and messages, and the import page offers no download), kept
FAILED_FILES_KEPT after a failure so that the import can be run again, then deleted by
import_files_sweep (a periodic task). Erasing a person deletes every file but those of running imports.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db.models import Q
from django.utils.text import get_valid_filename

from patronage.core import clock
from patronage.members.models import ImportJob, ImportStatus

RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
FAILED_FILES_KEPT = timedelta(days=7)
# A file is stored just before its job is created: one that no job names yet is left alone this long.
STRAY_FILES_KEPT = timedelta(hours=1)


def uploads_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_store(file_name: str, content: bytes | IO[bytes]) -> tuple[Path, str]:
    """Writes an upload to the imports folder; returns its path and SHA-256."""
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
        for block in _blocks(content):
            digest.update(block)
            handle.write(block)
    # Stored under its hash and a random part, not its name: a name can name a person (the job row keeps
    # it, where erasure finds it), and each upload gets its own file, so deleting one import's file never
    # takes another's.
    suffix = Path(get_valid_filename(Path(file_name).name or "upload.csv")).suffix[:10] or ".csv"
    path = folder / f"{digest.hexdigest()}-{secrets.token_hex(8)}{suffix}"
    shutil.move(handle.name, path)
    return path, digest.hexdigest()


def _blocks(content: bytes | IO[bytes]) -> Iterable[bytes]:
    if isinstance(content, bytes):
        yield content
        return
    while block := content.read(1 << 20):
        yield block


def upload_forget(file_path: str) -> None:
    """Deletes an ended import's file, unless an import that still needs it names it too (files stored
    before each upload got its own name can be shared)."""
    needing = Q(status__in=RUNNING) | Q(status=ImportStatus.FAILED)
    if not ImportJob.objects.filter(needing, file_path=file_path).exists():
        Path(file_path).unlink(missing_ok=True)


def import_files_sweep(*, failed_after: timedelta = FAILED_FILES_KEPT, now: datetime | None = None) -> int:
    """Deletes the stored uploads no import needs any more; returns how many.

    Kept: the files of imports queued or running, those of failed imports for `failed_after` (to be run
    again), and files no import names that are younger than STRAY_FILES_KEPT (an upload being stored).
    Erasure sweeps with `failed_after=0`: every file but those of running imports goes.
    """
    folder = uploads_folder()
    if not folder.is_dir():
        return 0
    now = now or clock.now()
    needed, named = set(), set()
    jobs = ImportJob.objects.values_list("file_path", "status", "finished_at")
    for file_path, status, finished_at in jobs.iterator(chunk_size=2000):
        name = Path(file_path).name
        named.add(name)
        failed_recently = (
            status == ImportStatus.FAILED and finished_at is not None and finished_at > now - failed_after
        )
        if status in RUNNING or failed_recently:
            needed.add(name)
    deleted = 0
    for path in folder.iterdir():
        if not path.is_file() or path.name in needed:
            continue
        if path.name not in named and path.stat().st_mtime > (now - STRAY_FILES_KEPT).timestamp():
            continue
        path.unlink(missing_ok=True)
        deleted += 1
    return deleted
