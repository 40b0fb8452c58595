"""A program's tiers (with the benefits attached to each), its benefits catalogue and its rewards catalogue.

Each page lists what exists and, for staff who may configure, a form that creates a new item or changes
the one with the same code (an item's Edit link fills the form in).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patronage.console import loyalty_forms as forms
from patronage.console.access import acting_user, staff_required
from patronage.console.views.loyalty_common import program_or_404, service_run, setup_context
from patronage.loyalty import selectors, services
from patronage.loyalty.models import Program
from patronage.loyalty.permissions import LOYALTY_CONFIGURE, LOYALTY_VIEW


def _tiers_page(
    request: HttpRequest, program: Program, status: int = 200, **bound: forms.LoyaltyForm
) -> HttpResponse:
    context = setup_context(request, program, "tiers")
    tiers = list(selectors.tier_list(program=program).prefetch_related("tier_benefits__benefit"))
    benefits = list(selectors.benefit_list(program=program))
    editing = next((t for t in tiers if t.code == request.GET.get("edit")), None)
    context.update(
        tiers=tiers,
        benefits=benefits,
        editing=editing,
        tier_form=forms.TierForm(initial=forms.tier_initial(editing) if editing else None),
        tier_benefit_form=forms.TierBenefitForm(tiers=tiers, benefits=benefits),
    )
    context.update(bound)
    return render(request, "console/loyalty/tiers.html", context, status=status)


@staff_required(LOYALTY_VIEW)
@require_GET
def tier_list(request: HttpRequest, code: str) -> HttpResponse:
    return _tiers_page(request, program_or_404(code))


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def tier_save(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    form = forms.TierForm(request.POST)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: services.tier_save(program=program, actor=acting_user(request), **form.cleaned_data),
        _("Tier %(name)s saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:loyalty_tiers", code=program.code)
    return _tiers_page(request, program, status=400, tier_form=form)


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def tier_benefit_save(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    tiers = {tier.code: tier for tier in selectors.tier_list(program=program)}
    benefits = {benefit.code: benefit for benefit in selectors.benefit_list(program=program)}
    form = forms.TierBenefitForm(request.POST, tiers=list(tiers.values()), benefits=list(benefits.values()))
    if form.is_valid():
        data = form.cleaned_data
        if service_run(
            request,
            form,
            lambda: services.tier_benefit_set(
                tier=tiers[data["tier"]],
                benefit=benefits[data["benefit"]],
                quantity=data["quantity"],
                period=data["period"],
                actor=acting_user(request),
            ),
            _("Tier benefits saved."),
        ):
            return redirect("console:loyalty_tiers", code=program.code)
    return _tiers_page(request, program, status=400, tier_benefit_form=form)


def _benefits_page(
    request: HttpRequest, program: Program, status: int = 200, form: forms.BenefitForm | None = None
) -> HttpResponse:
    context = setup_context(request, program, "benefits")
    benefits = list(selectors.benefit_list(program=program))
    editing = next((b for b in benefits if b.code == request.GET.get("edit")), None)
    initial = forms.benefit_initial(editing) if editing is not None else None
    context.update(benefits=benefits, editing=editing, form=form or forms.BenefitForm(initial=initial))
    return render(request, "console/loyalty/benefits.html", context, status=status)


@staff_required(LOYALTY_VIEW)
@require_GET
def benefit_list(request: HttpRequest, code: str) -> HttpResponse:
    return _benefits_page(request, program_or_404(code))


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def benefit_save(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    form = forms.BenefitForm(request.POST)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: services.benefit_save(program=program, actor=acting_user(request), **form.cleaned_data),
        _("Benefit %(name)s saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:loyalty_benefits", code=program.code)
    return _benefits_page(request, program, status=400, form=form)


def _rewards_page(
    request: HttpRequest, program: Program, status: int = 200, form: forms.RewardForm | None = None
) -> HttpResponse:
    context = setup_context(request, program, "rewards")
    rewards = list(selectors.reward_list(program=program, include_inactive=True))
    tiers = list(selectors.tier_list(program=program))
    editing = next((r for r in rewards if r.code == request.GET.get("edit")), None)
    context.update(
        rewards=rewards,
        editing=editing,
        form=form
        or forms.RewardForm(initial=forms.reward_initial(editing) if editing else None, tiers=tiers),
    )
    return render(request, "console/loyalty/rewards.html", context, status=status)


@staff_required(LOYALTY_VIEW)
@require_GET
def reward_list(request: HttpRequest, code: str) -> HttpResponse:
    return _rewards_page(request, program_or_404(code))


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def reward_save(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    form = forms.RewardForm(request.POST, tiers=list(selectors.tier_list(program=program)))
    if form.is_valid() and service_run(
        request,
        form,
        lambda: services.reward_save(program=program, actor=acting_user(request), **form.cleaned_data),
        _("Reward %(name)s saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:loyalty_rewards", code=program.code)
    return _rewards_page(request, program, status=400, form=form)
