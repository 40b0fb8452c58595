"""Setting up a program: its settings, earn rules, tiers, benefits and rewards. Each change is checked
whole (every bad field named), audited, and leaves nothing half-written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _

from patronage.commerce.models import Brand
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.loyalty import hooks, rules
from patronage.loyalty import tiers as tier_rules
from patronage.loyalty.models import (
    Benefit,
    BenefitKind,
    BenefitPeriod,
    EarnRule,
    Enrolment,
    ExpiryPolicy,
    Program,
    ReturnPolicy,
    Reward,
    Rounding,
    Tier,
    TierBasis,
    TierBenefit,
    TierDowngrade,
    TierWindow,
)
from patronage.loyalty.rules_params import ParamError, RuleKind
from patronage.loyalty.selectors import rule_of, tier_of
from patronage.loyalty.services.points import MAX_POINTS

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
PROGRAM_FIELDS = (
    "name",
    "name_translations",
    "brand",
    "currency",
    "time_zone",
    "enrolment",
    "point_value",
    "pending_days",
    "rounding",
    "exclude_tax",
    "exclude_shipping",
    "excluded_skus",
    "expiry_policy",
    "expiry_days",
    "expiry_warning_days",
    "return_policy",
    "tier_basis",
    "tier_window",
    "tier_window_days",
    "tier_downgrade",
    "tier_grace_days",
    "adjustment_ceiling",
    "adjustment_confirm_above",
    "active",
)


def _refuse(errors: list[ParamError]) -> None:
    """Refuses the change when the pure checks found problems, each in the reader's language."""
    _refuse_fields([(e.field, e.message.render(_)) for e in errors])


def _refuse_fields(problems: list[tuple[str, str]]) -> None:
    """One ValidationFailed naming every bad field, so a form shows them all at once; nothing if none."""
    if problems:
        raise ValidationFailed.every(problems)


# As the models' columns: a translation is bounded like the text in the main language.
NAME_MAX = 100
DESCRIPTION_MAX = 300
Translations = Mapping[str, str] | None


def translations_check(
    *, name: Translations = None, description: Translations = None
) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """The translations given, cleaned (by field, each language's text or "" to remove it), and every
    problem with them. A key must be a language of the product (settings.LANGUAGES)."""
    languages = [code for code, _name in settings.LANGUAGES]
    cleaned: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    for field, texts, max_length in (
        ("name_translations", name, NAME_MAX),
        ("description_translations", description, DESCRIPTION_MAX),
    ):
        if texts is None:
            continue  # not given: the stored translations stay
        kept, found = translations_clean(texts, field=field, languages=languages, max_length=max_length)
        cleaned[field] = kept
        problems += found
    return cleaned, problems


def _translations_write(obj: Program | Tier | Benefit | Reward, given: dict[str, dict[str, str]]) -> None:
    """Writes the given languages over the record's translations; the others keep their text."""
    main = business_languages()[0]
    for field, texts in given.items():
        setattr(obj, field, translations_merge(getattr(obj, field), texts, main_language=main))


_CHOICES: dict[str, type[TextChoices]] = {
    "rounding": Rounding,
    "enrolment": Enrolment,
    "expiry_policy": ExpiryPolicy,
    "return_policy": ReturnPolicy,
    "tier_basis": TierBasis,
    "tier_window": TierWindow,
    "tier_downgrade": TierDowngrade,
}


def _code_check(code: str) -> None:
    if not SLUG.fullmatch(code):
        raise ValidationFailed(_("a code is 1 to 32 lower-case letters, digits, - and _"), field="code")


def _program_check(program: Program, problems: list[tuple[str, str]]) -> None:
    """Refuses the program with every problem in its settings, after the `problems` found before."""
    try:
        ZoneInfo(program.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(("time_zone", _("'%(zone)s' is not a time zone") % {"zone": program.time_zone}))
    if len(program.currency) != 3 or not program.currency.isalpha():
        problems.append(("currency", _("a currency is three letters, such as KRW or JPY")))
    if (
        program.expiry_policy in (ExpiryPolicy.DAYS_AFTER_EARNING, ExpiryPolicy.INACTIVITY)
        and not program.expiry_days
    ):
        problems.append(("expiry_days", _("this expiry policy needs a number of days")))
    if program.tier_window == TierWindow.ROLLING and not program.tier_window_days:
        problems.append(("tier_window_days", _("a rolling window needs a number of days")))
    if program.point_value < 0:
        problems.append(("point_value", _("cannot be negative")))
    problems += _adjustment_limits_check(program)
    for name, choices in _CHOICES.items():
        if getattr(program, name) not in choices.values:
            problems.append((name, _("'%(value)s' is not a choice") % {"value": getattr(program, name)}))
    _refuse_fields(problems)


def _adjustment_limits_check(program: Program) -> list[tuple[str, str]]:
    problems = []
    if not 1 <= program.adjustment_ceiling <= MAX_POINTS:
        problems.append(
            ("adjustment_ceiling", _("give between 1 and %(max)s points") % {"max": f"{MAX_POINTS:,}"})
        )
    if not 0 <= program.adjustment_confirm_above <= MAX_POINTS:
        problems.append(
            ("adjustment_confirm_above", _("give between 0 and %(max)s points") % {"max": f"{MAX_POINTS:,}"})
        )
    return problems


def program_save(*, code: str, values: dict[str, Any], actor: User | None) -> Program:
    """Creates the program with this code, or changes the given settings of an existing one."""
    unknown = sorted(set(values) - set(PROGRAM_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("not a program setting: %(names)s") % {"names": ", ".join(unknown)}, field=unknown[0]
        )
    settings_given = {name: value for name, value in values.items() if name != "name_translations"}
    translations, problems = translations_check(name=values.get("name_translations"))
    with transaction.atomic(durable=True):
        program = Program.objects.select_for_update().filter(code=code).first()
        created = program is None
        if program is None:
            _code_check(code)
            program = Program(code=code, name=values.get("name") or code, currency=values.get("currency", ""))
        for name, value in settings_given.items():
            setattr(program, name, value)
        if isinstance(program.currency, str):
            program.currency = program.currency.upper()
        _program_check(program, problems)
        _translations_write(program, translations)
        program.save()
        audit_change(
            actor=actor,
            action="program.created" if created else "program.changed",
            target=program,
            **_jsonable(values),
        )
    return program


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.code if isinstance(v, Brand) else str(v) if isinstance(v, Decimal | datetime) else v
        for k, v in values.items()
    }


def earn_rule_save(
    *,
    program: Program,
    code: str,
    name: str,
    kind: str,
    params: dict[str, Any],
    priority: int = 100,
    exclusive: bool = False,
    stackable: bool = True,
    active_from: datetime | None = None,
    active_to: datetime | None = None,
    cap_points: int | None = None,
    cap_period: str = "",
    enabled: bool = True,
    actor: User | None,
) -> EarnRule:
    """Creates or replaces the program's rule with this code, refused whole if any field is wrong."""
    rule = EarnRule.objects.filter(program=program, code=code).first() or EarnRule(program=program, code=code)
    for attribute, value in {
        "name": name.strip() or code,
        "kind": kind,
        "params": params,
        "priority": priority,
        "exclusive": exclusive,
        "stackable": stackable,
        "active_from": active_from,
        "active_to": active_to,
        "cap_points": cap_points,
        "cap_period": cap_period or "",
        "enabled": enabled,
    }.items():
        setattr(rule, attribute, value)
    _code_check(code)
    _refuse(rules.rule_check(rule_of(rule)))
    if kind == RuleKind.SEGMENT and params["segment"] not in hooks.segment_names():
        _refuse_fields(
            [("segment", _("no live segment has the code '%(code)s'") % {"code": params["segment"]})]
        )
    with transaction.atomic(durable=True):
        created = rule.pk is None
        rule.save()
        audit_change(
            actor=actor,
            action="earn_rule.created" if created else "earn_rule.changed",
            target=rule,
            code=code,
        )
    return rule


def earn_rule_delete(*, rule: EarnRule, actor: User | None) -> None:
    """Removes a rule; points it gave stay, with their explanations, on the purchases that earned them."""
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="earn_rule.deleted", target=rule, code=rule.code)
        rule.delete()


def tier_save(
    *,
    program: Program,
    code: str,
    name: str,
    rank: int,
    threshold: Decimal,
    invitation_only: bool = False,
    description: str = "",
    name_translations: Translations = None,
    description_translations: Translations = None,
    actor: User | None,
) -> Tier:
    """Creates or changes a tier; refused when the table would no longer rise with rank.

    Translations left out (None) stay as they are; given, they replace the stored ones.
    """
    _code_check(code)
    translations, problems = translations_check(name=name_translations, description=description_translations)
    _refuse_fields(problems)
    with transaction.atomic(durable=True):
        tier = Tier.objects.select_for_update().filter(program=program, code=code).first() or Tier(
            program=program, code=code
        )
        tier.name, tier.rank, tier.threshold = name.strip() or code, rank, threshold
        tier.invitation_only, tier.description = invitation_only, description
        _translations_write(tier, translations)
        others = [tier_of(t) for t in Tier.objects.filter(program=program).exclude(code=code)]
        _refuse(tier_rules.tiers_check([*others, tier_of(tier)]))
        created = tier.pk is None
        try:
            with transaction.atomic():
                tier.save()
        except IntegrityError as exc:
            raise Conflict(_("another tier has this code or rank"), field="rank") from exc
        audit_change(
            actor=actor,
            action="tier.created" if created else "tier.changed",
            target=tier,
            threshold=str(threshold),
        )
    return tier


def benefit_save(
    *,
    program: Program,
    code: str,
    name: str,
    kind: str,
    description: str = "",
    validity_days: int = 365,
    active: bool = True,
    name_translations: Translations = None,
    description_translations: Translations = None,
    actor: User | None,
) -> Benefit:
    """Creates or changes a benefit; translations left out (None) stay as they are."""
    _code_check(code)
    translations, problems = translations_check(name=name_translations, description=description_translations)
    if kind not in BenefitKind.values:
        problems.append(("kind", _("'%(value)s' is not a kind of benefit") % {"value": kind}))
    if validity_days <= 0:
        problems.append(("validity_days", _("must be a whole number greater than zero")))
    _refuse_fields(problems)
    with transaction.atomic(durable=True):
        benefit = Benefit.objects.select_for_update().filter(program=program, code=code).first() or Benefit(
            program=program, code=code
        )
        created = benefit.pk is None
        benefit.name, benefit.kind, benefit.description = name.strip() or code, kind, description
        benefit.validity_days, benefit.active = validity_days, active
        _translations_write(benefit, translations)
        benefit.save()
        audit_change(actor=actor, action="benefit.created" if created else "benefit.changed", target=benefit)
    return benefit


def names_set(
    *,
    item: Program | Tier | Benefit | Reward,
    name_translations: Translations = None,
    description_translations: Translations = None,
    actor: User | None,
) -> Program | Tier | Benefit | Reward:
    """Writes the given languages of an item's name and description; the other languages keep theirs."""
    translations, problems = translations_check(name=name_translations, description=description_translations)
    if isinstance(item, Program) and description_translations is not None:
        problems.append(("description_translations", _("a program has no description")))
    _refuse_fields(problems)
    with transaction.atomic(durable=True):
        # Locked and read again: two edits of different languages at once must both stay.
        locked = type(item).objects.select_for_update().get(pk=item.pk)
        _translations_write(locked, translations)
        locked.save(update_fields=list(translations))
        audit_change(
            actor=actor,
            action=f"{type(item)._meta.model_name}.changed",
            target=locked,
            **{field: getattr(locked, field) for field in translations},
        )
    return locked


def tier_benefit_set(
    *, tier: Tier, benefit: Benefit, quantity: int, period: str, actor: User | None
) -> TierBenefit | None:
    """Attaches a benefit to a tier, N per period; quantity 0 detaches it."""
    if benefit.program_id != tier.program_id:
        raise ValidationFailed(_("the benefit belongs to another program"), field="benefit")
    if period not in BenefitPeriod.values:
        raise ValidationFailed(_("'%(value)s' is not a period") % {"value": period}, field="period")
    if quantity < 0:
        raise ValidationFailed(_("cannot be negative"), field="quantity")
    with transaction.atomic(durable=True):
        audit_change(
            actor=actor,
            action="tier_benefit.set",
            target=tier,
            benefit=benefit.code,
            quantity=quantity,
            period=period,
        )
        if quantity == 0:
            TierBenefit.objects.filter(tier=tier, benefit=benefit).delete()
            return None
        entitlement, _created = TierBenefit.objects.update_or_create(
            tier=tier, benefit=benefit, defaults={"quantity": quantity, "period": period}
        )
    return entitlement


def reward_save(
    *,
    program: Program,
    code: str,
    name: str,
    points_price: int,
    description: str = "",
    stock: int | None = None,
    per_member_limit: int | None = None,
    min_tier: Tier | None = None,
    active: bool = True,
    name_translations: Translations = None,
    description_translations: Translations = None,
    actor: User | None,
) -> Reward:
    """Creates or changes a reward; translations left out (None) stay as they are."""
    _code_check(code)
    translations, problems = translations_check(name=name_translations, description=description_translations)
    if points_price <= 0:
        problems.append(("points_price", _("must be a whole number greater than zero")))
    if stock is not None and stock < 0:
        problems.append(("stock", _("cannot be negative")))
    if per_member_limit is not None and per_member_limit <= 0:
        problems.append(("per_member_limit", _("must be a whole number greater than zero")))
    if min_tier is not None and min_tier.program_id != program.pk:
        problems.append(("min_tier", _("the tier belongs to another program")))
    _refuse_fields(problems)
    with transaction.atomic(durable=True):
        reward = Reward.objects.select_for_update().filter(program=program, code=code).first() or Reward(
            program=program, code=code
        )
        created = reward.pk is None
        reward.name, reward.description, reward.points_price = name.strip() or code, description, points_price
        reward.stock, reward.per_member_limit, reward.min_tier = stock, per_member_limit, min_tier
        reward.active = active
        _translations_write(reward, translations)
        reward.save()
        audit_change(actor=actor, action="reward.created" if created else "reward.changed", target=reward)
    return reward
