from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patronage.core.errors import ApplicationError
from patronage.core.roles import Role
from patronage.core.selectors import staff_list
from patronage.core.services import staff_create


class Command(BaseCommand):
    help = "Create and list staff users."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a staff user in one or more groups")
        create.add_argument("--username", required=True)
        create.add_argument("--password", required=True)
        create.add_argument(
            "--group",
            dest="groups",
            action="append",
            required=True,
            metavar="GROUP",
            help=f"a group to join (repeat for several); the standard ones: {', '.join(Role.values)}",
        )
        create.add_argument("--email", default="")
        actions.add_parser("list", help="list staff users and their groups")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for user in staff_list():
                groups = ", ".join(group.name for group in user.groups.all()) or "-"
                self.stdout.write(f"{user.username}  {groups}  {'active' if user.is_active else 'inactive'}")
            return
        try:
            user = staff_create(
                username=options["username"],
                password=options["password"],
                groups=options["groups"],
                email=options["email"],
            )
        except ApplicationError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else error.message) from error
        groups = ", ".join(group.name for group in user.groups.all())
        self.stdout.write(f"Created staff user '{user.username}' in {groups}")
