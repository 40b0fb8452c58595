"""Scorecards for performance reviews: the teams' cards, one person's card with its trends, a team's meeting
(cards, pinned examples, standards that slipped), pinning a case as an example, the score's weights, and the
cards as CSV and PDF.

Who sees what is standards.scorecards' decision: everyone their own card, a lead the teams they lead, an
administrator all; the exports show what the pages show. A period that cannot be read is said on the picker,
and the current month is shown instead.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.models import Team
from patronage.care.selectors import case_get, team_list
from patronage.console import scorecard_file
from patronage.console.access import acting_user, forbidden, staff_required
from patronage.console.customer_file import csv_stream
from patronage.console.scorecard_forms import PeriodForm, PinForm, WeightsForm
from patronage.console.scorecard_pdf import scorecards_pdf
from patronage.core import clock
from patronage.core.business import business_name
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.models import User
from patronage.core.selectors import staff_get
from patronage.standards.examples import example_get, example_pin, example_unpin, examples_for_meeting
from patronage.standards.permissions import SCORECARD_OWN, SCORECARDS_ALL, SCORECARDS_TEAM
from patronage.standards.scorecards import (
    ScorePeriod,
    score_weights,
    score_weights_set,
    scorecard_may_view,
    scorecard_person,
    scorecard_teams_visible,
    scorecards_team,
)
from patronage.standards.team_meeting import standards_slipped


def _period(request: HttpRequest) -> tuple[PeriodForm, ScorePeriod, int]:
    """The picker as sent, the period it chose, and the page's status (400 when the period was unreadable)."""
    form = PeriodForm(request.GET)
    period = form.chosen()
    return form, period, 400 if form.errors else 200


def _query(period: ScorePeriod) -> str:
    return f"?period={period.label}"


def _visible_team(viewer: User, team_id: int) -> Team | None:
    """The team, when the viewer may see its cards; None for a team they may not see or that is none."""
    return scorecard_teams_visible(viewer=viewer).filter(pk=team_id).first()


def _navigation(period: ScorePeriod) -> dict[str, str]:
    return {"previous": period.previous(1)[0].label, "next": ScorePeriod(period.kind, period.end).label}


# --- the teams' cards -----------------------------------------------------------------------------------


@staff_required(*scorecard_file.SCORECARDS_ANY)
@require_GET
def scorecard_home(request: HttpRequest) -> HttpResponse:
    viewer = acting_user(request)
    form, period, status = _period(request)
    if not any(viewer.has_staff_perm(name) for name in (SCORECARDS_TEAM, SCORECARDS_ALL)):
        return redirect(reverse("console:scorecard_person", args=[viewer.pk]) + _query(period))
    context = {
        "form": form,
        "period": period,
        "tables": scorecard_file.tables_visible(viewer=viewer, period=period),
        "metric_labels": scorecard_file.metric_headings(),
        "may_weigh": viewer.has_staff_perm(SCORECARDS_ALL),
        "own": viewer.has_staff_perm(SCORECARD_OWN),
        **_navigation(period),
    }
    return render(request, "console/scorecards/home.html", context, status=status)


# --- one person's card ---------------------------------------------------------------------------------------


def _person_team(viewer: User, person: User) -> Team | None:
    """The team the card ranks the person in: one of theirs the viewer sees, else (their own card, or an
    administrator's view) their first."""
    teams = person.care_teams.order_by("name")
    seen = teams.filter(pk__in=scorecard_teams_visible(viewer=viewer)).first()
    return seen or (teams.first() if viewer.pk == person.pk else None)


@staff_required(*scorecard_file.SCORECARDS_ANY)
@require_GET
def scorecard_person_page(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = acting_user(request)
    person = staff_get(user_id=user_id)
    if person is None:
        raise Http404(_("No such staff member."))
    if not scorecard_may_view(viewer=viewer, person=person):
        return forbidden(request)
    form, period, status = _period(request)
    card = scorecard_person(user=person, period=period, team=_person_team(viewer, person))
    context = {
        "form": form,
        "period": period,
        "person": person,
        "card": card,
        "parts": scorecard_file.card_parts(card),
        "charts": scorecard_file.trend_charts(card),
        "weights": score_weights(),
        **_navigation(period),
    }
    return render(request, "console/scorecards/person.html", context, status=status)


# --- the team meeting ----------------------------------------------------------------------------------------


@staff_required(SCORECARDS_TEAM, SCORECARDS_ALL)
@require_GET
def team_meeting(request: HttpRequest, team_id: int) -> HttpResponse:
    viewer = acting_user(request)
    team = _visible_team(viewer, team_id)
    if team is None:
        if not team_list().filter(pk=team_id).exists():
            raise Http404(_("No such team."))
        return forbidden(request)
    form, period, status = _period(request)
    card, people = scorecards_team(team=team, period=period)
    context = {
        "form": form,
        "period": period,
        "team": team,
        "table": scorecard_file.CardTable(team, card, people),
        "examples": list(examples_for_meeting(team=team, period=period)),
        "slipped": scorecard_file.slipped_rows(standards_slipped(team=team, period=period)),
        "metric_labels": scorecard_file.metric_headings(),
        **_navigation(period),
    }
    return render(request, "console/scorecards/meeting.html", context, status=status)


# --- examples ----------------------------------------------------------------------------------------------


@staff_required(SCORECARDS_TEAM, SCORECARDS_ALL)
@require_POST
def example_pin_page(request: HttpRequest) -> HttpResponse:
    """Pins the case named by `case` (its reference); a refusal shows the form again with its error."""
    viewer = acting_user(request)
    try:
        case = case_get(reference=request.POST.get("case", ""))
    except NotFound as error:
        raise Http404(error.message) from error
    if not scorecard_file.may_pin(viewer=viewer, team=case.team):
        return forbidden(request)
    form = PinForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            example_pin(actor=viewer, case=case, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("The case is pinned for the team meeting."))
            return redirect("console:case", reference=case.reference)
    return render(request, "console/scorecards/pin.html", {"case": case, "form": form}, status=status)


@staff_required(SCORECARDS_TEAM, SCORECARDS_ALL)
@require_POST
def example_unpin_page(request: HttpRequest, example_id: int) -> HttpResponse:
    viewer = acting_user(request)
    example = example_get(example_id=example_id)
    if example is None:
        raise Http404(_("No such example."))
    if not scorecard_file.may_pin(viewer=viewer, team=example.team):
        return forbidden(request)
    team = example.team
    example_unpin(example=example, actor=viewer)
    messages.success(request, _("The example is taken off the meeting's list."))
    back = request.POST.get("period", "")
    if team is None:
        return redirect("console:scorecards")
    return redirect(
        reverse("console:scorecard_meeting", args=[team.pk]) + (f"?period={back}" if back else "")
    )


# --- the weights ---------------------------------------------------------------------------------------------


@staff_required(SCORECARDS_ALL)
@require_http_methods(["GET", "POST"])
def score_weights_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "console/scorecards/weights.html", {"form": WeightsForm.of(score_weights())})
    form = WeightsForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            score_weights_set(actor=acting_user(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("The weights are saved: every scorecard's overall score uses them."))
            return redirect("console:scorecard_weights")
    return render(request, "console/scorecards/weights.html", {"form": form}, status=status)


# --- exports -------------------------------------------------------------------------------------------------


def _export_tables(request: HttpRequest) -> tuple[ScorePeriod, list[scorecard_file.CardTable]] | HttpResponse:
    """The period and the cards the viewer may see (one team's when asked); a team they may not see is
    refused, a period that cannot be read is a 400."""
    viewer = acting_user(request)
    form, period, status = _period(request)
    if status != 200:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    team: Team | None = None
    if (team_id := form.team_id()) is not None:
        team = _visible_team(viewer, team_id)
        if team is None:
            return forbidden(request)
    return period, scorecard_file.tables_visible(viewer=viewer, period=period, team=team)


def _file_name(period: ScorePeriod, extension: str) -> str:
    return f'attachment; filename="scorecards-{period.label}.{extension}"'


@staff_required(*scorecard_file.SCORECARDS_ANY)
@require_GET
def scorecards_csv(request: HttpRequest) -> HttpResponse:
    found = _export_tables(request)
    if isinstance(found, HttpResponse):
        return found
    period, tables = found
    body = "".join(csv_stream(scorecard_file.csv_lines(tables)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _file_name(period, "csv")
    return response


@staff_required(*scorecard_file.SCORECARDS_ANY)
@require_GET
def scorecards_pdf_page(request: HttpRequest) -> HttpResponse:
    found = _export_tables(request)
    if isinstance(found, HttpResponse):
        return found
    period, tables = found
    content = scorecards_pdf(tables=tables, period=period, business=business_name(), now=clock.now())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = _file_name(period, "pdf")
    return response
