"""The staff of the demo: one login per standard role (group), the portal member's login, and the account manager who
looks after the customers who spent most."""

from __future__ import annotations

from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.demo import catalogue as cat
from patronage.demo.world import Login, Part, World
from patronage.members.models import Member

ACCOUNT_MANAGER = "accounts"


def logins_create(world: World) -> None:
    """The staff and the portal member's user, before the members: member number 0 points at the latter."""
    world.logins = _staff(world.password)
    portal_user = _portal_user(world.password)
    world.portal_user_id = portal_user.pk if portal_user else None
    world.portal_password = world.password if portal_user else None
    world.counts["core.User"] += len(world.logins) + (1 if portal_user else 0)


def _staff(password: str) -> list[Login]:
    """One staff user per standard role, all with the one generated password; existing usernames are left alone."""
    created = []
    for username, role in cat.STAFF:
        if not User.objects.filter(username=username).exists():
            staff_create(username=username, password=password, groups=[role], email=f"{username}@example.com")
            created.append(Login(username=username, role=role, password=password))
    return created


def _portal_user(password: str) -> User | None:
    """The member login for the portal, linked to member number 0; None when that username is taken."""
    email = cat.PORTAL_MEMBER_EMAIL
    if User.objects.filter(username=email).exists():
        return None
    return User.objects.create_user(username=email, email=email, password=password)


def account_manager_assign(world: World) -> None:
    """The demo's account manager looks after the customers who spent most."""
    manager = User.objects.filter(groups__name=Role.ACCOUNT_MANAGER, username=ACCOUNT_MANAGER).first()
    if manager is not None:
        Member.objects.filter(pk__in=world.top_spenders.member_ids()).update(account_manager=manager)


PART = Part("staff", before=logins_create, after=account_manager_assign)
