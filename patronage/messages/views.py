"""The unsubscribe page: a signed link from a message, no login. GET asks, POST withdraws the consent;
mail clients POST to the same address for one-click unsubscribe (RFC 8058), without a CSRF token, so the
signed token is the only authority here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from patronage.core.business import business_name
from patronage.messages.message_services import BadLink, unsubscribe_confirm, unsubscribe_link_read
from patronage.messages.words import words_for


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = unsubscribe_link_read(token=token)
    except BadLink:
        words = words_for(translation.get_language())
        return render(request, "messages/unsubscribe.html", {"words": words, "bad": True}, status=400)
    with translation.override(link.member.locale):
        words = words_for(link.member.locale)
        what, business = words[link.channel], business_name()
        if request.method == "POST":
            unsubscribe_confirm(link=link)
            page = {"done": True, "sentence": words["done"].format(what=what, business=business)}
        else:
            page = {"question": words["question"].format(what=what, business=business)}
        return render(request, "messages/unsubscribe.html", {"words": words, **page})
