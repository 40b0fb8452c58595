"""The audit log in words: "Kim Minji's Hanbit Club account", "changed country from KR to JP".

Entries store an action code, a target as `app.model` and id, and a JSON detail, so that they stay true
whatever the pages become. This module reads the targets a page names (one query per kind of target)
and says each entry as a sentence in the reader's language. The console holds it because the sentences
link to its pages; the apps' selectors do the reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.core.models import ApiKey, AuditEntry, User
from patronage.core.names import in_reader_language
from patronage.core.words import points_words
from patronage.loyalty.models import Account, BenefitGrant, Program, Redemption
from patronage.members.change_words import changes_words
from patronage.members.models import ConsentPurpose, IdentityKind, Member
from patronage.messages.models import MessageTemplate, WebhookDelivery, WebhookEndpoint
from patronage.standards.models import Standard


@dataclass(frozen=True)
class Target:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    what: str
    target: Target | None


def audit_lines(entries: Sequence[AuditEntry]) -> list[AuditLine]:
    """Each entry with its action as a sentence and its target by name, linked where a page shows it."""
    ids: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.target_type and entry.target_id:
            ids[entry.target_type].add(entry.target_id)
    targets = {
        (target_type, target_id): target
        for target_type, wanted in ids.items()
        for target_id, target in _targets(target_type, wanted).items()
    }
    return [
        AuditLine(
            entry,
            action_words(entry.action, entry.detail if isinstance(entry.detail, dict) else {}),
            targets.get((entry.target_type, entry.target_id))
            or (_unnamed(entry.target_type, entry.target_id) if entry.target_id else None),
        )
        for entry in entries
    ]


# --- targets ------------------------------------------------------------------------------------------


def _targets(target_type: str, ids: set[str]) -> dict[str, Target]:
    reader = _READERS.get(target_type)
    numbers = {int(i) for i in ids if i.isdigit()}
    return reader(numbers) if reader is not None and numbers else {}


def _customer(member: Member) -> str:
    if member.name:
        return _("customer #%(id)s %(name)s") % {"id": member.pk, "name": member.name}
    return _("customer #%(id)s") % {"id": member.pk}


def _members(ids: set[int]) -> dict[str, Target]:
    return {
        str(m.pk): Target(_customer(m), reverse("console:customer", args=[m.pk]))
        for m in Member.objects.filter(pk__in=ids).only("pk", "name")
    }


def _account_name(account: Account) -> str:
    owner = account.member.name or _("customer #%(id)s") % {"id": account.member_id}
    return _("%(owner)s's %(program)s account") % {"owner": owner, "program": account.program.name}


def _account_url(account: Account) -> str:
    return reverse("console:customer_loyalty", args=[account.member_id]) + f"?program={account.program.code}"


def _accounts(ids: set[int]) -> dict[str, Target]:
    accounts = Account.objects.filter(pk__in=ids).select_related("member", "program")
    return {str(a.pk): Target(_account_name(a), _account_url(a)) for a in accounts}


def _grants(ids: set[int]) -> dict[str, Target]:
    grants = BenefitGrant.objects.filter(pk__in=ids).select_related(
        "benefit", "account__member", "account__program"
    )
    return {
        str(g.pk): Target(
            _("%(benefit)s for %(account)s")
            % {"benefit": g.benefit.name, "account": _account_name(g.account)},
            _account_url(g.account) + "#benefits",
        )
        for g in grants
    }


def _redemptions(ids: set[int]) -> dict[str, Target]:
    redemptions = Redemption.objects.filter(pk__in=ids).select_related(
        "reward", "account__member", "account__program"
    )
    return {
        str(r.pk): Target(
            _("redemption %(code)s on %(account)s") % {"code": r.code, "account": _account_name(r.account)},
            _account_url(r.account) + f"#redemption-{r.code}",
        )
        for r in redemptions
    }


def _programs(ids: set[int]) -> dict[str, Target]:
    return {
        str(p.pk): Target(
            _("programme %(name)s") % {"name": p.name}, reverse("console:loyalty_program", args=[p.code])
        )
        for p in Program.objects.filter(pk__in=ids)
    }


def _part_of_program(model_label: str) -> Callable[[set[int]], dict[str, Target]]:
    """Tiers, benefits, rewards and earn rules: their name and their programme."""

    def read(ids: set[int]) -> dict[str, Target]:
        model = apps.get_model(model_label)
        rows = model.objects.filter(pk__in=ids).select_related("program")
        kind = model._meta.verbose_name
        return {
            str(row.pk): Target(
                _("%(kind)s %(name)s of %(program)s")
                % {"kind": kind, "name": row.name, "program": row.program.name},
                reverse("console:loyalty_program", args=[row.program.code]),
            )
            for row in rows
        }

    return read


def _users(ids: set[int]) -> dict[str, Target]:
    return {
        str(user.pk): Target(
            _("staff member %(name)s") % {"name": user.get_username()},
            reverse("console:staff_groups", args=[user.pk]),
        )
        for user in User.objects.filter(pk__in=ids)
    }


def _apikeys(ids: set[int]) -> dict[str, Target]:
    return {
        str(key.pk): Target(_("API key %(name)s") % {"name": key.name}, reverse("console:apikeys"))
        for key in ApiKey.objects.filter(pk__in=ids)
    }


def _webhook_endpoints(ids: set[int]) -> dict[str, Target]:
    return {
        str(endpoint.pk): Target(
            _("webhook endpoint %(url)s") % {"url": endpoint.url},
            reverse("console:webhook", args=[endpoint.pk]),
        )
        for endpoint in WebhookEndpoint.objects.filter(pk__in=ids)
    }


def _webhook_deliveries(ids: set[int]) -> dict[str, Target]:
    deliveries = WebhookDelivery.objects.filter(pk__in=ids).select_related("endpoint", "event")
    return {
        str(delivery.pk): Target(
            _("delivery of %(topic)s to %(url)s")
            % {"topic": delivery.event.topic, "url": delivery.endpoint.url},
            reverse("console:webhook", args=[delivery.endpoint_id]) + f"#delivery-{delivery.pk}",
        )
        for delivery in deliveries
    }


def _message_templates(ids: set[int]) -> dict[str, Target]:
    return {
        str(template.pk): Target(
            _("the %(kind)s message in %(language)s")
            % {"kind": template.kind, "language": template.language},
            reverse("console:message_template", args=[template.kind, template.language]),
        )
        for template in MessageTemplate.objects.filter(pk__in=ids)
    }


def _standards(ids: set[int]) -> dict[str, Target]:
    return {
        str(standard.pk): Target(
            _("the standard %(name)s") % {"name": in_reader_language(standard, "name")},
            reverse("console:standard_detail", args=[standard.pk]),
        )
        for standard in Standard.objects.filter(pk__in=ids)
    }


def _business(ids: set[int]) -> dict[str, Target]:
    return {str(pk): Target(_("the business's settings"), reverse("console:business")) for pk in ids}


_READERS: Mapping[str, Callable[[set[int]], dict[str, Target]]] = {
    "core.business": _business,
    "core.user": _users,
    "core.apikey": _apikeys,
    "members.member": _members,
    "loyalty.account": _accounts,
    "loyalty.benefitgrant": _grants,
    "loyalty.redemption": _redemptions,
    "loyalty.program": _programs,
    "loyalty.tier": _part_of_program("loyalty.Tier"),
    "loyalty.benefit": _part_of_program("loyalty.Benefit"),
    "loyalty.reward": _part_of_program("loyalty.Reward"),
    "loyalty.earnrule": _part_of_program("loyalty.EarnRule"),
    "messaging.webhookendpoint": _webhook_endpoints,
    "messaging.webhookdelivery": _webhook_deliveries,
    "messaging.messagetemplate": _message_templates,
    "standards.standard": _standards,
}


def _unnamed(target_type: str, target_id: str) -> Target:
    """A target no reader names (or one since deleted): its kind in words and its number."""
    try:
        kind = str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        kind = target_type.rpartition(".")[2]
    return Target(_("%(kind)s #%(id)s") % {"kind": kind, "id": target_id})


# --- actions ------------------------------------------------------------------------------------------

_ACTIONS = {
    "member.created": gettext_lazy("opened the customer file"),
    "member.updated": gettext_lazy("changed the profile"),
    "consent.changed": gettext_lazy("changed a consent"),
    "member.erased": gettext_lazy("erased the customer's personal data"),
    "member.exported": gettext_lazy("exported the customer's personal data"),
    "members.exported": gettext_lazy("exported customers"),
    "member.merged": gettext_lazy("merged a duplicate into the file"),
    "member.duplicate_dismissed": gettext_lazy("marked two files as different people"),
    "member.tagged": gettext_lazy("set the tags"),
    "member.manager_assigned": gettext_lazy("assigned an account manager"),
    "identity.added": gettext_lazy("added an identity"),
    "identity.removed": gettext_lazy("removed an identity"),
    "note.added": gettext_lazy("added a note"),
    "points.adjusted": gettext_lazy("adjusted points"),
    "redemption.cancelled": gettext_lazy("cancelled the redemption and refunded its points"),
    "redemption.fulfilled": gettext_lazy("handed over the reward"),
    "benefit.granted": gettext_lazy("granted a benefit"),
    "benefit.used": gettext_lazy("recorded a use of the benefit"),
    "tier.floor_set": gettext_lazy("set the tier by hand"),
    "tier.invited": gettext_lazy("invited to a tier"),
    "program.created": gettext_lazy("created the programme"),
    "program.changed": gettext_lazy("changed the programme's settings"),
    "earn_rule.created": gettext_lazy("created the earn rule"),
    "earn_rule.changed": gettext_lazy("changed the earn rule"),
    "earn_rule.deleted": gettext_lazy("deleted an earn rule"),
    "tier.created": gettext_lazy("created the tier"),
    "tier.changed": gettext_lazy("changed the tier"),
    "tier_benefit.set": gettext_lazy("set a tier's benefit"),
    "benefit.created": gettext_lazy("created the benefit"),
    "benefit.changed": gettext_lazy("changed the benefit"),
    "reward.created": gettext_lazy("created the reward"),
    "reward.changed": gettext_lazy("changed the reward"),
    "apikey.created": gettext_lazy("created the API key"),
    "apikey.revoked": gettext_lazy("revoked the API key"),
    "staff.created": gettext_lazy("added the staff member"),
    "staff.groups_changed": gettext_lazy("changed the staff member's roles"),
    "business.updated": gettext_lazy("changed the business's settings"),
    "import.done": gettext_lazy("finished an import"),
    "analysis.request": gettext_lazy("asked for an analysis"),
    "webhook.created": gettext_lazy("registered the webhook endpoint"),
    "webhook.changed": gettext_lazy("changed the webhook endpoint"),
    "webhook.secret_rotated": gettext_lazy("rotated the webhook endpoint's signing secret"),
    "webhook.deleted": gettext_lazy("deleted the webhook endpoint"),
    "webhook.resent": gettext_lazy("re-sent a webhook delivery"),
    "webhook.replayed": gettext_lazy("replayed the webhook endpoint's deliveries"),
    "message_template.saved": gettext_lazy("changed the text of a message"),
    "message_template.reset": gettext_lazy("reset a message to the shipped text"),
    "calendar.created": gettext_lazy("added the business calendar"),
    "calendar.changed": gettext_lazy("changed the business calendar"),
    "calendar.deleted": gettext_lazy("deleted the business calendar"),
    "sla_policy.created": gettext_lazy("added the service targets policy"),
    "sla_policy.changed": gettext_lazy("changed the service targets policy"),
    "sla_policy.moved": gettext_lazy("moved the service targets policy in the order"),
    "sla_policy.deleted": gettext_lazy("deleted the service targets policy"),
    "category.created": gettext_lazy("added the case category"),
    "category.changed": gettext_lazy("changed the case category"),
    "category.activated": gettext_lazy("brought back the case category"),
    "category.deactivated": gettext_lazy("retired the case category"),
    "root_cause.created": gettext_lazy("added the root cause"),
    "root_cause.changed": gettext_lazy("changed the root cause"),
    "root_cause.activated": gettext_lazy("brought back the root cause"),
    "root_cause.deactivated": gettext_lazy("retired the root cause"),
    "team.created": gettext_lazy("added the team"),
    "team.changed": gettext_lazy("changed the team"),
    "reply_template.created": gettext_lazy("added the saved reply"),
    "reply_template.changed": gettext_lazy("changed the saved reply"),
    "reply_template.activated": gettext_lazy("brought back the saved reply"),
    "reply_template.deactivated": gettext_lazy("retired the saved reply"),
    "standard.created": gettext_lazy("defined the service standard"),
    "standard.changed": gettext_lazy("changed the service standard"),
    "standard.retired": gettext_lazy("retired the service standard"),
    "standard.restored": gettext_lazy("brought back the service standard"),
    "measurements.added": gettext_lazy("added measurements"),
    "example.pinned": gettext_lazy("pinned an example for the team meeting"),
    "example.unpinned": gettext_lazy("unpinned an example"),
    "score_weights.changed": gettext_lazy("changed the scorecard's weights"),
}


def action_words(action: str, detail: Mapping[str, Any]) -> str:
    """The action and what its detail says, as a sentence ('changed country from KR to JP')."""
    special = _SPECIAL.get(action)
    if special is not None and (words := special(detail)) is not None:
        return words
    return action_label(action)


def action_label(action: str) -> str:
    """An action in words, as the log's filter lists it; an action without words, its code split into words."""
    label = _ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ").replace(".", ": ")


def _member_updated(detail: Mapping[str, Any]) -> str | None:
    fields = detail.get("fields")
    return changes_words(fields, detail.get("changes")) if isinstance(fields, list) else None


def _points_adjusted(detail: Mapping[str, Any]) -> str | None:
    points, reason = detail.get("points"), detail.get("reason")
    if not isinstance(points, int):
        return None
    text = _("adjusted %(points)s") % {"points": points_words(points)}
    return _("%(what)s: %(reason)s") % {"what": text, "reason": reason} if reason else text


def _consent_changed(detail: Mapping[str, Any]) -> str | None:
    purpose = detail.get("purpose")
    if purpose not in ConsentPurpose.values:
        return None
    label = ConsentPurpose(purpose).label
    if detail.get("granted"):
        return _("recorded consent to %(purpose)s") % {"purpose": label}
    return _("recorded the withdrawal of consent to %(purpose)s") % {"purpose": label}


def _identity(detail: Mapping[str, Any], added: bool) -> str | None:
    kind = detail.get("kind")
    if kind not in IdentityKind.values:
        return None
    label = str(IdentityKind(kind).label).lower()
    return (_("added a %(kind)s") if added else _("removed a %(kind)s")) % {"kind": label}


def _with_reason(action: str) -> Callable[[Mapping[str, Any]], str | None]:
    def words(detail: Mapping[str, Any]) -> str | None:
        reason = detail.get("reason")
        if not reason:
            return None
        return _("%(what)s: %(reason)s") % {"what": _ACTIONS[action], "reason": reason}

    return words


def _tags(detail: Mapping[str, Any]) -> str | None:
    tags = detail.get("tags")
    if not isinstance(tags, list):
        return None
    if not tags:
        return _("removed the tags")
    return _("set the tags to %(tags)s") % {"tags": ", ".join(str(tag) for tag in tags)}


_SPECIAL: Mapping[str, Callable[[Mapping[str, Any]], str | None]] = {
    "member.updated": _member_updated,
    "points.adjusted": _points_adjusted,
    "consent.changed": _consent_changed,
    "identity.added": lambda detail: _identity(detail, added=True),
    "identity.removed": lambda detail: _identity(detail, added=False),
    "member.erased": _with_reason("member.erased"),
    "tier.floor_set": _with_reason("tier.floor_set"),
    "member.tagged": _tags,
}
