"""A proactive notice as its customer reads it: what went wrong, the apology, the goodwill given, and the
way to tell us if something is still not right. Opening it is what the console counts as "opened"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from patronage.care.notices import notice_by_token, notice_opened
from patronage.core.names import product_language, text_in_language
from patronage.members.selectors import member_of_user


@require_GET
def notice_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The notice behind the customer's secret link, in their language; the first opening is recorded."""
    member = member_of_user(user=request.user)
    recipient = notice_by_token(token=token)
    if recipient is None:
        return render(request, "portal/notices/not_found.html", {"member": member}, status=404)
    recipient = notice_opened(recipient=recipient)
    notice, language = recipient.notice, product_language(recipient.member.locale)
    context = {
        "notice": notice,
        "recipient": recipient,
        "title": text_in_language(notice.title, notice.title_translations, language),
        "message": text_in_language(notice.message, notice.message_translations, language),
        "member": member,
    }
    with translation.override(language or translation.get_language()):
        return render(request, "portal/notices/notice.html", context)
