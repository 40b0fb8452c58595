"""What erasure does to care's tables (the members.erasure registry).

A case is the person's own words and contact details: they are wiped, and the case keeps its type, steps,
targets and rating, so the service figures (and the analyses of outcomes) still count it. A case filed
without a login belongs to the person too when it was matched to them or carries their address or phone.
Its secret link is replaced (cases_forget_links), so a link kept in an old e-mail opens nothing; so is
the link of each notice that reached them (notice_links_forget). The files sent with a case (photos,
receipts) are deleted (case_files_forget).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from patronage.care.attachments import attachments_delete
from patronage.care.models import (
    Case,
    CaseAttachment,
    CaseEntry,
    Compensation,
    NoticeRecipient,
    new_case_token,
)
from patronage.members import hooks
from patronage.members.erasure import (
    PersonalTable,
    Scrub,
    Subject,
    no_personal_data,
    personal_data,
    subject_gather,
)
from patronage.members.models import Member


def subject_cases(subject: Subject) -> QuerySet[Case]:
    traits = subject.traits
    contact = Q(contact_email__in=traits.emails) if traits.emails else Q(pk__in=[])
    if traits.phones:
        contact |= Q(contact_phone__in=traits.phones)
    return Case.objects.filter(Q(member_id__in=subject.member_ids) | contact)


@hooks.on_erase
def cases_forget_links(member: Member) -> None:
    """Each of the person's cases gets a new secret: the links in the e-mails they were sent open nothing.
    Runs before the registry's scrub, while the cases filed without a login still carry their address."""
    for pk in subject_cases(subject_gather(member=member)).values_list("pk", flat=True):
        Case.objects.filter(pk=pk).update(access_token=new_case_token())


@hooks.on_erase
def notice_links_forget(member: Member) -> None:
    """Each notice that reached the person gets a new secret: the link in its e-mail opens nothing."""
    reached = NoticeRecipient.objects.filter(member_id__in=subject_gather(member=member).member_ids)
    for pk in reached.values_list("pk", flat=True):
        NoticeRecipient.objects.filter(pk=pk).update(access_token=new_case_token())


@hooks.on_erase
def case_files_forget(member: Member) -> None:
    """Deletes the files of the person's cases once the erasure is committed (an erasure that fails keeps
    them); their rows stay, without a name or a path, so that the case's counts stay true."""
    files = CaseAttachment.objects.filter(case__in=subject_cases(subject_gather(member=member))).exclude(
        path=""
    )
    paths = list(files.values_list("path", flat=True))
    transaction.on_commit(lambda: attachments_delete(paths))


personal_data(
    PersonalTable(
        "care.Case",
        rows=subject_cases,
        fields={
            "summary": Scrub.WIPE,
            "description": Scrub.WIPE,
            "contact_name": Scrub.WIPE,
            "contact_email": Scrub.WIPE,
            "contact_phone": Scrub.WIPE,
            "solution": Scrub.REDACT,
            "promise": Scrub.REDACT,
            "satisfaction_comment": Scrub.WIPE,
            "external_id": Scrub.REKEY,
            "access_token": Scrub.KEEP,  # replaced by a new secret before the scrub (cases_forget_links)
            "tags": Scrub.KEEP,
            **dict.fromkeys(
                (
                    "reference",
                    "type",
                    "channel",
                    "status",
                    "status_before_wait",
                    "severity",
                    "language",
                    "promised_by",
                ),
                Scrub.KEEP,
            ),
        },
        why="a case holds the customer's own words about what happened to them and how to reach them",
    )
)
personal_data(
    PersonalTable(
        "care.CaseEntry",
        rows=lambda subject: CaseEntry.objects.filter(case__in=subject_cases(subject)),
        fields={"kind": Scrub.KEEP, "body": Scrub.WIPE, "data": Scrub.KEEP},
        why="replies both ways and notes about the person's case",
    )
)
personal_data(
    PersonalTable(
        "care.CaseAttachment",
        rows=lambda subject: CaseAttachment.objects.filter(case__in=subject_cases(subject)),
        fields={"name": Scrub.WIPE, "path": Scrub.WIPE, "content_type": Scrub.KEEP},
        why="a file the person sent (a photo, a receipt) and its name; the file is deleted (case_files_forget)",
    )
)
personal_data(
    PersonalTable(
        "care.Compensation",
        rows=lambda subject: Compensation.objects.filter(case__in=subject_cases(subject)),
        fields={
            "note": Scrub.REDACT,
            "reference": Scrub.KEEP,
            "voucher_code": Scrub.KEEP,
            **dict.fromkeys(("kind", "status", "currency", "idempotency_key"), Scrub.KEEP),
        },
        why="a note on what was given to the person may name them",
    )
)
for model, why in (
    ("care.SlaLeg", "a case's targets and times"),
    ("care.CasePause", "when a case waited for its customer"),
    ("care.Category", "the business's categories of cases"),
    ("care.RootCause", "the business's list of root causes"),
    ("care.Team", "staff teams"),
    ("care.BusinessCalendar", "opening hours and holidays"),
    ("care.SlaPolicy", "service targets and their conditions"),
    ("care.CompensationLimit", "a role's compensation limit"),
    ("care.Notice", "a problem on the business's side; its list names members by id only"),
    (
        "care.NoticeRecipient",
        "who a notice reached, by member id, and when; its link's secret is replaced on erasure",
    ),
    ("care.ReplyTemplate", "the business's saved replies; a customer's name is filled in only on the page"),
):
    no_personal_data(model, why)
