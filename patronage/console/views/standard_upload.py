"""The measurement upload: a call-centre or door-counter export, checked whole and written whole (as the customer
import), followed by its progress, then each team's compliance before and after it."""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.console.access import acting_user, staff_required
from patronage.console.views.imports import job_progress_context
from patronage.core.errors import ApplicationError, NotFound
from patronage.members.imports import import_job_get, import_job_list, import_job_start
from patronage.members.models import ImportJob, ImportKind, ImportStatus
from patronage.members.tasks import import_job_enqueue
from patronage.standards.imports import upload_compliance
from patronage.standards.models import Source
from patronage.standards.permissions import MEASUREMENTS_ADD
from patronage.standards.selectors import standard_by_code, standard_list

UPLOADS_SHOWN = 20


class MeasurementUploadForm(forms.Form):
    standard = forms.ChoiceField(
        label=_("Standard"),
        required=False,
        help_text=_("the standard every row measures; a row's own standard column wins"),
    )
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        measured = standard_list().filter(source=Source.MEASURED)
        cast(forms.ChoiceField, self.fields["standard"]).choices = [
            ("", _("From the file's standard column")),
            *((standard.code, standard.name) for standard in measured),
        ]


@staff_required(MEASUREMENTS_ADD)
@require_http_methods(["GET", "POST"])
def standard_upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the uploads so far; a valid upload is queued and its page opened."""
    form = MeasurementUploadForm()
    if request.method == "POST":
        form = MeasurementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload, code = form.cleaned_data["file"], form.cleaned_data["standard"]
            try:
                job = import_job_start(
                    kind=ImportKind.MEASUREMENTS,
                    file_name=upload.name,
                    content=cast(IO[bytes], upload),
                    actor=acting_user(request),
                    options={"standard": code} if code else {},
                    enqueue=import_job_enqueue,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("console:standard_upload_job", job_id=job.pk)
    uploads = import_job_list().filter(kind=ImportKind.MEASUREMENTS)[:UPLOADS_SHOWN]
    return render(
        request,
        "console/standards/upload.html",
        {"form": form, "uploads": uploads},
        status=400 if form.errors else 200,
    )


@staff_required(MEASUREMENTS_ADD)
@require_GET
def standard_upload_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """One upload: its progress (htmx polls it), its error report, or its counts and the teams' compliance."""
    try:
        job = import_job_get(job_id=job_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if job.kind != ImportKind.MEASUREMENTS:  # a customer import is not for those who add measurements
        raise Http404("no such upload")
    template = (
        "console/standards/upload_progress.html"
        if request.headers.get("HX-Request")
        else "console/standards/upload_job.html"
    )
    return render(request, template, _job_context(job))


def _job_context(job: ImportJob) -> dict[str, Any]:
    code = job.options.get("standard", "")
    chosen = standard_by_code(code=code) if code else None
    return {
        **job_progress_context(job),
        "options": [(_("Standard"), chosen.name if chosen else _("From the file's standard column"))],
        "compared": upload_compliance(job=job) if job.status == ImportStatus.DONE else [],
    }
