"""The few sentences the messages module writes itself: the footer of a message that can be refused, and
the unsubscribe pages. They are read by someone who may not be logged in, in the language of the message
they received (not the browser's), so each is translated in that language, through the catalogues."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from patronage.core.names import product_language


def words_for(language: str | None) -> dict[str, str]:
    """The sentences in `language` (its family, else the site's default language); `{business}`, `{what}`
    and `{url}` are filled in by the caller."""
    with translation.override(product_language(language) or settings.LANGUAGE_CODE):
        return {
            "footer_text": _("You receive this because you are a member of {business}. Unsubscribe: {url}"),
            "footer_html": _("You receive this because you are a member of {business}."),
            "footer_link": _("Unsubscribe"),
            "title": _("Unsubscribe"),
            "question": _("Stop receiving {what} from {business}?"),
            "email": _("marketing e-mails"),
            "sms": _("marketing text messages"),
            "explain": _("Messages about your own account, such as receipts, may still reach you."),
            "confirm": _("Unsubscribe"),
            "done_title": _("You are unsubscribed"),
            "done": _(
                "You will no longer receive {what} from {business}. You can change this at any time in the "
                "member portal."
            ),
            "bad_title": _("This link does not work"),
            "bad": _(
                "The unsubscribe link is incomplete or has been changed. Please use the link exactly as it "
                "appears in the message, or change your choices in the member portal."
            ),
        }
