"""Files on the console's case page: an agent attaches them to a reply or a note, sees every file on the
timeline with its size, and opens them; an analyst opens none, and another case's file is not found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from patronage.care.attachments import attachments_check
from patronage.care.models import Case, CaseAttachment
from patronage.care.services import case_customer_reply
from patronage.care.tests.test_attachments import image_bytes
from patronage.members.models import Member

from .case_setup import complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(alice: Member) -> Case:
    return complaint(alice)


def _photo(case: Case) -> CaseAttachment:
    photo = SimpleUploadedFile("damage.png", image_bytes("PNG", size=(400, 300)))
    entry = case_customer_reply(case=case, body="See the photo", files=attachments_check([photo]))
    return entry.attachments.get()


def _url(case: Case, attachment: CaseAttachment) -> str:
    return reverse("console:case_attachment", args=[case.reference, attachment.pk])


def test_the_customers_photo_is_on_the_timeline_and_opens_for_an_agent(
    client_as: Any, agent: Any, case: Case
):
    attachment = _photo(case)
    client = client_as(agent)

    page = client.get(reverse("console:case", args=[case.reference])).content.decode()
    download = client.get(_url(case, attachment))

    assert "damage.png" in page
    assert f'<img src="{_url(case, attachment)}"' in page
    assert str(filesizeformat(attachment.size)) in page  # "835 bytes", "1.2 MB"
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_anonymous_goes_to_the_login_an_analyst_is_refused(
    client: Any, client_as: Any, analyst: Any, case: Case
):
    url = _url(case, _photo(case))
    assert client.get(url).status_code == 302
    assert client.get(url)["Location"].startswith(reverse("console:login"))
    assert client_as(analyst).get(url).status_code == 403


def test_another_cases_file_is_not_found(client_as: Any, agent: Any, alice: Member, case: Case):
    other = complaint(alice, summary="Another problem")
    attachment = _photo(other)
    response = client_as(agent).get(reverse("console:case_attachment", args=[case.reference, attachment.pk]))
    assert response.status_code == 404


def test_an_agent_attaches_a_file_to_a_note_and_a_bad_one_is_named_on_its_field(
    client_as: Any, agent: Any, case: Case
):
    client = client_as(agent)
    note = reverse("console:case_note", args=[case.reference])
    label = SimpleUploadedFile("label.txt", "返品ラベル".encode())

    assert client.post(note, {"body": "Return label", "attachments": [label]}).status_code == 302
    refused = client.post(
        note, {"body": "A program", "attachments": [SimpleUploadedFile("x.pdf", b"\x7fELF\x00")]}
    )

    (attachment,) = case.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.from_customer) == (
        "label.txt",
        "text/plain",
        False,
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "x.pdf is not a file we accept" in page
    assert page.rindex("x.pdf is not a file we accept") > page.index('id="case-note"')  # on the note form
    assert not case.entries.filter(body="A program").exists()
    download = client.get(_url(case, attachment))
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment")
