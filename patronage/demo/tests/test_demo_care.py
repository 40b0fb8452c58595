"""The demo's care part: the history's complaints written as the services would have written them, and the
open cases of the last days worked through the services."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import time_machine
from django.db.models import F

from patronage.care.compensation import limit_of
from patronage.care.legs import calendar_of
from patronage.care.message_kinds import CASE_ALERT
from patronage.care.models import (
    Case,
    CaseStatus,
    Category,
    Compensation,
    CompensationStatus,
    EntryKind,
    LegKind,
    Notice,
    NoticeStatus,
    ReplyTemplate,
    SlaPolicy,
    Team,
)
from patronage.care.reply_text import placeholders_unknown
from patronage.care.selectors import reply_templates_for
from patronage.care.services import (
    CaseInput,
    case_follow_up,
    case_move,
    case_open,
    case_rate,
    case_reply,
)
from patronage.commerce.models import OrderKind
from patronage.core.models import User
from patronage.demo.load import demo_period
from patronage.feedback.models import Survey, SurveyStatus, SurveyTrigger
from patronage.members.models import TimelineEvent
from patronage.messages.models import Message

PERIOD = demo_period(date(2023, 6, 1), 2)


def _history(truth: dict[str, Any]) -> Any:
    planted = [c["reference"] for c in truth["care"]["open_recent"]] + [truth["care"]["duplicate_merged"]]
    return Case.objects.exclude(reference__in=planted)


# --- the history, as the services would have written it ---------------------------------------------


def _at(moment: datetime | None) -> Any:
    assert moment is not None
    return time_machine.travel(moment, tick=False)


def _replayed(case: Case) -> Case:
    """The same complaint filed and worked through the services at the same moments."""
    agent = User.objects.get(username="agent")
    created = case.entries.get(kind="created")
    with _at(case.created_at):
        twin = case_open(
            data=CaseInput(
                type=case.type,
                channel=case.channel,
                summary=case.summary,
                description=case.description,
                member=case.member,
                language=case.language,
                category_id=case.category_id,
                severity=case.severity,
                product_id=case.product_id,
                order_id=case.order_id,
                store_id=case.store_id,
            ),
            actor=created.actor,
        ).case
    with _at(case.first_response_at):
        case_reply(case=twin, body=case.entries.get(kind="reply_out").body, actor=agent)
        case_move(case=twin, to=CaseStatus.LISTENING, actor=agent)
        if case.status == CaseStatus.WAITING:
            case_move(case=twin, to=CaseStatus.WAITING, actor=agent)
    if case.status == CaseStatus.CLOSED:
        with _at(case.resolved_at):
            case_move(case=twin, to=CaseStatus.RESOLVED, actor=agent)
            case_move(case=twin, to=CaseStatus.CLOSED, actor=agent)
        with _at(case.follow_up_sent_at):
            case_follow_up(case=twin, actor=None)
        with _at(case.satisfaction_at):
            assert case.satisfaction is not None
            case_rate(case=twin, rating=case.satisfaction)
    twin.refresh_from_db()
    return twin


def _written(case: Case, reference: str) -> dict[str, Any]:
    """What the case left behind, its own reference and id spelled as `reference` and 0."""

    def same(text: str) -> str:
        return text.replace(case.reference, reference)

    timeline = TimelineEvent.objects.filter(member=case.member, data__reference=case.reference)
    return {
        "case": [
            getattr(case, name)
            for name in (
                "status",
                "status_before_wait",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "follow_up_sent_at",
                "satisfaction",
                "satisfaction_at",
                "updated_at",
                "policy_id",
                "summary",
            )
        ],
        "legs": sorted(
            case.legs.values_list(
                "kind", "started_at", "target_seconds", "due_at", "met_at", "breached_at", "late_seconds"
            )
        ),
        "entries": sorted(
            (e.kind, e.at, e.actor_id, e.body, e.public, json.dumps(e.data, sort_keys=True))
            for e in case.entries.all()
        ),
        "pauses": list(case.pauses.values_list("started_at", "ended_at")),
        "timeline": sorted(
            (
                e.kind,
                e.occurred_at,
                same(e.summary),
                json.dumps({**e.data, "reference": reference}, sort_keys=True),
                e.source_type,
                e.source_id.replace(str(case.pk), "0"),
                e.actor_id,
            )
            for e in timeline
        ),
    }


def test_a_closed_complaint_of_the_history_is_what_the_services_would_have_written(demo):
    # The survey after closed cases opens in the demo's last weeks; these were followed up long before it,
    # by care's one question, and are replayed as they were.
    Survey.objects.filter(trigger=SurveyTrigger.CASE_CLOSED).update(status=SurveyStatus.CLOSED)
    history = _history(demo).filter(status=CaseStatus.CLOSED)
    # One answered late and one resolved late: breaches and their lateness in office hours.
    for kind in (LegKind.FIRST_RESPONSE, LegKind.RESOLUTION):
        case = history.filter(legs__kind=kind, legs__breached_at__isnull=False).order_by("pk")[0]

        twin = _replayed(case)

        assert _written(case, "C") == _written(twin, "C")
        assert [e.kind for e in case.entries.order_by("at", "pk")][-2:] == ["follow_up", "rated"]
        # The sweep would have escalated each breach when it happened.
        assert not case.legs.filter(breached_at__isnull=False).exclude(escalated_at=F("breached_at")).exists()


def test_an_unresolved_complaint_waits_for_the_customer_as_the_services_leave_it(demo):
    case = _history(demo).filter(status=CaseStatus.WAITING).exclude(legs__breached_at__isnull=False)[0]

    twin = _replayed(case)

    assert _written(case, "C") == _written(twin, "C")
    assert case.legs.get(kind=LegKind.RESOLUTION).due_at is None  # paused


def test_the_historys_references_due_times_and_ratings_hold_together(demo):
    history = _history(demo)
    calendar = calendar_of(SlaPolicy.objects.get(is_default=True))
    for case in history:
        assert case.reference == f"C-{case.created_at.astimezone(PERIOD.start.tzinfo).year}-{case.pk:06d}"
        assert case.created_at < PERIOD.end
        assert (case.satisfaction is not None) == (case.status == CaseStatus.CLOSED)
    assert calendar.timezone.key == "Asia/Seoul"
    assert calendar.country == "KR"
    ratings = demo["care"]["history"]
    assert sum(ratings[f"rating_{r}"] for r in (4, 5)) == history.filter(satisfaction__gte=4).count()


# --- the open cases of the last days ------------------------------------------------------------------


def test_a_dozen_open_cases_of_the_last_days_stand_at_different_steps(demo):
    planted = demo["care"]["open_recent"]
    cases = Case.objects.filter(reference__in=[c["reference"] for c in planted])

    assert len(planted) == cases.count() == 12
    assert {c.status for c in cases} >= {
        CaseStatus.ACKNOWLEDGED,
        CaseStatus.LISTENING,
        CaseStatus.PROPOSED,
        CaseStatus.WAITING,
        CaseStatus.PROMISED,
        CaseStatus.COMPENSATED,
    }
    assert all(c.is_open for c in cases)
    assert {c.language for c in cases} == {"ko", "ja", "en"}
    assert {c.type for c in cases} == {"complaint", "compliment", "inquiry", "suggestion"}
    team = Team.objects.get(name="Care desk")
    assert team.lead is not None
    assert team.lead.username == "lead"
    assert {(c.assignee.username if c.assignee else None, c.team_id) for c in cases} == {("agent", team.pk)}
    for case in cases:
        assert PERIOD.end - timedelta(days=4) < case.created_at < case.updated_at < PERIOD.end


def test_one_open_case_missed_its_first_response_and_its_agent_and_lead_were_told(demo):
    cases = Case.objects.filter(reference__in=[c["reference"] for c in demo["care"]["open_recent"]])

    [late] = [
        c for c in cases if c.legs.filter(kind=LegKind.FIRST_RESPONSE, breached_at__isnull=False).exists()
    ]

    leg = late.legs.get(kind=LegKind.FIRST_RESPONSE)
    assert leg.met_at is None
    assert leg.escalated_at is not None
    alerted = Message.objects.filter(kind=CASE_ALERT.code).values_list("staff__username", flat=True)
    assert set(alerted) >= {"agent", "lead"}


def test_a_customer_who_wrote_twice_has_the_duplicate_merged_into_their_case(demo):
    duplicate = Case.objects.select_related("merged_into").get(reference=demo["care"]["duplicate_merged"])

    assert duplicate.status == CaseStatus.MERGED
    assert duplicate.channel == "email"
    kept = duplicate.merged_into
    assert kept is not None
    assert kept.reference in {c["reference"] for c in demo["care"]["open_recent"]}
    assert (kept.member_id, kept.is_open) == (duplicate.member_id, True)
    assert not duplicate.legs.filter(due_at__isnull=False).exists()


def test_a_delivery_delay_was_told_to_the_buyers_before_they_asked(demo):
    notice = Notice.objects.get()

    assert notice.status == NoticeStatus.SENT
    assert demo["care"]["notice_told"] == notice.recipients.filter(told_at__isnull=False).count() > 0
    assert notice.title_translations.keys() >= {"ja", "en"}
    told = TimelineEvent.objects.filter(kind="notice_received")
    assert set(told.values_list("member_id", flat=True)) == set(
        notice.recipients.values_list("member_id", flat=True)
    )


def test_the_agent_classified_the_causes_through_the_service(demo):
    cases = Case.objects.filter(reference__in=[c["reference"] for c in demo["care"]["open_recent"]])
    classified = cases.filter(root_cause__isnull=False)

    assert classified.exists()
    for case in classified:
        assert case.entries.filter(kind=EntryKind.CLASSIFIED).exists()


def test_one_compensation_waits_for_a_lead(demo):
    [waiting] = Compensation.objects.filter(status=CompensationStatus.AWAITING_APPROVAL)

    assert waiting.value > limit_of(User.objects.get(username="agent"))
    assert waiting.case.status == CaseStatus.PROPOSED


def test_the_open_cases_name_recent_purchases_so_the_analyses_windows_stay_as_they_were(demo):
    cases = Case.objects.filter(reference__in=[c["reference"] for c in demo["care"]["open_recent"]])
    complaints = cases.filter(type="complaint")

    assert complaints.count() >= 8
    for case in complaints:
        assert case.order is not None
        assert case.order.kind == OrderKind.PURCHASE
        assert case.order.member_id == case.member_id
        assert case.order.occurred_at > PERIOD.end - timedelta(days=60)


def test_the_desks_categories_and_root_causes_are_named_in_each_language(demo):
    late = Category.objects.get(name_translations__en="Late delivery")

    assert late.parent is not None
    assert late.parent.name_translations["en"] == "Delivery"
    assert late.name == "배송 지연"  # the business writes Korean first
    assert late.name_translations["ja"] == "配送遅延"


def test_the_desk_has_saved_replies_in_each_language_that_fill_in(demo):
    replies = list(ReplyTemplate.objects.filter(active=True))
    assert len(replies) == 4
    for reply in replies:
        assert set(reply.body_translations) == {"en", "ja", "zh-hans"}  # Korean is the main text
        assert not any(placeholders_unknown(text) for text in [reply.body, *reply.body_translations.values()])
    late = Case.objects.filter(category__name_translations__en="Late delivery", language="ja").first()
    assert late is not None
    first = reply_templates_for(case=late, language=late.language, agent=None)[0]
    assert first.for_category
    assert first.text.startswith(f"{late.contact_name}様、ご注文の商品のお届けが遅れており")
