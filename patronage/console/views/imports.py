"""The import pages: upload a customers or transactions file, follow its progress, read its error report."""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.console.access import acting_user, staff_required
from patronage.core.errors import ApplicationError, NotFound
from patronage.loyalty.selectors import program_list
from patronage.members.imports import (
    import_job_errors,
    import_job_get,
    import_job_list,
    import_job_notes,
    import_job_progress,
    import_job_start,
)
from patronage.members.models import ImportJob, ImportKind, ImportStatus
from patronage.members.permissions import MEMBERS_IMPORT
from patronage.members.tasks import import_job_enqueue

JOBS_SHOWN = 100
RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORTING)


# Measurements are uploaded on the standards' own page, under their own permission.
GENERAL_KINDS = [(value, label) for value, label in ImportKind.choices if value != ImportKind.MEASUREMENTS]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=GENERAL_KINDS)
    file = forms.FileField(label=_("CSV file"))
    namespace = forms.CharField(
        label=_("System of the external ids (customers)"),
        required=False,
        max_length=32,
        help_text=_("e.g. pos or shop; leave empty when you have one system"),
    )
    source = forms.CharField(
        label=_("Sending system of the orders (transactions)"),
        required=False,
        max_length=32,
        help_text=_("default: import"),
    )
    program = forms.ChoiceField(
        label=_("Loyalty program of the orders (transactions)"),
        required=False,
        help_text=_(
            "default: the file's program column, else the program of the order's brand, else the only program"
        ),
    )
    historical = forms.BooleanField(
        label=_("Orders from before the program began earn points (transactions)"),
        required=False,
        help_text=_("leave unticked: such orders are recorded without points"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = [(program.code, program.name) for program in program_list()]
        cast(forms.ChoiceField, self.fields["program"]).choices = [("", "—"), *programs]

    def options(self) -> dict[str, str]:
        options = {
            name: self.cleaned_data[name]
            for name in ("namespace", "source", "program")
            if self.cleaned_data[name]
        }
        if self.cleaned_data["historical"]:
            options["historical"] = "yes"
        return options


@staff_required(MEMBERS_IMPORT)
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports so far and the upload form; a valid upload is queued and its page opened."""
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_start(
                    kind=form.cleaned_data["kind"],
                    file_name=upload.name,
                    content=cast(IO[bytes], upload),
                    actor=acting_user(request),
                    options=form.options(),
                    enqueue=import_job_enqueue,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("console:import_detail", job_id=job.pk)
    jobs = import_job_list()[:JOBS_SHOWN]
    status = 400 if form.errors else 200
    return render(request, "console/imports/list.html", {"form": form, "jobs": jobs}, status=status)


@staff_required(MEMBERS_IMPORT)
@require_GET
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One import: status, counts and progress (htmx polls the progress part), then its error report."""
    try:
        job = import_job_get(job_id=job_id)
    except NotFound as error:
        raise Http404(error.message) from error
    template = (
        "console/imports/_progress.html"
        if request.headers.get("HX-Request")
        else "console/imports/detail.html"
    )
    return render(request, template, _detail_context(job))


def job_progress_context(job: ImportJob) -> dict[str, Any]:
    """What the progress part of an import's page shows: status, progress, error report and notes (the
    measurement upload's page shows it too)."""
    done, total = import_job_progress(job)
    errors, more_errors = import_job_errors(job)
    return {
        "job": job,
        "running": job.status in RUNNING,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "errors": errors,
        "more_errors": more_errors,
        "notes": import_job_notes(job),
    }


def _detail_context(job: ImportJob) -> dict[str, Any]:
    return {**job_progress_context(job), "options": _options_shown(job)}


def _options_shown(job: ImportJob) -> list[tuple[str, str]]:
    """The options the job was started with, labelled as on the upload form."""
    fields = ImportUploadForm.base_fields
    return [(str(fields[name].label), value) for name, value in job.options.items() if name in fields]
