"""Every number and date a console or portal page takes is bounded: the largest and the smallest values anyone
can type are refused on their field, with a message, never with a server error.

The forms are found, not listed: every form class of the console and the portal with a number or a date is
sent to the page that uses it, signed in as an administrator; a form no page below covers fails the test.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import patronage.console
import patronage.portal
from patronage.care.models import Case, CaseStatus
from patronage.care.services import CaseInput, case_move, case_open
from patronage.console import care_setup_forms, case_forms, loyalty_forms, scorecard_forms
from patronage.console import forms as console_forms
from patronage.console.campaign_forms import CampaignForm, ScheduleForm, WinbackForm
from patronage.console.event_forms import ClubEventForm
from patronage.console.information_forms import InformationForm
from patronage.console.loyalty_forms.rule_settings import KIND_SETTINGS
from patronage.console.meeting_forms import MeetingForm
from patronage.console.notice_forms import NoticeForm
from patronage.console.standard_forms import MeasurementForm, RangeForm, StandardForm
from patronage.console.survey_forms import InviteFilterForm, QuestionForm, SurveyForm
from patronage.console.views.analytics_pages import WhatIfForm, _whatif_initial
from patronage.console.webhook_forms import ReplayForm
from patronage.core import clock
from patronage.core.models import User
from patronage.feedback.models import Survey
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.loyalty import services
from patronage.loyalty.models import Account, Benefit, Program
from patronage.loyalty.selectors import rule_names
from patronage.members.models import Member
from patronage.messages.models import WebhookEndpoint
from patronage.messages.webhook_services import endpoint_create
from patronage.segments.models import Campaign, InformationTopic, Segment
from patronage.standards.models import Standard
from patronage.standards.services import StandardInput, standard_create

from .loyalty_setup import catalogue_make, program_make, purchase

NUMBERS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
TIMES = (forms.DateField, forms.DateTimeField)
EXTREME_NUMBERS = ("100000000000000000000", "-100000000000000000000", "1e308", "NaN", "Infinity")
EXTREME_DATES = ("0001-01-01", "9999-12-31")
EXTREME_TIMES = ("0001-01-01T00:00", "9999-12-31T23:59")


def _typed(field: forms.Field) -> bool:
    return isinstance(field, NUMBERS + TIMES)


def _extremes(field: forms.Field) -> tuple[str, ...]:
    if isinstance(field, forms.DateTimeField):
        return EXTREME_TIMES
    return EXTREME_DATES if isinstance(field, forms.DateField) else EXTREME_NUMBERS


def _subclasses(cls: type[forms.BaseForm]) -> Iterator[type[forms.BaseForm]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _page_form_classes() -> set[type[forms.BaseForm]]:
    """The form classes of the console and the portal that hold a number or a date."""
    for package in (patronage.console, patronage.portal):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".tests" not in module.name:
                import_module(module.name)
    return {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith(("patronage.console.", "patronage.portal."))
        and any(_typed(f) for f in getattr(cls, "base_fields", {}).values())
    }


@dataclass
class World:
    client: Client
    program: Program
    alice: Member
    bob: Member
    grant_id: int


@dataclass(frozen=True)
class Page:
    """A page that takes one or more of the forms: how to reach it, and a submission it would accept."""

    name: str
    covers: tuple[type[forms.BaseForm], ...]
    url: Callable[[World], str]
    valid: Callable[[World, str], dict[str, Any]]  # a good submission, given the field about to be spoiled
    shown: Callable[[World], list[forms.BaseForm]]  # the forms as the page holds them, for their field names
    method: str = "post"
    # A list's filter: any date the calendar holds is a fair question there, answered with a list.
    dates_filter: bool = False

    def __str__(self) -> str:
        return self.name


def _tab_action(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"console:customer_loyalty_{name}", args=[w.alice.pk, w.program.code])


def _setup(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"console:loyalty_{name}", args=[w.program.code])


def _key() -> str:
    return loyalty_forms.fresh_key()


SETTINGS = {
    "name": "Hanbit Club",
    "currency": "KRW",
    "time_zone": "Asia/Seoul",
    "enrolment": "signup",
    "point_value": "1",
    "pending_days": "0",
    "rounding": "down",
    "expiry_policy": "days_after_earning",
    "expiry_days": "365",
    "expiry_warning_days": "30",
    "return_policy": "within_balance",
    "tier_basis": "points",
    "tier_window": "rolling",
    "tier_window_days": "365",
    "tier_downgrade": "one_level",
    "tier_grace_days": "0",
    "adjustment_ceiling": "100000",
    "adjustment_confirm_above": "10000",
    "active": "on",
}


def _rule(_world: World, spoiled: str) -> dict[str, Any]:
    # A kind's setting is read only with that kind chosen: "campaign-bonus" is sent with kind=campaign.
    kind = spoiled.split("-")[0] if "-" in spoiled else "spend"
    return {
        "code": "bounds",
        "name": "Bounds",
        "kind": kind,
        "priority": "100",
        "stackable": "on",
        "enabled": "on",
        "spend-points": "1",
        "spend-per": "1000",
    }


def _rule_forms(world: World) -> list[forms.BaseForm]:
    names = rule_names.earn_rule_choices(program=world.program)
    form = loyalty_forms.EarnRuleForm(names=names, currency="KRW", time_zone="Asia/Seoul")
    return [form, *form.kind_settings]


PAGES = [
    Page(
        "customer search",
        (console_forms.MemberSearchForm,),
        lambda w: reverse("console:customers"),
        lambda w, _f: {},
        lambda w: [console_forms.MemberSearchForm()],
        method="get",
        dates_filter=True,
    ),
    Page(
        "customer edit",
        (console_forms.ProfileForm,),
        lambda w: reverse("console:customer_edit", args=[w.alice.pk]),
        lambda w, _f: {"name": "Alice Kim", "locale": "en", "time_zone": "Asia/Seoul"},
        lambda w: [console_forms.ProfileForm()],
    ),
    Page(
        "merge comparison",
        (console_forms.MergeStartForm, console_forms.MergePairForm),
        lambda w: reverse("console:merge"),
        lambda w, _f: {"first": w.alice.pk, "second": w.bob.pk},
        lambda w: [console_forms.MergePairForm()],
        method="get",
    ),
    Page(
        "merge",
        (console_forms.MergeForm,),
        lambda w: reverse("console:merge"),
        lambda w, _f: {"first": w.alice.pk, "second": w.bob.pk, "survivor": "first"},
        lambda w: [console_forms.MergeForm()],
    ),
    Page(
        "what-if study",
        (WhatIfForm,),
        lambda w: reverse("console:analytics_whatif"),
        lambda w, _f: _whatif_initial(None),
        lambda w: [WhatIfForm()],
        method="get",
    ),
    Page(
        "program creation",
        (loyalty_forms.ProgramCreateForm,),
        lambda w: reverse("console:loyalty_program_create"),
        lambda w, _f: {**SETTINGS, "code": "bounds"},
        lambda w: [loyalty_forms.ProgramCreateForm()],
    ),
    Page(
        "program settings",
        (loyalty_forms.ProgramForm,),
        _setup("program_save"),
        lambda w, _f: SETTINGS,
        lambda w: [loyalty_forms.ProgramForm()],
    ),
    Page(
        "simulator",
        (loyalty_forms.SimulationForm,),
        _setup("simulate"),
        lambda w, _f: {"amount": "10000"},
        lambda w: [loyalty_forms.SimulationForm()],
        method="get",
    ),
    Page(
        "earn rule",
        (loyalty_forms.EarnRuleForm, *KIND_SETTINGS),
        _setup("rule_create"),
        _rule,
        _rule_forms,
    ),
    Page(
        "tier",
        (loyalty_forms.TierForm,),
        _setup("tier_save"),
        lambda w, _f: {"code": "gold", "name": "Gold", "rank": "5", "threshold": "1000"},
        lambda w: [loyalty_forms.TierForm()],
    ),
    Page(
        "tier benefit",
        (loyalty_forms.TierBenefitForm,),
        _setup("tier_benefit_save"),
        lambda w, _f: {"tier": "member", "benefit": "hotline", "quantity": "1", "period": "year"},
        lambda w: [loyalty_forms.TierBenefitForm(tiers=[], benefits=[])],
    ),
    Page(
        "benefit",
        (loyalty_forms.BenefitForm,),
        _setup("benefit_save"),
        lambda w, _f: {"code": "gift", "name": "Gift", "kind": "gift", "validity_days": "30", "active": "on"},
        lambda w: [loyalty_forms.BenefitForm()],
    ),
    Page(
        "reward",
        (loyalty_forms.RewardForm,),
        _setup("reward_save"),
        lambda w, _f: {"code": "mug", "name": "Mug", "points_price": "100", "active": "on"},
        lambda w: [loyalty_forms.RewardForm(tiers=[])],
    ),
    Page(
        "adjustment",
        (loyalty_forms.AdjustForm,),
        _tab_action("adjust"),
        lambda w, _f: {"points": "10", "reason": "goodwill", "idempotency_key": _key()},
        lambda w: [loyalty_forms.AdjustForm()],
    ),
    Page(
        "redemption",
        (loyalty_forms.RedeemForm,),
        _tab_action("redeem"),
        lambda w, _f: {"points": "10", "idempotency_key": _key()},
        lambda w: [loyalty_forms.RedeemForm(rewards=[])],
    ),
    Page(
        "benefit by hand",
        (loyalty_forms.BenefitGrantForm,),
        _tab_action("benefit_grant"),
        lambda w, _f: {"benefit": "hotline", "quantity": "1", "reason": "apology", "idempotency_key": _key()},
        lambda w: [loyalty_forms.BenefitGrantForm(benefits=[])],
    ),
    Page(
        "benefit use",
        (loyalty_forms.BenefitUseForm,),
        _tab_action("benefit_use"),
        lambda w, _f: {"grant": w.grant_id, "idempotency_key": _key()},
        lambda w: [loyalty_forms.BenefitUseForm()],
    ),
    Page(
        "case compensation",
        (case_forms.CompensationForm,),
        lambda w: reverse("console:case_compensate", args=[_case_reference(w)]),
        lambda w, _f: {"kind": "voucher", "value": "10", "idempotency_key": _key()},
        lambda w: [case_forms.CompensationForm()],
    ),
    Page(
        "case promise",
        (case_forms.PromiseForm,),
        lambda w: reverse("console:case_move", args=[_case_reference(w)]),
        lambda w, _f: {"to": "promised", "promise": "A new sofa", "promised_by": "2030-01-01"},
        lambda w: [case_forms.PromiseForm(to="promised")],
    ),
    Page(
        "webhook replay",
        (ReplayForm,),
        lambda w: reverse("console:webhook_replay", args=[_endpoint_id()]),
        lambda w, _f: {"start": "2026-11-01T00:00", "end": "2026-11-02T00:00"},
        lambda w: [ReplayForm()],
    ),
    Page(
        "SLA policy",
        (care_setup_forms.PolicyForm,),
        lambda w: reverse("console:care_policy_create"),
        lambda w, _f: {
            "name": "Fast",
            "calendar": "",
            "first_response_amount": "2",
            **{
                f"{leg}_unit": "hours"
                for leg in ("first_response", "next_response", "resolution", "follow_up")
            },
        },
        lambda w: [care_setup_forms.PolicyForm(calendars=[], categories=[], tiers=[])],
    ),
    Page(
        "calendar preview",
        (care_setup_forms.PreviewForm,),
        lambda w: reverse("console:care_calendar_create"),
        lambda w, _f: {
            "action": "preview",
            "name": "Seoul",
            "timezone": "Asia/Seoul",
            "preview-amount": "2",
            "preview-unit": "hours",
        },
        lambda w: [care_setup_forms.PreviewForm()],
    ),
    Page(
        "case category",
        (care_setup_forms.CategoryForm,),
        lambda w: reverse("console:care_category_create"),
        lambda w, _f: {"name": "Late delivery", "position": "0"},
        lambda w: [care_setup_forms.CategoryForm(parents=[])],
    ),
    Page(
        "saved reply",
        (care_setup_forms.ReplyTemplateForm,),
        lambda w: reverse("console:care_reply_template_create"),
        lambda w, _f: {"name": "Sorry", "body": "We are sorry, {name}.", "position": "0", "active": "on"},
        lambda w: [care_setup_forms.ReplyTemplateForm(categories=[])],
    ),
    Page(
        "notice",
        (NoticeForm,),
        lambda w: reverse("console:notice_new"),
        lambda w, _f: {
            "kind": "delay",
            "title": "Late parcels",
            "message": "We are sorry.",
            "members": f"#{w.alice.pk}",
        },
        lambda w: [NoticeForm()],
    ),
    Page(
        "scorecard weights",
        (scorecard_forms.WeightsForm,),
        lambda w: reverse("console:scorecard_weights"),
        lambda w, _f: {"satisfaction": "40", "sla": "20", "standards": "20", "recovery": "20"},
        lambda w: [scorecard_forms.WeightsForm()],
    ),
    Page(
        "survey builder",
        (SurveyForm, QuestionForm),
        lambda w: reverse("console:survey_new"),
        lambda w, _f: {
            "title": "After your visit",
            "throttle_days": "30",
            "action": "save",
            "q-TOTAL_FORMS": "1",
            "q-INITIAL_FORMS": "0",
            "q-MIN_NUM_FORMS": "0",
            "q-MAX_NUM_FORMS": "50",
            "q-0-key": "nps",
            "q-0-type": "nps",
            "q-0-text": "How likely are you to recommend us?",
        },
        lambda w: [SurveyForm(), QuestionForm(prefix="q-0")],
    ),
    Page(
        "advisory meeting",
        (MeetingForm,),
        lambda w: reverse("console:meeting_new"),
        lambda w, _f: {"title": "Spring tasting panel", "starts_at": "2027-03-20T14:00"},
        lambda w: [MeetingForm()],
    ),
    Page(
        "campaign",
        (CampaignForm,),
        lambda w: reverse("console:campaign_new"),
        lambda w, _f: {
            "code": "bounds",
            "name": "Bounds",
            "segment": _segment_code(),
            "subject": "Hello",
            "body": "News",
            "goal": "purchase",
            "goal_days": "30",
            "holdout_share": "10",
        },
        lambda w: [CampaignForm()],
    ),
    Page(
        "win-back ranking",
        (WinbackForm,),
        lambda w: reverse("console:campaign_winback"),
        lambda w, _f: {"limit": "100", "min_risk": "50"},
        lambda w: [WinbackForm()],
        method="get",
    ),
    Page(
        "club event",
        (ClubEventForm,),
        lambda w: reverse("console:event_new"),
        lambda w, _f: {
            "code": "bounds",
            "name": "Bounds",
            "kind": "club",
            "starts_at": "2027-03-20T14:00",
            "ends_at": "2027-03-20T16:00",
            "capacity": "20",
        },
        lambda w: [ClubEventForm()],
    ),
    Page(
        "information item",
        (InformationForm,),
        lambda w: reverse("console:information_new"),
        lambda w, _f: {
            "code": "bounds",
            "kind": "news",
            "title": "Bounds",
            "body": "News",
            "topics": [_topic_code()],
            "published_at": "2027-03-20T14:00",
        },
        lambda w: [InformationForm()],
    ),
    Page(
        "campaign schedule",
        (ScheduleForm,),
        lambda w: reverse("console:campaign_schedule", args=[_campaign_code()]),
        lambda w, _f: {"send_at": "2027-03-20T14:00"},
        lambda w: [ScheduleForm()],
    ),
    Page(
        "service standard",
        (StandardForm,),
        lambda w: reverse("console:standard_new"),
        lambda w, _f: {
            "code": "rings",
            "name": "Phone answered within 2 rings",
            "unit": "rings",
            "direction": "lower",
            "target": "2",
            "minimum": "4",
            "target_share": "95",
            "source": "measured",
            "period": "week",
        },
        lambda w: [StandardForm()],
    ),
    Page(
        "measurement by hand",
        (MeasurementForm,),
        lambda w: reverse("console:standard_measurement_new", args=[_standard_id()]),
        lambda w, _f: {"value": "2", "at": "2026-11-18T09:30"},
        lambda w: [MeasurementForm()],
    ),
    Page(
        "a standard's periods",
        (RangeForm,),
        lambda w: reverse("console:standard_detail", args=[_standard_id()]),
        lambda w, _f: {"period": "week", "count": "12"},
        lambda w: [RangeForm()],
        method="get",
        dates_filter=True,
    ),
    Page(
        "survey invitations by filter",
        (InviteFilterForm,),
        lambda w: reverse("console:survey_invite_filter", args=[_survey_id()]),
        lambda w, _f: {"city": "Seoul", "key": _key()},
        lambda w: [InviteFilterForm()],
    ),
]


def _survey_id() -> int:
    """An open survey, to invite customers to."""
    found = Survey.objects.values_list("pk", flat=True).first()
    if found is None:
        question = QuestionInput(type="nps", key="nps", text="Recommend us?")
        survey = survey_create(data=SurveyInput(title="Visit", questions=[question]), actor=None)
        found = survey_open(survey=survey, actor=None).pk
    return found


def _segment_code() -> str:
    """An active segment, for a campaign to go to."""
    from patronage.segments.services import SegmentInput, segment_create

    if not Segment.objects.filter(code="bounds").exists():
        segment_create(data=SegmentInput(code="bounds", name="Bounds", kind="static"), actor=None)
    return "bounds"


def _campaign_code() -> str:
    """A draft campaign, to schedule."""
    from patronage.segments.campaign_services import CampaignInput, campaign_create

    if not Campaign.objects.filter(code="bounds").exists():
        data = CampaignInput(code="bounds", name="Bounds", segment=_segment_code(), subject="Hi", body="News")
        campaign_create(data=data, actor=None)
    return "bounds"


def _standard_id() -> int:
    """A standard measured outside, to type a measurement of."""
    found = Standard.objects.values_list("pk", flat=True).first()
    if found is None:
        data = StandardInput(
            code="bounds", name="Rings", unit="rings", direction="lower", target=2, minimum=4
        )
        found = standard_create(data=data, actor=None).pk
    return found


def _case_reference(world: World) -> str:
    """A complaint whose solution is proposed: compensation may be given and a fix promised."""
    found = Case.objects.values_list("reference", flat=True).first()
    if found is None:
        data = CaseInput(type="complaint", channel="phone", summary="Scratched sofa", member=world.alice)
        case = case_open(data=data).case
        case_move(case=case, to=CaseStatus.PROPOSED, actor=None, solution="A new sofa")
        found = case.reference
    return found


def _endpoint_id() -> int:
    found = WebhookEndpoint.objects.values_list("pk", flat=True).first()
    if found is None:
        endpoint, _secret = endpoint_create(actor=None, url="https://pos.example.com/hooks", topics=["*"])
        found = endpoint.pk
    return found


def _topic_code() -> str:
    """An information topic for the item's form (made on first use)."""
    topic, _created = InformationTopic.objects.get_or_create(
        code="bounds", defaults={"name": "Bounds", "created_at": clock.now()}
    )
    return topic.code


def test_every_form_with_a_number_or_a_date_is_sent_its_extremes_by_a_page_below():
    covered = {cls for page in PAGES for cls in page.covers}
    missing = sorted(cls.__qualname__ for cls in _page_form_classes() - covered)
    assert missing == [], "add the page that uses these forms to PAGES"


@pytest.fixture
def world(db, admin: User, alice: Member, bob: Member) -> World:
    program = program_make()
    catalogue_make(program)
    purchase(program, alice, "500000", "till-1")
    grant = services.benefit_grant(
        account=Account.objects.get(program=program, member=alice),
        benefit=Benefit.objects.get(program=program, code="hotline"),
        quantity=1,
        valid_days=None,
        reason="apology",
        idempotency_key="bounds",
        actor=None,
    )
    client = Client(raise_request_exception=False)  # a server error comes back as the 500 a person would see
    client.force_login(admin)
    return World(client, program, alice, bob, grant.pk)


_CONTROL = re.compile(r"<(?:input|select|textarea)\b[^>]*>")


def _marked_invalid(html: str, name: str) -> bool:
    return any(f'name="{name}"' in tag and 'aria-invalid="true"' in tag for tag in _CONTROL.findall(html))


def _shows_an_error(html: str) -> bool:
    return 'class="message error"' in html or 'class="errorlist' in html


def _answer(world: World, page: Page, name: str, value: str, *, is_date: bool) -> str | None:
    """What is wrong with the page's answer to `value` in field `name`; None when it refused it clearly."""
    data = {**page.valid(world, name), name: value}
    send = world.client.get if page.method == "get" else world.client.post
    response = send(page.url(world), data)
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if page.dates_filter and is_date and response.status_code == 200:
        return None
    if response.status_code in (301, 302):
        location = response["Location"]
        followed = world.client.get(location)
        return None if _shows_an_error(followed.content.decode()) else f"redirected to {location} silently"
    html = response.content.decode()
    if _marked_invalid(html, name):
        return None
    hidden = f'type="hidden" name="{name}"' in html or f'name="{name}"' not in html
    if hidden and response.status_code >= 400 and _shows_an_error(html):
        return None  # a field no one types (an id in the page) is named by the message
    return f"answered {response.status_code} without naming the field"


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_largest_and_smallest_values_are_refused_on_their_field(world, page):
    problems = []
    for form in page.shown(world):
        for name, form_field in form.fields.items():
            if not _typed(form_field):
                continue
            for value in _extremes(form_field):
                is_date = isinstance(form_field, TIMES)
                problem = _answer(world, page, form.add_prefix(name), value, is_date=is_date)
                if problem is not None:
                    problems.append(f"{form.add_prefix(name)}={value}: {problem}")
    assert problems == [], "\n".join(problems)
