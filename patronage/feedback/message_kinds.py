"""The messages feedback sends: an invitation to answer a survey or to come to an advisory meeting, and a
promoter's thank-you (service messages the member may refuse: they wait out quiet hours, carry the
unsubscribe link and are not sent once they withdrew consent), and word that a meeting they were invited to
is cancelled (sent regardless: they may be on their way)."""

from datetime import UTC, datetime

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
# A promoter's thank-you, one per response: its key names the response, which the survey's page reads back.
THANKS_KEY_PREFIX = "survey_thanks:"
SURVEY_THANKS = message_kind_register(
    MessageKind(
        code="survey_thanks",
        label=_("Thanks to a customer who would recommend us, with a review link and a referral ask"),
        purpose="service",
        recipient="member",
        opt_out=True,
        variables={
            "title": "How was your visit?",
            "review_url": "https://example.com/reviews",
            "ask_referral": True,
            "referral_points": 500,
        },
    )
)
ADVISORY_MEETING_INVITATION = message_kind_register(
    MessageKind(
        code="advisory_meeting_invitation",
        label=_("Invitation to an advisory meeting"),
        purpose="service",
        recipient="member",
        opt_out=True,
        variables={
            "title": "Spring tasting panel",
            "starts_at": datetime(2027, 3, 20, 5, 0, tzinfo=UTC),
            "place": "Hanbit Coffee Gangnam",
            "agenda": "The new seasonal menu; what would make you come more often",
        },
    )
)
ADVISORY_MEETING_CANCELLED = message_kind_register(
    MessageKind(
        code="advisory_meeting_cancelled",
        label=_("An advisory meeting is cancelled"),
        purpose="service",
        recipient="member",
        variables={
            "title": "Spring tasting panel",
            "starts_at": datetime(2027, 3, 20, 5, 0, tzinfo=UTC),
            "place": "Hanbit Coffee Gangnam",
        },
    )
)
