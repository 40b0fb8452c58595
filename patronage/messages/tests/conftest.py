from collections.abc import Iterator
from typing import Any

import pytest

from patronage.loyalty.tests.conftest import account, program  # noqa: F401
from patronage.messages.tests.smtp import Inbox, smtp_server


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the product sends its e-mail to; its inbox keeps each one."""
    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", inbox.port, False
        yield inbox
