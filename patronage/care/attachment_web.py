"""What the console, the portal and the API share to take files for a case and to give them back.

The form field only gathers the uploads: care.attachments checks them, and its refusal lands on the field
of the same name ("attachments"). A download is served as what it was found to be, never sniffed as
something else, and offered for saving unless it is a picture or a PDF.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from patronage.care.attachments import ACCEPT, PDF, TEXT, attachment_open, kinds_words, size_words
from patronage.care.models import CaseAttachment


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def limits_words() -> str:
    """What may be sent, as the person choosing files reads it."""
    return _("Up to %(count)d files, each up to %(size)s MB: %(kinds)s.") % {
        "count": settings.CARE_ATTACHMENTS_PER_MESSAGE,
        "size": size_words(settings.CARE_ATTACHMENT_MAX_BYTES),
        "kinds": kinds_words(),
    }


class AttachmentsField(forms.FileField):
    """Several files at once; on a phone the picker offers the camera (accept image/*)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(limits_words, str)())
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if isinstance(file, UploadedFile)]


def attachment_response(attachment: CaseAttachment) -> FileResponse:
    """The file as a download: pictures and PDFs open in the browser, anything else is saved."""
    inline = attachment.content_type.startswith("image/") or attachment.content_type == PDF
    content_type = f"{TEXT}; charset=utf-8" if attachment.content_type == TEXT else attachment.content_type
    response = FileResponse(
        attachment_open(attachment),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
