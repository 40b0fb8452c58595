"""What erasure does to feedback's tables (the members.erasure registry).

A response keeps its scores and choices (so a survey's NPS stays true) and loses the person's own words:
free-text answers are wiped. The links of their invitations get new secrets, so a link kept in an old
e-mail opens nothing.
"""

from __future__ import annotations

from patronage.feedback.models import Answer, Invitation, MeetingGuest, Response, new_invitation_token
from patronage.members import hooks
from patronage.members.erasure import PersonalTable, Scrub, no_personal_data, personal_data
from patronage.members.models import Member


@hooks.on_erase
def invitation_links_forget(member: Member) -> None:
    for pk in Invitation.objects.filter(member=member).values_list("pk", flat=True):
        Invitation.objects.filter(pk=pk).update(token=new_invitation_token())


personal_data(
    PersonalTable(
        "feedback.Answer",
        rows=lambda subject: Answer.objects.filter(response__member_id__in=subject.member_ids),
        fields={"text": Scrub.WIPE, "chosen": Scrub.KEEP, "sentiment": Scrub.KEEP},
        why="a free-text answer is the person's own words",
    )
)
personal_data(
    PersonalTable(
        "feedback.Response",
        rows=lambda subject: Response.objects.filter(member_id__in=subject.member_ids),
        fields={"external_id": Scrub.REKEY, "language": Scrub.KEEP, "channel": Scrub.KEEP},
        why="a response is tied to the person's file; the sending system's id may name them",
    )
)
personal_data(
    PersonalTable(
        "feedback.Invitation",
        rows=lambda subject: Invitation.objects.filter(member_id__in=subject.member_ids),
        fields={"token": Scrub.KEEP, "cause": Scrub.KEEP, "language": Scrub.KEEP},
        why="an invitation is addressed to the person; its link's secret is replaced on erasure",
    )
)
personal_data(
    PersonalTable(
        "feedback.MeetingGuest",
        rows=lambda subject: MeetingGuest.objects.filter(member_id__in=subject.member_ids),
        fields={"note": Scrub.WIPE, "attendance": Scrub.KEEP},
        why="what the person said at an advisory meeting is their own words",
    )
)
for model, why in (
    ("feedback.Survey", "the business's surveys"),
    ("feedback.Question", "the business's questions"),
    ("feedback.LoopRule", "the business's closed-loop rules"),
    ("feedback.FollowUp", "which case a response opened, by ids"),
    ("feedback.TriggerCursor", "how far the trigger job has read"),
    ("feedback.Theme", "a group of answers, named by terms shared by at least two answers or by staff"),
    ("feedback.Meeting", "the business's meeting; what each guest said is on their guest row"),
):
    no_personal_data(model, why)
