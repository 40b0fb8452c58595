"""A period that passed a standard's minimum is recorded once and warns its owner once, with a webhook."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.conftest import business_set
from patronage.core.message_kinds import message_kind_get
from patronage.core.models import OutboxEvent, User
from patronage.messages.message_render import template_variables
from patronage.messages.message_services import COMMON_VARIABLES, TEMPLATE_DIR
from patronage.messages.models import Message
from patronage.standards.breaches import breaches_find
from patronage.standards.models import Breach, Standard
from patronage.standards.services import MeasurementInput, measurements_add
from patronage.standards.tasks import breaches_find_task
from patronage.standards.tests.factories import rings_standard

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
WEEK, NEXT_WEEK = date(2026, 11, 9), date(2026, 11, 16)


def _seoul(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SEOUL)


@pytest.fixture
def rings(lead: User) -> Standard:
    business_set(time_zone="Asia/Seoul", languages=["en"])
    return rings_standard(actor=None, target_share=0.95, owner="sol_lead")


def _calls(standard: Standard, day: int, rings: list[float], hour: int = 10) -> None:
    items = [MeasurementInput(value=value, at=_seoul(day, hour)) for value in rings]
    measurements_add(standard=standard, items=items, actor=None)


def _find(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return breaches_find()


def test_a_week_with_a_call_past_four_rings_warns_the_owner_once(rings: Standard, lead: User) -> None:
    _calls(rings, 10, [1, 2, 5, 1])
    # Sunday 23:00 in Seoul is still the week of the 9th; Monday 01:00 is the next.
    _calls(rings, 15, [1], hour=23)
    _calls(rings, 16, [9], hour=1)

    assert _find(_seoul(16, 9)) == 1
    assert _find(_seoul(16, 10)) == 0
    with time_machine.travel(_seoul(16, 11), tick=False):
        assert breaches_find_task.apply().get() == 0

    breach = Breach.objects.get()
    assert (breach.standard, breach.period, breach.period_start) == (rings, "week", WEEK)
    assert (breach.count, breach.below_minimum, breach.meeting_target) == (5, 1, 4)
    message = Message.objects.get(kind="standard_breach")
    assert message.staff == lead
    assert "Phone answered within 2 rings" in message.subject
    assert "Nov 9, 2026 - Nov 15, 2026" in message.subject
    assert "1 of 5 measurements passed its minimum" in message.text_body
    assert "80% met the target (the standard asks for 95%)" in message.text_body
    assert f"http://localhost:8000/console/standards/{rings.pk}/" in message.text_body


def test_the_warning_is_written_in_the_business_language_with_its_dates(rings: Standard) -> None:
    business_set(languages=["ko", "en"])
    _calls(rings, 10, [5, 1, 1])

    _find(_seoul(16))

    message = Message.objects.get(kind="standard_breach")
    assert message.language == "ko"
    assert message.subject.startswith("[서비스 기준 미달] Phone answered within 2 rings")
    assert "(2026. 11. 9. - 2026. 11. 15.)" in message.subject
    assert "측정 3건 중 1건이 최소 기준을 넘었습니다" in message.text_body
    assert "66.7%" in message.text_body


def test_the_next_weeks_breach_warns_again(rings: Standard) -> None:
    _calls(rings, 10, [5])
    _find(_seoul(16))
    _calls(rings, 17, [6, 1, 1])

    assert _find(_seoul(23)) == 1

    assert list(Breach.objects.values_list("period_start", flat=True)) == [NEXT_WEEK, WEEK]
    assert Message.objects.filter(kind="standard_breach").count() == 2


def test_the_webhook_event_names_the_standard_and_the_period(rings: Standard) -> None:
    _calls(rings, 10, [1, 2, 3, 5])

    _find(_seoul(16))
    _find(_seoul(16, 12))

    event = OutboxEvent.objects.get(topic="standard.breached")
    assert event.payload == {
        "standard": "phone-rings",
        "period": "week",
        "period_start": "2026-11-09",
        "count": 4,
        "meeting_target_share": 0.5,
        "below_minimum_share": 0.25,
    }


def test_a_standard_without_an_owner_records_the_breach_and_warns_nobody(rings: Standard) -> None:
    Standard.objects.filter(pk=rings.pk).update(owner=None)
    _calls(rings, 10, [5])

    assert _find(_seoul(16)) == 1

    assert Breach.objects.count() == 1
    assert not Message.objects.exists()
    assert OutboxEvent.objects.filter(topic="standard.breached").count() == 1


def test_a_week_that_missed_the_target_but_never_passed_the_minimum_is_no_breach(rings: Standard) -> None:
    _calls(rings, 10, [3, 4, 4, 1])  # half within 2 rings, none over 4

    assert _find(_seoul(16)) == 0
    assert not Breach.objects.exists()
    assert not Message.objects.exists()


def test_the_period_still_running_is_not_judged(rings: Standard) -> None:
    _calls(rings, 16, [9])

    assert _find(_seoul(20)) == 0
    assert _find(_seoul(23)) == 1


def test_the_warning_is_written_in_every_language_with_the_kinds_variables_only() -> None:
    allowed = set(message_kind_get("standard_breach").variables) | set(COMMON_VARIABLES)
    files = sorted((TEMPLATE_DIR / "standard_breach").iterdir())
    assert {Path(f).stem for f in files} == {"en", "ko", "ja", "zh-hans"}
    assert len(files) == 12
    for path in files:
        used = template_variables(path.read_text(encoding="utf-8"))
        assert used <= allowed, f"{path.name}: {sorted(used - allowed)}"
        assert {"standard", "period", "link"} <= used or path.name.endswith(".subject"), path.name
