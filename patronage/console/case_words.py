"""A case in its reader's words: the six steps and where the case stands in them, the countdown to a target,
each timeline entry as a sentence, each SLA leg with its lateness. No database: the pages pass in what they
read, so these are tested fast."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from patronage.care.models import (
    Case,
    CaseChannel,
    CaseEntry,
    CaseStatus,
    Compensation,
    CompensationKind,
    CompensationStatus,
    EntryKind,
    LegKind,
    SlaLeg,
)
from patronage.core.names import product_language
from patronage.core.words import money_words

MINUTE, HOUR, DAY = 60, 3600, 86400

# --- durations and countdowns ------------------------------------------------------------------------------


def duration_words(seconds: int) -> str:
    """Wall-clock time, '2 d 3 h', '1 h 20 min', '35 min': the two largest units, as the timers' script
    writes them too."""
    seconds = max(0, int(seconds))
    return _units(seconds // DAY, seconds % DAY // HOUR, seconds % HOUR // MINUTE)


def business_words(seconds: int) -> str:
    """Business time, '24 business hours', '2 business hours 30 min', '45 min': never in days, which would
    read as 24 hours each."""
    seconds = max(0, int(seconds))
    hours, minutes = seconds // HOUR, seconds % HOUR // MINUTE
    if not hours:
        return _("%(n)s min") % {"n": minutes} if minutes else _("less than a minute")
    words = ngettext("%(n)s business hour", "%(n)s business hours", hours) % {"n": hours}
    return f"{words} {_('%(n)s min') % {'n': minutes}}" if minutes else words


def target_words(seconds: int) -> str:
    """A target as it was set, every unit in full: '2 hours', '30 seconds', '1 day 4 hours'. A day is 24
    hours of the calendar's business time, as the policy form's "days" are."""
    seconds = max(0, int(seconds))
    days, hours = seconds // DAY, seconds % DAY // HOUR
    minutes, rest = seconds % HOUR // MINUTE, seconds % MINUTE
    parts = [
        *([ngettext("%(n)s day", "%(n)s days", days) % {"n": days}] if days else []),
        *([ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}] if hours else []),
        *([ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}] if minutes else []),
        *([ngettext("%(n)s second", "%(n)s seconds", rest) % {"n": rest}] if rest else []),
    ]
    return " ".join(parts) if parts else _("no time")


def _units(days: int, hours: int, minutes: int) -> str:
    if days:
        parts = [_("%(n)s d") % {"n": days}] + ([_("%(n)s h") % {"n": hours}] if hours else [])
    elif hours:
        parts = [_("%(n)s h") % {"n": hours}] + ([_("%(n)s min") % {"n": minutes}] if minutes else [])
    elif minutes:
        parts = [_("%(n)s min") % {"n": minutes}]
    else:
        return _("less than a minute")
    return " ".join(parts)


@dataclass(frozen=True)
class Countdown:
    state: str  # "due", "late", "paused" or "none"
    text: str
    due: datetime | None = None

    @property
    def iso(self) -> str:
        """The due time for the script (never shown): whole seconds, which every browser parses."""
        return self.due.replace(microsecond=0).isoformat() if self.due is not None else ""


def countdown(*, due: datetime | None, now: datetime, paused: bool) -> Countdown:
    """How long until the next target, or how late it is, in wall-clock time; the page's script counts on
    from the same due time every 30 seconds."""
    if due is None:
        return Countdown("paused", _("paused")) if paused else Countdown("none", _("no target"))
    left = (due - now).total_seconds()
    if left >= 0:
        return Countdown("due", _("due in %(time)s") % {"time": duration_words(int(left))}, due)
    return Countdown("late", _("late by %(time)s") % {"time": duration_words(int(-left))}, due)


def timer_words() -> dict[str, str]:
    """The countdown's words for the script, in the reader's language ('%(time)s' and '%(n)s' filled in)."""
    return {
        "due-in": _("due in %(time)s"),
        "late-by": _("late by %(time)s"),
        "days": _("%(n)s d"),
        "hours": _("%(n)s h"),
        "minutes": _("%(n)s min"),
        "instant": _("less than a minute"),
    }


# --- the six steps ---------------------------------------------------------------------------------------------

S = CaseStatus
STEP_OF_STATUS: dict[str, int] = {
    S.ACKNOWLEDGED: 1,
    S.LISTENING: 2,
    S.REOPENED: 2,
    S.PROPOSED: 3,
    S.COMPENSATED: 4,
    S.PROMISED: 5,
    S.RESOLVED: 5,
    S.CLOSED: 6,
}
STEP_LABELS: tuple[Promise, ...] = (
    gettext_lazy("Apologise & acknowledge"),
    gettext_lazy("Listen"),
    gettext_lazy("Propose a solution"),
    gettext_lazy("Compensate"),
    gettext_lazy("Keep the promise"),
    gettext_lazy("Follow up"),
)


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    done: bool
    current: bool
    detail: str


def current_step(case: Case) -> int | None:
    """The step the case stands at; a waiting case at the step it waits in; a merged case at none."""
    status = case.status_before_wait if case.status == S.WAITING else case.status
    return STEP_OF_STATUS.get(status or S.LISTENING)


def case_steps(case: Case, *, listened: bool, compensations: Iterable[Compensation]) -> list[Step]:
    """The six steps, each done or not by what the case records, the current one marked."""
    given = [c for c in compensations if c.status == CompensationStatus.GRANTED]
    awaiting = [c for c in compensations if c.status == CompensationStatus.AWAITING_APPROVAL]
    promise = ""
    if case.promise:
        promise = case.promise
        if case.promised_by:
            by = formats.date_format(case.promised_by, "DATE_FORMAT")
            promise = _("%(promise)s, by %(date)s") % {"promise": case.promise, "date": by}
    follow = ""
    if case.satisfaction:
        follow = _("rated %(rating)s of 5") % {"rating": case.satisfaction}
    elif case.follow_up_sent_at:
        follow = _("asked on %(date)s") % {"date": _when(case.follow_up_sent_at)}
    facts = [
        (True, _("done as the case was filed")),
        (listened or STEP_OF_STATUS.get(case.status, 0) > 2, ""),
        (bool(case.solution), case.solution),
        (
            bool(given),
            _("%(count)s given") % {"count": len(given)}
            if given
            else (_("%(count)s awaiting a lead") % {"count": len(awaiting)} if awaiting else ""),
        ),
        (case.promise_kept_at is not None or case.resolved_at is not None, promise),
        (case.follow_up_sent_at is not None, follow),
    ]
    at = current_step(case)
    return [
        Step(number, str(label), done, number == at, detail)
        for number, (label, (done, detail)) in enumerate(zip(STEP_LABELS, facts, strict=True), start=1)
    ]


# The moves a button makes, as the button says them; a status not here has no button of its own
# ("compensated" follows a compensation given on a proposed solution).
MOVE_LABELS: dict[str, Promise] = {
    S.LISTENING: gettext_lazy("Listening"),
    S.PROPOSED: gettext_lazy("Propose a solution"),
    S.PROMISED: gettext_lazy("Promise a fix"),
    S.RESOLVED: gettext_lazy("Resolved"),
    S.WAITING: gettext_lazy("Wait for the customer"),
    S.CLOSED: gettext_lazy("Close"),
    S.REOPENED: gettext_lazy("Reopen"),
}


# --- the timeline --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryLine:
    entry: CaseEntry
    side: str  # "in" (the customer), "out" (to the customer), "note" (internal) or "event"
    title: str
    body: str


def _when(at: datetime | None) -> str:
    return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT") if at else ""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _who(entry: CaseEntry) -> str:
    actor = entry.actor
    return (actor.get_full_name() or actor.get_username()) if actor is not None else ""


def compensation_words(compensation: Compensation) -> str:
    """'500 points worth 5,000 KRW', 'voucher GW-1A2B3 worth 10,000 KRW'."""
    worth = money_words(compensation.value, compensation.currency)
    kind = compensation.kind
    if kind == CompensationKind.POINTS and compensation.points:
        what = _("%(points)s points") % {
            "points": formats.number_format(compensation.points, force_grouping=True)
        }
    elif kind == CompensationKind.BENEFIT and compensation.benefit is not None:
        what = compensation.benefit.reader_name
    elif kind == CompensationKind.VOUCHER and compensation.voucher_code:
        what = _("voucher %(code)s") % {"code": compensation.voucher_code}
    else:
        what = _label(CompensationKind, kind)
    return _("%(what)s worth %(worth)s") % {"what": what, "worth": worth}


def entry_line(entry: CaseEntry, compensations: Mapping[int, Compensation]) -> EntryLine:
    """One entry of the case's timeline as a sentence; who wrote it and the words they wrote."""
    data, who, kind = entry.data or {}, _who(entry), entry.kind
    if kind == EntryKind.REPLY_OUT:
        return EntryLine(entry, "out", _("%(who)s replied to the customer") % {"who": who}, entry.body)
    if kind == EntryKind.REPLY_IN:
        return EntryLine(entry, "in", _("The customer wrote"), entry.body)
    if kind == EntryKind.NOTE:
        return EntryLine(entry, "note", _("Internal note by %(who)s") % {"who": who}, entry.body)
    if kind == EntryKind.CREATED:
        channel = _label(CaseChannel, data.get("channel"))
        title = _("Filed through %(channel)s") % {"channel": channel}
        if who:
            title = _("Filed through %(channel)s by %(who)s") % {"channel": channel, "who": who}
        return EntryLine(entry, "in", title, entry.body)
    return EntryLine(entry, "event", _event_title(entry, data, who, compensations), entry.body)


def _event_title(
    entry: CaseEntry, data: Mapping[str, Any], who: str, compensations: Mapping[int, Compensation]
) -> str:
    kind = entry.kind
    by = (lambda text: _("%(text)s (%(who)s)") % {"text": text, "who": who}) if who else (lambda text: text)
    if kind == EntryKind.ACKNOWLEDGED:
        return _("Apologised and acknowledged, automatically")
    if kind == EntryKind.STATUS:
        return by(
            _("Moved from %(from)s to %(to)s")
            % {"from": _label(CaseStatus, data.get("from")), "to": _label(CaseStatus, data.get("to"))}
        )
    if kind == EntryKind.ASSIGNED:
        return by(_assigned_words(data))
    if kind == EntryKind.COMPENSATION:
        compensation = compensations.get(data.get("compensation") or 0)
        what = compensation_words(compensation) if compensation is not None else _("compensation")
        status = _label(CompensationStatus, data.get("status"))
        return by(_("Compensation: %(what)s, %(status)s") % {"what": what, "status": status})
    if kind == EntryKind.BREACHED:
        due = parse_datetime(str(data.get("due_at") or ""))
        return _("Target missed: %(leg)s was due %(when)s") % {
            "leg": _label(LegKind, data.get("leg")),
            "when": _when(due),
        }
    if kind == EntryKind.WARNED:
        return _("Warning: %(percent)s%% of the %(leg)s target used") % {
            "percent": data.get("percent", ""),
            "leg": _label(LegKind, data.get("leg")),
        }
    if kind == EntryKind.MERGED and data.get("into"):
        return by(_("Merged into %(reference)s, which carries on") % {"reference": data["into"]})
    if kind == EntryKind.MERGED and data.get("from"):
        return by(
            _("%(reference)s merged into this case: “%(summary)s”")
            % {"reference": data["from"], "summary": data.get("summary", "")}
        )
    if kind == EntryKind.MATCHED:
        return _("Filed under the customer's file, found by the contact details they gave")
    if kind == EntryKind.RATED:
        return _("The customer rated the service %(rating)s of 5") % {"rating": data.get("rating", "—")}
    if kind == EntryKind.FOLLOW_UP and data.get("survey"):
        return by(
            _("Follow-up sent as a survey: the customer is invited to answer the survey on closed cases")
        )
    if kind == EntryKind.FOLLOW_UP:
        return by(_("Follow-up sent: the customer is asked how satisfied they are"))
    return by(_label(EntryKind, kind))


def _assigned_words(data: Mapping[str, Any]) -> str:
    agent, team = data.get("assignee"), data.get("team")
    if agent and team:
        return _("Assigned to %(agent)s in %(team)s") % {"agent": agent, "team": team}
    if agent:
        return _("Assigned to %(agent)s") % {"agent": agent}
    if team:
        return _("Assigned to the team %(team)s") % {"team": team}
    return _("Unassigned")


# --- SLA legs ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegLine:
    leg: SlaLeg
    label: str
    state: str  # "met", "late", "running", "paused"
    words: str  # when it was met or is due, and how late in business time
    countdown: Countdown | None


def leg_line(leg: SlaLeg, *, late_seconds: int, now: datetime, paused: bool) -> LegLine:
    """A leg with its target and where it stands; its lateness in business time (the clock the target
    counts on), the countdown to a running leg's due time in wall-clock time (what the agent has left)."""
    label = _label(LegKind, leg.kind)
    target = business_words(leg.target_seconds)
    late = (
        _("late by %(time)s") % {"time": business_words(late_seconds)} if leg.breached_at is not None else ""
    )
    if leg.met_at is not None:
        words = _("target %(target)s · met %(when)s") % {"target": target, "when": _when(leg.met_at)}
        return LegLine(leg, label, "late" if late else "met", " · ".join(filter(None, [words, late])), None)
    if leg.due_at is None:
        words = _("target %(target)s · paused while the customer is waited for") % {"target": target}
        return LegLine(leg, label, "paused", " · ".join(filter(None, [words, late])), None)
    words = _("target %(target)s") % {"target": target}
    state = "late" if late or leg.due_at < now else "running"
    return LegLine(
        leg,
        label,
        state,
        " · ".join(filter(None, [words, late])),
        countdown(due=leg.due_at, now=now, paused=paused),
    )


def language_words(code: str) -> str:
    """A language code ('ja', 'ko-KR') as its name in the reader's language ('Japanese'); a code the product
    does not know, as it was given."""
    if not code:
        return ""
    try:
        return str(get_language_info(product_language(code) or code)["name_translated"])
    except KeyError:
        return code


def currency() -> str:
    return str(settings.PATRONAGE_DEFAULT_CURRENCY)
