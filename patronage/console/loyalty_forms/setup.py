"""Forms of program set-up: settings, the simulator, tiers, benefits, rewards (earn rules: earn_rules.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from patronage.commerce.models import Brand
from patronage.console.loyalty_forms.base import (
    MAX_SIMULATED_LINES,
    LoyaltyForm,
    choices_of,
    in_zone,
    local_input,
    within_dates,
)
from patronage.console.loyalty_forms.names import translations_initial
from patronage.core.business import business
from patronage.core.errors import NotFound
from patronage.loyalty import rules
from patronage.loyalty.models import (
    Benefit,
    BenefitKind,
    BenefitPeriod,
    Enrolment,
    ExpiryPolicy,
    Program,
    ReturnPolicy,
    Reward,
    Rounding,
    Tier,
    TierBasis,
    TierDowngrade,
    TierWindow,
)
from patronage.loyalty.services.benefits import MAX_GRANT_QUANTITY, MAX_VALID_DAYS
from patronage.loyalty.services.points import MAX_POINTS
from patronage.members import selectors as member_selectors
from patronage.members.models import Member

# A hundred years: longer than any return window, expiry or tier window, and a date that far ahead is still
# one every database and Python hold.
MAX_DAYS = 36_500
# Far inside the 32-bit columns, and more than any table of tiers or stock room needs.
MAX_RANK = 1_000_000
MAX_STOCK = 10_000_000


class ProgramForm(LoyaltyForm):
    in_languages = ("name",)
    name = forms.CharField(label=_("Name"), max_length=100)
    brand = forms.ModelChoiceField(
        label=_("Brand"), queryset=Brand.objects.order_by("name"), required=False, empty_label="—"
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, help_text=_("Three letters, such as KRW."))
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial=lambda: business().time_zone,
        help_text=_("Such as Asia/Seoul. The program's days (caps, expiry, tier years) follow it."),
    )
    enrolment = forms.ChoiceField(label=_("Enrolment"), choices=Enrolment.choices)
    point_value = forms.DecimalField(
        label=_("Value of one point"), max_digits=12, decimal_places=4, initial=Decimal("1")
    )
    pending_days = forms.IntegerField(
        label=_("Days points stay pending"),
        min_value=0,
        max_value=MAX_DAYS,
        initial=14,
        help_text=_("The return window: points become available after it."),
    )
    rounding = forms.ChoiceField(label=_("Rounding"), choices=Rounding.choices)
    exclude_tax = forms.BooleanField(label=_("No points on tax"), required=False, initial=True)
    exclude_shipping = forms.BooleanField(label=_("No points on shipping"), required=False, initial=True)
    excluded_skus = forms.CharField(
        label=_("Products that earn no points"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("SKUs, separated by commas or one per line."),
    )
    expiry_policy = forms.ChoiceField(label=_("Points expire"), choices=ExpiryPolicy.choices)
    expiry_days = forms.IntegerField(
        label=_("Expiry days"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("N for the policies with N days."),
    )
    expiry_warning_days = forms.IntegerField(
        label=_("Warn members this many days before"), min_value=0, max_value=MAX_DAYS, initial=30
    )
    return_policy = forms.ChoiceField(label=_("On a return"), choices=ReturnPolicy.choices)
    tier_basis = forms.ChoiceField(label=_("Tiers are reached by"), choices=TierBasis.choices)
    tier_window = forms.ChoiceField(label=_("Counted over"), choices=TierWindow.choices)
    tier_window_days = forms.IntegerField(
        label=_("Window days"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("For a rolling window."),
    )
    tier_downgrade = forms.ChoiceField(
        label=_("At review, a member short of their tier goes"), choices=TierDowngrade.choices
    )
    tier_grace_days = forms.IntegerField(
        label=_("Grace days before a downgrade"), min_value=0, max_value=MAX_DAYS, initial=0
    )
    adjustment_ceiling = forms.IntegerField(
        label=_("Most points one adjustment by hand may move"),
        min_value=1,
        max_value=MAX_POINTS,
        initial=100_000,
        help_text=_("Adding or removing; only staff with the unlimited permission may move more."),
    )
    adjustment_confirm_above = forms.IntegerField(
        label=_("Ask for confirmation of adjustments above"),
        min_value=0,
        max_value=MAX_POINTS,
        initial=10_000,
        help_text=_("Points: the console shows the points, their value and the member before booking."),
    )
    active = forms.BooleanField(label=_("Open: members earn and spend points"), required=False, initial=True)

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_fields = [name for name in self.fields if name == "name" or name.startswith("name_in_")]
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_excluded_skus(self) -> list[str]:
        text = self.cleaned_data.get("excluded_skus") or ""
        return [sku.strip() for sku in text.replace("\n", ",").split(",") if sku.strip()]

    def values(self) -> dict[str, Any]:
        """The settings as program_save takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "code"}


class ProgramCreateForm(ProgramForm):
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("Lower-case letters, digits, - and _; it cannot change.")
    )
    field_order = ["code", "name", "currency", "time_zone"]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if code == "new":  # /console/loyalty/new/ is the page that creates programs
            raise ValidationError(_("“new” cannot be a program's code."))
        return code


def program_initial(program: Program) -> dict[str, Any]:
    names = [name for name in ProgramForm.base_fields if name != "excluded_skus"]
    initial = {name: getattr(program, name) for name in names}
    initial["brand"] = program.brand_id
    initial["excluded_skus"] = ", ".join(program.excluded_skus)
    return initial | translations_initial(program, ProgramForm.in_languages)


# --- The simulator ----------------------------------------------------------------------------------------


class SimulationForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("Tax and shipping included; empty: the sum of the lines."),
    )
    tax = forms.DecimalField(
        label=_("Tax"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    shipping = forms.DecimalField(
        label=_("Shipping"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    channel = forms.CharField(label=_("Channel"), required=False, max_length=50)
    store = forms.CharField(label=_("Store"), required=False, max_length=50)
    lines = forms.CharField(
        label=_("Lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "TEA-01, tea, 2, 15000"}),
        help_text=_("One line per product: SKU, category, quantity, unit price."),
    )
    member = forms.CharField(
        label=_("Member"),
        required=False,
        help_text=_("Optional: #id, e-mail or card number (for tier and caps)."),
    )
    at = forms.DateTimeField(
        label=_("Time"), required=False, widget=local_input(), help_text=_("Empty: now.")
    )

    def __init__(self, *args: Any, time_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean_lines(self) -> tuple[rules.Line, ...]:
        rows = [row for row in (self.cleaned_data.get("lines") or "").splitlines() if row.strip()]
        if len(rows) > MAX_SIMULATED_LINES:
            raise ValidationError(_("at most %(max)d lines"), params={"max": MAX_SIMULATED_LINES})
        return tuple(_line(number, row) for number, row in enumerate(rows, start=1))

    def clean_member(self) -> Member | None:
        text = (self.cleaned_data.get("member") or "").strip()
        if not text:
            return None
        member: Member | None
        if text.lstrip("#").isdigit():
            try:
                member = member_selectors.member_get(member_id=int(text.lstrip("#")))
            except NotFound:
                member = None
        else:
            member = member_selectors.member_find_by_identity(value=text)
        if member is None:
            raise ValidationError(_("no member is known by “%(text)s”"), params={"text": text})
        return member

    def clean_at(self) -> datetime | None:
        wall = self.cleaned_data.get("at")
        within_dates(wall)
        return in_zone(wall, self.time_zone)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("amount") is None and "amount" not in self.errors:
            lines = data.get("lines") or ()
            if not lines:
                self.add_error("amount", _("Give the amount paid, or the lines."))
            else:
                total = sum((line.amount for line in lines), Decimal(0))
                data["amount"] = total + (data.get("tax") or 0) + (data.get("shipping") or 0)
        return data

    def purchase(self, *, currency: str, now: datetime) -> rules.Purchase:
        data = self.cleaned_data
        return rules.Purchase(
            amount=data["amount"],
            currency=currency,
            tax=data.get("tax") or Decimal(0),
            shipping=data.get("shipping") or Decimal(0),
            occurred_at=data.get("at") or now,
            channel=data.get("channel") or None,
            store=data.get("store") or None,
            lines=data.get("lines") or (),
        )


def _line(number: int, row: str) -> rules.Line:
    parts = [part.strip() for part in row.split(",")]
    if len(parts) != 4 or not parts[0]:
        raise ValidationError(
            _("line %(n)d: write SKU, category, quantity, unit price (the category may be empty)"),
            params={"n": number},
        )
    try:
        quantity, price = Decimal(parts[2]), Decimal(parts[3])
    except InvalidOperation as exc:
        raise ValidationError(
            _("line %(n)d: quantity and unit price must be numbers"), params={"n": number}
        ) from exc
    if not (quantity.is_finite() and price.is_finite()) or quantity <= 0 or price < 0:
        raise ValidationError(
            _("line %(n)d: the quantity must be above zero and the price zero or more"), params={"n": number}
        )
    return rules.Line(
        sku=parts[0],
        category=parts[1] or None,
        quantity=quantity,
        unit_price=price,
        amount=(quantity * price).quantize(Decimal("0.01")),
    )


# --- Tiers, benefits, rewards -----------------------------------------------------------------------------


class TierForm(LoyaltyForm):
    in_languages = ("name", "description")
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    rank = forms.IntegerField(
        label=_("Rank"), min_value=0, max_value=MAX_RANK, help_text=_("Higher is better.")
    )
    threshold = forms.DecimalField(
        label=_("Threshold"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("Reached when the qualifying value is this or more."),
    )
    invitation_only = forms.BooleanField(label=_("By invitation only"), required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


def tier_initial(tier: Tier) -> dict[str, Any]:
    initial = {name: getattr(tier, name) for name in TierForm.base_fields}
    return initial | translations_initial(tier, TierForm.in_languages)


class TierBenefitForm(LoyaltyForm):
    id_prefix = "entitlement"
    tier = forms.ChoiceField(label=_("Tier"))
    benefit = forms.ChoiceField(label=_("Benefit"))
    quantity = forms.IntegerField(
        label=_("How many"),
        min_value=0,
        max_value=MAX_GRANT_QUANTITY,
        initial=1,
        help_text=_("0 removes it."),
    )
    period = forms.ChoiceField(label=_("Per"), choices=BenefitPeriod.choices, initial=BenefitPeriod.YEAR)

    def __init__(self, *args: Any, tiers: list[Tier], benefits: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_set("tier", [(t.code, t.reader_name) for t in tiers])
        self._choices_set("benefit", [(b.code, b.reader_name) for b in benefits])


class BenefitForm(LoyaltyForm):
    in_languages = ("name", "description")
    code = forms.SlugField(label=_("Code"), max_length=48)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=BenefitKind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    validity_days = forms.IntegerField(
        label=_("Days a grant can be used"),
        max_value=MAX_VALID_DAYS,
        initial=365,
        help_text=_("From the day it is granted."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


def benefit_initial(benefit: Benefit) -> dict[str, Any]:
    initial = {name: getattr(benefit, name) for name in BenefitForm.base_fields}
    return initial | translations_initial(benefit, BenefitForm.in_languages)


class RewardForm(LoyaltyForm):
    in_languages = ("name", "description")
    code = forms.SlugField(label=_("Code"), max_length=48)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    # The smallest values are the service's to refuse, in its words; the largest are what the columns hold.
    points_price = forms.IntegerField(label=_("Price in points"), max_value=MAX_POINTS)
    stock = forms.IntegerField(
        label=_("Stock"), required=False, max_value=MAX_STOCK, help_text=_("Empty: unlimited.")
    )
    per_member_limit = forms.IntegerField(
        label=_("Limit per member"),
        required=False,
        max_value=MAX_STOCK,
        help_text=_("Empty: no limit."),
    )
    min_tier = forms.ChoiceField(label=_("Lowest tier allowed"), required=False)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args: Any, tiers: list[Tier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = {tier.code: tier for tier in tiers}
        self._choices_set(
            "min_tier", choices_of([(t.code, t.reader_name) for t in tiers], blank=_("Every member"))
        )

    def clean_min_tier(self) -> Tier | None:
        return self.tiers.get(self.cleaned_data.get("min_tier") or "")


def reward_initial(reward: Reward) -> dict[str, Any]:
    initial = {name: getattr(reward, name) for name in RewardForm.base_fields if name != "min_tier"}
    initial["min_tier"] = reward.min_tier.code if reward.min_tier else ""
    return initial | translations_initial(reward, RewardForm.in_languages)


# --- A member's loyalty tab -------------------------------------------------------------------------------
