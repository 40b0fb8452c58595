"""Staff accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.core.audit import audit_record
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.core.roles import STAFF_ROLES, Role


def staff_create(
    *, username: str, password: str, role: str, email: str = "", actor: User | None = None
) -> User:
    """Creates a staff user with a role; the password must pass the configured validators."""
    username = username.strip()
    if not username:
        raise ValidationFailed(_("a username is required"), field="username")
    if role not in {r.value for r in STAFF_ROLES}:
        raise ValidationFailed(
            _("unknown role '%(role)s'; roles: %(roles)s")
            % {"role": role, "roles": ", ".join(sorted(r.value for r in STAFF_ROLES))},
            field="role",
        )
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc
    try:
        with transaction.atomic(durable=True):
            candidate.set_password(password)
            candidate.is_superuser = role == Role.ADMIN
            candidate.save()
            audit_record(actor=actor, action="staff.created", target=candidate, role=role)
    except IntegrityError as exc:
        raise Conflict(
            _("a user named '%(username)s' already exists") % {"username": username}, field="username"
        ) from exc
    return candidate
