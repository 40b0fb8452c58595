"""Reads the integration API needs beyond the engine's own: who a transaction is for (our id or an identity,
resolved for a whole batch at once), an account as an integration sees it, and the simulator's input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from patronage.commerce.models import Store
from patronage.core.errors import Conflict, InsufficientPoints, NotFound, ValidationFailed
from patronage.loyalty.models import Account, BenefitGrant, Program
from patronage.loyalty.rules import Evaluation, Purchase
from patronage.loyalty.selectors.accounts import AccountSummary, account_find, account_summary
from patronage.loyalty.selectors.earning import purchase_simulate
from patronage.loyalty.selectors.tiers import TierStatus, tier_list, tier_status
from patronage.members.models import Identity, IdentityKind, Member, MemberStatus
from patronage.members.selectors import member_find_by_identity, member_get, normalise_for

# Our id is a JSON integer; anything a person types at a till (e-mail, card number, phone) is a string.
MemberRef = int | str


def _identity_kinds(value: str) -> list[str]:
    # The order member_find_by_identity tries, so a batch finds exactly whom one request would.
    if "@" in value:
        return [IdentityKind.EMAIL]
    return [IdentityKind.CARD, IdentityKind.EXTERNAL, IdentityKind.PHONE]


def member_resolve(*, ref: MemberRef) -> Member:
    """The member a transaction names: our id (a merged member's leads to the survivor), or an identity."""
    if isinstance(ref, int):
        try:
            return member_get(member_id=ref)
        except NotFound:
            raise NotFound(_("member #%(id)s does not exist") % {"id": ref}, field="member") from None
    # Only a stored identity names a member: a card number is never read back to an id.
    member = member_find_by_identity(value=ref)
    if member is None:
        raise NotFound(_("no member is known by '%(value)s'") % {"value": ref}, field="member")
    return member


def members_resolve(*, refs: Iterable[MemberRef]) -> dict[MemberRef, Member]:
    """The members a batch names, in two queries whatever its size (one more per merged id); unknown refs
    are left out, so the caller reports each one with member_resolve's message."""
    wanted = set(refs)
    ids = {ref for ref in wanted if isinstance(ref, int)}
    strings = {ref for ref in wanted if isinstance(ref, str)}
    found: dict[MemberRef, Member] = {}
    # A transaction reads only who the member is and whether the file is active: not the whole file.
    for member in Member.objects.filter(pk__in=ids).only("pk", "status"):
        if member.status == MemberStatus.ACTIVE:
            found[member.pk] = member
        elif member.status == MemberStatus.MERGED:
            found[member.pk] = member_get(member_id=member.pk)  # rare: follow the chain one by one
    candidates: dict[str, list[tuple[str, str]]] = {}
    for ref in strings:
        candidates[ref] = []
        for kind in _identity_kinds(ref):
            try:
                candidates[ref].append((kind, normalise_for(kind, ref)))
            except ValidationFailed:
                continue
    values = {value for pairs in candidates.values() for _kind, value in pairs}
    identities = {
        (identity.kind, identity.value): identity.member
        for identity in Identity.objects.filter(value__in=values, namespace="").select_related("member")
    }
    for ref, pairs in candidates.items():
        known = next((identities[pair] for pair in pairs if pair in identities), None)
        if known is not None:
            found[ref] = known
    return found


@dataclass(frozen=True)
class AccountView:
    summary: AccountSummary
    tier: TierStatus | None  # None before the member's first points, or when the program has no tiers


def account_view(*, member: Member, program: Program) -> AccountView:
    """The member's balances, expiring points and tier progress in the program."""
    summary = account_summary(member=member, program=program)
    account = account_find(program=program, member=member) if summary.enrolled else None
    if account is None or not tier_list(program=program).exists():
        return AccountView(summary, None)
    return AccountView(summary, tier_status(account=account))


def account_to_spend(*, program: Program, member: Member, points: int) -> Account:
    """The account points are spent from; a member with none has nothing to spend, and gets no empty one."""
    account = account_find(program=program, member=member)
    if account is None:
        raise InsufficientPoints(
            _("not enough points: %(needed)d needed, 0 available") % {"needed": points}, field="points"
        )
    return account


def currency_check(*, program: Program, currency: str) -> None:
    """A purchase in another currency than the program counts is refused: a conflict with the program's
    settings (409), since the same purchase is right for a program counting that currency."""
    if currency.upper() != program.currency:
        raise Conflict(
            _("the program counts %(expected)s, not %(given)s")
            % {"expected": program.currency, "given": currency},
            field="currency",
        )


def purchase_preview(*, program: Program, member: Member | None, purchase: Purchase) -> Evaluation:
    """What the purchase would earn (the member's tier and caps counted when one is named); writes nothing."""
    currency_check(program=program, currency=purchase.currency)
    purchase = replace(purchase, currency=program.currency)
    if purchase.store and not purchase.channel:
        # Recording a purchase takes the channel from its store; the preview must earn what recording will.
        store = Store.objects.filter(code=purchase.store).select_related("channel").first()
        if store is not None:
            purchase = replace(purchase, channel=store.channel.code)
    account = account_find(program=program, member=member) if member is not None else None
    return purchase_simulate(program=program, account=account, purchase=purchase)


def benefit_grant_of(*, member: Member, grant_id: int) -> BenefitGrant:
    """One of the member's benefit grants; another member's grant does not exist for them."""
    grant = (
        BenefitGrant.objects.select_related("benefit", "account__program", "account__member")
        .filter(pk=grant_id, account__member=member)
        .first()
    )
    if grant is None:
        raise NotFound(
            _("member #%(member)s has no benefit grant %(id)s") % {"member": member.pk, "id": grant_id},
            field="grant_id",
        )
    return grant
