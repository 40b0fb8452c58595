"""What a process keeps of a program (its rules and tiers) follows every change, its own and other processes'."""

from decimal import Decimal

import time_machine

from patronage.core import clock
from patronage.loyalty.models import EarnRule, Program
from patronage.loyalty.services import TransactionInput, earn_rule_save, tier_save, transaction_record

NOW = "2026-11-20 12:00:00+09:00"


def _buy(program, member, external_id):
    data = TransactionInput(
        kind="purchase",
        external_id=external_id,
        member=member,
        amount=Decimal(10_000),
        currency="KRW",
        occurred_at=clock.now(),
    )
    return transaction_record(program=program, data=data)


def _base_rule(program, per):
    earn_rule_save(
        program=program, code="base", name="Base", kind="spend", params={"points": 1, "per": per}, actor=None
    )


@time_machine.travel(NOW, tick=False)
def test_a_rule_changed_here_counts_from_the_next_purchase(program, alice):
    _base_rule(program, "100")
    assert _buy(program, alice, "P-1").points == 100

    _base_rule(program, "50")

    assert _buy(program, alice, "P-2").points == 200


@time_machine.travel(NOW, tick=False)
def test_a_change_made_by_another_process_is_seen_with_the_program_read_next(program, alice):
    _base_rule(program, "100")
    assert _buy(program, alice, "P-1").points == 100
    # Another process changes the rule with a bare update: this one's kept copy is not told, but the
    # database renews the program's revision.
    EarnRule.objects.filter(program=program, code="base").update(params={"points": 1, "per": "25"})

    assert _buy(Program.objects.get(pk=program.pk), alice, "P-2").points == 400


@time_machine.travel(NOW, tick=False)
def test_a_new_tier_is_reached_by_the_next_purchase(program, alice):
    _base_rule(program, "100")
    _buy(program, alice, "P-1")

    tier_save(program=program, code="gold", name="Gold", rank=1, threshold=Decimal(150), actor=None)
    result = _buy(program, alice, "P-2")

    assert result.tier is not None
    assert result.tier.code == "gold"
    assert result.tier_changed
