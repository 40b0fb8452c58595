"""Files the customer sends with a case, and the files they are shown: a photo from the public form, one
with a reply, and only their own case's files, never an internal note's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from patronage.care.attachments import attachments_check
from patronage.care.models import Case, CaseAttachment, EntryKind
from patronage.care.services import CaseInput, case_note, case_open, case_reply
from patronage.care.tests.test_attachments import image_bytes
from patronage.portal.tests.test_cases import NEW, _form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name: str = "傷.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def _case_of(member: Any) -> Case:
    return case_open(
        data=CaseInput(type="complaint", channel="web_form", summary="Scratched", member=member)
    ).case


def _link(case: Case) -> str:
    return reverse("complaints:case", kwargs={"token": case.access_token})


def _file_by_link(case: Case, attachment: CaseAttachment) -> str:
    return reverse(
        "complaints:case_file", kwargs={"token": case.access_token, "attachment_id": attachment.pk}
    )


def test_a_photo_sent_with_the_form_in_japanese_is_on_the_one_case_filed(db: None, media: Path):
    client = Client(headers={"accept-language": "ja-JP,ja;q=0.9"})
    form = client.get(NEW).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/*,application/pdf,text/plain"' in form

    response = client.post(NEW, {**_form(), "attachments": [photo()]})

    case = Case.objects.get()
    assert case.language == "ja"
    (attachment,) = case.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.from_customer) == (
        "傷.jpg",
        "image/jpeg",
        True,
    )
    assert attachment.entry is not None
    assert attachment.entry.kind == EntryKind.CREATED
    page = client.get(_link(case)).content.decode()
    assert response.status_code == 302
    assert "傷.jpg" in page
    assert _file_by_link(case, attachment) in page

    download = client.get(_file_by_link(case, attachment))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("inline")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.getvalue() == (media / attachment.path).read_bytes()


def test_a_bad_file_files_nothing_and_is_named_on_its_field(db: None, media: Path):
    program = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")

    response = Client().post(NEW, {**_form(), "attachments": [photo("fine.jpg"), program]})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_attachments_error"' in page
    assert "Photo.jpg is not a file we accept" in page
    assert "The sofa arrived scratched" in page  # what they wrote is kept
    assert not Case.objects.exists()
    assert not any(media.rglob("*.*"))


def test_the_customer_replies_with_a_receipt_on_their_portal_page(alice: Any, client_as: Any):
    case = _case_of(alice)
    client = client_as(alice.user)
    page = reverse("portal:case", kwargs={"reference": case.reference})
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")

    response = client.post(page, {"action": "reply", "body": "", "attachments": [receipt]})

    assert response.status_code == 302
    entry = case.entries.get(kind=EntryKind.REPLY_IN)
    (attachment,) = entry.attachments.all()
    shown = client.get(page).content.decode()
    assert "receipt.pdf" in shown
    download = client.get(
        reverse("portal:case_file", kwargs={"reference": case.reference, "attachment_id": attachment.pk})
    )
    assert download["Content-Type"] == "application/pdf"
    assert download.getvalue() == b"%PDF-1.4 receipt"


def test_only_the_cases_own_public_files_open(alice: Any, bob: Any, agent: Any, client_as: Any):
    hers, his = _case_of(alice), _case_of(bob)
    files = attachments_check([photo()])
    reply = case_reply(case=hers, body="Here is the label", actor=agent, files=files).attachments.get()
    note = case_note(case=hers, body="internal: photo of the warehouse", actor=agent, files=files)
    internal = note.attachments.get()
    other = case_reply(case=his, body="Yours", actor=agent, files=files).attachments.get()

    client = Client()
    assert client.get(_file_by_link(hers, reply)).status_code == 200
    assert client.get(_file_by_link(hers, internal)).status_code == 404  # an internal note's
    assert client.get(_file_by_link(hers, other)).status_code == 404  # another case's
    page = client.get(_link(hers)).content.decode()
    assert internal.name in page  # the reply's photo, named the same
    assert f"/files/{internal.pk}/" not in page

    as_bob = client_as(bob.user)
    mine = reverse("portal:case_file", kwargs={"reference": his.reference, "attachment_id": other.pk})
    theirs = reverse("portal:case_file", kwargs={"reference": hers.reference, "attachment_id": reply.pk})
    assert as_bob.get(mine).status_code == 200
    assert as_bob.get(theirs).status_code == 404
