"""API keys: scoped, shown once, stored as a SHA-256 hash (keys are 256 random bits, so no slow hash is needed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.errors import ValidationFailed
from patronage.core.models import ApiKey, User

KEY_PREFIX = "pat_"
SCOPES: dict[str, object] = {
    "members:read": _("Read customer files and timelines"),
    "members:write": _("Create and change customer files"),
    "members:privacy": _("Export and erase a person's data"),
    "imports": _("Run bulk imports"),
    "loyalty:read": _("Read programs, balances and ledgers"),
    "loyalty:write": _("Adjust and redeem points, record transactions"),
    "loyalty:configure": _("Name programs, tiers, benefits and rewards in each language"),
    "analytics": _("Read and recompute analyses and customer scores"),
    "webhooks:manage": _("Register, change and remove webhooks; re-send and replay deliveries"),
    "inbound:write": _("Hand over received e-mail messages"),
    "care:read": _("Read cases: complaints, inquiries and their service targets"),
    "care:write": _("File cases, move them through the steps, reply and compensate"),
    "surveys:read": _("Read surveys, their results and answers"),
    "surveys:write": _("Build surveys, send invitations and record responses"),
    "standards:read": _("Read service standards and their compliance"),
    "standards:write": _("Define service standards and send their measurements"),
    "segments:read": _("Read segments, their members and what rules select"),
    "segments:write": _("Define segments and set static lists"),
    "campaigns:write": _("Write, schedule and cancel campaigns to segments"),
    "events:write": _("Define club events, register members and check them in"),
}
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def scopes_parse(text: str) -> list[str]:
    """'members:read,imports' or 'all' → the scope list; an unknown scope is an error naming it."""
    requested = [scope.strip() for scope in text.replace(" ", ",").split(",") if scope.strip()]
    if not requested:
        raise ValidationFailed(gettext("give at least one scope, or 'all'"), field="scopes")
    if requested == ["all"]:
        return sorted(SCOPES)
    unknown = [scope for scope in requested if scope not in SCOPES]
    if unknown:
        raise ValidationFailed(
            gettext("unknown scope '%(scope)s'; known scopes: %(known)s, or 'all'")
            % {"scope": unknown[0], "known": ", ".join(sorted(SCOPES))},
            field="scopes",
        )
    return sorted(set(requested))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def apikey_create(*, name: str, scopes: list[str], actor: User | None) -> tuple[ApiKey, str]:
    """Creates a key; returns it with the plain key, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationFailed(gettext("an API key needs a name"), field="name")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ValidationFailed(
            gettext("unknown or missing scope: %(scopes)s") % {"scopes": ", ".join(unknown) or "-"},
            field="scopes",
        )
    prefix = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic(durable=True):
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            key_hash=_hash(plain),
            scopes=sorted(scopes),
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="apikey.created",
            target=key,
            scopes=key.scopes,
            actor_label="cli" if actor is None else "",
        )
    return key, plain


def apikey_authenticate(*, plain: str) -> ApiKey | None:
    """The live key matching `plain`, or None; compares hashes in constant time."""
    if not plain.startswith(KEY_PREFIX):
        return None
    prefix = plain[len(KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(plain)):
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def apikey_revoke(*, key: ApiKey, actor: User) -> None:
    """Stops a key from working at once."""
    with transaction.atomic(durable=True):
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
        audit_record(actor=actor, action="apikey.revoked", target=key)
