"""A small shop for the next-best-offer tests: six kitchen members who bought a knife and a pan and
redeemed the apron, six bath members who bought towels, and Alice, who bought the knife four times."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from patronage.commerce.models import Category, Order, OrderLine, Product
from patronage.conftest import program_launched
from patronage.core import clock
from patronage.loyalty.models import Account, Program, Redemption, Reward
from patronage.members.models import Member

_serial = count(1)


@dataclass
class Shop:
    program: Program
    knife: Product
    pan: Product
    towel: Product
    apron: Reward
    robe: Reward  # out of stock


def bought(member: Member, *products: Product, at: datetime | None = None) -> Order:
    n = next(_serial)
    order = Order.objects.create(
        source="test",
        external_id=f"O-{n}",
        member=member,
        occurred_at=at or clock.now() - timedelta(days=30),
        currency="KRW",
        amount=Decimal("10000") * len(products),
    )
    for line_no, product in enumerate(products, start=1):
        OrderLine.objects.create(
            order=order,
            line_no=line_no,
            product=product,
            sku=product.sku,
            category=product.category,
            quantity=Decimal(1),
            unit_price=Decimal("10000"),
            amount=Decimal("10000"),
        )
    return order


def account_of(member: Member, program: Program, points: int = 500) -> Account:
    return Account.objects.get_or_create(
        program=program,
        member=member,
        defaults={"active": points, "enrolled_at": clock.now() - timedelta(days=400)},
    )[0]


def redeemed(member: Member, reward: Reward, *, at: datetime | None = None) -> Redemption:
    n = next(_serial)
    return Redemption.objects.create(
        account=account_of(member, reward.program),
        points=reward.points_price,
        code=f"R{n}",
        idempotency_key=f"test-redeem-{n}",
        created_at=at or clock.now() - timedelta(days=20),
        reward=reward,
    )


def shop_with_members(alice: Member) -> Shop:
    kitchen = Category.objects.create(code="kitchen", name="Kitchen")
    bath = Category.objects.create(code="bath", name="Bath")
    knife = Product.objects.create(sku="K-1", name="Chef's knife", category=kitchen)
    pan = Product.objects.create(sku="K-2", name="Iron pan", category=kitchen)
    towel = Product.objects.create(sku="B-1", name="Bath towel", category=bath)
    program = program_launched(Program.objects.create(code="club", name="Club", currency="KRW"))
    apron = Reward.objects.create(
        program=program,
        code="apron",
        name="Linen apron",
        name_translations={"ko": "리넨 앞치마"},
        points_price=100,
        stock=5,
    )
    robe = Reward.objects.create(program=program, code="robe", name="Bathrobe", points_price=100, stock=0)
    for i in range(6):
        cook = Member.objects.create(name=f"Cook {i}", joined_at=clock.now() - timedelta(days=500))
        bought(cook, knife, pan)
        redeemed(cook, apron)
        bather = Member.objects.create(name=f"Bather {i}", joined_at=clock.now() - timedelta(days=500))
        bought(bather, towel)
        redeemed(bather, robe)
    for days in (40, 60, 80, 100):
        bought(alice, knife, at=clock.now() - timedelta(days=days))
    account_of(alice, program)
    return Shop(program, knife, pan, towel, apron, robe)
