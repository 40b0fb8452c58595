"""The settings of each kind of earn rule as form fields of their own, not JSON.

Each kind has a small form, its fields named after the kind (`spend-points`, `campaign-bonus`), whose
`params()` are the settings the loyalty service takes from anywhere else; `initial_of` fills the fields
back from a stored rule's settings. Numbers are bounded by what the services and the database hold, and
products, categories, channels, stores and tiers are picked from what exists, by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.validators import RegexValidator
from django.forms import BoundField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patronage.loyalty.explanation import decimal_text
from patronage.loyalty.rule_words import RuleNames
from patronage.loyalty.rules_params import STANDARD_EVENTS, RuleKind
from patronage.loyalty.services.points import MAX_POINTS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The money columns hold 14 digits, 2 of them after the point.
MAX_AMOUNT = Decimal("999999999999.99")
SMALLEST_AMOUNT = Decimal("0.01")
# Far above any real campaign; a typo of a few zeros is refused on the field.
MAX_MULTIPLIER = Decimal(100)
CUSTOM_EVENT = "custom"

RULE_KIND_LABELS: dict[str, StrOrPromise] = {
    RuleKind.SPEND: _("Per amount spent"),
    RuleKind.PRODUCT: _("Per product"),
    RuleKind.CATEGORY: _("Per category"),
    RuleKind.CHANNEL: _("Per channel"),
    RuleKind.STORE: _("Per store"),
    RuleKind.TIER_MULTIPLIER: _("Tier multiplier"),
    RuleKind.CAMPAIGN: _("Bonus campaign"),
    RuleKind.SEGMENT: _("Segment bonus"),
    RuleKind.EVENT: _("One-off event"),
}


def _points(label: StrOrPromise, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_POINTS, initial=initial)


def _amount(
    label: StrOrPromise, initial: Decimal | None = None, *, smallest: Decimal = SMALLEST_AMOUNT
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=smallest,
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        initial=initial,
    )


def _multiplier(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=SMALLEST_AMOUNT,
        max_value=MAX_MULTIPLIER,
        max_digits=5,
        decimal_places=2,
        initial=Decimal(2),
        help_text=_("2 doubles what the rules before it earned; below 1 takes some of it away."),
    )


def _picker(label: StrOrPromise, required: StrOrPromise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        error_messages={"required": required},
        widget=forms.SelectMultiple(attrs={"size": 8, "data-filter": _("Type to filter the list")}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )


def _ways(*choices: tuple[str, StrOrPromise]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Earns"), choices=choices, initial=choices[0][0], widget=forms.RadioSelect
    )


def _param_value(value: object) -> object:
    """A setting as the rule stores it: amounts as text ("1000", "1.5"), points as whole numbers."""
    return decimal_text(value) if isinstance(value, Decimal) else value


class KindSettings(forms.Form):
    """One kind's settings as fields; `params()` gives them as the loyalty service takes them."""

    kind: ClassVar[RuleKind]
    description: ClassVar[StrOrPromise]
    always: ClassVar[tuple[str, ...]] = ()  # the fields every rule of the kind needs
    # The field choosing a way of earning, and the fields each way needs: only those are read and shown.
    way_field: ClassVar[str] = "earn_by"
    ways: ClassVar[dict[str, tuple[str, ...]]] = {}
    optional: ClassVar[tuple[str, ...]] = ()
    picked: ClassVar[str | None] = None  # the field picking products, categories, channels or stores
    nothing_to_pick: ClassVar[StrOrPromise | None] = None
    nothing_to_set: ClassVar[StrOrPromise | None] = None  # what a fieldset without fields says instead

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        names: RuleNames,
        currency: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        initial = self.initial_of(params) if params is not None else None
        super().__init__(data, prefix=self.kind, initial=initial)
        for name in ("per", "min_spend"):
            if name in self.fields:
                self.fields[name].help_text = gettext("In %(currency)s.") % {"currency": currency}
        if self.picked is not None:
            self._pickable(self.picked, self.names_of(names), initial or {})

    def names_of(self, names: RuleNames) -> Mapping[str, str]:
        return {}

    def _pickable(self, name: str, known: Mapping[str, str], initial: Mapping[str, Any]) -> None:
        # A code the rule already names stays choosable even when the catalogue no longer has it.
        kept = [str(code) for code in initial.get(name) or () if code not in known]
        field = self.fields[name]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            *((code, f"{title} ({code})" if title != code else code) for code, title in known.items()),
            *((code, code) for code in kept),
        ]
        if not field.choices and self.nothing_to_pick is not None:
            field.help_text = self.nothing_to_pick

    @property
    def label(self) -> StrOrPromise:
        return RULE_KIND_LABELS[self.kind]

    def rows(self) -> list[tuple[BoundField, str]]:
        """Each field with the way of earning it belongs to ("" for every way), for the page to show."""
        way_of = {name: way for way, names in self.ways.items() for name in names}
        return [(self[name], way_of.get(name, "")) for name in self.fields]

    def needed(self) -> tuple[str, ...]:
        way = self.cleaned_data.get(self.way_field)
        return self.always + self.ways.get(way, ()) if way else self.always

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in self.needed():
            if name not in self.errors and data.get(name) in (None, "", []):
                self.add_error(name, self.fields[name].error_messages["required"])
        return data

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        given = [name for name in self.optional if data.get(name) is not None]
        return {name: _param_value(data[name]) for name in (*self.needed(), *given)}

    @classmethod
    def initial_of(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """The fields filled from a stored rule's settings."""
        initial = {name: value for name, value in params.items() if name in cls.base_fields}
        way = next((way for way, names in cls.ways.items() if any(n in params for n in names)), None)
        if way is not None:
            initial[cls.way_field] = way
        return initial

    def setting_error(self, name: str, message: str) -> None:
        """A problem the service found with one setting, on its field, or above them all."""
        self.add_error(name if name in self.fields else None, message)


_PER_UNIT = ("per_unit", _("Points for each unit bought"))
_PER_AMOUNT = ("per_amount", _("Points for every amount spent"))
_MULTIPLY = ("multiply", _("Multiply what the rules before it earned"))


class SpendSettings(KindSettings):
    kind = RuleKind.SPEND
    description = _("Points for every amount of eligible spend on the whole purchase.")
    always = ("points", "per")
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))


class ProductSettings(KindSettings):
    kind = RuleKind.PRODUCT
    description = _(
        "Points on the lines of chosen products: for each unit bought, or for every amount spent."
    )
    always = ("skus",)
    ways = {"per_unit": ("points_per_unit",), "per_amount": ("points", "per")}
    picked = "skus"
    nothing_to_pick = _("No products yet: they come from the catalogue (imports or the API).")
    skus = _picker(_("Products"), _("Choose at least one product."))
    earn_by = _ways(_PER_UNIT, _PER_AMOUNT)
    points_per_unit = _points(_("Points per unit"), 10)
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))

    def names_of(self, names: RuleNames) -> Mapping[str, str]:
        return names.products


class CategorySettings(KindSettings):
    kind = RuleKind.CATEGORY
    description = _(
        "Points on the lines of products in chosen categories: for each unit bought, or for every amount spent."
    )
    always = ("categories",)
    ways = {"per_unit": ("points_per_unit",), "per_amount": ("points", "per")}
    picked = "categories"
    nothing_to_pick = _("No categories yet: they come from the catalogue (imports or the API).")
    categories = _picker(_("Categories"), _("Choose at least one category."))
    earn_by = _ways(_PER_AMOUNT, _PER_UNIT)
    points_per_unit = _points(_("Points per unit"), 10)
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))

    def names_of(self, names: RuleNames) -> Mapping[str, str]:
        return names.categories


class ChannelSettings(KindSettings):
    kind = RuleKind.CHANNEL
    description = _(
        "For purchases through chosen channels: multiply what the rules before it earned, or points for "
        "every amount spent."
    )
    always = ("channels",)
    ways = {"multiply": ("multiplier",), "per_amount": ("points", "per")}
    picked = "channels"
    nothing_to_pick = _("No channels yet: they come from the catalogue (imports or the API).")
    channels = _picker(_("Channels"), _("Choose at least one channel."))
    earn_by = _ways(_MULTIPLY, _PER_AMOUNT)
    multiplier = _multiplier(_("Multiply by"))
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))

    def names_of(self, names: RuleNames) -> Mapping[str, str]:
        return names.channels


class StoreSettings(KindSettings):
    kind = RuleKind.STORE
    description = _(
        "For purchases at chosen stores: multiply what the rules before it earned, or points for every "
        "amount spent."
    )
    always = ("stores",)
    ways = {"multiply": ("multiplier",), "per_amount": ("points", "per")}
    picked = "stores"
    nothing_to_pick = _("No stores yet: they come from the catalogue (imports or the API).")
    stores = _picker(_("Stores"), _("Choose at least one store."))
    earn_by = _ways(_MULTIPLY, _PER_AMOUNT)
    multiplier = _multiplier(_("Multiply by"))
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))

    def names_of(self, names: RuleNames) -> Mapping[str, str]:
        return names.stores


class TierSettings(KindSettings):
    """A multiplier for each of the program's tiers; a tier left empty is not multiplied."""

    kind = RuleKind.TIER_MULTIPLIER
    description = _(
        "Multiplies what the rules before it earned, for members of the tiers given a multiplier."
    )
    nothing_to_set = _("This program has no tiers yet: add them on the Tiers tab first.")

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        names: RuleNames,
        currency: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, names=names, currency=currency, params=params)
        kept = [code for code in self.initial if code not in names.tiers]
        for code, title in [*names.tiers.items(), *((code, code) for code in kept)]:
            field = _multiplier(gettext("Members of %(tier)s: multiply by") % {"tier": title})
            field.initial, field.help_text = None, ""
            self.fields[code] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.fields:
            self.add_error(None, self.nothing_to_set)
        elif not self.errors and all(value is None for value in data.values()):
            self.add_error(next(iter(self.fields)), _("Give at least one tier a multiplier."))
        return data

    def params(self) -> dict[str, Any]:
        multipliers = {
            code: decimal_text(value) for code, value in self.cleaned_data.items() if value is not None
        }
        return {"tiers": multipliers}

    @classmethod
    def initial_of(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        tiers = params.get("tiers")
        return {str(code): value for code, value in tiers.items()} if isinstance(tiers, Mapping) else {}

    def setting_error(self, name: str, message: str) -> None:
        self.add_error(None, message)  # "tiers" is every field of the fieldset


class CampaignSettings(KindSettings):
    kind = RuleKind.CAMPAIGN
    description = _(
        "Between a start and an end: multiply what the rules before it earned, points for every amount "
        "spent, or a bonus on each purchase; from a minimum spend if you give one."
    )
    ways = {"multiply": ("multiplier",), "per_amount": ("points", "per"), "bonus": ("bonus",)}
    optional = ("min_spend",)
    earn_by = _ways(_MULTIPLY, _PER_AMOUNT, ("bonus", _("A bonus on each purchase")))
    multiplier = _multiplier(_("Multiply by"))
    points = _points(_("Points"), 1)
    per = _amount(_("For every"), Decimal(1000))
    bonus = _points(_("Bonus points"), 500)
    min_spend = _amount(_("Only from a spend of"), smallest=Decimal(0))


class SegmentSettings(CampaignSettings):
    """A campaign's terms for the members of one segment, for as long as they are in it."""

    kind = RuleKind.SEGMENT
    description = _(
        "For the members of one segment, while they are in it: multiply what the rules before it earned, "
        "points for every amount spent, or a bonus on each purchase; from a minimum spend if you give one."
    )
    always = ("segment",)
    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        error_messages={"required": _("Choose a segment.")},
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        names: RuleNames,
        currency: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(data, names=names, currency=currency, params=params)
        chosen = str((params or {}).get("segment") or "")
        # A segment the rule names stays choosable when it has since been retired.
        kept = [(chosen, chosen)] if chosen and chosen not in names.segments else []
        field = self.fields["segment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((code, title) for code, title in names.segments.items()), *kept]
        if not names.segments:
            field.help_text = _("No segments yet: build one on the Segments page first.")


class EventSettings(KindSettings):
    kind = RuleKind.EVENT
    description = _(
        "Points once, when something happens: signing up, a birthday, a referral, a survey answered, or "
        "an event of your own."
    )
    always = ("event", "points")
    way_field = "event"
    ways = {CUSTOM_EVENT: ("custom_name",)}
    event = forms.ChoiceField(
        label=_("When"),
        initial="signup",
        choices=[
            ("signup", _("The member signs up")),
            ("birthday", _("The member's birthday")),
            ("referral", _("The member refers a friend")),
            ("survey_answered", _("The member answers a survey")),
            (CUSTOM_EVENT, _("An event of your own, named below")),
        ],
    )
    custom_name = forms.CharField(
        label=_("Name of your event"),
        required=False,
        max_length=64,
        validators=[
            RegexValidator(
                re.compile(r"\A[a-z0-9][a-z0-9_.-]*\Z"),
                _("Lower-case letters, digits, _ . and -, starting with a letter or a digit."),
            )
        ],
        help_text=_("The name your systems send with the event, such as store-opening."),
    )
    points = _points(_("Points"), 500)

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        event = data["event"] if data["event"] != CUSTOM_EVENT else f"custom:{data['custom_name']}"
        return {"event": event, "points": data["points"]}

    @classmethod
    def initial_of(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        event = str(params.get("event") or "")
        named = {"event": event} if event in STANDARD_EVENTS else {}
        if event.startswith("custom:"):
            named = {"event": CUSTOM_EVENT, "custom_name": event.removeprefix("custom:")}
        return {**named, "points": params.get("points")}


KIND_SETTINGS: tuple[type[KindSettings], ...] = (
    SpendSettings,
    ProductSettings,
    CategorySettings,
    ChannelSettings,
    StoreSettings,
    TierSettings,
    CampaignSettings,
    SegmentSettings,
    EventSettings,
)
