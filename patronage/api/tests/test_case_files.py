"""Files on cases through the API: uploaded as multipart, listed on the case, downloaded, under the scopes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from patronage.care.services import CaseInput, case_open
from patronage.care.tests.test_attachments import image_bytes
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reference(alice: Member) -> str:
    return case_open(
        data=CaseInput(type="complaint", channel="chat", summary="Broken", member=alice)
    ).case.reference


def _upload(client: Client, reference: str, *files: SimpleUploadedFile, **fields: str) -> Any:
    return client.post(f"/api/v1/cases/{reference}/attachments", {"file": list(files), **fields})


def test_files_are_uploaded_listed_on_the_case_and_downloaded(api_client: Any, reference: str):
    care = api_client("care:read", "care:write")
    photo = SimpleUploadedFile("dent.jpeg", image_bytes("JPEG"), content_type="application/octet-stream")
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.7 receipt")

    response = _upload(care, reference, photo, receipt, author="customer")

    assert response.status_code == 201, response.json()
    added = response.json()
    assert [(f["name"], f["content_type"], f["from_customer"]) for f in added] == [
        ("dent.jpeg", "image/jpeg", True),
        ("receipt.pdf", "application/pdf", True),
    ]
    case = care.get(f"/api/v1/cases/{reference}").json()
    assert [f["id"] for f in case["attachments"]] == [f["id"] for f in added]
    download = care.get(f"/api/v1/cases/{reference}/attachments/{added[1]['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.getvalue() == b"%PDF-1.7 receipt"


def test_a_file_of_another_kind_is_refused_naming_the_field(api_client: Any, reference: str):
    care = api_client("care:read", "care:write")
    response = _upload(care, reference, SimpleUploadedFile("setup.png", b"MZ\x90\x00\x03\x00"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attachments"
    assert "setup.png" in response.json()["errors"][0]["message"]
    assert care.get(f"/api/v1/cases/{reference}").json()["attachments"] == []


def test_another_cases_file_is_not_found(api_client: Any, reference: str, alice: Member):
    care = api_client("care:read", "care:write")
    other = case_open(
        data=CaseInput(type="inquiry", channel="chat", summary="Hi", member=alice)
    ).case.reference
    (added,) = _upload(care, other, SimpleUploadedFile("a.txt", b"hello")).json()
    assert care.get(f"/api/v1/cases/{reference}/attachments/{added['id']}").status_code == 404


def test_uploading_needs_care_write_and_downloading_care_read(api_client: Any, reference: str):
    reader = api_client("care:read")
    assert _upload(reader, reference, SimpleUploadedFile("a.txt", b"hello")).status_code == 403
    (added,) = _upload(api_client("care:write"), reference, SimpleUploadedFile("a.txt", b"hello")).json()
    url = f"/api/v1/cases/{reference}/attachments/{added['id']}"
    assert api_client("care:write").get(url).status_code == 403
    assert reader.get(url).status_code == 200
