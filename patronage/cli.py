"""The `patronage` command: Django's management commands, with the product's own among them.

`patronage demo`, `patronage import customers FILE`, `patronage apikey create ...`,
`patronage staff create ...`, `patronage serve`, and every Django command (`migrate`, ...).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patronage", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
