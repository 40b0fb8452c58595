"""Every console and portal page on a phone: at 390 px wide no page scrolls sideways, in any of the four
languages, even with long unbroken text (a link, a code, an e-mail) planted wherever a person can type it.
Wide tables scroll inside their own box; the document itself never does. The menu button opens the
navigation. Takes the guides' phone pictures (phone-*.png)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, get_resolver, reverse

from patronage.analytics.models import RunStatus
from patronage.analytics.services import analysis_execute, analysis_request
from patronage.analytics.tests.demo import demo_load
from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.models import BusinessCalendar, NoticeRecipient, SlaPolicy, Team
from patronage.care.notices import NoticeInput, notice_create, notice_start, notices_send
from patronage.care.services import CaseInput, case_note, case_open, case_reply
from patronage.care.setup import ReplyTemplateInput, reply_template_save
from patronage.conftest import MEMBER_PASSWORD, STAFF_PASSWORD
from patronage.core import clock
from patronage.core.apikeys import apikey_create
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.feedback.meetings import (
    MeetingInput,
    guest_note_record,
    guests_invite,
    meeting_create,
    meeting_notes_record,
)
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.feedback.tests.theme_setup import theme_plant
from patronage.loyalty import services as loyalty
from patronage.loyalty.models import Account
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.services import IdentityInput, member_create, member_tags_set, note_add
from patronage.messages.message_services import message_queue
from patronage.messages.message_template_services import template_languages
from patronage.messages.models import (
    DeliveryStatus,
    Message,
    MessageStatus,
    SkipReason,
    WebhookDelivery,
    WebhookEndpoint,
)
from patronage.portal.tests.survey_setup import invite, visit_survey
from patronage.segments.campaign_services import CampaignInput, campaign_create
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create

from .loyalty_setup import catalogue_make, program_make, purchase
from .scorecard_setup import meeting_plant
from .webhook_setup import endpoint_with_deliveries

PHONE = {"width": 390, "height": 844}
LANGUAGES = ("en", "ko", "ja", "zh-hans")
# What people paste: a link, an order code, with no space to break at.
LONG_WORD = "https://shop.example.com/orders/" + "A1B2C3D4" * 12
LONG_REASON = (
    "Goodwill after the courier lost the parcel twice and the customer called the hotline three times "
    + LONG_WORD
)

# Every URL name of the console and the portal is a page measured here, or named below with the reason it
# is not one: a POST-only action, a download, or a fragment htmx loads into a page (measured there).
NOT_PAGES = {
    "console:logout": "POST only",
    "console:customer_timeline": "fragment of the customer page",
    "console:customer_note_add": "POST only",
    "console:customer_tags": "POST only",
    "console:customer_manager": "POST only",
    "console:customer_identity_add": "POST only",
    "console:customer_consent": "POST only",
    "console:customer_export": "POST only, a download",
    "console:duplicates_dismiss": "POST only",
    "console:customers_export": "POST only, a download",
    "console:apikey_create": "POST only",
    "console:apikey_revoke": "POST only",
    "console:loyalty_program_save": "POST only",
    "console:loyalty_rule_delete": "POST only",
    "console:loyalty_tier_save": "POST only",
    "console:loyalty_tier_benefit_save": "POST only",
    "console:loyalty_benefit_save": "POST only",
    "console:loyalty_reward_save": "POST only",
    "console:customer_loyalty_adjust": "POST only",
    "console:customer_loyalty_redeem": "POST only",
    "console:customer_loyalty_redemption_cancel": "POST only",
    "console:customer_loyalty_redemption_fulfil": "POST only",
    "console:customer_loyalty_benefit_use": "POST only",
    "console:customer_loyalty_benefit_grant": "POST only",
    "console:customer_loyalty_tier_floor": "POST only",
    "console:customer_loyalty_tier_invite": "POST only",
    "console:analytics_recompute": "POST only",
    "console:analytics_progress": "fragment of the analytics pages",
    "console:analytics_export": "a download",
    "console:webhook_create": "POST only (its answer, the secret, is measured after the form is sent)",
    "console:webhook_edit": "POST only",
    "console:webhook_enable": "POST only",
    "console:webhook_rotate": "POST only (answers the same secret page as webhook_create)",
    "console:webhook_resend": "POST only",
    "console:webhook_replay": "POST only",
    "console:message_template_reset": "POST only",
    "console:case_move": "POST only",
    "console:case_reply": "POST only",
    "console:case_note": "POST only",
    "console:case_compensate": "POST only",
    "console:case_compensation_decide": "POST only",
    "console:case_assign": "POST only",
    "console:case_follow_up": "POST only",
    "console:case_merge": "POST only",
    "console:case_classify": "POST only",
    "console:scorecard_pin": "POST only (a refusal answers a page measured with the case's)",
    "console:scorecard_unpin": "POST only",
    "console:scorecards_csv": "a download",
    "console:scorecards_pdf": "a download",
    "console:case_attachment": "a download",
    "console:care_policy_move": "POST only",
    "console:care_policy_delete": "POST only",
    "console:care_calendar_import": "POST only",
    "console:care_calendar_export": "a download",
    "console:care_calendar_delete": "POST only",
    "console:care_category_create": "POST only",
    "console:care_category_save": "POST only",
    "console:care_category_active": "POST only",
    "console:care_root_cause_create": "POST only",
    "console:care_root_cause_save": "POST only",
    "console:care_root_cause_active": "POST only",
    "console:care_team_create": "POST only",
    "console:care_team_save": "POST only",
    "console:care_reply_template_active": "POST only",
    "console:notice_send": "POST only",
    "console:survey_open": "POST only",
    "console:survey_close": "POST only",
    "console:survey_invite": "POST only",
    "console:survey_invite_filter": "POST only",
    "console:survey_rule_add": "POST only",
    "console:survey_rule_remove": "POST only",
    "console:meeting_invite": "POST only",
    "console:meeting_notes": "POST only",
    "console:meeting_held": "POST only",
    "console:meeting_cancel": "POST only",
    "console:meeting_attendance": "POST only",
    "console:meeting_guest_note": "POST only",
    "console:survey_breakdown": "fragment of the survey page",
    "console:survey_themes_find": "POST only",
    "console:survey_theme_rename": "POST only",
    "console:survey_theme_merge": "POST only",
    "console:standard_retire": "POST only",
    "console:segment_preview": "POST only: the builder's live count",
    "console:segment_retire": "POST only",
    "console:segment_list_upload": "POST only",
    "console:segment_treatment": "POST only: the form is on the segment's page",
    "console:segment_selection_add": "POST only: the form is on the customer list",
    "console:campaign_schedule": "POST only",
    "console:campaign_cancel": "POST only",
    "console:information_retire": "POST only",
    "console:event_cancel": "POST only",
    "console:event_invite": "POST only",
    "console:event_check_in": "POST only: one tap at the door",
    "portal:logout": "POST only",
    "portal:data_download": "POST only, a download",
    "portal:points_summary": "fragment of the overview",
    "portal:redemption_cancel": "POST only",
    "portal:event_register": "POST only",
    "portal:event_cancel": "POST only",
    "portal:case_file": "a download",
}
# Pages seen before signing in (the portal's home is its landing page then, the member's overview after).
ANONYMOUS = [
    "console:login",
    "portal:home",
    "portal:login",
    "portal:signup",
    "portal:goodbye",
    "notices:notice",  # a notice's apology, opened from its e-mail without signing in
    "surveys:survey",  # a survey, opened from its invitation without signing in
    "surveys:thanks",
]

# Pages that still scroll sideways at 390 px, {(url name, language): width measured}, while they wait for
# their fix. Keep it empty: a page listed here is a page a person on a phone cannot read.
ALLOWED_OVERFLOW: dict[tuple[str, str], int] = {}

# Measures the document; when it is wider than the window, names the element sticking out furthest on the
# right (leaving out those clipped by a box that scrolls, such as .table-wrap) and the innermost ones, which
# usually are the cause. Text is measured too: a long word can stick out of a box that itself fits.
MEASURE = """() => {
  const limit = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return { width, limit, widest: '', inner: [] };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) {
      name += '.' + el.className.trim().split(/\\s+/).join('.');
    }
    const text = (el.innerText || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
    return `${name} (right edge ${Math.round(edgeOf(el))} px) "${text}"`;
  };
  const clipped = (el) => {
    if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;  // may escape its box
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const right = new Map();  // element -> right edge of its box, or of its own text sticking out of it
  for (const el of document.body.querySelectorAll('*')) right.set(el, el.getBoundingClientRect().right);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    const edge = range.getBoundingClientRect().right;
    const el = node.parentElement;
    if (el && edge > right.get(el) && getComputedStyle(el).overflowX === 'visible') right.set(el, edge);
  }
  const edgeOf = (el) => right.get(el);
  const out = [...right.keys()].filter((el) => edgeOf(el) > limit + 0.5 && !clipped(el));
  const inner = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
  out.sort((a, b) => edgeOf(b) - edgeOf(a));
  return {
    width,
    limit,
    widest: out.length ? describe(out[0]) : '',
    inner: inner.slice(0, 3).map(describe),
  };
}"""
# Waits for what a page draws after it loads: its charts, and the htmx fragments it loads on load.
SETTLED = """async () => {
  for (let tries = 0; tries < 100; tries++) {
    const charts = [...document.querySelectorAll('canvas[data-chart]')];
    const loading = document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping');
    if (charts.every((canvas) => canvas.dataset.drawn === 'true') && !loading) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""


def _names(namespace: str) -> list[str]:
    resolver = get_resolver().namespace_dict[namespace][1]
    return [
        f"{namespace}:{pattern.name}"
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name
    ]


def _signed_in_pages(namespace: str) -> list[str]:
    pages = [name for name in _names(namespace) if name not in NOT_PAGES and name not in ANONYMOUS]
    return pages + (["portal:home"] if namespace == "portal" else [])


@pytest.fixture
def business(request: Any, settings: Any, tmp_path: Path, admin) -> dict[str, Any]:
    """A small demo business with its analyses, the Hanbit Club with every kind of thing in it, and long
    unbroken text wherever a person can type some: a reason, a note, a tag, a name, an e-mail, a file name."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(tmp_path, members=300)
    for kind, params in (
        ("clv", {}),
        ("churn", {}),
        ("loyalty", {}),
        ("deal_seekers", {}),
        ("service", {}),
        ("whatif", {"calibrate": True}),
    ):
        run = analysis_request(kind=kind, params=params, actor=None, enqueue=None)
        assert analysis_execute(run_id=run.pk).status == RunStatus.DONE
    # After the demo, which loads only into an empty customer file.
    alice, bob = request.getfixturevalue("alice"), request.getfixturevalue("bob")

    program = program_make()
    catalogue_make(program)
    silver = "Free delivery, and a coupon on your birthday."
    loyalty.tier_save(
        program=program,
        code="silver",
        name="Silver",
        rank=1,
        threshold=Decimal(300),
        description=silver,
        actor=admin,
    )
    loyalty.tier_save(
        program=program,
        code="gold",
        name="Gold",
        rank=2,
        threshold=Decimal(400),
        description=LONG_REASON,
        actor=admin,
    )
    trial = loyalty.benefit_save(
        program=program,
        code="trial",
        name="New-product trial",
        kind="trial",
        description=LONG_REASON,
        actor=admin,
    )
    reward = loyalty.reward_save(
        program=program,
        code="voucher",
        name="Gift voucher " + LONG_WORD[:60],
        description=LONG_REASON,
        points_price=100,
        actor=admin,
    )
    purchase(program, bob, "350000", "till-1")  # Bob: an ordinary Silver member, for the guides' pictures
    purchase(program, alice, "500000", "till-" + LONG_WORD[:40])  # Alice: Gold, and every long text
    account = Account.objects.get(program=program, member=alice)
    loyalty.points_adjust(account=account, points=50, reason=LONG_REASON, idempotency_key="long", actor=admin)
    loyalty.benefit_grant(
        account=account,
        benefit=trial,
        quantity=1,
        valid_days=None,
        reason=LONG_REASON,
        idempotency_key="trial",
        actor=admin,
    )
    redemption = loyalty.points_redeem(
        account=account, points=100, idempotency_key="voucher", actor=admin, reward=reward
    )
    note_add(member=alice, actor=admin, body=LONG_REASON)
    member_tags_set(member=alice, actor=admin, names=["vip", LONG_WORD[:64]])
    carol = member_create(  # the other side of the merge page, and a long row in the customer list
        actor=admin,
        identities=[
            IdentityInput("email", "carolina.extraordinarily.long.address@flagship-store.example.co.kr"),
            IdentityInput("card", "CARD-" + "7" * 35),
        ],
        profile={"name": "Carolina " + LONG_WORD[:80], "city": LONG_WORD[:60], "address": LONG_REASON[:200]},
    )
    staff_create(
        username="operations.supervisor.gangnam.flagship.store.seoul",
        password=STAFF_PASSWORD,
        groups=[Role.SERVICE_AGENT, Role.PROGRAM_MANAGER],
        email="operations.supervisor.gangnam.flagship.store@example.com",
    )
    apikey_create(name="Till integration " + LONG_WORD[:60], scopes=["members:read"], actor=admin)
    rows = f"email,name,city\n{LONG_WORD[:60]}@example.com,{LONG_WORD},{LONG_WORD}\nok@example.com,Ok,Seoul\n"
    job = import_job_start(
        kind="customers",
        file_name=f"customers-{LONG_WORD[:60]}.csv",
        content=rows.encode(),
        actor=admin,
        enqueue=None,
    )
    import_job_run(job_id=job.pk)
    # A measurement upload with a long file name and standard, and a long team name in its before and after.
    standard_create(
        data=StandardInput(
            code="phone-upload",
            name="Phone answered " + LONG_WORD[:60],
            unit="rings",
            direction="lower",
            target=2,
            minimum=4,
        ),
        actor=admin,
    )
    Team.objects.create(name="Team " + LONG_WORD[:90])
    upload = import_job_start(
        kind="measurements",
        file_name=f"calls-{LONG_WORD[:60]}.csv",
        content=f"value,at,team\n1,2026-11-30 09:00,Team {LONG_WORD[:90]}\n".encode(),
        actor=admin,
        options={"standard": "phone-upload"},
        enqueue=None,
    )
    import_job_run(job_id=upload.pk)
    # A webhook endpoint with a long address, description and answer; another the product disabled.
    endpoint, _secret = endpoint_with_deliveries(
        actor=admin, url=LONG_WORD + "/hooks?store=" + LONG_WORD[-40:], description=LONG_REASON[:200]
    )
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.FAILED).update(
        last_response=LONG_WORD * 3, last_error="connection refused: " + LONG_WORD
    )
    failing, _secret = endpoint_with_deliveries(actor=admin, url=LONG_WORD + "/failing")
    now = clock.now()
    WebhookEndpoint.objects.filter(pk=failing.pk).update(
        enabled=False, disabled_at=now, disabled_reason="failing", failing_since=now - timedelta(days=3)
    )
    # The delivery log: a message with a long subject and tier name, and one skipped with its reason.
    long_tier = {"program": LONG_WORD, "tier": LONG_WORD, "previous_tier": "Silver", "upgraded": True}
    message_queue(kind="tier_changed", member=alice, context=long_tier, key="phone-1")
    skipped = message_queue(kind="tier_changed", member=bob, context=long_tier, key="phone-2")
    if skipped is not None:
        Message.objects.filter(pk=skipped.pk).update(
            status=MessageStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT, last_error=LONG_REASON[:300]
        )
    # A case with long words wherever the customer or the agent types them, and compensation waiting.
    case = case_open(
        data=CaseInput(
            type="complaint",
            channel="web_form",
            summary="Scratched " + LONG_WORD[:150],
            description=LONG_REASON,
            member=alice,
        )
    ).case
    case_reply(case=case, body=LONG_REASON, actor=admin)
    case_note(case=case, body=LONG_WORD, actor=admin)
    compensation_give(
        case=case,
        data=CompensationInput(
            kind="refund",
            value="500000",
            idempotency_key="phone",
            reference=LONG_WORD[:100],
            ask_approval=True,
        ),
        actor=admin,
    )
    # The case's team, with a long name, led by the administrator, and the case pinned with a long note.
    team = meeting_plant(name="Crew " + LONG_WORD[:90], lead=admin, case=case, note=LONG_REASON)
    # A notice and a saved reply whose words are as long as a person may make them.
    notice = notice_create(
        data=NoticeInput(
            kind="delay", title="Late " + LONG_WORD[:150], message=LONG_REASON, member_ids=(alice.pk, bob.pk)
        ),
        actor=admin,
    )
    notice_start(notice=notice)
    notices_send()
    recipient = NoticeRecipient.objects.filter(notice=notice).order_by("pk").first()
    assert recipient is not None
    reply = reply_template_save(
        data=ReplyTemplateInput(name="Sorry " + LONG_WORD[:80], body=LONG_REASON), actor=admin
    )
    # Alice's surveys: one answered with long words, one waiting for her.
    answered = invite(visit_survey(title="Visit " + LONG_WORD), alice)
    response_submit(
        survey=answered.survey,
        data=ResponseInput(
            answers={"nps": 3, "why": LONG_REASON, "liked": ["staff", "price"], "more": LONG_WORD},
            invitation=answered,
        ),
    )
    waiting = invite(visit_survey(title="Delivery " + LONG_WORD), alice)
    # An open survey with long words wherever they are written or answered, a detractor's case and results.
    survey = survey_create(
        data=SurveyInput(
            title="Your visit " + LONG_WORD[:150],
            intro=LONG_REASON,
            questions=[
                QuestionInput(type="nps", key="nps", text="Recommend us? " + LONG_WORD[:100], required=True),
                QuestionInput(
                    type="text",
                    key="why",
                    text=LONG_REASON[:200],
                    shown_when={"question": "nps", "at_most": 6},
                ),
                QuestionInput(
                    type="single_choice",
                    key="visit",
                    text="What for?",
                    choices=[ChoiceInput("buy", "To buy " + LONG_WORD[:100]), ChoiceInput("look", "To look")],
                ),
            ],
        ),
        actor=admin,
    )
    survey = survey_open(survey=survey, actor=admin)
    loop_rule_add(survey=survey, kind="keywords", keywords=[LONG_WORD[:60]], actor=admin)
    loop_rule_add(survey=survey, kind="detractor", actor=admin)
    for member, score in ((alice, 2), (bob, 10)):
        answers = {"nps": score, "why": LONG_REASON, "visit": "buy"}
        response_submit(survey=survey, data=ResponseInput(answers=answers, member=member))
    # An advisory meeting with long words in its title, place, agenda, notes and a guest's note on her case.
    meeting = meeting_create(
        data=MeetingInput(
            title="Panel " + LONG_WORD[:150],
            starts_at=clock.now() - timedelta(days=1),
            place=LONG_WORD[:200],
            agenda=LONG_REASON,
        ),
        actor=admin,
    )
    guests_invite(meeting=meeting, members=[alice, bob, carol], actor=admin)
    guest_note_record(guest=meeting.guests.get(member=alice), note=LONG_REASON, case=case, actor=admin)
    meeting_notes_record(meeting=meeting, notes=LONG_REASON, actor=admin)
    theme = theme_plant(survey=survey, name="Waiting " + LONG_WORD[:150])
    # A service standard with long words in its name and unit, measured by the long-named supervisor.
    standard = standard_create(
        data=StandardInput(
            code="phone-long-words",
            name="Answered " + LONG_WORD[:90],
            unit=LONG_WORD[:30],
            direction="lower",
            target=2,
            minimum=4,
            period="day",
        ),
        actor=admin,
    )
    supervisor = "operations.supervisor.gangnam.flagship.store.seoul"
    rings = [
        MeasurementInput(value=v, at=now - timedelta(days=v), employee=supervisor) for v in (1, 2, 3, 5, 8)
    ]
    measurements_add(standard=standard, items=rings, actor=admin)
    draft = campaign_create(
        data=CampaignInput(
            code="phone-draft",
            name="Phone draft",
            segment="seoul-regulars",
            subject=LONG_WORD[:200],
            body=LONG_REASON[:2000],
        ),
        actor=admin,
    )
    return {
        "alice": alice,
        "bob": bob,
        "survey_id": survey.pk,
        "meeting_id": meeting.pk,
        # The customers found to invite: a long name among them.
        "console:meeting": "?find=Carolina",
        "theme_id": theme.pk,
        "standard_id": standard.pk,
        "reference": case.reference,
        "notice_id": notice.pk,
        "token": recipient.access_token,
        "reply_template_id": reply.pk,
        "team_id": team.pk,
        "policy_id": SlaPolicy.objects.get(is_default=True).pk,
        "calendar_id": BusinessCalendar.objects.order_by("pk").values_list("pk", flat=True)[0],
        "kind": "tier_changed",
        "language": template_languages()[0],
        # path arguments, by name
        "member_id": alice.pk,
        "code": program.code,
        "rule_code": program.earn_rules.order_by("code").values_list("code", flat=True)[0],
        "job_id": job.pk,
        "console:standard_upload_job": {"job_id": upload.pk},
        "user_id": admin.pk,
        "endpoint_id": endpoint.pk,
        "portal:reward": {"program": program.code, "code": reward.code},
        "portal:redemption": {"code": redemption.code},
        "surveys:survey": {"token": waiting.token},
        "surveys:thanks": {"token": answered.token},
        "console:merge": f"?first={alice.pk}&second={carol.pk}",
        # The demo's segments and its sent campaign; a draft with a long unbroken subject to edit.
        "console:segment_detail": {"code": "seoul-regulars"},
        "console:segment_edit": {"code": "seoul-regulars"},
        "console:campaign_detail": {"code": "new-season"},
        "console:campaign_edit": {"code": draft.code},
        # The demo's information: an item's page with its reach, and its form.
        "console:information_detail": {"code": "induction-pans"},
        "console:information_edit": {"code": "induction-pans"},
        # The demo's club events: one with a waiting list, its form and its door.
        "console:event_detail": {"code": "cooking-class"},
        "console:event_edit": {"code": "cooking-class"},
        "console:event_door": {"code": "cooking-class"},
    }


def _path(name: str, planted: dict[str, Any]) -> str:
    """The page's address, its path arguments filled from the planted data."""
    namespace, short = name.split(":")
    resolver = get_resolver().namespace_dict[namespace][1]
    pattern = next(p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name == short)
    arguments = planted.get(name) if isinstance(planted.get(name), dict) else None
    if arguments is None:
        arguments = {key: planted[key] for key in pattern.pattern.converters}
    query = planted.get(name)
    return reverse(name, kwargs=arguments) + (query if isinstance(query, str) else "")


class Widths:
    """The widths measured, page by page and language by language, and the pages too wide for a phone."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.measured: dict[tuple[str, str], int] = {}
        self.problems: list[str] = []

    def visit(self, name: str, url: str, language: str) -> None:
        response = self.page.goto(url)
        assert response is not None, f"{name} in {language}: {url} gave no answer"
        assert response.status == 200, f"{name} in {language}: {url} answered {response.status}"
        self.measure(name, language)

    def measure(self, name: str, language: str) -> None:
        self.page.evaluate(SETTLED)
        found = self.page.evaluate(MEASURE)
        self.measured[(name, language)] = found["width"]
        if found["width"] > ALLOWED_OVERFLOW.get((name, language), found["limit"]):
            self.problems.append(
                f"{name} in {language} ({self.page.url}) is {found['width']} px wide at {found['limit']} px;"
                f" widest: {found['widest']}; innermost: {' | '.join(found['inner'])}"
            )


def _sign_in(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda address: "/login/" not in address)


def _in_language(page: Any, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def _menu_opens_on_a_phone(page: Any, link: str, lands_on: str) -> None:
    """The navigation is folded behind the menu button; the button (or the keyboard) opens it, every link
    fits the screen, and a link leads on."""
    nav = page.locator("nav.mainnav")
    assert not nav.is_visible()
    page.click("label.nav-toggle-label")
    assert nav.is_visible()
    for box in (anchor.bounding_box() for anchor in nav.locator("a").all()):
        assert box is not None
        assert 0 <= box["x"] <= box["x"] + box["width"] <= PHONE["width"]
    page.click("label.nav-toggle-label")
    assert not nav.is_visible()
    page.focus("#nav-toggle")
    page.keyboard.press("Space")
    assert nav.is_visible()
    nav.locator(f"a:has-text('{link}')").click()
    page.wait_for_url(f"**{lands_on}")


def test_every_url_name_is_a_measured_page_or_named_with_its_reason():
    measured = set(ANONYMOUS) | set(_signed_in_pages("console")) | set(_signed_in_pages("portal"))
    every = set(_names("console")) | set(_names("portal")) | set(_names("notices")) | set(_names("surveys"))
    assert every == measured | set(NOT_PAGES), "add the new page to the phone test, or to NOT_PAGES"
    assert not measured & set(NOT_PAGES)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_in_every_language(browser_page, live_server, screenshot, admin, business):
    page = browser_page
    page.set_viewport_size(PHONE)
    widths = Widths(page)
    started = time.monotonic()

    for language in LANGUAGES:
        page.context.clear_cookies()
        _in_language(page, live_server.url, language)
        for name in ANONYMOUS:
            widths.visit(name, _path(name, business), language)

    _sign_in(page, "/console/login/", admin.username, STAFF_PASSWORD)
    _in_language(page, live_server.url, "en")
    _menu_opens_on_a_phone(page, "Customers", "/console/customers/")
    for language in LANGUAGES:
        _in_language(page, live_server.url, language)
        for name in _signed_in_pages("console"):
            widths.visit(name, _path(name, business), language)
        # The simulator's answer, drawn into the rules page.
        page.goto(_path("console:loyalty_rules", business))
        page.fill("#id_amount", "55000")
        page.fill("#id_channel", "app")
        page.fill("#id_member", business["alice"].user.username)
        page.click("#simulator button[type=submit]")
        page.wait_for_selector("#simulation-total")
        widths.measure("console:loyalty_rules, simulated", language)
        # A new webhook endpoint's secret, shown once.
        page.goto(_path("console:webhooks", business))
        page.fill("#id_url", LONG_WORD + "/" + language)
        page.check("#id_topics_0")
        page.click("main form[action$='/webhooks/new/'] button[type=submit]")
        page.wait_for_selector("#webhook-secret")
        widths.measure("console:webhook_create, the secret", language)

    _in_language(page, live_server.url, "en")
    bob = business["bob"]
    page.goto(f"/console/customers/{bob.pk}/")
    screenshot(page, "phone-console-customer")
    page.goto(f"/console/customers/{bob.pk}/loyalty/")
    screenshot(page, "phone-console-loyalty")

    _sign_in(page, "/portal/login/", business["alice"].user.username, MEMBER_PASSWORD)
    _in_language(page, live_server.url, "en")
    _menu_opens_on_a_phone(page, "My points", "/portal/points/")
    for language in LANGUAGES:
        _in_language(page, live_server.url, language)
        for name in _signed_in_pages("portal"):
            widths.visit(name, _path(name, business), language)

    _sign_in(page, "/portal/login/", bob.user.username, MEMBER_PASSWORD)
    _in_language(page, live_server.url, "en")
    page.goto("/portal/points/")
    screenshot(page, "phone-portal-points")

    print(f"\n{len(widths.measured)} page views at 390 px in {time.monotonic() - started:.1f} s")
    assert not widths.problems, "Pages wider than a phone:\n" + "\n".join(widths.problems)
