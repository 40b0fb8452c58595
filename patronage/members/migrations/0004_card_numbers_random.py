"""Members are issued random card numbers; the numbers once derived from member ids keep working.

Until now a member without a card identity was shown a number derived from their id ("P", the id
zero-padded to eight digits, a Luhn check digit), and any such number was read back to the id wherever a
member was looked up. Lookups now accept stored numbers only, so for every active member this
- stores their derived number as a card identity (not primary), unless that number is stored already;
- issues a random number as their primary card when the number they were shown was the derived one
  (they held no card identity, or their card identity was the derived number itself). A member whose
  card is the business's own keeps it as the one shown.
Merged and erased members are left out: their derived numbers found no one before either.

The number rules are copied here, as they were when this ran, so that later changes leave it alone.
"""

import secrets

from django.db import IntegrityError, migrations, transaction

CHUNK = 2_000
ATTEMPTS = 5


def luhn_digit(digits):
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def derived_card_number(member_id):
    """The number a member without a card identity was shown before this migration."""
    digits = f"{member_id:08d}"
    return f"P{digits}{luhn_digit(digits)}"


def random_card_number():
    """As members.cards.card_number_new: P, twelve random digits and their Luhn check digit."""
    digits = f"{secrets.randbelow(10**12):012d}"
    return f"P{digits}{luhn_digit(digits)}"


def cards_issue(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Identity = apps.get_model("members", "Identity")
    active = Member.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)
    last = 0
    while chunk := list(active.filter(pk__gt=last)[:CHUNK]):
        _chunk_issue(Identity, chunk)
        last = chunk[-1]


def _chunk_issue(Identity, member_ids):
    derived = {member_id: derived_card_number(member_id) for member_id in member_ids}
    stored = set(
        Identity.objects.filter(kind="card", namespace="", value__in=derived.values()).values_list(
            "value", flat=True
        )
    )
    shown = {}  # the card each member was shown: the primary one, else the oldest (members.selectors)
    cards = Identity.objects.filter(member_id__in=member_ids, kind="card").order_by("-is_primary", "pk")
    for member_id, value in cards.values_list("member_id", "value"):
        shown.setdefault(member_id, value)
    Identity.objects.bulk_create(
        Identity(member_id=member_id, kind="card", namespace="", value=number, is_primary=False)
        for member_id, number in derived.items()
        if number not in stored
    )
    reissued = [
        member_id
        for member_id in member_ids
        if shown.get(member_id, derived[member_id]) == derived[member_id]
    ]
    Identity.objects.filter(member_id__in=reissued, kind="card").update(is_primary=False)
    _random_cards_create(Identity, reissued)


def _random_cards_create(Identity, member_ids):
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                Identity.objects.bulk_create(
                    Identity(
                        member_id=member_id,
                        kind="card",
                        namespace="",
                        value=random_card_number(),
                        is_primary=True,
                    )
                    for member_id in member_ids
                )
                return
        except IntegrityError:
            continue  # a number drawn was taken: the unique constraint said so; draw the chunk again
    raise RuntimeError("no free random card numbers were found")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_dashboard_indexes")]

    operations = [migrations.RunPython(cards_issue, migrations.RunPython.noop, elidable=True)]
