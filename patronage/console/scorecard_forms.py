"""The scorecard pages' forms: the period picker, pinning an example, the score's weights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.console.forms import ServiceForm
from patronage.core.errors import ValidationFailed
from patronage.standards.examples import NOTE_MAX
from patronage.standards.models import ExampleKind, ScoreWeights
from patronage.standards.scorecards import ScorePeriod, score_period_current, score_period_parse

KINDS = [("month", _("Month")), ("week", _("Week"))]


class PeriodForm(ServiceForm):
    """Which period (and, for an export, which team) to show: the current month when nothing is chosen.
    The browser's month and week inputs send 2026-11 and 2026-W47, the forms score_period_parse reads."""

    kind = forms.ChoiceField(label=_("By"), choices=KINDS, required=False)
    period = forms.CharField(label=_("Period"), required=False, max_length=20)
    team = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def chosen(self) -> ScorePeriod:
        """The period asked for; a period that cannot be read puts its error on the field and gives the
        current month, so the page still shows something true."""
        if not self.is_valid():
            return score_period_current()
        text = self.cleaned_data["period"].strip()
        try:
            if text:
                return score_period_parse(text)
            return score_period_current(self.cleaned_data["kind"] or "month")
        except ValidationFailed as error:
            self.add_service_error(error)
            return score_period_current()

    def team_id(self) -> int | None:
        """The team asked for, None for every team the viewer sees; -1 for one that names no team."""
        text = self.cleaned_data.get("team", "") if self.is_valid() else ""
        if not text:
            return None
        return int(text) if text.isdigit() else -1


class PinForm(ServiceForm):
    kind = forms.ChoiceField(
        label=_("Example"), choices=ExampleKind.choices, widget=forms.RadioSelect, initial=ExampleKind.GOOD
    )
    note = forms.CharField(
        label=_("What the team should learn from it"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
        required=False,
        strip=False,
    )


class WeightsForm(ServiceForm):
    """The four weights; standards.scorecards.score_weights_set decides which values it takes."""

    satisfaction = forms.IntegerField(label=_("Customer satisfaction"))
    sla = forms.IntegerField(label=_("SLA compliance"))
    standards = forms.IntegerField(label=_("Standards compliance"))
    recovery = forms.IntegerField(label=_("Recovery outcome"))

    @classmethod
    def of(cls, weights: ScoreWeights) -> WeightsForm:
        names = ("satisfaction", "sla", "standards", "recovery")
        return cls(initial={name: getattr(weights, name) for name in names})
