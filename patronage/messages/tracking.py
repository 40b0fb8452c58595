"""Opens and clicks of marketing e-mail: a 1x1 image (the open pixel) and each web link in the HTML part sent
through a redirect of ours, both under signed tokens, so that the campaigns can say how many opened and
clicked.

Only marketing kinds are tracked: they go to members who agreed to marketing e-mail, and a service message
(a case reply, a points notice) is nobody's campaign. The stored message keeps the words as written: the
links are rewritten as the e-mail leaves (`tracked_html`). The figures are approximate, as said in the
guide: clients that block images never load the pixel, and privacy proxies (Apple Mail's) and link
scanners load it, or follow links, without a person reading.

The redirect only goes where a token we signed says, and only to http(s): a changed token is refused, so
the address cannot be used to send people elsewhere (an open redirect).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import Coalesce

from patronage.core import clock
from patronage.messages.models import Message
from patronage.messages.signed_links import BadLink, signed_read, signed_url

OPEN_SALT = "messaging.open"
CLICK_SALT = "messaging.click"
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# The href of an <a> tag, quoted either way; what a template renders, not any HTML a person could write.
_LINK = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def web_address(target: str) -> bool:
    """Whether a link may be tracked and redirected to: http or https, with a host."""
    parts = urlsplit(target)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def open_url(*, message_id: int) -> str:
    return signed_url(view="messaging:opened", data={"m": message_id}, salt=OPEN_SALT)


def click_url(*, message_id: int, target: str) -> str:
    return signed_url(view="messaging:clicked", data={"m": message_id, "u": target}, salt=CLICK_SALT)


def tracked_html(message: Message) -> str:
    """The message's HTML as it leaves: each web link but the unsubscribe one through the click redirect, and
    the open pixel at the end. A message that is not marketing, or has no HTML, goes as it is."""
    if not message.marketing or not message.html_body or message.pk is None:
        return message.html_body

    def rewrite(link: re.Match[str]) -> str:
        target = html.unescape(link.group(3)).strip()
        if not web_address(target) or target == message.unsubscribe_url:
            return link.group(0)
        tracked = click_url(message_id=message.pk, target=target)
        return f"{link.group(1)}{link.group(2)}{html.escape(tracked)}{link.group(2)}"

    body = _LINK.sub(rewrite, message.html_body)
    pixel = (
        f'<img src="{html.escape(open_url(message_id=message.pk))}" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0">'
    )
    end = body.lower().rfind("</body")
    if end < 0:
        return f"{body}\n{pixel}"
    return f"{body[:end]}{pixel}{body[end:]}"


# Reading the links


def open_link_read(*, token: str) -> int:
    """The message an open pixel is for; BadLink when the token is not ours."""
    data = signed_read(token=token, salt=OPEN_SALT)
    try:
        return int(data["m"])
    except (KeyError, TypeError, ValueError):
        raise BadLink from None


@dataclass(frozen=True)
class ClickLink:
    message_id: int
    target: str


def click_link_read(*, token: str) -> ClickLink:
    """The message and the address of a tracked link; BadLink when the token is not ours or the address is
    not a web address."""
    data = signed_read(token=token, salt=CLICK_SALT)
    try:
        link = ClickLink(message_id=int(data["m"]), target=str(data["u"]))
    except (KeyError, TypeError, ValueError):
        raise BadLink from None
    if not web_address(link.target):
        raise BadLink
    return link


# Recording


def _tracked(message_id: int) -> QuerySet[Message]:
    # A marketing message that left us; a token for anything else records nothing (and says nothing).
    return Message.objects.filter(pk=message_id, marketing=True, sent_at__isnull=False)


def message_open_record(*, message_id: int) -> bool:
    """Notes the first open; a repeat (or a message not tracked) changes nothing. True when this was the
    first."""
    now = clock.now()
    return bool(_tracked(message_id).filter(opened_at__isnull=True).update(opened_at=now))


def message_click_record(*, link: ClickLink) -> bool:
    """Counts a click and notes the first (a click is an open too, with the pixel blocked or not). One
    UPDATE: clicks at once each count, and the first time is set once whichever comes first."""
    now = Value(clock.now(), output_field=DateTimeField())
    return bool(
        _tracked(link.message_id).update(
            clicks=F("clicks") + 1,
            clicked_at=Coalesce(F("clicked_at"), now),
            opened_at=Coalesce(F("opened_at"), now),
        )
    )
