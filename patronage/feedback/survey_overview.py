"""Reading surveys for the staff pages: the list with each survey's responses and NPS, its closed-loop rules,
the cases they opened and the promoters they thanked, staff tries, and the customers an invitation names (pasted, or matching the
customer list's filters).

Counted as selectors.survey_results counts: complete responses only, never a staff member's try.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from patronage.core.errors import NotFound
from patronage.feedback.message_kinds import THANKS_KEY_PREFIX
from patronage.feedback.models import Answer, FollowUp, LoopRule, Question, Response, Survey
from patronage.feedback.questions import QuestionType
from patronage.feedback.scores import NO_ANSWERS, Score, nps
from patronage.feedback.selectors import counted
from patronage.loyalty.models import Tier
from patronage.loyalty.selectors.standing import tier_member_ids
from patronage.members.models import IdentityKind, Member, MemberStatus
from patronage.members.selectors import member_find_by_identity, member_list
from patronage.messages.models import Message

FOLLOW_UPS_SHOWN = 50
THANKED_SHOWN = 50
COUNTED = counted("responses__")


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    responses: int
    nps: Score  # of its first NPS question; NO_ANSWERS without one


@dataclass(frozen=True)
class Thanked:
    """A promoter's response and the thank-you it earned, as the delivery log keeps it (sent, or skipped
    and why)."""

    response: Response
    message: Message


@dataclass(frozen=True)
class Listed:
    """The customers a pasted list names, and the lines that name no active customer."""

    members: list[Member]
    unknown: list[str]


def survey_list() -> QuerySet[Survey]:
    """Every survey, newest first, each with its counted responses (`responses_counted`)."""
    return Survey.objects.annotate(responses_counted=Count("responses", filter=COUNTED)).order_by(
        "-created_at", "-pk"
    )


def survey_rows(surveys: Iterable[Survey]) -> list[SurveyRow]:
    """The surveys of a list's page with their NPS; two queries whatever their number."""
    listed = list(surveys)
    first_nps: dict[int, int] = {}
    for survey_id, question_id in (
        Question.objects.filter(survey__in=listed, type=QuestionType.NPS)
        .order_by("survey_id", "position")
        .values_list("survey_id", "pk")
    ):
        first_nps.setdefault(survey_id, question_id)
    numbers: dict[int, list[int | None]] = defaultdict(list)
    for question_id, number in Answer.objects.filter(
        counted("response__"), question_id__in=first_nps.values(), number__isnull=False
    ).values_list("question_id", "number"):
        numbers[question_id].append(number)
    return [
        SurveyRow(
            survey=survey,
            responses=getattr(survey, "responses_counted", 0),
            nps=nps(numbers[first_nps[survey.pk]]) if survey.pk in first_nps else NO_ANSWERS,
        )
        for survey in listed
    ]


def survey_rules(*, survey: Survey) -> QuerySet[LoopRule]:
    return LoopRule.objects.filter(survey=survey).order_by("pk")


def loop_rule_get(*, survey: Survey, rule_id: int) -> LoopRule:
    rule = LoopRule.objects.filter(survey=survey, pk=rule_id).select_related("survey").first()
    if rule is None:
        raise NotFound(_("this survey has no such rule"), field="rule")
    return rule


def survey_follow_ups(*, survey: Survey, limit: int = FOLLOW_UPS_SHOWN) -> list[FollowUp]:
    """The cases the survey's answers opened, newest first."""
    return list(
        FollowUp.objects.filter(response__survey=survey)
        .select_related("case", "case__member", "rule", "response")
        .order_by("-created_at", "-pk")[:limit]
    )


def survey_follow_up_count(*, survey: Survey) -> int:
    return FollowUp.objects.filter(response__survey=survey).count()


def survey_thanked(*, survey: Survey, limit: int = THANKED_SHOWN) -> list[Thanked]:
    """The promoters the survey thanked, newest first: their responses found with their thank-you by its
    key (one per response), two queries."""
    responses = list(
        _thanked_responses(survey).select_related("member").order_by("-updated_at", "-pk")[:limit]
    )
    messages = Message.objects.in_bulk([response.thanks for response in responses])  # type: ignore[attr-defined]
    return [Thanked(response, messages[response.thanks]) for response in responses]  # type: ignore[attr-defined]


def survey_thanked_count(*, survey: Survey) -> int:
    return _thanked_responses(survey).count()


def _thanked_responses(survey: Survey) -> QuerySet[Response]:
    key = Concat(Value(THANKS_KEY_PREFIX), Cast(OuterRef("pk"), output_field=CharField()))
    thanks = Message.objects.filter(idempotency_key=key).values("pk")[:1]
    return (
        Response.objects.filter(survey=survey, complete=True, test=False, member__isnull=False)
        .annotate(thanks=Subquery(thanks))
        .filter(thanks__isnull=False)
    )


def survey_tries(*, survey: Survey) -> int:
    """How many times staff have tried the survey as a customer (kept apart, never counted)."""
    return Response.objects.filter(survey=survey, test=True).count()


def members_listed(*, items: Sequence[str]) -> Listed:
    """The active customers named by number ('1234' or '#1234') or by e-mail address, each once, in the
    order given; the items that name none."""
    numbers = {
        item: int(digits)
        for item in items
        if (digits := item.removeprefix("#").strip()).isascii() and digits.isdigit() and len(digits) <= 18
    }
    by_id = {
        member.pk: member
        for member in Member.objects.filter(pk__in=set(numbers.values()), status=MemberStatus.ACTIVE)
    }
    found: dict[int, Member] = {}
    unknown: list[str] = []
    for item in items:
        member: Member | None
        if item in numbers:
            member = by_id.get(numbers[item])
        elif "@" in item:
            member = member_find_by_identity(value=item, kind=IdentityKind.EMAIL)
            member = member if member is not None and member.status == MemberStatus.ACTIVE else None
        else:
            member = None
        if member is None:
            unknown.append(item)
        else:
            found.setdefault(member.pk, member)
    return Listed(members=list(found.values()), unknown=unknown)


def members_matching(*, filters: Mapping[str, Any], tier: Tier | None = None) -> QuerySet[Member]:
    """The active customers the customer list would show for these filters (members.selectors.member_list's
    arguments) and tier, by number."""
    members = member_list(**{**filters, "status": MemberStatus.ACTIVE})
    if tier is not None:
        members = members.filter(pk__in=tier_member_ids(tier=tier))
    return members.order_by("pk")
