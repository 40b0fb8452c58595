"""Cases for stores, call centres and chat systems: file them, follow them, move them through the steps,
reply, note and compensate. Each endpoint parses, checks the scope, and calls one service or selector of
patronage.care.
"""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from typing import Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import Caller, acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.care import (
    CaseAttachmentOut,
    CaseFilters,
    CaseIn,
    CaseMergeIn,
    CaseOut,
    ClassificationIn,
    CompensationIn,
    CompensationOut,
    NoteIn,
    NoticeIn,
    NoticeOut,
    ReplyIn,
    TransitionIn,
)
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.care import selectors
from patronage.care.attachment_web import attachment_response
from patronage.care.attachments import attachment_get, attachments_check
from patronage.care.classify import case_classify
from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.merging import case_merge
from patronage.care.models import OPEN_STATUSES, Case, CaseAttachment, CompensationStatus, Notice, SlaLeg
from patronage.care.notices import NoticeInput, notice_create, notice_list, notice_start
from patronage.care.services import (
    CaseInput,
    case_customer_reply,
    case_files_add,
    case_move,
    case_note,
    case_open,
    case_reply,
)
from patronage.core.errors import NotFound
from patronage.core.models import User
from patronage.members.selectors import member_get

router = Router(tags=["care"])

READ = require_scope("care:read")
WRITE = require_scope("care:write")


def _case(reference: str) -> Case:
    return selectors.case_get(reference=reference)


def _limit_holder(request: HttpRequest) -> User | None:
    """Whose compensation limit applies: the person logged in, or the person who created the API key."""
    user = acting_user(request)
    if user is not None:
        return user
    caller = getattr(request, "auth", None)
    return caller.api_key.created_by if isinstance(caller, Caller) and caller.api_key else None


@router.post("/cases", response={201: CaseOut, 200: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    """Files a case: it has its reference, its acknowledgement (with an apology, in the customer's language)
    and its SLA targets at once. 200 with the first case when `external_id` was filed before."""
    opened = case_open(
        data=CaseInput(
            type=payload.type,
            channel=payload.channel,
            summary=payload.summary,
            description=payload.description,
            member=member_get(member_id=payload.member) if payload.member is not None else None,
            contact_name=payload.contact_name,
            contact_email=payload.contact_email or "",
            contact_phone=payload.contact_phone or "",
            language=payload.language,
            category_id=payload.category,
            severity=payload.severity,
            product_id=payload.product,
            order_id=payload.order,
            store_id=payload.store,
            external_id=payload.external_id,
        ),
        actor=acting_user(request),
    )
    if opened.created:  # as written: read again, it would only cost the busiest path a seven-table join
        return Status(201, opened.case)
    return Status(200, selectors.case_get(reference=opened.case.reference))


@router.get("/cases", response={200: list[CaseOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    """Cases, most recently changed first."""
    # Each case answers with its legs and files: read for the whole page at once.
    cases = (
        Case.objects.select_related("assignee", "team", "merged_into")
        .prefetch_related("legs", "attachments")
        .order_by("-updated_at", "-pk")
    )
    if filters.member is not None:
        cases = cases.filter(member_id=filters.member)
    if filters.status is not None:
        cases = cases.filter(status=filters.status)
    if filters.open is not None:
        cases = (
            cases.filter(status__in=OPEN_STATUSES)
            if filters.open
            else cases.exclude(status__in=OPEN_STATUSES)
        )
    if filters.breached is not None:
        late = Exists(SlaLeg.objects.filter(case=OuterRef("pk"), breached_at__isnull=False))
        cases = cases.filter(late if filters.breached else ~late)
    if filters.assignee is not None:
        cases = cases.filter(assignee__username=filters.assignee)
    if filters.category is not None:
        cases = cases.filter(selectors.in_category(filters.category))
    if filters.updated_since is not None:
        cases = cases.filter(updated_at__gte=filters.updated_since)
    return cases


@router.get("/cases/{reference}", response={200: CaseOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_case(request: HttpRequest, reference: str) -> Case:
    """One case with its SLA legs, compensation and the moves it allows now."""
    return _case(reference)


@router.post("/cases/{reference}/transitions", response={200: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def move_case(request: HttpRequest, reference: str, payload: TransitionIn) -> Case:
    """Moves the case to another step; 409 names the moves allowed from where it stands."""
    case_move(
        case=_case(reference),
        to=payload.to,
        actor=acting_user(request),
        note=payload.note,
        solution=payload.solution,
        promise=payload.promise,
        promised_by=payload.promised_by,
    )
    return _case(reference)


@router.post("/cases/{reference}/replies", response={201: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def reply_case(request: HttpRequest, reference: str, payload: ReplyIn) -> Status[Case]:
    """An agent's reply (e-mailed to the customer, meets the response targets) or the customer's own
    (resumes a case waiting for them, reopens a closed one)."""
    case = _case(reference)
    if payload.author == "customer":
        case_customer_reply(case=case, body=payload.body)
    else:
        case_reply(case=case, body=payload.body, actor=acting_user(request))
    return Status(201, _case(reference))


@router.post("/cases/{reference}/notes", response={201: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def note_case(request: HttpRequest, reference: str, payload: NoteIn) -> Status[Case]:
    """An internal note: staff read it, the customer never does."""
    case_note(case=_case(reference), body=payload.body, actor=acting_user(request))
    return Status(201, _case(reference))


@router.post(
    "/cases/{reference}/attachments",
    response={201: list[CaseAttachmentOut], PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def attach_case_files(
    request: HttpRequest,
    reference: str,
    file: File[list[UploadedFile]],
    author: Form[Literal["agent", "customer"]] = "agent",
) -> Status[list[CaseAttachment]]:
    """Adds files to the case (multipart, one or more `file` parts): photos (JPEG, PNG, GIF, WebP), PDF or
    plain UTF-8 text, told apart by their content; each up to CARE_ATTACHMENT_MAX_BYTES (10 MiB), 5 at once,
    30 on a case. Anything else is refused 422 naming `attachments`. Photos are stored without their
    metadata (a phone's GPS location). `author`: who sent them. Files added here are for staff: the customer's
    pages show the files that came with messages."""
    case = _case(reference)
    files = attachments_check(file)
    added = case_files_add(
        case=case, files=files, from_customer=author == "customer", actor=acting_user(request)
    )
    return Status(201, added)


@router.get(
    "/cases/{reference}/attachments/{attachment_id}",
    response={200: None, PROBLEM_STATUSES: Problem},
    auth=READ,
)
def download_case_file(request: HttpRequest, reference: str, attachment_id: PathId) -> HttpResponseBase:
    """The file itself, with its content type; another case's file is not found."""
    return attachment_response(attachment_get(case=_case(reference), attachment_id=attachment_id))


@router.post("/cases/{reference}/merge", response={200: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def merge_case(request: HttpRequest, reference: str, payload: CaseMergeIn) -> Case:
    """Merges this case, a duplicate, into the case `into`, which carries on and is answered; what the
    customer writes to the duplicate lands there. 409 when either is closed or merged, or they are two
    customers' cases."""
    try:
        into = _case(payload.into)
    except NotFound as error:
        raise NotFound(error.message, field="into") from error
    case_merge(duplicate=_case(reference), into=into, actor=acting_user(request), note=payload.note)
    return _case(into.reference)


@router.post(
    "/cases/{reference}/classification", response={200: CaseOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def classify_case(request: HttpRequest, reference: str, payload: ClassificationIn) -> Case:
    """Classifies the case: category, root cause, severity, product and tags. What is left out keeps its
    value; the change is on the case's timeline and publishes case.updated."""
    case, given = _case(reference), payload.model_fields_set
    case_classify(
        case=case,
        category=payload.category if "category" in given else case.category_id,
        root_cause=payload.root_cause if "root_cause" in given else case.root_cause_id,
        severity=payload.severity if "severity" in given else case.severity,
        product=payload.product if "product" in given else case.product_id,
        tags=payload.tags if "tags" in given else case.tags,
        actor=acting_user(request),
    )
    return _case(reference)


@router.post(
    "/cases/{reference}/compensations",
    response={201: CompensationOut, 202: CompensationOut, 200: CompensationOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def compensate_case(request: HttpRequest, reference: str, payload: CompensationIn) -> Status[object]:
    """Gives compensation (201); over the caller's limit, 403 naming it, or with `request_approval` 202 and
    it waits for a lead. The same `idempotency_key` again answers the first (200), booking nothing more."""
    result = compensation_give(
        case=_case(reference),
        data=CompensationInput(
            kind=payload.kind,
            value=payload.value,
            idempotency_key=payload.idempotency_key,
            points=payload.points,
            program_id=payload.program,
            benefit_id=payload.benefit,
            reference=payload.reference,
            note=payload.note,
            ask_approval=payload.request_approval,
        ),
        actor=_limit_holder(request),
    )
    compensation = result.compensation
    if not result.created:
        return Status(200, compensation)
    return Status(202 if compensation.status == CompensationStatus.AWAITING_APPROVAL else 201, compensation)


@router.post("/notices", response={201: NoticeOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_notice(request: HttpRequest, payload: NoticeIn) -> Status[Notice]:
    """Records a notice as a draft; nobody is told until it is sent."""
    notice = notice_create(
        data=NoticeInput(
            kind=payload.kind,
            title=payload.title,
            message=payload.message,
            title_translations=payload.title_translations,
            message_translations=payload.message_translations,
            order_numbers=tuple(payload.order_numbers or ()),
            product_id=payload.product,
            bought_from=payload.bought_from,
            bought_to=payload.bought_to,
            member_ids=tuple(payload.members or ()),
            points=payload.points,
            program_id=payload.program,
        ),
        actor=acting_user(request),
    )
    return Status(201, _notice(notice.pk))


@router.get("/notices", response={200: list[NoticeOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_notices(request: HttpRequest) -> QuerySet[Notice]:
    """Notices, newest first, with how many each touched, told, and compensated."""
    return notice_list()


@router.get("/notices/{notice_id}", response={200: NoticeOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_notice(request: HttpRequest, notice_id: PathId) -> Notice:
    return _notice(notice_id)


@router.post("/notices/{notice_id}/send", response={202: NoticeOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def send_notice(request: HttpRequest, notice_id: PathId) -> Status[Notice]:
    """Starts telling everyone the notice touches (the job does it within a minute); again, nothing more."""
    notice_start(notice=_notice(notice_id))
    return Status(202, _notice(notice_id))


def _notice(notice_id: int) -> Notice:
    """The notice with its four counts, as every notice answer carries them (care.notices.notice_list)."""
    notice = notice_list().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(gettext("no notice %(id)s") % {"id": notice_id}, field="notice_id")
    return notice
