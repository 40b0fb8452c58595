"""A program's earn rules, in the order they are evaluated and each in a sentence, the form that sets one
up kind by kind, and the simulator that shows what a purchase would earn under them, rule by rule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console import loyalty_forms as forms
from patronage.console.access import acting_user, staff_required
from patronage.console.views.loyalty_common import is_htmx, program_or_404, service_run, setup_context
from patronage.core import clock
from patronage.core.business import business
from patronage.loyalty import selectors, services
from patronage.loyalty.models import EarnRule, Program
from patronage.loyalty.permissions import LOYALTY_CONFIGURE, LOYALTY_VIEW
from patronage.loyalty.rule_words import RuleNames, rule_describe
from patronage.loyalty.rules import Evaluation
from patronage.loyalty.selectors import rule_names
from patronage.loyalty.selectors import staff as staff_selectors


def _simulation(program: Program, form: forms.SimulationForm) -> dict[str, Any]:
    """The simulator's result for a valid form: the evaluation, and each rule's name by its code."""
    if not form.is_bound or not form.is_valid():
        return {"simulation_form": form, "evaluation": None}
    member = form.cleaned_data.get("member")
    account = selectors.account_find(program=program, member=member) if member else None
    purchase = form.purchase(currency=program.currency, now=clock.now())
    evaluation: Evaluation = selectors.purchase_simulate(program=program, account=account, purchase=purchase)
    return {
        "simulation_form": form,
        "evaluation": evaluation,
        "simulated_member": member,
        "simulated_account": account,
        "purchase": purchase,
    }


def _sentence(program: Program, rule: EarnRule, names: RuleNames) -> str:
    return rule_describe(selectors.rule_of(rule), currency=program.currency, names=names)


def _rules_page(request: HttpRequest, program: Program) -> HttpResponse:
    context = setup_context(request, program, "rules")
    rules = list(staff_selectors.earn_rule_list(program=program))
    names = rule_names.earn_rule_names(program=program, rules=rules)
    simulation_form = forms.SimulationForm(
        request.GET if "amount" in request.GET or "lines" in request.GET else None,
        time_zone=business().time_zone,
    )
    context.update(
        described_rules=[(rule, _sentence(program, rule, names)) for rule in rules],
        rule_names={rule.code: rule.name for rule in rules},
        kind_labels=forms.RULE_KIND_LABELS,
        **_simulation(program, simulation_form),
    )
    return render(request, "console/loyalty/rules.html", context)


@staff_required(LOYALTY_VIEW)
@require_GET
def rule_list(request: HttpRequest, code: str) -> HttpResponse:
    return _rules_page(request, program_or_404(code))


@staff_required(LOYALTY_VIEW)
@require_GET
def simulate(request: HttpRequest, code: str) -> HttpResponse:
    """The simulator: the result alone for htmx, or the rules page with it."""
    program = program_or_404(code)
    if not is_htmx(request):
        return _rules_page(request, program)
    form = forms.SimulationForm(request.GET, time_zone=business().time_zone)
    rules = staff_selectors.earn_rule_list(program=program)
    context = {"program": program, "rule_names": {rule.code: rule.name for rule in rules}}
    context.update(_simulation(program, form))
    response = render(request, "console/loyalty/_simulation.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _rule_or_404(program: Program, rule_code: str) -> EarnRule:
    rule = staff_selectors.earn_rule_get(program=program, code=rule_code)
    if rule is None:
        raise Http404(_("earn rule '%(code)s' does not exist") % {"code": rule_code})
    return rule


def _rule_form(request: HttpRequest, program: Program, rule: EarnRule | None = None) -> forms.EarnRuleForm:
    return forms.EarnRuleForm(
        request.POST or None,
        names=rule_names.earn_rule_choices(program=program),
        currency=program.currency,
        time_zone=business().time_zone,
        rule=rule,
        proposed_segment=request.GET.get("segment", "") if rule is None else "",
    )


def _rule_form_page(
    request: HttpRequest, program: Program, form: forms.EarnRuleForm, rule: EarnRule | None
) -> HttpResponse:
    context = setup_context(request, program, "rules")
    context.update(form=form, rule=rule)
    if rule is not None:
        names = rule_names.earn_rule_names(program=program, rules=[rule])
        context["sentence"] = _sentence(program, rule, names)
    status = 400 if form.is_bound else 200
    return render(request, "console/loyalty/rule_form.html", context, status=status)


def _rule_save(request: HttpRequest, program: Program, form: forms.EarnRuleForm, code: str) -> bool:
    values = form.rule_values()
    return service_run(
        request,
        form,
        lambda: services.earn_rule_save(program=program, code=code, actor=acting_user(request), **values),
        _("Earn rule %(code)s saved.") % {"code": code},
    )


@staff_required(LOYALTY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    form = _rule_form(request, program)
    if request.method == "POST" and form.is_valid():
        rule_code = form.cleaned_data["code"]
        if staff_selectors.earn_rule_get(program=program, code=rule_code) is not None:
            form.add_error("code", _("A rule with this code already exists; edit it instead."))
        elif _rule_save(request, program, form, rule_code):
            return redirect("console:loyalty_rules", code=program.code)
    return _rule_form_page(request, program, form, None)


@staff_required(LOYALTY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, code: str, rule_code: str) -> HttpResponse:
    program = program_or_404(code)
    rule = _rule_or_404(program, rule_code)
    form = _rule_form(request, program, rule)
    if request.method == "POST" and form.is_valid() and _rule_save(request, program, form, rule.code):
        return redirect("console:loyalty_rules", code=program.code)
    return _rule_form_page(request, program, form, rule)


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def rule_delete(request: HttpRequest, code: str, rule_code: str) -> HttpResponse:
    program = program_or_404(code)
    rule = _rule_or_404(program, rule_code)
    services.earn_rule_delete(rule=rule, actor=acting_user(request))
    messages.success(request, _("Earn rule %(code)s deleted.") % {"code": rule_code})
    return redirect("console:loyalty_rules", code=program.code)
