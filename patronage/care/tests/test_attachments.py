"""Files on cases: what a file is comes from its content, limits are named, a photo keeps no location,
and what was written goes when its case's customer is erased or the write fails."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from patronage.care.attachments import attachments_check, attachments_store
from patronage.care.models import Case, CaseAttachment
from patronage.care.services import CaseInput, case_customer_reply, case_note, case_open
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.members.models import Member
from patronage.members.services.privacy import member_erase

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def image_bytes(kind: str = "PNG", *, gps: bool = False, size: tuple[int, int] = (8, 6)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # the camera's make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)})
        image.save(out, format=kind, exif=exif)
    else:
        image.save(out, format=kind)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def _case(member: Member | None = None, contact_email: str = "") -> Case:
    data = CaseInput(
        type="complaint",
        channel="web_form",
        summary="Broken lamp",
        member=member,
        contact_email=contact_email,
    )
    return case_open(data=data).case


def test_the_type_comes_from_the_content_not_the_name_nor_the_browsers_claim():
    png, pdf, text = attachments_check(
        [
            upload("receipt.pdf", image_bytes("PNG"), "application/pdf"),
            upload("scan", b"%PDF-1.7\n...", "image/png"),
            upload("what happened.html", "配送が遅れました".encode(), "text/html"),
        ]
    )
    assert (png.content_type, png.name) == ("image/png", "receipt.png")
    assert (pdf.content_type, pdf.name) == ("application/pdf", "scan.pdf")
    assert (text.content_type, text.name) == ("text/plain", "what_happened.txt")


def test_a_program_named_like_a_photo_is_refused_naming_the_field_the_file_and_the_kinds():
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([upload("holiday.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "image/jpeg")])
    assert refused.value.field == "attachments"
    assert "holiday.jpg" in refused.value.message
    assert "PDF" in refused.value.message
    assert "JPEG" in refused.value.message


def test_a_damaged_photo_is_refused():
    with pytest.raises(ValidationFailed, match="damaged"):
        attachments_check([upload("broken.png", image_bytes("PNG")[:60])])


def test_too_big_names_the_limit_in_megabytes(settings: Any):
    settings.CARE_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([upload("video.txt", b"a" * (2 * 1024 * 1024 + 1))])
    assert refused.value.message == "video.txt is larger than 2 MB"
    assert refused.value.field == "attachments"


def test_too_many_names_the_count(settings: Any):
    settings.CARE_ATTACHMENTS_PER_MESSAGE = 2
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([upload(f"{n}.txt", b"note") for n in range(3)])
    assert "at most 2 files" in refused.value.message


def test_every_bad_file_is_named_at_once():
    with pytest.raises(ValidationFailed) as refused:
        attachments_check([upload("a.exe", b"\x00\x01"), upload("ok.txt", b"fine"), upload("b.txt", b"")])
    assert [problem["message"] for problem in refused.value.errors] == [
        "a.exe is not a file we accept: send photos (JPEG, PNG, GIF, WebP), PDF or plain text",
        "b.txt is empty",
    ]


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_photos_location_is_not_kept(kind: str):
    sent = image_bytes(kind, gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS_IFD)  # the phone's photo had one
    (checked,) = attachments_check([upload("parcel", sent)])
    kept = Image.open(io.BytesIO(checked.content))
    assert not kept.getexif()
    assert b"PhoneMaker" not in checked.content
    assert kept.size == (8, 6)


def test_a_case_holds_at_most_its_limit(settings: Any, alice: Member, media: Path):
    settings.CARE_ATTACHMENTS_PER_CASE = 3
    case = _case(alice)
    case_customer_reply(case=case, body="photos", files=attachments_check([upload("a.txt", b"a")] * 2))
    with pytest.raises(ValidationFailed, match="at most 3 files, and this one has 2"):
        case_customer_reply(case=case, body="more", files=attachments_check([upload("b.txt", b"b")] * 2))
    assert case.entries.filter(body="more").count() == 0
    assert len(stored_files(media)) == 2


def test_a_reply_of_files_alone_is_a_message(alice: Member, media: Path):
    case = _case(alice)
    entry = case_customer_reply(case=case, body="", files=attachments_check([upload("r.pdf", b"%PDF-1.4")]))
    (attachment,) = entry.attachments.all()
    assert (attachment.name, attachment.from_customer, attachment.size) == ("r.pdf", True, 8)
    assert attachment.path.startswith(f"care/{case.pk}/")
    assert "r.pdf" not in attachment.path
    assert (media / attachment.path).read_bytes() == b"%PDF-1.4"


def test_a_failed_write_leaves_no_file(alice: Member, media: Path, monkeypatch: pytest.MonkeyPatch):
    case = _case(alice)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("the database went away")

    monkeypatch.setattr(CaseAttachment.objects, "bulk_create", fail)
    files = attachments_check([upload("a.png", image_bytes()), upload("b.txt", b"b")])
    with pytest.raises(IntegrityError):
        attachments_store(case=case, files=files, entry=None, from_customer=True, actor=None)
    assert stored_files(media) == []


def test_erasure_deletes_the_files_of_the_persons_cases(
    alice: Member, bob: Member, admin: User, media: Path, django_capture_on_commit_callbacks: Any
):
    hers, anonymous, his = _case(alice), _case(contact_email="alice@example.com"), _case(bob)
    for case in (hers, anonymous, his):
        case_note(
            case=case,
            body="photo",
            actor=admin,
            files=attachments_check([upload("me.jpg", image_bytes("JPEG"))]),
        )
    kept = his.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        member_erase(member=alice, actor=admin, reason="asked to be forgotten")
    assert stored_files(media) == [media / kept.path]
    erased = CaseAttachment.objects.filter(case__in=[hers, anonymous])
    assert sorted(erased.values_list("name", "path")) == [("", ""), ("", "")]
