"""Inbound e-mail: a mail server's pipe or a provider's inbound webhook hands over one raw message. The
endpoint checks the scope and calls patronage.messages' receiving service; the guard bounds the body."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from patronage.api.auth import require_scope
from patronage.api.schemas.common import PROBLEM_STATUSES, Problem
from patronage.api.schemas.inbound import RAW_MESSAGE_BODY, InboundEmailOut
from patronage.messages.inbound_services import inbound_email_receive

router = Router(tags=["inbound"])


@router.post(
    "/inbound/email",
    response={201: InboundEmailOut, PROBLEM_STATUSES: Problem},
    auth=require_scope("inbound:write"),
    openapi_extra=RAW_MESSAGE_BODY,
)
def receive_inbound_email(request: HttpRequest) -> Status[InboundEmailOut]:
    """Stores one raw e-mail (Content-Type: message/rfc822), matches its sender to a member and hands it to
    the handlers (a complaint's reply is threaded onto its case). A mail server's delivery status
    notification (a bounce) marks the message it returns as bounced and reaches no handler. The same
    Message-ID again answers the stored message (already_stored: true) and is not handled twice. 413: over
    the size limit; 422: not an e-mail, or an attachment too many, too large or of a type not accepted (the
    detail says which)."""
    email = inbound_email_receive(raw=request.body)
    return Status(
        201,
        InboundEmailOut(
            id=email.pk,
            message_id=email.message_id,
            from_address=email.from_address,
            subject=email.subject,
            member_id=email.member_id,
            handled_by=email.handled_by,
            attachments=email.attachments.count(),
            already_stored=email.already_stored,
        ),
    )
