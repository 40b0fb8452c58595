"""Where a message about a case sends its reader: the customer to their secret link, staff to the console.

Both are absolute (they travel in e-mails), on MESSAGES_BASE_URL. The paths are fixed here rather than
reversed: the pages that answer them live in the portal and console apps, above care.
"""

from __future__ import annotations

from django.conf import settings

from patronage.care.models import Case, NoticeRecipient

CUSTOMER_PATH = "/complaints/c/{token}/"
NOTICE_PATH = "/notices/o/{token}/"
CONSOLE_PATH = "/console/cases/{reference}/"


def _base() -> str:
    return str(settings.MESSAGES_BASE_URL).rstrip("/")


def case_link(case: Case) -> str:
    """The customer's link to their case, which needs no login: its secret, never its reference."""
    return _base() + CUSTOMER_PATH.format(token=case.access_token)


def console_link(case: Case) -> str:
    return _base() + CONSOLE_PATH.format(reference=case.reference)


def notice_link(recipient: NoticeRecipient) -> str:
    """The customer's link to the notice that reached them: opening it is counted, once."""
    return _base() + NOTICE_PATH.format(token=recipient.access_token)
