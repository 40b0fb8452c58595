"""The names people know an earn rule's codes by: the program's tiers, the catalogue's products,
categories, channels and stores, and the segments. The set-up form picks from them; the rule list names what rules name."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from patronage.commerce.models import Category, Channel, Product, Store
from patronage.loyalty import hooks
from patronage.loyalty.models import EarnRule, Program
from patronage.loyalty.rule_words import RuleNames
from patronage.loyalty.selectors.tiers import tier_list


def earn_rule_choices(*, program: Program) -> RuleNames:
    """Everything a rule of the program may name, by name; with a brand, its own products and stores
    and those of no brand (another brand's do not come to this program)."""
    products = Product.objects.all()
    stores = Store.objects.all()
    if program.brand_id is not None:
        products = products.filter(Q(brand_id=program.brand_id) | Q(brand__isnull=True))
        stores = stores.filter(Q(brand_id=program.brand_id) | Q(brand__isnull=True))
    return RuleNames(
        tiers=_tier_names(program),
        products=dict(products.order_by("name", "sku").values_list("sku", "name")),
        categories=dict(Category.objects.order_by("name", "code").values_list("code", "name")),
        channels=dict(Channel.objects.order_by("name", "code").values_list("code", "name")),
        stores=dict(stores.order_by("name", "code").values_list("code", "name")),
        segments=hooks.segment_names(),
    )


def earn_rule_names(*, program: Program, rules: Iterable[EarnRule]) -> RuleNames:
    """The names of what these rules of the program name, and nothing more: a list reads a few, not all."""
    named: dict[str, set[str]] = {"skus": set(), "categories": set(), "channels": set(), "stores": set()}
    names_segment = False
    for rule in rules:
        names_segment = names_segment or "segment" in rule.params
        for setting, codes in named.items():
            listed = rule.params.get(setting)
            if isinstance(listed, list):
                codes.update(str(code) for code in listed)
    return RuleNames(
        tiers=_tier_names(program),
        products=dict(Product.objects.filter(sku__in=named["skus"]).values_list("sku", "name")),
        categories=dict(Category.objects.filter(code__in=named["categories"]).values_list("code", "name")),
        channels=dict(Channel.objects.filter(code__in=named["channels"]).values_list("code", "name")),
        stores=dict(Store.objects.filter(code__in=named["stores"]).values_list("code", "name")),
        segments=hooks.segment_names() if names_segment else {},
    )


def _tier_names(program: Program) -> dict[str, str]:
    return {tier.code: tier.reader_name for tier in tier_list(program=program)}
