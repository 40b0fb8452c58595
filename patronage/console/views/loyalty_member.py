"""A customer's loyalty tab: balances, expiring points, the ledger with causes, tier and progress, benefits,
redemptions; and the staff actions on them (adjust, redeem, cancel or fulfil, benefits, tier by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patronage.console import loyalty_forms as forms
from patronage.console.access import acting_user, staff_required
from patronage.console.views.loyalty_common import program_or_404, service_run
from patronage.core.errors import ApplicationError, InsufficientPoints, NotFound
from patronage.loyalty import selectors, services
from patronage.loyalty.benefit_words import grant_source_words
from patronage.loyalty.models import Account, Program, Redemption
from patronage.loyalty.permissions import LOYALTY_ADJUST, LOYALTY_CONFIGURE, LOYALTY_VIEW
from patronage.loyalty.selectors import staff as staff_selectors
from patronage.members import selectors as member_selectors
from patronage.members.models import Member

LEDGER_PER_PAGE = 25


def _member(member_id: int, *, include_erased: bool = False) -> Member:
    try:
        return member_selectors.member_get(member_id=member_id, include_inactive=include_erased)
    except NotFound as error:
        raise Http404(error.message) from error


def _tab_url(member: Member, program: Program) -> str:
    return reverse("console:customer_loyalty", args=[member.pk]) + f"?program={program.code}"


def _forms(program: Program, account: Account | None, bound: dict[str, forms.LoyaltyForm]) -> dict[str, Any]:
    """The tab's action forms, each with a fresh idempotency key; a form that failed is shown bound."""
    tiers = list(selectors.tier_list(program=program))
    benefits = [b for b in selectors.benefit_list(program=program) if b.active]
    rewards = list(selectors.reward_list(program=program))
    made: dict[str, forms.LoyaltyForm] = {
        "adjust_form": forms.AdjustForm(initial={"idempotency_key": forms.fresh_key()}),
        "redeem_form": forms.RedeemForm(initial={"idempotency_key": forms.fresh_key()}, rewards=rewards),
        "grant_form": forms.BenefitGrantForm(
            initial={"idempotency_key": forms.fresh_key(), "quantity": 1}, benefits=benefits
        ),
        "floor_form": forms.TierFloorForm(
            initial={"tier": account.tier_floor.code if account and account.tier_floor else ""}, tiers=tiers
        ),
        "invite_form": forms.TierInviteForm(tiers=tiers),
    }
    made.update(bound)
    return made


def _tab(
    request: HttpRequest,
    member: Member,
    program_code: str | None,
    status: int = 200,
    adjust_confirmation: dict[str, Any] | None = None,
    **bound: forms.LoyaltyForm,
) -> HttpResponse:
    user = acting_user(request)
    programs = selectors.member_programs(member=member)
    summaries = [selectors.account_summary(member=member, program=program) for program in programs]
    chosen = next((s for s in summaries if s.program.code == program_code), None)
    chosen = (
        chosen or next((s for s in summaries if s.enrolled), None) or (summaries[0] if summaries else None)
    )
    context: dict[str, Any] = {
        "member": member,
        "summaries": summaries,
        "chosen": chosen,
        "can_adjust": user.has_staff_perm(LOYALTY_ADJUST),
        "can_configure": user.has_staff_perm(LOYALTY_CONFIGURE),
        "adjust_confirmation": adjust_confirmation,
    }
    if chosen is not None:
        program = chosen.program
        account = selectors.account_find(program=program, member=member)
        context["program"] = program
        context["account"] = account
        context.update(_forms(program, account, bound))
        if account is not None:
            ledger = selectors.ledger_list(member=member, program=program).select_related("actor")
            grants = list(selectors.benefit_grants(account=account))
            usable = {grant.pk for grant in selectors.benefit_grants(account=account, usable_only=True)}
            tier_names = {tier.code: tier.reader_name for tier in selectors.tier_list(program=program)}
            page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
            context.update(
                ledger=page,
                ledger_lines=selectors.ledger_lines(list(page.object_list), for_member=False),
                tier=selectors.tier_status(account=account),
                tier_history=selectors.tier_history(account=account),
                grants=[
                    (
                        grant,
                        grant.pk in usable,
                        forms.fresh_key(),
                        grant_source_words(grant.source, tier_names=tier_names, reason=grant.reason),
                    )
                    for grant in grants
                ],
                redemptions=staff_selectors.redemption_list(account=account)[:50],
                offers=selectors.reward_offers(account=account, program=program),
            )
    return render(request, "console/loyalty/member.html", context, status=status)


@staff_required(LOYALTY_VIEW)
@require_GET
def member_loyalty(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id, include_erased=True)
    if member.pk != member_id:
        return redirect(reverse("console:customer_loyalty", args=[member.pk]))
    return _tab(request, member, request.GET.get("program"))


def _act(
    request: HttpRequest,
    member: Member,
    program: Program,
    *,
    form_name: str,
    form: forms.LoyaltyForm,
    perform: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Runs one service with a valid form, then back to the tab; a refusal re-renders it, unchanged."""
    if form.is_valid() and service_run(request, form, lambda: perform(form.cleaned_data), success):
        return redirect(_tab_url(member, program))
    # A field the page holds (an id, a key) has no place to show its error: it is said as a message.
    for error in (error for field in form.hidden_fields() for error in field.errors):
        messages.error(request, str(error))
    bound: dict[str, Any] = {form_name: form}
    return _tab(request, member, program.code, status=400, **bound)


def _account(program: Program, member: Member) -> Account:
    """The member's account, opened on first use: staff may give points or benefits before any purchase."""
    return services.account_open(program=program, member=member)


def _existing_account(program: Program, member: Member) -> Account:
    account = selectors.account_find(program=program, member=member)
    if account is None:
        raise Http404(_("the member has no account in this program"))
    return account


@staff_required(LOYALTY_ADJUST)
@require_POST
def adjust(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    """Books an adjustment; one above the program's threshold is first shown back for confirmation. The
    confirmed request is checked again whole, and its idempotency key books it once however often it comes."""
    member, program, user = _member(member_id), program_or_404(code), acting_user(request)
    form = forms.AdjustForm(request.POST)
    if not form.is_valid():
        return _tab(request, member, program.code, status=400, adjust_form=form)
    if "change" in request.POST:  # "Change" on the confirmation: the form again, filled in
        return _tab(request, member, program.code, adjust_form=form)
    large = services.adjustment_needs_confirmation(program=program, points=form.cleaned_data["points"])
    if large and not form.is_confirmed(member=member, program=program, user=user):
        return _adjust_confirmation(request, member, program, form)

    def perform(data: dict[str, Any]) -> object:
        # Refused before the member is given an account, so a refusal changes nothing.
        services.adjustment_check(program=program, points=data["points"], actor=user)
        account = selectors.account_find(program=program, member=member)
        if account is None and data["points"] < 0:
            raise InsufficientPoints(_("the member has no points to remove"), field="points")
        return services.points_adjust(
            account=account or _account(program, member),
            points=data["points"],
            reason=data["reason"],
            idempotency_key=data["idempotency_key"],
            actor=user,
            confirmed_by=user if large else None,
        )

    return _act(
        request,
        member,
        program,
        form_name="adjust_form",
        form=form,
        perform=perform,
        success=_("Adjustment booked."),
    )


def _adjust_confirmation(
    request: HttpRequest, member: Member, program: Program, form: forms.AdjustForm
) -> HttpResponse:
    """The tab with the adjustment stated for confirmation, once it is known to be allowed; nothing booked."""
    user, points = acting_user(request), form.cleaned_data["points"]
    try:
        services.adjustment_check(program=program, points=points, actor=user)
    except ApplicationError as error:
        messages.error(request, error.message)
        form.add_service_error(error)
        return _tab(request, member, program.code, status=400, adjust_form=form)
    confirmation = {
        "adds": points > 0,
        "points": abs(points),
        "value": abs(points) * program.point_value,
        "reason": form.cleaned_data["reason"].strip(),
        "idempotency_key": form.cleaned_data["idempotency_key"],
        "token": form.confirmation_sign(member=member, program=program, user=user),
    }
    return _tab(request, member, program.code, adjust_confirmation=confirmation, adjust_form=form)


@staff_required(LOYALTY_ADJUST)
@require_POST
def redeem(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)

    def perform(data: dict[str, Any]) -> object:
        account = selectors.account_find(program=program, member=member)
        if account is None:
            raise InsufficientPoints(_("the member has no points in this program"), field="points")
        return services.points_redeem(
            account=account,
            points=data["points"],
            reward=data["reward"],
            idempotency_key=data["idempotency_key"],
            actor=acting_user(request),
        )

    return _act(
        request,
        member,
        program,
        form_name="redeem_form",
        form=forms.RedeemForm(request.POST, rewards=list(selectors.reward_list(program=program))),
        perform=perform,
        success=_("Redemption confirmed."),
    )


def _redemption(account: Account, redemption_code: str) -> Redemption:
    try:
        redemption = selectors.redemption_get(code=redemption_code)
    except NotFound as error:
        raise Http404(error.message) from error
    if redemption.account_id != account.pk:
        raise Http404(_("this redemption belongs to another member"))
    return redemption


@staff_required(LOYALTY_ADJUST)
@require_POST
def redemption_cancel(request: HttpRequest, member_id: int, code: str, redemption_code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    redemption = _redemption(_existing_account(program, member), redemption_code)
    return _act(
        request,
        member,
        program,
        form_name="cancel_form",
        form=forms.RedemptionCancelForm(request.POST),
        perform=lambda data: services.redemption_cancel(
            redemption=redemption, actor=acting_user(request), reason=data["reason"]
        ),
        success=_("Redemption cancelled; its points were given back."),
    )


@staff_required(LOYALTY_ADJUST)
@require_POST
def redemption_fulfil(request: HttpRequest, member_id: int, code: str, redemption_code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    redemption = _redemption(_existing_account(program, member), redemption_code)
    return _act(
        request,
        member,
        program,
        form_name="fulfil_form",
        form=forms.RedemptionCancelForm(request.POST),
        perform=lambda data: services.redemption_fulfil(redemption=redemption, actor=acting_user(request)),
        success=_("Redemption marked as handed over."),
    )


@staff_required(LOYALTY_ADJUST)
@require_POST
def benefit_use(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    account = _existing_account(program, member)
    form = forms.BenefitUseForm(request.POST)
    grants = {grant.pk: grant for grant in selectors.benefit_grants(account=account)}

    def perform(data: dict[str, Any]) -> object:
        grant = grants.get(data["grant"])
        if grant is None:
            raise NotFound(_("this benefit was not granted to this member"), field="grant")
        return services.benefit_use(
            grant=grant,
            note=data["note"],
            idempotency_key=data["idempotency_key"],
            actor=acting_user(request),
        )

    return _act(
        request,
        member,
        program,
        form_name="use_form",
        form=form,
        perform=perform,
        success=_("Use recorded."),
    )


@staff_required(LOYALTY_ADJUST)
@require_POST
def benefit_grant(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    benefits = [b for b in selectors.benefit_list(program=program) if b.active]
    return _act(
        request,
        member,
        program,
        form_name="grant_form",
        form=forms.BenefitGrantForm(request.POST, benefits=benefits),
        perform=lambda data: services.benefit_grant(
            account=_account(program, member), actor=acting_user(request), **data
        ),
        success=_("Benefit granted."),
    )


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def tier_floor(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    return _act(
        request,
        member,
        program,
        form_name="floor_form",
        form=forms.TierFloorForm(request.POST, tiers=list(selectors.tier_list(program=program))),
        perform=lambda data: services.tier_floor_set(
            account=_account(program, member),
            tier=data["tier"],
            reason=data["reason"],
            actor=acting_user(request),
        ),
        success=_("Tier given by hand saved."),
    )


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def tier_invite(request: HttpRequest, member_id: int, code: str) -> HttpResponse:
    member, program = _member(member_id), program_or_404(code)
    return _act(
        request,
        member,
        program,
        form_name="invite_form",
        form=forms.TierInviteForm(request.POST, tiers=list(selectors.tier_list(program=program))),
        perform=lambda data: services.tier_invite(
            account=_account(program, member), tier=data["tier"], actor=acting_user(request)
        ),
        success=_("Invitation recorded."),
    )
