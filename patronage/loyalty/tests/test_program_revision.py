"""The database renews a program's revision with every change to it, its earn rules or its tiers, so
no way of writing them (a queryset's update, a bulk insert, a delete, plain SQL) leaves processes
booking purchases with rules or tiers they kept from before (decision 0013)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from patronage.loyalty.models import EarnRule, Program, Tier
from patronage.loyalty.services import earn_rule_save, tier_save


def _revision(program: Program) -> str:
    return Program.objects.values_list("revision", flat=True).get(pk=program.pk)


@pytest.fixture
def parts(program: Program) -> Program:
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "1000"},
        actor=None,
    )
    tier_save(program=program, code="gold", name="Gold", rank=1, threshold=Decimal(100), actor=None)
    return program


CHANGES: dict[str, Callable[[Program], object]] = {
    "program updated by a queryset": lambda p: Program.objects.filter(pk=p.pk).update(pending_days=3),
    "rule updated by a queryset": lambda p: EarnRule.objects.filter(program=p).update(enabled=False),
    "rule deleted by a queryset": lambda p: EarnRule.objects.filter(program=p).delete(),
    "tier updated by a queryset": lambda p: Tier.objects.filter(program=p).update(threshold=Decimal(5)),
    "tier renamed in other languages by a queryset": lambda p: Tier.objects.filter(program=p).update(
        name_translations={"ko": "골드"}
    ),
    "tier deleted by a queryset": lambda p: Tier.objects.filter(program=p).delete(),
    "tiers inserted in bulk": lambda p: Tier.objects.bulk_create(
        [Tier(program=p, code="black", name="Black", rank=2, threshold=Decimal(900))]
    ),
    "rule changed in plain SQL": lambda p: connection.cursor().execute(
        "UPDATE loyalty_earnrule SET priority = priority + 1 WHERE program_id = %s", [p.pk]
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_way_of_changing_a_program_renews_its_revision(parts, change):
    before = _revision(parts)
    change(parts)
    after = _revision(parts)
    assert after != before
    assert len(after) == 32


def test_each_change_gives_a_different_revision(parts):
    seen = {_revision(parts)}
    for threshold in (10, 20, 30):
        Tier.objects.filter(program=parts).update(threshold=Decimal(threshold))
        seen.add(_revision(parts))
    assert len(seen) == 4


def test_a_change_to_another_program_leaves_this_one_alone(parts):
    other = Program.objects.create(code="other", name="Other", currency="KRW")
    before = _revision(parts)
    Tier.objects.create(program=other, code="gold", name="Gold", rank=1, threshold=Decimal(1))
    assert _revision(parts) == before


def test_the_saved_object_carries_the_revision_the_database_gave_it(parts):
    parts.name = "Renamed"
    parts.save(update_fields=["name"])
    assert parts.revision == _revision(parts)
    rule = EarnRule.objects.select_related("program").get(program=parts)
    rule.priority = 5
    rule.save()
    assert rule.program.revision == _revision(parts)
