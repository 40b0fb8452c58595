from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from patronage.core.apikeys import SCOPES, apikey_create, scopes_parse
from patronage.core.errors import ApplicationError
from patronage.core.models import ApiKey


class Command(BaseCommand):
    help = "Create, list and revoke API keys for integrations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a key; prints the key as the last line")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scopes",
            required=True,
            help=f"comma-separated: {', '.join(sorted(SCOPES))}; or 'all' for every scope",
        )
        actions.add_parser("list", help="list keys (never the keys themselves)")
        revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _create(self, options: dict[str, Any]) -> None:
        key, plain = apikey_create(name=options["name"], scopes=scopes_parse(options["scopes"]), actor=None)
        self.stderr.write(f"Created API key '{key.name}' with scopes: {', '.join(key.scopes)}")
        self.stderr.write("Store it now: it is shown only once. Send it as 'Authorization: Bearer KEY'.")
        self.stdout.write(plain)

    def _list(self, options: dict[str, Any]) -> None:
        for key in ApiKey.objects.all():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(f"{key.prefix}  {key.name}  [{', '.join(key.scopes)}]  {state}")

    def _revoke(self, options: dict[str, Any]) -> None:
        from django.utils import timezone

        updated = ApiKey.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise CommandError(f"no active key with prefix '{options['prefix']}'")
        self.stdout.write(f"Revoked key {options['prefix']}")
