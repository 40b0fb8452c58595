"""The member's side of customer information: "My interests" (topics and how often a digest comes, with what
the digest needs: their consent to marketing e-mail) and "Information" (the items that fit them, newest first,
in their language). Both show only the signed-in member's own choices; no URL names a member.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.core.names import in_reader_language
from patronage.members.models import Member
from patronage.portal.access import member_required
from patronage.portal.forms_information import InterestsForm
from patronage.segments.information_selectors import (
    digest_consent_given,
    member_digest_preference,
    member_information,
    member_topics,
)
from patronage.segments.information_services import member_interests_set
from patronage.segments.models import DigestFrequency

ITEMS_SHOWN = 50


@member_required
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest, member: Member) -> HttpResponse:
    preference = member_digest_preference(member=member)
    initial = {
        "topics": [topic.code for topic in member_topics(member=member)],
        "frequency": preference.frequency if preference else DigestFrequency.NEVER,
    }
    form = InterestsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                member_interests_set(
                    member=member,
                    topics=form.cleaned_data["topics"],
                    frequency=form.cleaned_data["frequency"],
                    actor=cast(User, request.user),
                )
            except ValidationFailed as error:  # a topic removed while the page was open
                for problem in error.errors or []:
                    name = problem.get("field")
                    form.add_error(
                        name if name in form.fields else None, problem.get("message") or error.message
                    )
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("portal:interests")
    context = {"member": member, "form": form, "consent": digest_consent_given(member=member)}
    return render(request, "portal/information/interests.html", context, status=status)


@member_required
@require_GET
def information(request: HttpRequest, member: Member) -> HttpResponse:
    items = [
        (item, in_reader_language(item, "title"), in_reader_language(item, "body"))
        for item in member_information(member=member, now=clock.now())[:ITEMS_SHOWN]
    ]
    context = {"member": member, "items": items, "chose_topics": bool(member_topics(member=member))}
    return render(request, "portal/information/list.html", context)
