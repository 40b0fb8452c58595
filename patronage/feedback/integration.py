"""What the integration API needs of surveys beyond the services and selectors: a survey created open in one
call, a response recorded idempotently (telling a first save from a retry), the members of an invitation
list, and reads shaped for the API (a response with its answers and follow-up case, a survey's rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from patronage.core.errors import Conflict, NotFound
from patronage.core.models import User
from patronage.feedback.models import LoopRule, Response, Survey, SurveyStatus
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import SurveyInput, survey_create, survey_open
from patronage.members.models import Member, MemberStatus
from patronage.members.selectors import member_get


@dataclass(frozen=True)
class Recorded:
    response: Response
    created: bool  # False: a retry of a response already recorded with the same external id


def survey_create_opened(*, data: SurveyInput, actor: User | None, open_now: bool) -> Survey:
    """A survey built (and, with `open_now`, opened) in one call; a trigger another open survey already
    follows is refused before anything is written."""
    if (
        open_now
        and data.trigger
        and Survey.objects.filter(trigger=data.trigger, status=SurveyStatus.OPEN).exists()
    ):
        raise Conflict(_("another open survey already follows this event: close it first"), field="trigger")
    survey = survey_create(data=data, actor=actor)
    return survey_open(survey=survey, actor=actor) if open_now else survey


def response_record(*, survey: Survey, data: ResponseInput) -> Recorded:
    """Records a response once per external id: a retry answers the response recorded first."""
    if data.external_id and (
        found := Response.objects.filter(survey=survey, external_id=data.external_id).first()
    ):
        return Recorded(response=found, created=False)
    # Two copies of one request at the very same moment both get here: the domain keeps one response, and
    # the second copy is answered with it as if it were new.
    return Recorded(response=response_submit(survey=survey, data=data), created=True)


def response_detail(*, response_id: int) -> Response:
    """A response with its answers' questions and the case it opened, as the API shows it."""
    return (
        Response.objects.select_related("follow_up__case")
        .prefetch_related("answers__question")
        .get(pk=response_id)
    )


def survey_list() -> QuerySet[Survey]:
    """Every survey, newest first, with its questions."""
    return Survey.objects.prefetch_related("questions").order_by("-created_at", "-pk")


def invitation_members(*, member_ids: Sequence[int]) -> list[Member]:
    """The members to invite, each once, in the order given; a merged member's survivor stands in for them.
    Ids that are no member's (or an erased one's) are refused together, naming `members`."""
    wanted = list(dict.fromkeys(member_ids))
    found = {member.pk: member for member in Member.objects.filter(pk__in=wanted)}
    missing = [
        member_id
        for member_id in wanted
        if member_id not in found or found[member_id].status == MemberStatus.ERASED
    ]
    if missing:
        shown = ", ".join(str(member_id) for member_id in missing[:10])
        raise NotFound(_("no member with the id %(ids)s") % {"ids": shown}, field="members")
    members: dict[int, Member] = {}
    for member_id in wanted:
        member = found[member_id]
        if member.status == MemberStatus.MERGED:
            member = respondent(member_id=member_id, field="members")
        members.setdefault(member.pk, member)
    return list(members.values())


def respondent(*, member_id: int, field: str = "member") -> Member:
    """The member with this id (a merged member's survivor); 404 naming `field` when there is none."""
    try:
        return member_get(member_id=member_id)
    except NotFound as error:
        raise NotFound(error.message, field=field) from error


def loop_rule_list(*, survey: Survey) -> QuerySet[LoopRule]:
    return LoopRule.objects.filter(survey=survey).order_by("pk")


def loop_rule_get(*, survey: Survey, rule_id: int) -> LoopRule:
    """One of the survey's rules; another survey's rule is not found."""
    rule = LoopRule.objects.select_related("survey").filter(survey=survey, pk=rule_id).first()
    if rule is None:
        raise NotFound(_("this survey has no rule %(id)s") % {"id": rule_id}, field="rule_id")
    return rule
