"""The measurements file: a call-centre or door-counter export, checked whole, then written in the import's one
transaction or not at all (the customer import's framework, decision 0006).

Columns (header names ignore case, spaces and dashes; the other names exports use in brackets):
    standard     a standard's code; may be left out when the upload names the standard [standard_code, metric]
    value        the measured number [rings, seconds, minutes, hours]
    at           when: ISO 8601 with an offset, or a local time such as 2026-11-30 09:15 read on the
                 business's clock [time, timestamp, datetime, date_time]
    employee     a staff member's username or e-mail address [agent, staff, username]
    team         a team's name [team_name, queue]
    store        a store's code [store_code, branch]
    external_id  the exporting system's id: a row whose id is known changes nothing [call_id, id, record_id]

An upload also keeps its standard's compliance by team, as it was just before its rows were written, so that
its page shows each team's figures before and after for the periods the file covered.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_noop

from patronage.core.business import business_zone
from patronage.members.imports.base import (
    Column,
    CsvFile,
    ImportContext,
    Importer,
    Row,
    RowError,
    RowInvalid,
    RowProblems,
    parse_datetime,
)
from patronage.members.imports.messages import Message
from patronage.members.models import ImportJob
from patronage.standards.models import Source, Standard
from patronage.standards.selectors import (
    ComplianceRow,
    Scope,
    group_labels,
    period_bounds,
    periods_back,
    standard_by_code,
    standard_compliance,
)
from patronage.standards.services import MeasurementInput, measurements_check, measurements_write
from patronage.standards.stats import Summary, period_start

COLUMNS = (
    Column("standard", ("standard_code", "metric")),
    Column("value", ("rings", "seconds", "minutes", "hours")),
    Column("at", ("time", "timestamp", "datetime", "date_time")),
    Column("employee", ("agent", "staff", "username")),
    Column("team", ("team_name", "queue")),
    Column("store", ("store_code", "branch")),
    Column("external_id", ("call_id", "id", "record_id")),
)
# An upload's page compares at most this many periods (the last ones the file covered), so that a year of
# daily history stays a table a person reads.
PERIODS_COMPARED = 12
_BEFORE = "compliance_before"


@dataclass(frozen=True)
class _Parsed:
    line: int
    code: str
    item: MeasurementInput
    reported: frozenset[str]  # the columns whose problems are already named


@dataclass(frozen=True)
class TeamMove:
    """One team's figures for one period: before the upload wrote its rows, and now (None: no measurements)."""

    period_start: date
    team_id: int | None
    team_name: str  # empty for the measurements that name no team
    before: Summary | None
    after: Summary | None


@dataclass(frozen=True)
class UploadCompliance:
    """A standard an upload wrote to, judged over `period`, with its teams' moves, oldest period first."""

    standard: Standard
    period: str
    moves: list[TeamMove]


class MeasurementImporter(Importer):
    """Rows of measurements, each of the standard its column names or of the one the upload names."""

    columns: tuple[Column, ...] = COLUMNS

    def __init__(self, context: ImportContext):
        super().__init__(context)
        self.default_code = context.options.get("standard", "")
        self._standards: dict[str, Standard | None] = {}  # by code, None when its rows are refused
        self._refusals: dict[str, Message | None] = {}
        self._spans: dict[str, tuple[datetime, datetime]] = {}  # each standard's earliest and latest row
        self._before_kept = False

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        errors = [
            RowError(
                1, name, Message.of(gettext_noop("the header has no %(column)s column"), {"column": name})
            )
            for name in ("value", "at")
            if not csv_file.has(name)
        ]
        if not self.default_code and not csv_file.has("standard"):
            message = gettext_noop("the header has no standard column and the upload names no standard")
            errors.append(RowError(1, "standard", Message.of(message)))
        if self.default_code and (problem := self._standard_problem(self.default_code)):
            errors.append(RowError(1, "standard", problem))
        return errors

    def check(self, batch: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        parsed: list[_Parsed] = []
        for cells in batch:
            found, problems = self._parse(cells)
            errors += [RowError(cells.line, problem.field, problem.message) for problem in problems]
            if found is not None:
                parsed.append(found)
        for code, rows in _by_standard(parsed).items():
            _names, problems_found = measurements_check(
                standard=self._standard(code), items=[row.item for row in rows]
            )
            errors += [
                RowError(rows[index].line, field, Message.plain(message))
                for index, field, message in problems_found
                if field not in rows[index].reported
            ]
            for row in rows:
                self._span_add(code, row.item.at)
        return errors

    def write(self, batch: list[Row]) -> None:
        if not self._before_kept:
            self._before_keep()
        parsed = [found for found, _problems in map(self._parse, batch) if found is not None]
        for code, rows in _by_standard(parsed).items():
            standard, items = self._standard(code), [row.item for row in rows]
            names, _problems = measurements_check(standard=standard, items=items)
            counts = measurements_write(standard=standard, items=items, names=names)
            self.counts.created += counts.created
            self.counts.unchanged += counts.unchanged

    def _parse(self, row: Row) -> tuple[_Parsed | None, list[RowInvalid]]:
        """The row as a measurement of its standard (None when that is unusable) and its cells' problems."""
        problems = RowProblems()
        code = row.get("standard") or self.default_code
        if not code:
            message = gettext_noop("no standard: fill in its code or choose one on the upload")
            problems.found.append(RowInvalid("standard", message))
        elif problem := self._standard_problem(code):
            problems.found.append(RowInvalid("standard", problem))
        value = problems.read(lambda: _value_parse(row.get("value")))
        at = problems.read(lambda: _at_parse(row.get("at")))
        if not code or self._standards.get(code) is None:
            return None, problems.found
        item = MeasurementInput(
            # A refused cell stands in as a valid one, so that the service still checks the row's others.
            value=value if value is not None else 0.0,
            at=at if at is not None else self.context.started_at,
            employee=row.get("employee"),
            team=row.get("team"),
            store=row.get("store"),
            external_id=row.get("external_id"),
        )
        reported = frozenset(problem.field for problem in problems.found)
        return _Parsed(row.line, code, item, reported), problems.found

    def _standard(self, code: str) -> Standard:
        standard = self._standards[code]
        assert standard is not None  # rows naming an unusable standard are not parsed into measurements
        return standard

    def _standard_problem(self, code: str) -> Message | None:
        """Why rows cannot be measurements of the standard with this code (None: they can)."""
        if code not in self._refusals:
            standard = standard_by_code(code=code)
            refusal = None
            if standard is None:
                refusal = Message.of(gettext_noop("no standard has the code '%(code)s'"), {"code": code})
            elif standard.source != Source.MEASURED:
                refusal = Message.of(
                    gettext_noop("'%(code)s' is measured from cases and ratings: it takes no uploads"),
                    {"code": code},
                )
            self._refusals[code] = refusal
            self._standards[code] = standard if refusal is None else None
        return self._refusals[code]

    def _span_add(self, code: str, at: datetime) -> None:
        earliest, latest = self._spans.get(code, (at, at))
        self._spans[code] = (min(earliest, at), max(latest, at))

    def _before_keep(self) -> None:
        # Read inside the import's transaction before its first row is written: the figures the upload moved.
        self._before_kept = True
        if self.context.job_id is None:
            return
        before = {}
        for code, (earliest, latest) in self._spans.items():
            standard = self._standard(code)
            since, until = _compared_span(standard, earliest, latest)
            rows = standard_compliance(
                standard=standard, period=standard.period, group="team", scope=Scope(since=since, until=until)
            )
            before[code] = {
                "period": standard.period,
                "since": since.isoformat(),
                "until": until.isoformat(),
                "rows": [_row_kept(row) for row in rows],
            }
        options = {**self.context.options, _BEFORE: json.dumps(before)}
        ImportJob.objects.filter(pk=self.context.job_id).update(options=options)


def _by_standard(parsed: Iterable[_Parsed]) -> dict[str, list[_Parsed]]:
    grouped: dict[str, list[_Parsed]] = defaultdict(list)
    for row in parsed:
        grouped[row.code].append(row)
    return grouped


def _value_parse(value: str) -> float:
    if not value:
        raise RowInvalid("value", gettext_noop("the value is missing"))
    try:
        return float(value)
    except ValueError:
        raise RowInvalid(
            "value",
            gettext_noop("'%(value)s' is not a number (use a dot for decimals, no thousands separators)"),
            {"value": value},
        ) from None


def _at_parse(value: str) -> datetime:
    if not value:
        raise RowInvalid("at", gettext_noop("the time is missing"))
    return parse_datetime(value, "at")


def _compared_span(standard: Standard, earliest: datetime, latest: datetime) -> tuple[datetime, datetime]:
    """The instants from the first to past the last period the file covered, at most PERIODS_COMPARED of them."""
    zone = business_zone()
    first = period_start(earliest.astimezone(zone), standard.period)
    last = period_start(latest.astimezone(zone), standard.period)
    first = max(first, periods_back(period=standard.period, count=PERIODS_COMPARED, today=last)[0])
    return period_bounds(first, standard.period)[0], period_bounds(last, standard.period)[1]


def _row_kept(row: ComplianceRow) -> list[Any]:
    summary = row.summary
    assert row.period_start is not None
    return [
        row.period_start.isoformat(),
        row.group_id,
        summary.count,
        summary.meeting_target,
        summary.below_minimum,
        summary.median,
        summary.p90,
    ]


def upload_compliance(*, job: ImportJob) -> list[UploadCompliance]:
    """Each standard a finished upload wrote to, with its compliance by team in the periods the file covered,
    as it was just before the upload and as it is now."""
    kept = json.loads(job.options.get(_BEFORE) or "{}")
    found = []
    for code, before in kept.items():
        standard = standard_by_code(code=code)
        if standard is None:
            continue
        scope = Scope(
            since=datetime.fromisoformat(before["since"]), until=datetime.fromisoformat(before["until"])
        )
        after = standard_compliance(standard=standard, period=before["period"], group="team", scope=scope)
        moves = _moves(before["rows"], after)
        found.append(UploadCompliance(standard, before["period"], moves))
    return found


def _moves(kept: list[list[Any]], after: list[ComplianceRow]) -> list[TeamMove]:
    was = dict(_kept_read(row) for row in kept)
    now = {(row.period_start, row.group_id): row.summary for row in after if row.period_start is not None}
    keys = was.keys() | now.keys()
    names = group_labels("team", [team for _start, team in keys])
    return [
        TeamMove(
            start, team, names.get(team, "") if team else "", was.get((start, team)), now.get((start, team))
        )
        for start, team in sorted(keys, key=lambda key: (key[0], key[1] is None, names.get(key[1] or 0, "")))
    ]


def _kept_read(kept: list[Any]) -> tuple[tuple[date, int | None], Summary]:
    start, team, count, meeting, below, median, p90 = kept
    return (date.fromisoformat(start), team), Summary(count, meeting, below, median, p90)
