"""A small shop for the customer file's tests and pictures: a program with tiers, purchases, and the
lifetime value and churn runs that scored its customers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine

from patronage.analytics.models import AnalysisRun, CustomerScore, RunStatus
from patronage.core import clock
from patronage.core.models import User
from patronage.loyalty import services as loyalty
from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create, member_tags_set

from .loyalty_setup import program_make, purchase

# The day the shop's purchases are made, and the runs finish, in UTC.
TODAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def shop_make(*, alice: Member, bob: Member, actor: User) -> dict[str, Any]:
    """Hanbit Club with three tiers; Alice bought for 500,000 won (500 points, Silver), Bob for 50,000 (50
    points, Member, tagged vip), Carol in Busan never bought. The lifetime value and churn runs scored
    Alice and Bob."""
    # The program exists before the purchases: a purchase from before it began is refused as a mistake.
    with time_machine.travel(TODAY - timedelta(days=30), tick=False):
        program = program_make()
        tiers = {
            code: loyalty.tier_save(
                program=program,
                code=code,
                name=code.title(),
                rank=rank,
                threshold=Decimal(threshold),
                actor=None,
            )
            for rank, (code, threshold) in enumerate((("member", 0), ("silver", 300), ("gold", 1000)))
        }
    with time_machine.travel(TODAY, tick=False):
        purchase(program, alice, "500000", "till-1")
        runs = {kind: _run(kind) for kind in ("clv", "churn")}
    with time_machine.travel(TODAY + timedelta(hours=1), tick=False):
        purchase(program, bob, "50000", "till-2")
    carol = member_create(
        actor=None,
        identities=[IdentityInput("email", "carol@example.com")],
        profile={"name": "Carol Park", "city": "Busan"},
    )
    CustomerScore.objects.create(run=runs["clv"], member=alice, clv=350000.0)
    CustomerScore.objects.create(run=runs["clv"], member=bob, clv=20000.0)
    CustomerScore.objects.create(run=runs["churn"], member=alice, churn_risk=0.1)
    CustomerScore.objects.create(run=runs["churn"], member=bob, churn_risk=0.8)
    member_tags_set(member=bob, actor=actor, names=["vip"])
    return {"program": program, "tiers": tiers, "carol": carol, "runs": runs}


def _run(kind: str) -> AnalysisRun:
    return AnalysisRun.objects.create(
        kind=kind,
        status=RunStatus.DONE,
        params={"horizon_days": 365},
        window_end=clock.now(),
        created_at=clock.now(),
        finished_at=clock.now(),
    )
