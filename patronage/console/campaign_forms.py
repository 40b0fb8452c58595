"""The forms of the campaigns pages: a campaign (its subject and message in each of the business's
languages, the segment it goes to, its goal and hold-out) and the time to send it. They shape input;
segments.campaign_services decides what is valid.

The hold-out is typed as a percentage (10), as people say it; the service takes a share (0.10). The field
keeps the service's name, so the service's errors land on it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from patronage.analytics.winback import MIN_RISK_DEFAULT, WINBACK_MAX
from patronage.console.loyalty_forms.base import LoyaltyForm, code_field, in_zone, local_input, within_dates
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.business import business
from patronage.core.names import in_reader_language
from patronage.segments.campaign_services import GOAL_DAYS_MAX, HOLDOUT_MAX, CampaignInput
from patronage.segments.models import Campaign, CampaignGoal
from patronage.segments.selectors import segment_list

WINBACK_DEFAULT = 500

PERCENT = Decimal(100)


class CampaignForm(LoyaltyForm):
    """A campaign's words, audience and measure. Its code is fixed once it exists (the API names it)."""

    id_prefix = "campaign"
    in_languages = ("subject", "body")

    code = code_field()
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    segment = forms.ChoiceField(label=gettext_lazy("Segment"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    goal = forms.ChoiceField(
        label=gettext_lazy("Goal"),
        choices=CampaignGoal.choices,
        initial=CampaignGoal.PURCHASE,
        help_text=gettext_lazy("What counts as success, compared with the customers held out."),
    )
    goal_days = forms.IntegerField(
        label=gettext_lazy("Window in days"),
        min_value=1,
        max_value=GOAL_DAYS_MAX,
        initial=30,
        help_text=gettext_lazy("How long after sending the goal is counted."),
    )
    holdout_share = forms.DecimalField(
        label=gettext_lazy("Share held out (%)"),
        min_value=Decimal(0),
        max_value=Decimal(HOLDOUT_MAX * 100),
        decimal_places=1,
        initial=10,
        help_text=gettext_lazy(
            "Customers chosen by chance who get nothing, to measure the campaign against."
        ),
    )
    offer_cost = forms.DecimalField(
        label=gettext_lazy("Cost of the offer per customer who does the goal"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("Optional: a discount's cost, to weigh against the extra revenue."),
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set(
            "segment",
            [("", "—"), *((segment.code, in_reader_language(segment, "name")) for segment in segment_list())],
        )
        # A message in another language is as long as the main one: a text area, not a line.
        for name, field in self.fields.items():
            if name.startswith("body_in_"):
                field.widget = forms.Textarea(attrs={**field.widget.attrs, "rows": 6})
        if campaign is not None:
            self.fields["code"].disabled = True

    def campaign_input(self) -> CampaignInput:
        data = self.cleaned_data
        return CampaignInput(
            code=data["code"],
            name=data["name"],
            segment=data["segment"],
            subject=data["subject"],
            body=data["body"],
            goal=data["goal"],
            goal_days=data["goal_days"],
            holdout_share=float(data["holdout_share"] / PERCENT),
            offer_cost=data.get("offer_cost"),
            subject_translations=data.get("subject_translations") or {},
            body_translations=data.get("body_translations") or {},
        )


def campaign_initial(campaign: Campaign) -> dict[str, Any]:
    """The form's values from a saved campaign, its hold-out as a percentage."""
    return {
        "code": campaign.code,
        "name": campaign.name,
        "segment": campaign.segment.code,
        "subject": campaign.subject,
        "body": campaign.body,
        "goal": campaign.goal,
        "goal_days": campaign.goal_days,
        "holdout_share": (Decimal(str(campaign.holdout_share)) * PERCENT).normalize(),
        "offer_cost": campaign.offer_cost,
        **translations_initial(campaign, ("subject", "body")),
    }


class ScheduleForm(forms.Form):
    """When to send: a wall-clock time on the business's clock."""

    send_at = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        widget=local_input(),
        help_text=gettext_lazy("On the business's clock."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)

    def clean_send_at(self) -> datetime | None:
        send_at = self.cleaned_data.get("send_at")
        within_dates(send_at)
        return in_zone(send_at, business().time_zone)


class WinbackForm(forms.Form):
    """How many of the valuable customers at risk, and from what churn risk on."""

    limit = forms.IntegerField(
        label=gettext_lazy("Customers"), min_value=1, max_value=WINBACK_MAX, initial=WINBACK_DEFAULT
    )
    min_risk = forms.IntegerField(
        label=gettext_lazy("Churn risk of at least (%)"),
        min_value=1,
        max_value=99,
        initial=round(MIN_RISK_DEFAULT * 100),
    )

    def clean_min_risk(self) -> float:
        return int(self.cleaned_data["min_risk"]) / 100
