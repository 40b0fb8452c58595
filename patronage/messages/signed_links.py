"""Links in messages that work without a login (unsubscribe, the open pixel, a tracked link): the token is
signed by the product (django.core.signing, a salt per use), so a changed or made-up one is refused, never
trusted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse


class BadLink(Exception):
    """A token that is not one we signed (changed, cut short), or names something that is not there."""


def signed_url(*, view: str, data: Mapping[str, Any], salt: str) -> str:
    """The absolute address of `view` with `data` signed into its token."""
    token = signing.dumps(dict(data), salt=salt, compress=True)
    return str(settings.MESSAGES_BASE_URL).rstrip("/") + reverse(view, args=[token])


def signed_read(*, token: str, salt: str) -> dict[str, Any]:
    """The data signed into `token` with `salt`; BadLink when the signature does not hold."""
    try:
        data = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError):
        raise BadLink from None
    if not isinstance(data, dict):
        raise BadLink
    return data
