from __future__ import annotations

import json
import re
from datetime import timedelta

from django.urls import reverse

from patronage.core import clock
from patronage.members.services import IdentityInput, member_create

from .conftest import page_text


def test_the_dashboard_counts_members_and_charts_sign_ups_by_month(client_as, agent, alice, bob):
    member_create(
        actor=None,
        identities=[IdentityInput("email", "old@example.com")],
        profile={"name": "Old Timer"},
        source="store",
        joined_at=clock.now() - timedelta(days=200),
    )
    response = client_as(agent).get(reverse("console:home"))
    assert response.status_code == 200
    text = page_text(response)
    assert "3 Active customers" in text
    assert "2 Joined in the last 30 days" in text
    assert "portal 2 store 1" in text

    html = response.content.decode()
    embedded = re.search(r'<script id="signups-data" type="application/json">(.*?)</script>', html)
    assert embedded is not None
    chart = json.loads(embedded.group(1))
    assert len(chart["labels"]) == 24
    assert chart["counts"][-1] == 2
    assert sum(chart["counts"]) == 3
    assert "chart-4.6.1.umd.min.js" in html


def test_recent_changes_are_shown_only_to_roles_that_may_read_the_audit_log(client_as, agent, admin, alice):
    assert "Recent changes" not in page_text(client_as(agent).get(reverse("console:home")))
    assert "Recent changes" in page_text(client_as(admin).get(reverse("console:home")))
