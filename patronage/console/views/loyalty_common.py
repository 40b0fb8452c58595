"""What the console's loyalty pages share: finding the program of a URL, and running one service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest

from patronage.console.access import acting_user
from patronage.console.loyalty_forms import LoyaltyForm
from patronage.core.errors import ApplicationError, NotFound
from patronage.loyalty import selectors
from patronage.loyalty.models import Program
from patronage.loyalty.permissions import LOYALTY_CONFIGURE

# The set-up pages of a program, as its tabs show them: (url name, label is in the template).
SETUP_SECTIONS = ("overview", "settings", "rules", "tiers", "benefits", "rewards")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def program_or_404(code: str) -> Program:
    try:
        return selectors.program_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


def setup_context(request: HttpRequest, program: Program, section: str) -> dict[str, object]:
    return {
        "program": program,
        "section": section,
        "can_configure": acting_user(request).has_staff_perm(LOYALTY_CONFIGURE),
    }


def service_run(request: HttpRequest, form: LoyaltyForm, perform: Callable[[], object], success: str) -> bool:
    """Runs one service; its error is shown as a message and on the fields it names, and nothing changed."""
    try:
        perform()
    except ApplicationError as error:
        messages.error(request, error.message)
        form.add_service_error(error)
        return False
    messages.success(request, success)
    return True
