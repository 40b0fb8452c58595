"""Staff accounts and the groups that give them their rights."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from patronage.core.audit import audit_record
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AccountKind, User
from patronage.core.permissions import STAFF_MANAGE


def staff_create(
    *, username: str, password: str, groups: Sequence[str], email: str = "", actor: User | None = None
) -> User:
    """Creates a staff user in the named groups; the password must pass the configured validators."""
    username = username.strip()
    if not username:
        raise ValidationFailed(_("a username is required"), field="username")
    chosen = _groups_named(groups)
    candidate = User(username=username, email=email, kind=AccountKind.STAFF)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from exc
    try:
        with transaction.atomic(durable=True):
            candidate.set_password(password)
            candidate.save()
            candidate.groups.set(chosen)
            audit_record(
                actor=actor, action="staff.created", target=candidate, groups=[g.name for g in chosen]
            )
    except IntegrityError as exc:
        raise Conflict(
            _("a user named '%(username)s' already exists") % {"username": username}, field="username"
        ) from exc
    return candidate


def staff_groups_set(*, user: User, groups: Iterable[Group], actor: User | None) -> User:
    """Gives `user` exactly these groups and audits what was given and taken.

    The last active person who may manage staff cannot lose that right, or nobody could give it back.
    """
    if not user.is_staff_member:
        raise ValidationFailed(_("only active staff accounts hold groups"), field="user")
    chosen = set(groups)
    with transaction.atomic(durable=True):
        # Lock the staff rows so that two administrators taking each other's rights cannot both succeed.
        list(User.objects.select_for_update().filter(kind=AccountKind.STAFF).order_by("pk"))
        held = set(user.groups.all())
        added, removed = chosen - held, held - chosen
        if not added and not removed:
            return user
        user.groups.set(chosen)
        if not _staff_managers().exists():
            raise ValidationFailed(
                _("at least one active person must keep the right to manage staff"), field="groups"
            )
        audit_record(
            actor=actor,
            action="staff.groups_changed",
            target=user,
            given=sorted(group.name for group in added),
            taken=sorted(group.name for group in removed),
        )
    # The permission cache of this object still holds the old groups' rights.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def _staff_managers() -> QuerySet[User]:
    app_label, codename = STAFF_MANAGE.split(".")
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    holds |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return User.objects.filter(holds, kind=AccountKind.STAFF, is_active=True).distinct()


def _groups_named(names: Sequence[str]) -> list[Group]:
    wanted = {name.strip() for name in names if name.strip()}
    found = list(Group.objects.filter(name__in=wanted).order_by("name"))
    unknown = wanted - {group.name for group in found}
    if unknown:
        raise ValidationFailed(
            _("unknown group '%(group)s'; groups: %(groups)s")
            % {
                "group": sorted(unknown)[0],
                "groups": ", ".join(Group.objects.order_by("name").values_list("name", flat=True)),
            },
            field="groups",
        )
    return found
