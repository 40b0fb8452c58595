"""The earn-rule form: a rule's common fields, and each kind's settings (rule_settings.py).

The page shows every kind's fieldset under the kind's name, and a script shows only the chosen kind's;
either way only the chosen kind's settings are read. They become the same `params` the loyalty service
takes from anywhere else, so the service stays the one judge of a rule: the form bounds what people type,
puts every problem on its own field at once, and names things instead of codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from patronage.console.loyalty_forms.base import (
    LoyaltyForm,
    choices_of,
    in_zone,
    local_input,
    local_wall,
    within_dates,
)
from patronage.console.loyalty_forms.rule_settings import KIND_SETTINGS, RULE_KIND_LABELS, KindSettings
from patronage.core.errors import ApplicationError
from patronage.loyalty.models import EarnRule
from patronage.loyalty.rule_words import RuleNames
from patronage.loyalty.rules_params import RuleKind
from patronage.loyalty.services.points import MAX_POINTS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Far inside the 32-bit priority column, with room for any ordering people need.
PRIORITY_LIMIT = 1_000_000


def _date_field(label: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=local_input())


class EarnRuleForm(LoyaltyForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=32,
        help_text=_("Lower-case letters, digits, - and _; it cannot change."),
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        initial=RuleKind.SPEND,
        choices=[(k.value, RULE_KIND_LABELS[k]) for k in RuleKind],
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        initial=100,
        min_value=-PRIORITY_LIMIT,
        max_value=PRIORITY_LIMIT,
        help_text=_("Lower runs first."),
    )
    exclusive = forms.BooleanField(
        label=_("Exclusive: when it earns, later rules are skipped"), required=False
    )
    stackable = forms.BooleanField(
        label=_("Stackable: combines with rules that earned before it"), required=False, initial=True
    )
    active_from = _date_field(_("Starts"))
    active_to = _date_field(_("Ends (not included)"))
    cap_points = forms.IntegerField(
        label=_("Cap: at most this many points"), required=False, min_value=1, max_value=MAX_POINTS
    )
    cap_period = forms.ChoiceField(
        label=_("Cap period"),
        required=False,
        choices=choices_of(
            [
                ("day", _("Per day")),
                ("month", _("Per month")),
                ("year", _("Per year")),
                ("lifetime", _("Ever")),
            ],
            blank=_("No cap"),
        ),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        names: RuleNames,
        currency: str,
        time_zone: str,
        rule: EarnRule | None = None,
        proposed_segment: str = "",
    ) -> None:
        initial = _rule_initial(rule, time_zone) if rule else None
        proposed = {"segment": proposed_segment} if proposed_segment and rule is None else None
        if proposed is not None:
            initial = {"kind": RuleKind.SEGMENT}  # from a segment's page: "give its members more"
        super().__init__(data, initial=initial)
        self.time_zone = time_zone
        if rule is not None:
            self.fields["code"].disabled = True
        chosen = self["kind"].value()
        # Only the chosen kind's settings are read; the others show their defaults (or the rule's).
        self.kind_settings: list[KindSettings] = [
            settings(
                data if settings.kind == chosen else None,
                names=names,
                currency=currency,
                params=rule.params
                if rule is not None and rule.kind == settings.kind
                else (proposed if settings.kind == RuleKind.SEGMENT else None),
            )
            for settings in KIND_SETTINGS
        ]

    def chosen_settings(self) -> KindSettings | None:
        return next((settings for settings in self.kind_settings if settings.is_bound), None)

    def settings_of(self, kind: RuleKind) -> KindSettings:
        return next(settings for settings in self.kind_settings if settings.kind == kind)

    def is_valid(self) -> bool:
        """The rule's own fields and the chosen kind's settings, both checked, so every problem shows."""
        rule_valid = super().is_valid()
        settings = self.chosen_settings()
        return rule_valid and settings is not None and settings.is_valid()

    def clean_active_from(self) -> datetime | None:
        return self._in_zone("active_from")

    def clean_active_to(self) -> datetime | None:
        return self._in_zone("active_to")

    def _in_zone(self, name: str) -> datetime | None:
        wall: datetime | None = self.cleaned_data.get(name)
        within_dates(wall)
        return in_zone(wall, self.time_zone)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        settings = self.chosen_settings()
        if settings is not None and settings.is_valid():
            data["params"] = settings.params()
        start, end = data.get("active_from"), data.get("active_to")
        if data.get("kind") == RuleKind.CAMPAIGN:
            if start is None and "active_from" not in self.errors:
                self.add_error("active_from", _("A bonus campaign needs a start."))
            if end is None and "active_to" not in self.errors:
                self.add_error("active_to", _("A bonus campaign needs an end."))
        if start is not None and end is not None and end <= start:
            self.add_error("active_to", _("The end must be after the start."))
        if data.get("cap_period") and data.get("cap_points") is None and "cap_points" not in self.errors:
            self.add_error("cap_points", _("Give the most points the rule may give in the period."))
        if data.get("cap_points") is not None and not data.get("cap_period"):
            self.add_error("cap_period", _("Choose the period the cap counts over."))
        return data

    def add_service_error(self, error: ApplicationError) -> None:
        """The service's problems on their fields: the rule's own, or one of the chosen kind's settings."""
        settings = self.chosen_settings()
        for item in error.errors or []:
            name, message = item.get("field") or "", item.get("message") or error.message
            if name in self.fields:
                self.add_error(name, message)
            elif settings is not None and name:
                settings.setting_error(name, message)

    def rule_values(self) -> dict[str, Any]:
        """earn_rule_save's arguments, less program, code and actor."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "code"}
        data["name"] = data.get("name") or ""
        data["cap_period"] = data.get("cap_period") or ""
        return data


def _rule_initial(rule: EarnRule, time_zone: str) -> dict[str, Any]:
    initial = {name: getattr(rule, name) for name in EarnRuleForm.base_fields}
    initial["active_from"] = local_wall(rule.active_from, time_zone)
    initial["active_to"] = local_wall(rule.active_to, time_zone)
    return initial
