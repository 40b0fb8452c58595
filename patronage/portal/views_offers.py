"""The member's offers: the next-best offers picked for them, each with why (decision 0032).

The page reads the signed-in member's own offers only (portal.access hands the view their file), and
showing it records the offers as shown to them, once a day, so each offer's conversion is learned.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from patronage.members.models import Member
from patronage.portal.access import member_required
from patronage.segments.offers_services import next_offers_show


@member_required
@require_GET
def my_offers(request: HttpRequest, member: Member) -> HttpResponse:
    context = {"member": member, "offers": next_offers_show(member=member)}
    return render(request, "portal/offers.html", context)
