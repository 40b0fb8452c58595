"""The "Breakdown" block of a survey's page: its results broken down by a group of its respondents (tier,
store, channel, agent, lifetime-value band, language), as a table with an NPS bar per group. The survey's
page shows it, and views.surveys.survey_breakdown_part shows it alone for htmx when the reader picks another
group; without JavaScript the picker is a plain GET of the survey's page.

A group or program that does not exist shows the default group with the picker's error, never a server error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from patronage.feedback.breakdowns import MIN_ANSWERS, GroupScores
from patronage.feedback.models import Survey
from patronage.feedback.survey_groups import BREAKDOWN_TITLES, survey_breakdown
from patronage.loyalty.models import Program
from patronage.loyalty.selectors.accounts import program_list


class BreakdownForm(forms.Form):
    by = forms.ChoiceField(label=_("Break down by"), choices=list(BREAKDOWN_TITLES.items()))
    program = forms.ChoiceField(label=_("Program"), required=False)

    def __init__(self, data: QueryDict | None, *, programs: list[Program]) -> None:
        super().__init__(data, initial={"by": "tier" if programs else "channel"})
        self.programs = {program.code: program for program in programs}
        field = self.fields["program"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(program.code, program.reader_name) for program in programs]
        if len(programs) < 2:  # one program or none: there is no other program's tiers to pick
            field.widget = forms.HiddenInput()

    def clean_program(self) -> Program | None:
        return self.programs.get(self.cleaned_data["program"])


def breakdown_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    """The block's form and the breakdown it asks for (the default group when it asks for none it can)."""
    programs = list(program_list())
    form = BreakdownForm(request.GET if "by" in request.GET else None, programs=programs)
    # Tiers first where there are any; a business without a program sees the channels.
    by, program = ("tier" if programs else "channel"), None
    if form.is_bound and form.is_valid():
        by, program = form.cleaned_data["by"], form.cleaned_data["program"]
    program = program or (programs[0] if programs else None)  # the first by code, as the picker shows
    breakdown = survey_breakdown(survey=survey, by=by, program=program)
    return {
        "breakdown_form": form,
        "breakdown": breakdown,
        "breakdown_title": BREAKDOWN_TITLES[breakdown.by],
        "breakdown_rows": [_row(group) for group in breakdown.groups],
        "min_answers": MIN_ANSWERS,
    }


def _row(group: GroupScores) -> dict[str, Any]:
    """A group with its NPS bar: from the middle of the cell (0) out to the right (positive) or left."""
    value = group.nps.value
    width = 0.0 if value is None else abs(value) / 2
    start = 50.0 if value is None or value >= 0 else 50.0 - width
    return {
        "group": group,
        "bar_start": f"{start:.1f}",
        "bar_width": f"{width:.1f}",
        "negative": value is not None and value < 0,
    }
