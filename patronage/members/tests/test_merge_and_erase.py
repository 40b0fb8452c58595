from decimal import Decimal

import pytest

from patronage.commerce.models import Order
from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AuditEntry
from patronage.members.models import Identity, Member, MemberStatus, TimelineEvent
from patronage.members.selectors import member_export_data, member_get
from patronage.members.services import consent_set, member_erase, member_merge, note_add


def _order(member: Member, external_id: str, amount: str) -> Order:
    return Order.objects.create(
        member=member,
        external_id=external_id,
        occurred_at=clock.now(),
        currency="KRW",
        amount=Decimal(amount),
    )


def test_merge_moves_every_history_entry_to_the_survivor(alice, bob, admin):
    _order(alice, "A-1", "1000")
    _order(bob, "B-1", "2500")
    note_add(member=bob, actor=admin, body="Prefers phone calls")
    events_before = TimelineEvent.objects.filter(member__in=[alice, bob]).count()

    survivor = member_merge(survivor=alice, duplicate=bob, actor=admin)

    assert sum(o.amount for o in survivor.orders.all()) == Decimal("3500")
    assert set(survivor.identities.values_list("value", flat=True)) >= {
        "alice@example.com",
        "bob@example.com",
    }
    assert survivor.notes.get().body == "Prefers phone calls"
    assert survivor.timeline.count() == events_before + 1  # every event kept, plus the merge itself
    bob.refresh_from_db()
    assert bob.status == MemberStatus.MERGED
    assert member_get(member_id=bob.pk) == survivor
    assert AuditEntry.objects.filter(action="member.merged", target_id=str(alice.pk)).exists()


def test_merge_keeps_the_latest_consent_answer(alice, bob, admin):
    consent_set(member=bob, actor=admin, purpose="email_marketing", granted=False, method="console")
    member_merge(survivor=alice, duplicate=bob, actor=admin)
    assert alice.consents.get(purpose="email_marketing").granted is False
    assert alice.consent_events.count() == 3


def test_a_member_cannot_be_merged_into_itself_or_twice(alice, bob, admin):
    with pytest.raises(ValidationFailed):
        member_merge(survivor=alice, duplicate=alice, actor=admin)
    member_merge(survivor=alice, duplicate=bob, actor=admin)
    with pytest.raises(Conflict):
        member_merge(survivor=alice, duplicate=bob, actor=admin)


def test_erasure_removes_personal_data_and_keeps_totals(alice, bob, admin):
    _order(alice, "A-1", "1000")
    _order(bob, "B-1", "2500")
    note_add(member=alice, actor=admin, body="Lives near the Gangnam store")
    total_before = sum(o.amount for o in Order.objects.all())

    member_erase(member=alice, actor=admin, reason="request DSR-17")

    alice.refresh_from_db()
    assert alice.status == MemberStatus.ERASED
    assert alice.name == ""
    assert alice.city == ""
    assert not Identity.objects.filter(member=alice).exists()
    assert alice.user is None
    exported = member_export_data(member=alice)
    assert "alice@example.com" not in str(exported)
    assert "Gangnam" not in str(exported)
    assert sum(o.amount for o in Order.objects.all()) == total_before
    assert Member.objects.count() == 2
    assert "alice" not in str(AuditEntry.objects.filter(action="member.erased").get().detail).lower()


def test_erasure_needs_a_reason(alice, admin):
    with pytest.raises(ValidationFailed) as error:
        member_erase(member=alice, actor=admin, reason=" ")
    assert error.value.field == "reason"
    alice.refresh_from_db()
    assert alice.status == MemberStatus.ACTIVE
