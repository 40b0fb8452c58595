"""The addresses a message links to, signed, needing no login.

The unsubscribe page: GET asks, POST withdraws the consent; mail clients POST to the same address for
one-click unsubscribe (RFC 8058), without a CSRF token, so the signed token is the only authority here.

The open pixel and the tracked link (messages.tracking): a token we did not sign is a 404; a signed one
answers the same whether its message is still there or not, so the addresses tell a stranger nothing. A
HEAD request (a link checker) is answered without being counted."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from patronage.core.business import business_name
from patronage.messages.message_services import unsubscribe_confirm, unsubscribe_link_read
from patronage.messages.signed_links import BadLink
from patronage.messages.tracking import (
    PIXEL_GIF,
    click_link_read,
    message_click_record,
    message_open_record,
    open_link_read,
)
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


@require_safe
def opened(request: HttpRequest, token: str) -> HttpResponse:
    try:
        message_id = open_link_read(token=token)
    except BadLink:
        raise Http404 from None
    if request.method == "GET":
        message_open_record(message_id=message_id)
    return _not_stored(HttpResponse(PIXEL_GIF, content_type="image/gif"))


@require_safe
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = click_link_read(token=token)
    except BadLink:
        raise Http404 from None
    if request.method == "GET":
        message_click_record(link=link)
    return _not_stored(HttpResponseRedirect(link.target))


def _not_stored(response: HttpResponse) -> HttpResponse:
    # Every load reaches us (a cached pixel would hide the opens after the first), and the page the link
    # leads to is not told which message sent the reader.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
