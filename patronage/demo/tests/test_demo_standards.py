"""The demo's standards part: what a lead sees on the standards pages is the planted story, the Tokyo line
slipping below its target in the last month while the others keep theirs, its breaches recorded, and the
measurements derived from the cases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from patronage.care.models import Case, LegKind, SlaLeg, Team
from patronage.demo.parts.standards import SEOUL_LINE, STORE_FLOOR, TOKYO_LINE
from patronage.standards.models import Breach, Example, ExampleKind, Measurement, Standard
from patronage.standards.selectors import Scope, standard_compliance


def test_the_demo_shows_one_team_slipping_its_breaches_and_the_derived_measurements(demo: dict[str, Any]):
    # One demo load for the checks: a load is most of this test's time.
    planted = demo["standards"]
    last_month = Scope(since=datetime.fromisoformat(planted["slipping_since"]))
    _the_tokyo_line_slips_and_the_seoul_line_keeps_its_target(last_month)
    _greetings_and_e_mails_keep_their_targets(last_month)
    _the_slipping_weeks_are_breaches(planted)
    _derived_measurements_are_the_cases(planted)
    _the_team_meeting_has_a_good_and_a_bad_example(planted)


def _team_shares(code: str, scope: Scope) -> dict[str, float]:
    standard = Standard.objects.get(code=code)
    names = dict(Team.objects.values_list("pk", "name"))
    return {
        names[row.group_id]: row.summary.meeting_target_share or 0.0
        for row in standard_compliance(standard=standard, period="all", group="team", scope=scope)
        if row.group_id is not None
    }


def _the_tokyo_line_slips_and_the_seoul_line_keeps_its_target(last_month: Scope) -> None:
    rings = Standard.objects.get(code="phone-rings")
    shares = _team_shares("phone-rings", last_month)
    before = _team_shares("phone-rings", Scope(until=last_month.since))

    assert shares[TOKYO_LINE] < rings.target_share <= shares[SEOUL_LINE]
    assert before[TOKYO_LINE] >= rings.target_share
    tokyo = Team.objects.get(name=TOKYO_LINE)
    past_four = Measurement.objects.filter(standard=rings, team=tokyo, value__gt=rings.minimum)
    assert 0 < past_four.count() < 50  # a few calls, all in the last month
    assert not past_four.filter(at__lt=last_month.since).exists()


def _greetings_and_e_mails_keep_their_targets(last_month: Scope) -> None:
    for code, team in (("greeting-seconds", STORE_FLOOR), ("email-reply-minutes", "Care desk")):
        standard = Standard.objects.get(code=code)
        assert _team_shares(code, last_month)[team] >= standard.target_share, code
        assert not Breach.objects.filter(standard=standard).exists(), code


def _the_slipping_weeks_are_breaches(planted: dict[str, Any]) -> None:
    rings = Standard.objects.get(code="phone-rings")
    weeks = list(Breach.objects.filter(standard=rings).values_list("period_start", flat=True))
    slipping_since = datetime.fromisoformat(planted["slipping_since"]).date()

    assert len(weeks) >= 3
    assert all(week >= slipping_since - timedelta(days=6) for week in weeks)
    assert Breach.objects.count() == planted["breaches"]


def _derived_measurements_are_the_cases(planted: dict[str, Any]) -> None:
    first = Standard.objects.get(code="first-response-minutes")
    rating = Standard.objects.get(code="case-rating")
    met = SlaLeg.objects.filter(kind=LegKind.FIRST_RESPONSE, met_at__isnull=False).count()
    rated = Case.objects.filter(satisfaction__isnull=False).count()

    assert Measurement.objects.filter(standard=first).count() == met > 0
    assert Measurement.objects.filter(standard=rating).count() == rated > 0
    assert planted["derived"] == met + rated


def _the_team_meeting_has_a_good_and_a_bad_example(planted: dict[str, Any]) -> None:
    tokyo = Team.objects.get(name=TOKYO_LINE)
    examples = {e.kind: e for e in Example.objects.filter(team=tokyo).select_related("measurement")}

    assert set(examples) == {ExampleKind.GOOD, ExampleKind.BAD}
    bad, good = examples[ExampleKind.BAD].measurement, examples[ExampleKind.GOOD].measurement
    assert bad is not None
    assert good is not None
    assert bad.value > 4
    assert good.value == 1
    assert all(example.note for example in examples.values())
