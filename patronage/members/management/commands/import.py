"""`patronage import customers|transactions|measurements FILE`: checks a CSV file whole, then imports it whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from tqdm import tqdm

from patronage.members.imports import (
    import_file_check,
    import_job_errors,
    import_job_notes,
    import_job_run,
    import_job_start,
)
from patronage.members.models import ImportKind, ImportStatus

ERRORS_PRINTED = 50


class _ProgressBars:
    """One tqdm bar per phase on stderr: the check, then the import (the count restarting marks the switch)."""

    def __init__(self, phases: Iterable[str]):
        self.phases = iter(phases)
        self.bar: tqdm[Any] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None or done < self.bar.n:
            self.close()
            self.bar = tqdm(
                total=total, desc=next(self.phases, ""), unit=" rows", unit_scale=True, leave=True
            )
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = (
        "Imports customers, transactions or measurements of service standards from a CSV file; "
        "a file with a bad row imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values, help="what the file holds")
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, CP949 or CP932; , ; or tab)")
        parser.add_argument(
            "--namespace", default="", help="customers: the system the external ids come from"
        )
        parser.add_argument("--source", default="", help="transactions: the sending system (default: import)")
        parser.add_argument(
            "--program",
            default="",
            help="transactions: the loyalty program (code) of every order; a row's program column wins",
        )
        parser.add_argument(
            "--historical",
            action="store_true",
            help="transactions: purchases from before their program began earn points too",
        )
        parser.add_argument(
            "--standard",
            default="",
            help="measurements: the standard (code) of every row; a row's standard column wins",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file only; import nothing")

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        job_options = {
            name: options[name] for name in ("namespace", "source", "program", "standard") if options[name]
        }
        if options["historical"]:
            job_options["historical"] = "yes"
        if options["dry_run"]:
            self._check(options["kind"], path, job_options)
        else:
            self._import(options["kind"], path, job_options)

    def _check(self, kind: str, path: Path, job_options: Mapping[str, str]) -> None:
        bars = _ProgressBars(["checking"])
        report = import_file_check(kind=kind, path=path, options=job_options, progress=bars)
        bars.close()
        if not report.ok:
            self._reject([error.as_dict() for error in report.errors], report.more_errors)
        self.stdout.write(f"{report.rows_total} rows checked: no errors (dry run, nothing imported)")

    def _import(self, kind: str, path: Path, job_options: Mapping[str, str]) -> None:
        with path.open("rb") as content:
            job = import_job_start(
                kind=kind,
                file_name=path.name,
                content=content,
                actor=None,
                options=job_options,
                enqueue=None,  # run here, below, with progress bars
            )
        bars = _ProgressBars(["checking", "importing"])
        job = import_job_run(job_id=job.pk, progress=bars)
        bars.close()
        errors, more = import_job_errors(job)
        if job.status == ImportStatus.REJECTED:
            self._reject(errors, more)
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"the import failed, nothing was imported: {errors[0]['message']}")
        self.stdout.write(
            f"{job.rows_total} rows: {job.created_count} created, {job.updated_count} updated, "
            f"{job.unchanged_count} unchanged (import #{job.pk})"
        )
        for note in import_job_notes(job):
            self.stdout.write(note)

    def _reject(self, errors: list[dict[str, object]], more: int) -> None:
        for error in errors[:ERRORS_PRINTED]:
            column = error["field"] or "-"
            self.stdout.write(f"line {error['line']}, column {column}: {error['message']}")
        hidden = max(len(errors) - ERRORS_PRINTED, 0) + more
        if hidden:
            self.stdout.write(f"... and {hidden} more")
        self.stderr.write("the file was rejected: nothing was imported")
        raise SystemExit(1)
