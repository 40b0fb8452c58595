"""Complaints by e-mail: a message becomes a case, and a reply that names its case's reference in the
subject is threaded onto it (registered with the messages app's inbound e-mail).

Only the case's own customer threads onto it: the reference is printed in every e-mail about the case and
is easy to guess, so a message from anyone else that names it opens a case of its own (which says which
reference it named) rather than writing into a stranger's case.
"""

from __future__ import annotations

import re

from patronage.care.models import Case, CaseChannel, CaseType
from patronage.care.services import (
    DESCRIPTION_MAX,
    SUMMARY_MAX,
    CaseInput,
    case_customer_reply_within,
    case_open_within,
)
from patronage.members.models import Identity, IdentityKind
from patronage.messages.inbound_services import on_inbound_email
from patronage.messages.models import InboundEmail

REFERENCE = re.compile(r"\bC-\d{4}-\d{6,}\b", re.IGNORECASE)
# Where a reply's quoted history begins, in the mail programs our customers use.
_COLON = ":\uff1a"  # or its full-width form, in Japanese and Chinese mail
_QUOTE_STARTS = re.compile(
    rf"^(?:On .+ wrote:|-{{2,}} ?Original Message ?-{{2,}}|From: .+|.+님이 작성:|.+(?:さんは|が)書きました[{_COLON}]?"
    rf"|.+写道[{_COLON}]?|20\d\d[./년-].+(?:wrote|작성|書きました|写道).*)\s*$",
    re.IGNORECASE,
)


@on_inbound_email
def case_from_email(email: InboundEmail) -> bool:
    """Takes every message a person wrote: a reply onto its case, anything else as a new complaint. An
    automatic one (an out-of-office reply to our answer) is left alone: it would reopen the case."""
    if email.automatic:
        return False
    words = _own_words(email.text_body) or email.subject.strip() or "-"
    case = _case_named(email)
    if case is not None:
        case_customer_reply_within(case=case, body=words[:DESCRIPTION_MAX], data={"email": str(email.pk)})
        return True
    summary = " ".join((email.subject or words.splitlines()[0]).split())[:SUMMARY_MAX] or "-"
    case_open_within(
        data=CaseInput(
            type=CaseType.COMPLAINT,
            channel=CaseChannel.EMAIL,
            summary=summary,
            description=words[:DESCRIPTION_MAX],
            member=email.member,
            contact_name=email.from_name[:200],
            contact_email=email.from_address,
            external_id=(email.message_id or f"inbound:{email.pk}")[:100],
        )
    )
    return True


def _case_named(email: InboundEmail) -> Case | None:
    """The case the subject names, when the sender is its customer."""
    found = REFERENCE.search(email.subject)
    if found is None:
        return None
    case = Case.objects.filter(reference=found.group().upper()).first()
    if case is None:
        return None
    sender = email.from_address
    if case.contact_email and case.contact_email == sender:
        return case
    if case.member_id is not None and (
        email.member_id == case.member_id
        or Identity.objects.filter(member_id=case.member_id, kind=IdentityKind.EMAIL, value=sender).exists()
    ):
        return case
    return None


def _own_words(text: str) -> str:
    """The message without the history a reply quotes below it."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_STARTS.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()
