"""The API fuzzed against its own OpenAPI document on every test run (issue 19).

schemathesis reads /api/v1/openapi.json and sends, in-process through the WSGI app, requests the document
allows and requests it forbids, and checks every answer with all its checks (none excluded): no server
error, every status documented, every body in its documented shape, every allowed request accepted and
every forbidden one refused, authentication enforced. Per operation it runs its examples, coverage
(boundaries and each way to break each rule) and generated phases; then the stateful phase chains
operations through the links it infers from the document (a member created, then read, changed...).
The seed is fixed and generation deterministic, so a run is the same run every time, on both databases.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import hypothesis
import jsonschema_rs
import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData

from patronage.core.apikeys import KEY_PREFIX, SCOPES
from patronage.core.models import ApiKey
from patronage.feedback.models import Question, Survey, SurveyStatus
from patronage.loyalty.models import BenefitGrant, Program
from patronage.members.models import Member
from patronage.messages import webhook_services
from patronage.segments.campaign_services import CampaignInput, campaign_create
from patronage.segments.event_services import ClubEventInput, club_event_create
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_item_create,
    information_topic_create,
)
from patronage.segments.models import Segment
from patronage.segments.services import SegmentInput, segment_create
from patronage.standards.services import StandardInput, standard_create

from .conftest import give

# Per operation: the examples and coverage phases' cases, then this many generated ones.
MAX_EXAMPLES = 10
# Scenarios of chained calls, each up to STATEFUL_STEPS steps.
STATEFUL_EXAMPLES = 10
STATEFUL_STEPS = 10
SEED = 19
# The latest moment the document allows is 2199-12-31T23:59:59.999999-14:00.
AFTER_THE_LAST_MOMENT = "2200-01-01T14:00:01Z"
# A key holding every scope, planted for the run: schemathesis sends it, and leaves it out or spoils it
# to check that every operation refuses a request without a valid key.
PREFIX = "f0221900"
KEY = f"{KEY_PREFIX}{PREFIX}_fuzzing-every-operation-with-every-scope"

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
        "auth": {"openapi": {"ApiKeyAuth": {"bearer": KEY}}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _analysis_window_kept(body: dict[str, Any]) -> None:
    """window_end not before window_start, calibration_end before window_end: a window_end breaking either
    is left out (the run then reads to today)."""
    params = body.get("params")
    if not isinstance(params, dict) or (end := _day(params.get("window_end"))) is None:
        return
    start, calibration = _day(params.get("window_start")), _day(params.get("calibration_end"))
    if (start is not None and start > end) or (calibration is not None and calibration >= end):
        body["params"] = {name: value for name, value in params.items() if name != "window_end"}


def _purchase_kept(body: dict[str, Any]) -> None:
    """Tax and shipping together at most the amount; original_external_id on a return only, and required
    there; redemption_code on a purchase only."""
    amount, tax, shipping = (_money(body.get(name, 0)) for name in ("amount", "tax", "shipping"))
    if amount is not None and tax is not None and shipping is not None and tax + shipping > amount:
        body.pop("tax", None)
        body.pop("shipping", None)
    if body.get("type") == "purchase":
        body.pop("original_external_id", None)
    elif body.get("type") == "return":
        body.pop("redemption_code", None)
        if body.get("original_external_id") is None:
            body["original_external_id"] = "a-purchase-never-sent"  # a well-formed return: 404


def _step_kept(body: dict[str, Any]) -> None:
    """A solution goes with `proposed`; a promise and its date, not in the past, with `promised`."""
    if (
        body.get("to") == "proposed"
        and not str(body.get("solution", "")).strip()
        and not str(body.get("note", "")).strip()
    ):
        body["solution"] = "A new one, delivered on Friday"
    if body.get("to") == "promised":
        if not str(body.get("promise", "")).strip() and not str(body.get("note", "")).strip():
            body["promise"] = "Delivered and assembled"
        promised = _day(body.get("promised_by"))
        if promised is None or promised < date.today():
            body["promised_by"] = "2199-12-31"


def _compensation_kept(body: dict[str, Any]) -> None:
    """Points need how many; a benefit needs which one (the planted program is the only one)."""
    if body.get("kind") == "points" and body.get("points") is None:
        body["points"] = 100
    if body.get("kind") == "benefit" and body.get("benefit") is None:
        body["kind"] = "voucher"


def _notice_kept(body: dict[str, Any]) -> None:
    """A period ends after it starts; goodwill points name their program (there may be several)."""
    start, end = _day(body.get("bought_from")), _day(body.get("bought_to"))
    if start is not None and end is not None and start > end:
        body["bought_from"], body["bought_to"] = body["bought_to"], body["bought_from"]
    if body.get("points") is not None and body.get("program") is None:
        body.pop("points")


def _questions_kept(questions: Any) -> None:
    """Each question can work: a choice question has two or more different choices and the others none, a
    rating has its scale and the others none, ids are unique in the survey. Branching is left out (a
    condition looks back at a question it fits, which the fuzzer cannot know)."""
    if not isinstance(questions, list) or not all(isinstance(question, dict) for question in questions):
        return
    keys = [question.get("key") or f"q{position + 1}" for position, question in enumerate(questions)]
    for position, question in enumerate(questions):
        if len(set(keys)) != len(keys):
            question["key"] = f"q{position + 1}"
        question.pop("shown_when", None)
        kind = question.get("type")
        if kind in ("single_choice", "multiple_choice"):
            ids = [choice.get("id") for choice in question.get("choices") or [] if isinstance(choice, dict)]
            if len(ids) < 2 or len(set(ids)) != len(ids):
                question["choices"] = [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}]
        else:
            question.pop("choices", None)
        scale = question.get("scale")
        if kind != "rating":
            question.pop("scale", None)
        elif not (isinstance(scale, list) and len(scale) == 2 and scale[0] < scale[1]):
            question["scale"] = [1, 5]


def _stored_survey(case: schemathesis.Case) -> Survey | None:
    survey_id = (case.path_parameters or {}).get("survey_id")
    if isinstance(survey_id, bool) or not isinstance(survey_id, int):
        return None
    return Survey.objects.filter(pk=survey_id).prefetch_related("questions").first()


def _stored_question(question: Question) -> dict[str, Any]:
    return {
        "type": question.type,
        "key": question.key,
        "text": question.text,
        "required": question.required,
        "choices": question.choices,
        "max_length": question.max_length,
        **({"scale": [question.scale_low, question.scale_high]} if question.type == "rating" else {}),
        **({"shown_when": question.shown_when} if question.shown_when else {}),
    }


def _survey_change_kept(body: dict[str, Any], case: schemathesis.Case) -> None:
    """A draft's questions as a new survey's; an opened survey's questions are its own (only reworded)."""
    _questions_kept(body.get("questions"))
    survey = _stored_survey(case)
    if survey is not None and survey.status != SurveyStatus.DRAFT:
        body["questions"] = [_stored_question(question) for question in survey.questions.all()]


def _fitting_answer(question: Question) -> Any:
    if question.type in ("single_choice", "multiple_choice"):
        first = question.choices[0]["id"]
        return first if question.type == "single_choice" else [first]
    if question.type == "text":
        return "Friendly staff"
    return {"nps": 9, "csat": 4, "ces": 2}.get(question.type, question.scale_low)


def _response_kept(body: dict[str, Any], case: schemathesis.Case) -> None:
    """Each of the survey's questions answered once, as its type asks."""
    survey = _stored_survey(case)
    if survey is not None:
        body["answers"] = [
            {"question": question.key, "value": _fitting_answer(question)}
            for question in survey.questions.all()
        ]


def _loop_rule_kept(body: dict[str, Any]) -> None:
    """Words go with a keyword rule only, and it has at least one; each at most 60 characters once in lower
    case (a "ß" is "ss"). A review link and a referral ask go with a promoter rule only."""
    if body.get("kind") != "promoter":
        body.pop("review_url", None)
        body.pop("ask_referral", None)
    if body.get("kind") != "keywords":
        body.pop("keywords", None)
        return
    words = [
        word.strip().casefold()[:60].strip() for word in body.get("keywords") or [] if isinstance(word, str)
    ]
    body["keywords"] = [word for word in words if word] or ["refund"]


def _standard_kept(body: dict[str, Any]) -> None:
    """The minimum lies beyond the target in the standard's direction (the two swap places otherwise); a
    team, store or owner named exists (the fuzzer cannot know one, so none is named)."""
    target, minimum = body.get("target"), body.get("minimum")
    if isinstance(target, int | float) and isinstance(minimum, int | float):
        lower = body.get("direction") == "lower"
        if (lower and minimum < target) or (not lower and minimum > target):
            body["target"], body["minimum"] = minimum, target
    for name in ("team", "store", "owner"):
        body.pop(name, None)


def _measurements_kept(body: dict[str, Any]) -> None:
    """A staff member, team or store named exists: the fuzzer cannot know one, so none is named."""
    for item in body.get("items") or []:
        if isinstance(item, dict):
            for name in ("employee", "team", "store"):
                item.pop(name, None)


# A segment's rules name fields, operators and values the document lists only in words (GET /segments/fields).
VALID_RULES = {
    "all": [
        {"field": "city", "op": "eq", "value": "Seoul"},
        {"field": "purchase_count", "op": "gte", "value": 1, "days": 90},
    ]
}


def _segment_kept(body: dict[str, Any]) -> None:
    """A static list has no rules; a segment kept by rules has rules naming known fields."""
    if body.get("kind") == "static":
        body.pop("rules", None)
    elif "rules" in body or body.get("kind", "rules") == "rules":
        body["rules"] = VALID_RULES


def _segment_change_kept(body: dict[str, Any], case: schemathesis.Case) -> None:
    """Rules go to a segment kept by rules (left out, its rules stay); a static list takes none."""
    segment_id = str((case.path_parameters or {}).get("segment_id", ""))
    segment = Segment.objects.filter(pk=int(segment_id)).first() if segment_id.isdigit() else None
    if segment is not None and segment.kind == "static":
        body.pop("rules", None)
    elif "rules" in body:
        body["rules"] = VALID_RULES


def _campaign_kept(body: dict[str, Any]) -> None:
    """A campaign goes to an existing active segment (the fuzzer cannot know one: the planted one)."""
    body["segment"] = "seoul"


def _treatment_kept(body: dict[str, Any]) -> None:
    """A welcome has both its subject and its message, or neither; no benefit (the fuzzer cannot know one)."""
    body.pop("benefit", None)
    if not (str(body.get("welcome_subject") or "").strip() and str(body.get("welcome_body") or "").strip()):
        body.pop("welcome_subject", None)
        body.pop("welcome_body", None)


def _schedule_kept(body: dict[str, Any]) -> None:
    """A time to send not long past (the fuzzer's clock stands after the last moment: none is sent)."""
    body.pop("send_at", None)


def _event_kept(body: dict[str, Any]) -> None:
    """The end after the start (they swap); tiers, a segment and a program named exist (the fuzzer cannot
    know one: none is named, and so no points for coming, which need a program)."""
    for name in ("tiers", "segment", "program", "attendance_points"):
        body.pop(name, None)
    start, end = body.get("starts_at"), body.get("ends_at")
    if isinstance(start, str) and isinstance(end, str):
        try:
            starts, ends = (
                datetime.fromisoformat(start.replace("Z", "+00:00")),
                datetime.fromisoformat(end.replace("Z", "+00:00")),
            )
        except ValueError:
            return
        if ends <= starts:
            body["starts_at"], body["ends_at"] = end, start
            if ends == starts:
                body["ends_at"] = (starts + timedelta(hours=1)).isoformat()


def _information_kept(body: dict[str, Any]) -> None:
    """Topics, categories, brands and a segment named exist (the planted topic stands for any); the expiry
    after the publication (dropped when not)."""
    body["topics"] = ["kitchen"]
    for name in ("categories", "brands", "segment"):
        body.pop(name, None)
    published, expires = body.get("published_at"), body.get("expires_at")
    if isinstance(published, str) and isinstance(expires, str):
        try:
            if datetime.fromisoformat(expires.replace("Z", "+00:00")) <= datetime.fromisoformat(
                published.replace("Z", "+00:00")
            ):
                body.pop("expires_at")
        except ValueError:
            return


def _segment_list_kept(body: dict[str, Any]) -> None:
    """The ids of a static list are customers' (the fuzzer cannot know one: the planted ones are sent)."""
    if isinstance(body.get("members"), list):
        body["members"] = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:2])


INBOUND_EMAIL = "POST /api/v1/inbound/email"
CASE_FILES = "POST /api/v1/cases/{reference}/attachments"
EMAIL_HEAD = b"From: fuzz@example.com\r\nSubject: fuzz\r\n\r\nx"


def _inbound_failure_kept(failure: Any, case: schemathesis.Case) -> bool:
    """The document states in words what JSON Schema cannot for bytes: a message needs a From address and a
    body. An empty body refused is that rule kept (Schemathesis's binary strings ignore minLength), and a
    case this module turned into such a message was made valid on purpose; anything else is a failure."""
    body = case.body if isinstance(case.body, bytes) else b""
    if isinstance(failure, RejectedPositiveData) and not body:
        return False
    return not (isinstance(failure, AcceptedNegativeData) and body.startswith(EMAIL_HEAD))


def _as_email(case: schemathesis.Case) -> None:
    """A raw e-mail is any bytes to JSON Schema; the document says in words that it needs a From address and
    a body. A positive case's bytes become the body of such a message; a negative one stays as generated."""
    if case.meta is not None and case.meta.generation.mode.is_positive:
        body = case.body if isinstance(case.body, bytes) else str(case.body).encode("utf-8", "replace")
        case.body = EMAIL_HEAD + body


@schemathesis.serializer("message/rfc822")
def _rfc822(ctx: Any, value: Any) -> bytes:
    """The raw message as sent: bytes as they are, text as UTF-8, anything else as its JSON."""
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8", "surrogatepass")


# The operations whose document states a rule in words that JSON Schema cannot: one field against another.
STATED_IN_WORDS = {
    "POST /api/v1/analytics/runs": _analysis_window_kept,
    "POST /api/v1/transactions": _purchase_kept,
    "POST /api/v1/programs/{code}/simulate": _purchase_kept,
    "POST /api/v1/cases/{reference}/transitions": _step_kept,
    "POST /api/v1/cases/{reference}/compensations": _compensation_kept,
    "POST /api/v1/notices": _notice_kept,
}
# The same for the surveys, whose rules in words reach into the body's lists (questions, choices, answers)
# and into what is stored (the survey's questions, whether it was opened), and for the standards (names of
# records that must exist): these keep only the requests generated valid, so that a request broken on
# purpose stays as it was generated.
STATED_IN_WORDS_OF_VALID = {
    "POST /api/v1/surveys": lambda body, case: _questions_kept(body.get("questions")),
    "PUT /api/v1/surveys/{survey_id}": _survey_change_kept,
    "POST /api/v1/surveys/{survey_id}/responses": _response_kept,
    "POST /api/v1/surveys/{survey_id}/rules": lambda body, case: _loop_rule_kept(body),
    "POST /api/v1/standards": lambda body, case: _standard_kept(body),
    "PUT /api/v1/standards/{standard_id}": lambda body, case: _standard_kept(body),
    "POST /api/v1/standards/{standard_id}/measurements": lambda body, case: _measurements_kept(body),
    "POST /api/v1/segments": lambda body, case: _segment_kept(body),
    "PUT /api/v1/segments/{segment_id}": _segment_change_kept,
    "POST /api/v1/segments/preview": lambda body, case: _segment_kept(body),
    "PUT /api/v1/segments/{segment_id}/members": lambda body, case: _segment_list_kept(body),
    "PUT /api/v1/segments/{segment_id}/treatment": lambda body, case: _treatment_kept(body),
    "POST /api/v1/campaigns": lambda body, case: _campaign_kept(body),
    "PUT /api/v1/campaigns/{campaign_id}": lambda body, case: _campaign_kept(body),
    "POST /api/v1/campaigns/{campaign_id}/schedule": lambda body, case: _schedule_kept(body),
    "POST /api/v1/events": lambda body, case: _event_kept(body),
    "POST /api/v1/information": lambda body, case: _information_kept(body),
    "PUT /api/v1/information/{item_id}": lambda body, case: _information_kept(body),
}


@schemathesis.hook  # before_call hooks are global in schemathesis; this is the only schema here
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """Every request of every phase keeps the rules the document states in words (see STATED_IN_WORDS), as an
    integrator reading the document would: the fuzzer then tests everything else about it. A case generated
    to break another rule stays broken, and is still checked for being refused."""
    if case.operation.label == INBOUND_EMAIL:
        _as_email(case)
    keep = STATED_IN_WORDS.get(case.operation.label)
    if keep is not None and isinstance(case.body, dict):
        keep(case.body)
    keep_valid = STATED_IN_WORDS_OF_VALID.get(case.operation.label)
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if keep_valid is not None and positive and isinstance(case.body, dict):
        keep_valid(case.body, case)


def _form_text(value: Any) -> str:
    """What a form part holds for a generated value: a list is one part per item (Django reads the last),
    anything but text is sent as its JSON."""
    if isinstance(value, list):
        return _form_text(value[-1]) if value else ""
    return value if isinstance(value, str) else json.dumps(value)


@schemathesis.hook  # global in schemathesis, as before_call
def filter_failure(
    context: schemathesis.HookContext, failure: Any, case: schemathesis.Case, response: Any
) -> bool:
    """A form carries text only: a field the document calls a string, sent "as an array", arrives as the
    text of that array, which the field accepts. Such a case is kept as a failure only when the text
    actually sent breaks the document."""
    if case.operation.label == INBOUND_EMAIL:
        return _inbound_failure_kept(failure, case)
    if case.operation.label == CASE_FILES and isinstance(failure, RejectedPositiveData):
        # A file's kind is read from its content (a photo, a PDF, UTF-8 text), which the document states in
        # words only: generated bytes are rightly refused, 422 naming `attachments`.
        return response.status_code != 422
    if not isinstance(failure, AcceptedNegativeData) or case.media_type != "multipart/form-data":
        return True
    if not isinstance(case.body, dict):
        return True
    document = case.operation.schema.raw_schema
    form = document["paths"][case.operation.path]["post"]["requestBody"]["content"]["multipart/form-data"]
    fields = form["schema"]
    if "$ref" in fields:
        fields = document["components"]["schemas"][fields["$ref"].rsplit("/", 1)[-1]]
    text_fields = {
        name: definition
        for name, definition in fields.get("properties", {}).items()
        if definition.get("format") != "binary"
    }
    files = set(fields.get("properties", {})) - set(text_fields)
    texts = {name: _form_text(value) for name, value in case.body.items() if name not in files}
    required = [name for name in fields.get("required", []) if name in text_fields]
    as_sent = {**fields, "properties": text_fields, "required": required}
    return not jsonschema_rs.validator_for(as_sent).is_valid(texts)


@pytest.fixture
def planted(
    request: pytest.FixtureRequest,
    db: None,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    club: Program,
    tiers: Any,
    tumbler: Any,
    alice_grant: BenefitGrant,
    bob: Member,
) -> Iterator[None]:
    """A program `hanbit` with tiers, a reward and a benefit; two members with small ids (those a fuzzer
    tries first), with points and a grant; a webhook endpoint with a delivery; a measured standard; the fuzzing key. Queued imports and analyses stay queued."""
    settings.MEDIA_ROOT = tmp_path
    from patronage.analytics import tasks as analytics_tasks
    from patronage.members import tasks as members_tasks

    monkeypatch.setattr(analytics_tasks.analysis_execute_task, "delay", lambda run_id: None)
    monkeypatch.setattr(members_tasks.import_job_run_task, "delay", lambda job_id: None)
    give(bob, club, 500)
    # A webhook endpoint with a delivery (of the points just given), for the operations on their ids.
    webhook_services.endpoint_create(actor=None, url="https://hooks.example.com/patronage", topics=["*"])
    webhook_services.events_fan_out()
    # A standard measured outside, for the operations on a standard's id (measurements, compliance).
    standard_create(
        data=StandardInput(code="rings", name="Rings", unit="rings", direction="lower", target=2, minimum=4),
        actor=None,
    )
    # A static list (id 1, the id a fuzzer tries first) and a segment kept by rules, for the operations on a
    # segment's id.
    segment_create(data=SegmentInput(code="guests", name="Guests", kind="static"), actor=None)
    segment_create(data=SegmentInput(code="seoul", name="Seoul", rules=VALID_RULES), actor=None)
    # A draft campaign to it (id 1), for the operations on a campaign's id.
    campaign_create(
        data=CampaignInput(
            code="pans", name="Pans", segment="seoul", subject="New pans", body="They are here."
        ),
        actor=None,
    )
    # A club event (id 1), for the operations on an event's id.
    club_event_create(
        data=ClubEventInput(
            code="tasting",
            name="Tasting",
            starts_at=club.created_at + timedelta(days=1),
            ends_at=club.created_at + timedelta(days=1, hours=2),
            capacity=2,
        ),
        actor=None,
    )
    # A topic and an information item (id 1), for the operations on an item's id.
    information_topic_create(data=TopicInput(code="kitchen", name="Kitchen"), actor=None)
    information_item_create(
        data=InformationInput(
            code="pans",
            kind="product",
            title="New pans",
            body="They are here.",
            published_at=club.created_at,
            topics=["kitchen"],
        ),
        actor=None,
    )
    ApiKey.objects.create(
        name="fuzz",
        prefix=PREFIX,
        key_hash=hashlib.sha256(KEY.encode()).hexdigest(),
        scopes=sorted(SCOPES),
        created_at=club.created_at,
    )
    sent = [0]

    def count(**_kwargs: Any) -> None:  # every request schemathesis sends, its checks' probes included
        sent[0] += 1

    request_started.connect(count, weak=False, dispatch_uid="fuzz-count")
    # As Django's test client does: the app's requests run inside the test's transaction, so the end of a
    # request must not close the database connection (PostgreSQL's CONN_MAX_AGE is 0).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # "Not in the future" (a purchase, an event, a join, a birth date) depends on the clock, which no JSON
    # Schema can state: the fuzzer runs after the last moment the document allows, so that rule never
    # fires here; test_conformance.py and the loyalty tests check it.
    with time_machine.travel(AFTER_THE_LAST_MOMENT, tick=True):
        yield
    request_started.disconnect(dispatch_uid="fuzz-count")
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    if log := os.environ.get("PATRONAGE_FUZZ_LOG"):  # bench/README.md's counts
        with open(log, "a") as counts:
            counts.write(f"{request.node.name}\t{sent[0]}\n")


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_conforms_to_the_document(case: schemathesis.Case, planted: None) -> None:
    case.call_and_validate()


def test_chained_operations_conform_to_the_document(planted: None) -> None:
    schema.as_state_machine().run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            stateful_step_count=STATEFUL_STEPS,
        )
    )
