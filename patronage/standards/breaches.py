"""Finding the periods that breached a standard: a period in which any measurement passed the minimum is
recorded once, and its owner is warned once, with a webhook event, in the same transaction.

Once is kept by the unique index (standard, period, period start): the Breach row is inserted inside a
savepoint, and a run that finds it there already (a second run, or a second worker at the same moment,
which waits on the index until the first commits) records and warns nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format, number_format

from patronage.core import clock
from patronage.core.business import business_languages, business_zone
from patronage.core.names import product_language
from patronage.core.outbox import outbox_publish
from patronage.messages.message_services import message_queue
from patronage.standards.message_kinds import STANDARD_BREACH
from patronage.standards.models import Breach, Standard
from patronage.standards.selectors import Scope, period_bounds, standard_compliance
from patronage.standards.stats import Summary, period_before, period_start

CONSOLE_PATH = "/console/standards/{id}/"


def breaches_find(*, now: datetime | None = None) -> int:
    """Records each active standard's last complete period (in the business's zone) in which anything
    passed the minimum, warning its owner; returns how many breaches are new."""
    now = now or clock.now()
    found = 0
    for standard in Standard.objects.filter(active=True).select_related("owner"):
        start = _last_complete(standard.period, now)
        since, until = period_bounds(start, standard.period)
        rows = standard_compliance(
            standard=standard, period="all", group="none", scope=Scope(since=since, until=until)
        )
        if rows and rows[0].summary.below_minimum > 0:
            found += _record(standard, start, until, rows[0].summary, now)
    return found


def _last_complete(period: str, now: datetime) -> date:
    return period_before(period_start(now.astimezone(business_zone()), period), period)


def _record(standard: Standard, start: date, ended: datetime, summary: Summary, now: datetime) -> int:
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                Breach.objects.create(
                    standard=standard,
                    period=standard.period,
                    period_start=start,
                    count=summary.count,
                    below_minimum=summary.below_minimum,
                    meeting_target=summary.meeting_target,
                    found_at=now,
                )
        except IntegrityError:
            return 0  # recorded and warned before
        _publish(standard, start, summary, now)
        if standard.owner is not None:
            message_queue(
                kind=STANDARD_BREACH.code,
                staff=standard.owner,
                context=_message_context(standard, start, summary),
                key=f"standard_breach:{standard.pk}:{standard.period}:{start.isoformat()}",
                occurred_at=ended,
            )
    return 1


def _publish(standard: Standard, start: date, summary: Summary, now: datetime) -> None:
    outbox_publish(
        topic="standard.breached",
        payload={
            "standard": standard.code,
            "period": standard.period,
            "period_start": start.isoformat(),
            "count": summary.count,
            "meeting_target_share": summary.meeting_target_share,
            "below_minimum_share": summary.below_minimum_share,
        },
        key=f"standard.breached:{standard.pk}:{standard.period}:{start.isoformat()}",
        at=now,
        new=True,  # the Breach row was created in this transaction: its key cannot exist yet
    )


def _message_context(standard: Standard, start: date, summary: Summary) -> dict[str, object]:
    """The words of the warning: staff are written to in the business's main language, so the period and
    shares are formatted in it here."""
    language = product_language(business_languages()[0]) or settings.LANGUAGE_CODE
    with translation.override(language):
        return {
            "standard": standard.name,
            "period": _period_words(standard.period, start),
            "count": summary.count,
            "below_minimum": summary.below_minimum,
            "meeting_target_share": _percent(summary.meeting_target_share or 0.0),
            "target_share": _percent(standard.target_share),
            "link": str(settings.MESSAGES_BASE_URL).rstrip("/") + CONSOLE_PATH.format(id=standard.pk),
        }


def _period_words(period: str, start: date) -> str:
    """A day, a month by its name, a week as its first and last days: no word the locale lacks."""
    if period == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    first = date_format(start, "DATE_FORMAT")
    if period == "day":
        return first
    return f"{first} - {date_format(start + timedelta(days=6), 'DATE_FORMAT')}"


def _percent(share: float) -> str:
    """A share as a percentage, with a decimal only where it says something (94.6%, not 95%, when the
    target is 95%)."""
    percent = round(share * 100, 1)
    return number_format(percent, decimal_pos=0 if percent.is_integer() else 1) + "%"
