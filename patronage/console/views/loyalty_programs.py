"""The loyalty programs list, creating a program, and a program's settings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console import loyalty_forms as forms
from patronage.console.access import acting_user, staff_required
from patronage.console.views.loyalty_common import program_or_404, service_run, setup_context
from patronage.loyalty import services
from patronage.loyalty.models import Program
from patronage.loyalty.permissions import LOYALTY_CONFIGURE, LOYALTY_VIEW
from patronage.loyalty.selectors import staff as staff_selectors


@staff_required(LOYALTY_VIEW)
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    context = {
        "programs": staff_selectors.program_all(),
        "can_configure": acting_user(request).has_staff_perm(LOYALTY_CONFIGURE),
    }
    return render(request, "console/loyalty/programs.html", context)


@staff_required(LOYALTY_CONFIGURE)
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # program_save changes a program that has the code; creating must not overwrite one.
        if staff_selectors.program_all().filter(code=code).exists():
            form.add_error("code", _("A program with this code already exists."))
        elif service_run(
            request,
            form,
            lambda: services.program_save(code=code, values=form.values(), actor=acting_user(request)),
            _("Program created. Add its earn rules and tiers next."),
        ):
            return redirect("console:loyalty_program", code=code)
    status = 400 if form.is_bound else 200
    return render(request, "console/loyalty/program_create.html", {"form": form}, status=status)


def _settings_page(
    request: HttpRequest, program: Program, form: forms.ProgramForm | None = None, status: int = 200
) -> HttpResponse:
    context = setup_context(request, program, "settings")
    context["form"] = form or forms.ProgramForm(
        initial=forms.program_initial(program), read_only=not context["can_configure"]
    )
    return render(request, "console/loyalty/settings.html", context, status=status)


@staff_required(LOYALTY_VIEW)
@require_GET
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _settings_page(request, program_or_404(code))


@staff_required(LOYALTY_CONFIGURE)
@require_POST
def program_settings_save(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    form = forms.ProgramForm(request.POST)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: services.program_save(code=program.code, values=form.values(), actor=acting_user(request)),
        _("Settings saved."),
    ):
        return redirect("console:loyalty_program", code=program.code)
    return _settings_page(request, program, form, status=400)
