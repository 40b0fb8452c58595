"""Forms of a member's loyalty tab: adjustments, redemptions, benefits, tier by hand and invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from patronage.console.loyalty_forms.base import LoyaltyForm, choices_of
from patronage.core.models import User
from patronage.loyalty.models import (
    Program,
    Reward,
    Tier,
)
from patronage.loyalty.services.benefits import MAX_GRANT_QUANTITY, MAX_VALID_DAYS
from patronage.loyalty.services.points import MAX_POINTS
from patronage.members.models import Member

CONFIRMATION_SALT = "patronage.console.loyalty.adjust-confirmation"
# Long enough to read the confirmation and press the button; a staler one is simply asked again.
CONFIRMATION_MAX_AGE = 15 * 60


def _key_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, max_length=64)


class AdjustForm(LoyaltyForm):
    """An adjustment by hand; a large one comes back once more with a confirmation signed for exactly it."""

    id_prefix = "adjust"
    points = forms.IntegerField(
        label=_("Points"),
        help_text=_("Positive adds, negative removes."),
        min_value=-MAX_POINTS,
        max_value=MAX_POINTS,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    idempotency_key = _key_field()
    confirmation = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def confirmation_sign(self, *, member: Member, program: Program, user: User) -> str:
        """The token the confirmation step sends back: it holds for this adjustment, member, program and
        person only, so a request edited after the confirmation was shown is asked again."""
        return signing.dumps(self._confirmed(member, program, user), salt=CONFIRMATION_SALT)

    def is_confirmed(self, *, member: Member, program: Program, user: User) -> bool:
        token = self.cleaned_data.get("confirmation") or ""
        try:
            signed = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        except signing.BadSignature:  # forged, edited or expired: SignatureExpired is a BadSignature
            return False
        return bool(signed == self._confirmed(member, program, user))

    def _confirmed(self, member: Member, program: Program, user: User) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "member": member.pk,
            "program": program.pk,
            "user": user.pk,
            "points": data["points"],
            "reason": data["reason"].strip(),
            "key": data["idempotency_key"],
        }


class RedeemForm(LoyaltyForm):
    id_prefix = "redeem"
    reward = forms.ChoiceField(label=_("Reward"), required=False)
    points = forms.IntegerField(label=_("Or points"), required=False, min_value=1, max_value=MAX_POINTS)
    idempotency_key = _key_field()

    def __init__(self, *args: Any, rewards: list[Reward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rewards = {reward.code: reward for reward in rewards}
        self._choices_set(
            "reward",
            choices_of(
                [(r.code, f"{r.reader_name} · {r.points_price}") for r in rewards], blank=_("Points only")
            ),
        )

    def clean_reward(self) -> Reward | None:
        return self.rewards.get(self.cleaned_data.get("reward") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        reward, points = data.get("reward"), data.get("points")
        if reward is None and points is None and "points" not in self.errors:
            self.add_error("points", _("Choose a reward or give a number of points."))
        elif reward is not None and points is not None:
            self.add_error("points", _("Choose a reward or give points, not both."))
        elif reward is not None:
            data["points"] = reward.points_price
        return data


class BenefitGrantForm(LoyaltyForm):
    id_prefix = "grant"
    benefit = forms.ChoiceField(label=_("Benefit"))
    quantity = forms.IntegerField(
        label=_("How many uses"), initial=1, min_value=1, max_value=MAX_GRANT_QUANTITY
    )
    valid_days = forms.IntegerField(
        label=_("Valid for days"),
        required=False,
        min_value=1,
        max_value=MAX_VALID_DAYS,
        help_text=_("Empty: the benefit's own."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    idempotency_key = _key_field()

    def __init__(self, *args: Any, benefits: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.benefits = {benefit.code: benefit for benefit in benefits}
        self._choices_set("benefit", [(b.code, b.reader_name) for b in benefits])

    def clean_benefit(self) -> Any:
        return self.benefits[self.cleaned_data["benefit"]]


class BenefitUseForm(LoyaltyForm):
    id_prefix = "use"
    # An id the page holds, never typed: anything else is a grant this member does not have.
    grant = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"invalid": _("this benefit was not granted to this member")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    idempotency_key = _key_field()


class TierFloorForm(LoyaltyForm):
    id_prefix = "floor"
    tier = forms.ChoiceField(label=_("Tier given by hand"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, tiers: list[Tier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = {tier.code: tier for tier in tiers}
        self._choices_set(
            "tier", choices_of([(t.code, t.reader_name) for t in tiers], blank=_("None (remove)"))
        )

    def clean_tier(self) -> Tier | None:
        return self.tiers.get(self.cleaned_data.get("tier") or "")


class TierInviteForm(LoyaltyForm):
    id_prefix = "invite"
    tier = forms.ChoiceField(label=_("Invite to"))

    def __init__(self, *args: Any, tiers: list[Tier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = {tier.code: tier for tier in tiers if tier.invitation_only}
        self._choices_set("tier", [(t.code, t.reader_name) for t in self.tiers.values()])

    def clean_tier(self) -> Tier:
        return self.tiers[self.cleaned_data["tier"]]


class RedemptionCancelForm(LoyaltyForm):
    id_prefix = "cancel"
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
