"""Inbound e-mail: a raw message parsed in any charset, stored once with its attachments, matched to its
member, handed to the first handler that takes it; a message breaking a limit refused, naming why, and
nothing written."""

from __future__ import annotations

import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from patronage.members.services import member_erase
from patronage.messages import inbound_services
from patronage.messages.inbound_parse import InboundRefused, InboundTooLarge, inbound_parse
from patronage.messages.inbound_services import inbound_email_receive
from patronage.messages.models import InboundAttachment, InboundEmail

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a receipt\n"


def mail(
    *,
    sender: str = "Alice Kim <Alice@Example.com>",
    subject: str = "My order",
    text: str = "The tumbler arrived broken.",
    message_id: str = "<m1@mail.example.com>",
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "care@hanbit.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0900"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(text)
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture(autouse=True)
def _no_handlers(monkeypatch):
    monkeypatch.setattr(inbound_services, "_HANDLERS", [])


def _nothing_written() -> bool:
    return not InboundEmail.objects.exists() and not InboundAttachment.objects.exists()


# Parsing


def test_a_japanese_message_in_iso_2022_jp_reads_right():
    subject = "注文について"
    body = "タンブラーが割れていました。"
    raw = (
        b"From: =?ISO-2022-JP?B?" + _b64(subject.encode("iso-2022-jp")) + b"?= <taro@example.jp>\r\n"
        b"To: care@hanbit.example\r\n"
        b"Subject: =?ISO-2022-JP?B?" + _b64(subject.encode("iso-2022-jp")) + b"?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=ISO-2022-JP\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n\r\n" + body.encode("iso-2022-jp") + b"\r\n"
    )

    parsed = inbound_parse(raw)

    assert parsed.subject == subject
    assert parsed.from_name == subject
    assert parsed.from_address == "taro@example.jp"
    assert parsed.text_body.strip() == body


def test_a_korean_message_in_euc_kr_reads_right():
    subject = "포인트 문의"
    body = "포인트가 적립되지 않았습니다."
    raw = (
        b"From: customer@example.kr\r\n"
        b"Subject: =?EUC-KR?B?" + _b64(subject.encode("euc-kr")) + b"?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/alternative; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=EUC-KR\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body.encode("euc-kr")
        + b"\r\n--XX\r\nContent-Type: text/html; charset=EUC-KR\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>"
        + body.encode("euc-kr")
        + b"</p>\r\n--XX--\r\n"
    )

    parsed = inbound_parse(raw)

    assert parsed.subject == subject
    assert parsed.text_body.strip() == body
    assert parsed.html_body.strip() == f"<p>{body}</p>"


def test_a_multipart_message_keeps_its_attachments_and_date():
    parsed = inbound_parse(mail(attachments=[("receipt.pdf", "application/pdf", PDF)]))

    assert parsed.text_body.strip() == "The tumbler arrived broken."
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("receipt.pdf", "application/pdf", PDF)
    ]
    assert parsed.sent_at is not None
    assert parsed.sent_at.isoformat() == "2026-12-01T09:30:00+09:00"
    assert parsed.message_id == "<m1@mail.example.com>"


def test_an_attachment_sent_as_octet_stream_is_typed_by_its_name():
    parsed = inbound_parse(mail(attachments=[("photo.jpg", "application/octet-stream", b"\xff\xd8jpeg")]))

    assert parsed.attachments[0].content_type == "image/jpeg"


# Limits: each refused with its reason, nothing written


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02 not a message", "no From header"),
        (b"Subject: hello\r\n\r\nbody\r\n", "no From header"),
        (b"From: not-an-address\r\n\r\nbody\r\n", "no From header"),
        (b"From: a@example.com\r\nSubject: nothing\r\n\r\n", "no body"),
        (mail(attachments=[("run.exe", "application/x-msdownload", b"MZ")]), "run.exe"),
        (
            mail(attachments=[(f"p{n}.png", "image/png", b"png") for n in range(11)]),
            "more than 10 attachments",
        ),
        (mail(attachments=[("big.pdf", "application/pdf", b"x" * (5 * 1024 * 1024 + 1))]), "big.pdf"),
    ],
    ids=["empty", "garbage", "no-from", "bad-from", "no-body", "type", "count", "attachment-size"],
)
def test_a_bad_message_is_refused_naming_why_and_nothing_is_written(raw, reason):
    with pytest.raises(InboundRefused) as refusal:
        inbound_email_receive(raw=raw)

    assert reason in refusal.value.message
    assert _nothing_written()


def test_a_message_over_the_size_limit_is_refused_as_too_large(settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1000
    with pytest.raises(InboundTooLarge) as refusal:
        inbound_email_receive(raw=mail(text="x" * 2000))

    assert "INBOUND_EMAIL_MAX_BYTES" in refusal.value.message
    assert refusal.value.status == 413
    assert _nothing_written()


# Storing, idempotency, members, handlers


def test_the_same_message_twice_is_stored_once_and_handled_once(alice):
    taken = []
    inbound_services.on_inbound_email(lambda email: taken.append(email.pk) or True)

    first = inbound_email_receive(raw=mail(attachments=[("receipt.pdf", "application/pdf", PDF)]))
    again = inbound_email_receive(raw=mail(attachments=[("receipt.pdf", "application/pdf", PDF)]))

    assert again.pk == first.pk
    assert again.already_stored
    assert not first.already_stored
    assert InboundEmail.objects.count() == 1
    assert InboundAttachment.objects.get().content == PDF
    assert taken == [first.pk]


def test_messages_without_a_message_id_are_each_stored():
    inbound_email_receive(raw=mail(message_id=""))
    inbound_email_receive(raw=mail(message_id=""))

    assert InboundEmail.objects.count() == 2


def test_the_sender_is_matched_to_the_member_by_e_mail_whatever_its_case(alice):
    email = inbound_email_receive(raw=mail(sender="ALICE@EXAMPLE.COM"))

    assert email.member == alice
    assert email.from_address == "alice@example.com"


def test_an_unknown_sender_is_stored_without_a_member(alice):
    email = inbound_email_receive(raw=mail(sender="stranger@example.org"))

    assert email.member is None


def test_the_first_handler_that_takes_the_message_is_recorded():
    seen = []

    def declines(email):
        seen.append("declines")
        return False

    def takes_case_replies(email):
        seen.append("takes")
        return "[Case #" in email.subject

    def never_asked(email):
        seen.append("never")
        return True

    for handler in (declines, takes_case_replies, never_asked):
        inbound_services.on_inbound_email(handler)

    email = inbound_email_receive(raw=mail(subject="Re: [Case #12] broken tumbler"))

    assert seen == ["declines", "takes"]
    assert email.handled_by.endswith("takes_case_replies")
    assert InboundEmail.objects.get().handled_by == email.handled_by


def test_a_handler_that_fails_undoes_the_receipt():
    def broken(email):
        raise RuntimeError("the case store is down")

    inbound_services.on_inbound_email(broken)

    with pytest.raises(RuntimeError):
        inbound_email_receive(raw=mail())

    assert _nothing_written()


# Erasure


def test_erasing_the_member_scrubs_their_e_mail_and_deletes_its_attachments(alice, admin):
    email = inbound_email_receive(
        raw=mail(subject="Alice Kim's order", attachments=[("receipt.pdf", "application/pdf", PDF)])
    )

    member_erase(member=alice, actor=admin, reason="DSR-1")

    email.refresh_from_db()
    assert (email.from_address, email.from_name, email.subject, email.text_body) == ("", "", "", "")
    assert email.message_id == "<m1@mail.example.com>"  # still recognised when handed over again
    assert not InboundAttachment.objects.exists()


# The command


def _mbox(tmp_path, *raws: bytes) -> str:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for raw in raws:
        box.add(raw)
    box.flush()
    box.close()
    return str(path)


def test_the_mbox_command_stores_each_message_once_and_says_so(tmp_path, alice):
    path = _mbox(tmp_path, mail(), mail(message_id="<m2@mail.example.com>"), mail())
    out = io.StringIO()

    call_command("inbound", "mbox", path, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1: stored: #")
    assert f"member #{alice.pk}" in lines[0]
    assert lines[1].startswith("2: stored: #")
    assert lines[2].startswith("3: already stored: #")
    assert lines[-1] == "2 stored, 1 already stored, 0 refused"
    assert InboundEmail.objects.count() == 2


def test_the_mbox_command_fails_when_a_message_is_refused(tmp_path):
    path = _mbox(tmp_path, mail(), b"From: a@example.com\r\nSubject: empty\r\n\r\n")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 stored, 0 already stored, 1 refused"):
        call_command("inbound", "mbox", path, stdout=out)

    assert "2: refused: the message has no body" in out.getvalue()


def test_the_mbox_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no mailbox file"):
        call_command("inbound", "mbox", str(tmp_path / "missing.mbox"))


def _b64(data: bytes) -> bytes:
    import base64

    return base64.b64encode(data)
