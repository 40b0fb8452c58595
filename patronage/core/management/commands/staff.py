from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patronage.core.errors import ApplicationError
from patronage.core.models import User
from patronage.core.roles import STAFF_ROLES
from patronage.core.services import staff_create


class Command(BaseCommand):
    help = "Create and list staff users."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a staff user with a role")
        create.add_argument("--username", required=True)
        create.add_argument("--password", required=True)
        create.add_argument("--role", required=True, choices=sorted(role.value for role in STAFF_ROLES))
        create.add_argument("--email", default="")
        actions.add_parser("list", help="list staff users and their roles")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for user in User.objects.filter(role__in=[r.value for r in STAFF_ROLES]).order_by("username"):
                self.stdout.write(
                    f"{user.username}  {user.role}  {'active' if user.is_active else 'inactive'}"
                )
            return
        try:
            user = staff_create(
                username=options["username"],
                password=options["password"],
                role=options["role"],
                email=options["email"],
            )
        except ApplicationError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else error.message) from error
        self.stdout.write(f"Created staff user '{user.username}' with role {user.role}")
