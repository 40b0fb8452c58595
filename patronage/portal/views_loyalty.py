"""The member's loyalty pages: points and history, benefits, rewards and redemptions, the digital card.

Each page reads the signed-in member's own data only (portal.access hands the view their file), so no
URL here names a member; a redemption code of someone else's is not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.core.errors import ApplicationError, InsufficientPoints, NotFound
from patronage.loyalty.models import Program, Redemption
from patronage.loyalty.selectors.membership import (
    ProgramPoints,
    history_lines,
    member_benefits,
    member_card,
    member_history,
    member_offer,
    member_points,
    member_redemption_get,
    member_redemptions,
    member_rewards,
)
from patronage.loyalty.services import points_redeem, redemption_cancel
from patronage.members.models import Member
from patronage.portal.access import member_required
from patronage.portal.forms_loyalty import RedeemForm, redeem_key_new


class ProgramPart(Protocol):
    """One program's part of a loyalty page (its points, benefits or rewards)."""

    @property
    def program(self) -> Program: ...


HISTORY_PER_PAGE = 20
REDEMPTIONS_PER_PAGE = 10
CANCEL_REASON = "cancelled by the member in the portal"


def _history_program(programs: list[ProgramPoints], code: str | None) -> Program | None:
    """The program whose history is shown: the one asked for, else the first the member has points in."""
    if code:
        chosen = next((p.program for p in programs if p.program.code == code), None)
        if chosen is None:
            raise Http404(_("There is no program with the code %(code)s.") % {"code": code})
        return chosen
    enrolled = [p.program for p in programs if p.summary.enrolled]
    return next(iter(enrolled or [p.program for p in programs]), None)


def _brands_read(parts: Sequence[ProgramPart]) -> None:
    """Reads the brands that head each program's part of a page in one query, not one per program."""
    prefetch_related_objects([part.program for part in parts], "brand")


@member_required
@require_GET
def points(request: HttpRequest, member: Member) -> HttpResponse:
    programs = member_points(member=member)
    _brands_read(programs)
    chosen = _history_program(programs, request.GET.get("program"))
    history = None
    if chosen is not None:
        history = Paginator(member_history(member=member, program=chosen), HISTORY_PER_PAGE).get_page(
            request.GET.get("page")
        )
    context = {
        "member": member,
        "programs": programs,
        "chosen": chosen,
        "history": history,
        "lines": history_lines(list(history.object_list)) if history is not None else [],
    }
    return render(request, "portal/loyalty/points.html", context)


@member_required
@require_GET
def points_summary(request: HttpRequest, member: Member) -> HttpResponse:
    """The overview's loyalty card, loaded into the overview page."""
    return render(request, "portal/loyalty/_summary.html", {"programs": member_points(member=member)})


@member_required
@require_GET
def benefits(request: HttpRequest, member: Member) -> HttpResponse:
    programs = member_benefits(member=member)
    _brands_read(programs)
    context = {"member": member, "programs": programs}
    return render(request, "portal/loyalty/benefits.html", context)


@member_required
@require_GET
def rewards(request: HttpRequest, member: Member) -> HttpResponse:
    redemptions = Paginator(member_redemptions(member=member), REDEMPTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    programs = member_rewards(member=member)
    _brands_read(programs)
    context = {"member": member, "programs": programs, "redemptions": redemptions}
    return render(request, "portal/loyalty/rewards.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def reward(request: HttpRequest, member: Member, program: str, code: str) -> HttpResponse:
    """The confirmation step of a redemption (GET), and the redemption itself (POST)."""
    try:
        seen = member_offer(member=member, program_code=program, reward_code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    form = RedeemForm(request.POST or None, initial={"key": redeem_key_new()})
    if request.method == "POST" and form.is_valid():
        if seen.account is None:
            messages.error(
                request, _("You have no points in %(program)s yet.") % {"program": seen.program.reader_name}
            )
            return redirect("portal:reward", program=program, code=code)
        reward_ = seen.offer.reward
        try:
            redemption = points_redeem(
                account=seen.account,
                points=reward_.points_price,
                reward=reward_,
                # The member's id keeps one member's form key from ever meeting another's.
                idempotency_key=f"portal:{member.pk}:{form.cleaned_data['key']}",
                actor=None,
            )
        except InsufficientPoints:
            messages.error(
                request,
                _(
                    "You do not have enough points for %(reward)s: it costs %(price)s points, you have %(balance)s."
                )
                % {
                    "reward": reward_.reader_name,
                    "price": reward_.points_price,
                    "balance": seen.summary.balance,
                },
            )
            return redirect("portal:reward", program=program, code=code)
        except ApplicationError as error:
            messages.error(
                request,
                _("%(reward)s cannot be redeemed: %(why)s")
                % {"reward": reward_.reader_name, "why": error.message},
            )
            return redirect("portal:reward", program=program, code=code)
        messages.success(
            request, _("Done! Show this code to collect %(reward)s.") % {"reward": reward_.reader_name}
        )
        return redirect("portal:redemption", code=redemption.code)
    context = {"member": member, "seen": seen, "form": form}
    return render(request, "portal/loyalty/reward.html", context)


def _own_redemption(member: Member, code: str) -> Redemption:
    try:
        return member_redemption_get(member=member, code=code)
    except NotFound as error:
        raise Http404(error.message) from error


@member_required
@require_GET
def redemption(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    context = {"member": member, "redemption": _own_redemption(member, code)}
    return render(request, "portal/loyalty/redemption.html", context)


@member_required
@require_POST
def redemption_cancel_view(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    own = _own_redemption(member, code)
    try:
        redemption_cancel(redemption=own, actor=None, reason=CANCEL_REASON)
    except ApplicationError:
        messages.error(request, _("This redemption has already been handed over, so it cannot be cancelled."))
    else:
        messages.success(request, _("Cancelled. The points are back in your balance."))
    return redirect("portal:redemption", code=own.code)


@member_required
@require_GET
def card(request: HttpRequest, member: Member) -> HttpResponse:
    return render(request, "portal/loyalty/card.html", {"member": member, "card": member_card(member=member)})
