"""A lead's scorecards in Chromium: the team's cards, an agent's card with its trend charts, a case pinned as a
good example from its page, and the team meeting showing the example and the standard that slipped. Takes
the guide's pictures of a scorecard and of the team meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from patronage.care.models import Case, CaseStatus, Team
from patronage.conftest import business_set, console_sign_in
from patronage.core.models import User
from patronage.standards.examples import example_pin
from patronage.standards.scorecards import score_period_current
from patronage.standards.services import MeasurementInput, measurements_add
from patronage.standards.tests.factories import rings_standard

from .case_setup import complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Called the customer back within the hour and offered a home visit"


def test_a_lead_reviews_the_team_and_its_meeting(browser_page, screenshot, admin, lead, agent, alice, bob):
    business_set(name="Hanbit Store", time_zone="Asia/Seoul")
    User.objects.filter(pk=agent.pk).update(first_name="Minji", last_name="Kim")
    team = Team.objects.create(name="Phones", lead=lead)
    team.members.add(agent)
    # Everything happened just after the month began, so it is this month's whatever the day.
    since, _until = score_period_current().bounds()
    at = since + timedelta(seconds=1)
    rated, late = complaint(alice), complaint(bob, summary="Nobody called back")
    for case, rating in ((rated, 5), (late, 2)):
        Case.objects.filter(pk=case.pk).update(
            assignee=agent,
            team=team,
            status=CaseStatus.CLOSED,
            closed_at=at,
            satisfaction=rating,
            satisfaction_at=at,
        )
    late.refresh_from_db()
    example_pin(kind="bad", note="Promised a call back and never made it", case=late, actor=lead)
    rings = rings_standard(actor=admin, code="rings")
    calls = [MeasurementInput(value=v, at=at, employee="sam_agent", team="Phones") for v in (1, 2, 3, 6)]
    measurements_add(standard=rings, items=calls, actor=admin)
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, lead)

    page.click("nav.mainnav a:has-text('Scorecards')")
    page.wait_for_selector(f"#team-{team.pk}")
    assert "Minji Kim" in page.inner_text(f"#team-{team.pk}")
    page.click(f"#team-{team.pk} a:has-text('Minji Kim')")
    page.wait_for_selector("#metric-satisfaction canvas[data-drawn='true']")
    assert "3.50 / 5" in page.inner_text("#metric-satisfaction")
    screenshot(page, "console-scorecard")

    page.goto(f"/console/cases/{rated.reference}/")
    page.check("#pin-form input[name=kind][value=good]")
    page.fill("#pin-form textarea[name=note]", NOTE)
    page.click("#pin-form button[type=submit]")
    page.wait_for_selector(".message.success")

    page.click("nav.mainnav a:has-text('Scorecards')")
    page.click(f"#team-{team.pk} a:has-text('Team meeting')")
    examples = page.inner_text("#examples")
    assert NOTE in examples
    assert "Promised a call back" in examples
    assert "Phone answered within 2 rings" in page.inner_text("#slipped")
    screenshot(page, "console-team-meeting")
