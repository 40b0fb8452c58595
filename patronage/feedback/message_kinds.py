"""The message feedback sends: an invitation to answer a survey (a service message the member may refuse:
it waits out quiet hours, carries the unsubscribe link and is not sent once they withdrew consent)."""

from django.utils.translation import gettext_lazy as _

from patronage.core.message_kinds import MessageKind, message_kind_register

SURVEY_INVITATION = message_kind_register(
    MessageKind(
        code="survey_invitation",
        label=_("Invitation to answer a survey"),
        purpose="service",
        recipient="member",
        opt_out=True,
        variables={"title": "How was your visit?", "link": "https://example.com/s/…", "questions": 3},
    )
)
