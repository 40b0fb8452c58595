"""Changes to segments: defining them, changing their rules, retiring them, and static lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import code_refusal, texts_problems
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.members.models import Member, MemberStatus
from patronage.members.selectors import member_find_by_identity
from patronage.segments.matching import rules_reads, rules_tick, rules_tree
from patronage.segments.models import Segment, SegmentKind, SegmentMember
from patronage.segments.rules import rules_json
from patronage.segments.upkeep import Moves, moves_write, segment_refresh, segments_follow, upkeep_start

LIST_MAX = 200_000  # members in one static list a person uploads
# Words the console's addresses use beside a segment's code (/console/segments/new/).
RESERVED_CODES = frozenset({"new", "preview", "fields", "selection"})


@dataclass
class SegmentInput:
    """What defines a segment, as the builder or the API gives it."""

    code: str
    name: str
    rules: Any = None  # the tree (rules.py); None for a static list
    kind: str = SegmentKind.RULES
    description: str = ""
    name_translations: Mapping[str, str] = field(default_factory=dict)
    description_translations: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Checked:
    rules: dict[str, Any]
    reads: list[str]
    time_based: bool
    names: dict[str, str]
    descriptions: dict[str, str]


def _text_problems(data: SegmentInput) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    elif data.code in RESERVED_CODES:
        problems.append(
            ("code", _("“%(code)s” is kept for the console's pages; choose another") % {"code": data.code})
        )
    problems += texts_problems(data, (("name", 100, True), ("description", 300, False)))
    if data.kind not in SegmentKind.values:
        problems.append(("kind", _("must be rules or static")))
    return problems


def _circle(code: str, reads: frozenset[str]) -> str | None:
    """The segment this one's rules name that (through others) already names it, if any."""
    graph = {
        other: {read.removeprefix("segment:") for read in other_reads if read.startswith("segment:")}
        for other, other_reads in Segment.objects.exclude(code=code).values_list("code", "reads")
    }
    named = {read.removeprefix("segment:") for read in reads if read.startswith("segment:")}
    for start in sorted(named):
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current == code:
                return start
            if current not in seen:
                seen.add(current)
                stack.extend(graph.get(current, ()))
    return None


def _checked(data: SegmentInput) -> _Checked:
    problems = _text_problems(data)
    languages = business_languages()
    names, name_problems = translations_clean(
        data.name_translations, field="name_translations", languages=languages, max_length=100
    )
    descriptions, description_problems = translations_clean(
        data.description_translations, field="description_translations", languages=languages, max_length=300
    )
    problems += name_problems + description_problems
    checked = _Checked({}, [], False, names, descriptions)
    if data.kind == SegmentKind.RULES:
        try:
            node = rules_tree(data.rules)
        except ValidationFailed as error:
            problems += [(item["field"], item["message"]) for item in error.errors or []]
        else:
            reads = rules_reads(node)
            circle = _circle(data.code, reads)
            if f"segment:{data.code}" in reads or circle is not None:
                problems.append(
                    ("rules", _("a segment cannot be built on itself, even through another segment"))
                )
            checked = _Checked(rules_json(node), sorted(reads), rules_tick(node), names, descriptions)
    elif data.rules is not None:
        problems.append(("rules", _("a static list has no rules")))
    if problems:
        raise ValidationFailed.every(problems)
    return checked


def _fill(segment: Segment, data: SegmentInput, checked: _Checked) -> None:
    main = business_languages()[0]
    segment.name, segment.description = data.name.strip(), (data.description or "").strip()
    segment.name_translations = translations_merge(
        segment.name_translations, checked.names, main_language=main
    )
    segment.description_translations = translations_merge(
        segment.description_translations, checked.descriptions, main_language=main
    )
    segment.rules, segment.reads, segment.time_based = checked.rules, checked.reads, checked.time_based


def segment_create(*, data: SegmentInput, actor: User | None) -> Segment:
    """A new segment, its members found at once (a static list starts empty); every problem named."""
    checked = _checked(data)
    now = clock.now()
    segment = Segment(code=data.code, kind=data.kind, created_at=now)
    _fill(segment, data, checked)
    try:
        with transaction.atomic(durable=True):
            segment.save()
            audit_change(actor=actor, action="segment.created", target=segment, code=segment.code)
            upkeep_start()
            # A new segment's members are where it starts, not news about each member: no timeline
            # event nor webhook for each (decision 0028).
            segment_refresh(segment=segment, now=now, announce=False)
    except IntegrityError as error:
        if Segment.objects.filter(code=data.code).exists():
            raise Conflict(
                _("a segment with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    segment.refresh_from_db()
    return segment


def segment_update(*, segment: Segment, data: SegmentInput, actor: User | None) -> Segment:
    """Changes a segment's words and rules; new rules are applied to everyone at once. Its code and kind
    stay (other segments and campaigns name it)."""
    data.code, data.kind = segment.code, segment.kind
    checked = _checked(data)
    now = clock.now()
    with transaction.atomic(durable=True):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        rules_changed = segment.rules != checked.rules
        _fill(segment, data, checked)
        segment.save()
        audit_change(actor=actor, action="segment.changed", target=segment, code=segment.code)
        if rules_changed and segment.active:
            moves = segment_refresh(segment=segment, now=now, announce=False)
            segments_follow(code=segment.code, moves=moves, now=now)
    segment.refresh_from_db()
    return segment


def segment_retire(*, segment: Segment, active: bool, actor: User | None) -> Segment:
    """Stops (or starts again) keeping a segment; a retired one has no members. A segment others are
    built on cannot be retired before them."""
    if not active:
        readers = sorted(
            code
            for code, reads in Segment.objects.filter(active=True)
            .exclude(pk=segment.pk)
            .values_list("code", "reads")
            if f"segment:{segment.code}" in reads
        )
        if readers:
            raise Conflict(
                _("segments built on this one must be retired first: %(codes)s")
                % {"codes": ", ".join(readers)},
                field="active",
            )
    now = clock.now()
    with transaction.atomic(durable=True):
        Segment.objects.filter(pk=segment.pk).update(active=active)
        segment.active = active
        if active:
            segment_refresh(segment=segment, now=now, announce=False)
        else:
            SegmentMember.objects.filter(segment=segment).delete()
            Segment.objects.filter(pk=segment.pk).update(member_count=0)
        audit_change(actor=actor, action="segment.restored" if active else "segment.retired", target=segment)
    segment.refresh_from_db()
    return segment


def segment_list_write(*, code: str, name: str, member_ids: set[int], actor: User | None) -> Segment:
    """A static list made, or replaced whole, from a list drawn elsewhere (the win-back ranking); a segment
    of that code kept by rules is not overwritten (409)."""
    segment = Segment.objects.filter(code=code).first()
    if segment is None:
        segment = segment_create(
            data=SegmentInput(code=code, name=name, kind=SegmentKind.STATIC), actor=actor
        )
    elif segment.kind != SegmentKind.STATIC:
        raise Conflict(_("the segment '%(code)s' is kept by its rules") % {"code": code}, field="code")
    elif not segment.active:
        segment = segment_retire(segment=segment, active=True, actor=actor)
    segment_members_set(segment=segment, member_ids=member_ids, actor=actor, replace=True)
    segment.refresh_from_db()
    return segment


def _static(segment: Segment) -> None:
    if segment.kind != SegmentKind.STATIC:
        raise Conflict(
            _("only a static list's members are set by hand; this segment follows its rules"), field="kind"
        )


def segment_members_set(
    *, segment: Segment, member_ids: set[int], actor: User | None, replace: bool = True
) -> Moves:
    """Sets (or, with replace False, adds to) a static list's members; each move is announced."""
    _static(segment)
    if len(member_ids) > LIST_MAX:
        raise ValidationFailed(
            _("a list holds at most %(max)d customers") % {"max": LIST_MAX}, field="members"
        )
    active = set(
        Member.objects.filter(pk__in=member_ids, status=MemberStatus.ACTIVE).values_list("pk", flat=True)
        if len(member_ids) <= 10_000
        else _active_ids(member_ids)
    )
    unknown = sorted(member_ids - active)
    if unknown:
        raise ValidationFailed(
            _("no active customer has the number %(ids)s") % {"ids": ", ".join(map(str, unknown[:10]))},
            field="members",
        )
    now = clock.now()
    with transaction.atomic(durable=True):
        if not replace:
            active |= set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True))
        moves = moves_write(segment=segment, wanted=active, now=now)
        audit_change(
            actor=actor,
            action="segment.listed",
            target=segment,
            entered=len(moves.entered),
            left=len(moves.left),
        )
        segments_follow(code=segment.code, moves=moves, now=now)
    return moves


def _active_ids(member_ids: set[int]) -> set[int]:
    ordered = sorted(member_ids)
    found: set[int] = set()
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        found.update(
            Member.objects.filter(pk__in=chunk, status=MemberStatus.ACTIVE).values_list("pk", flat=True)
        )
    return found


def segment_list_read(content: bytes) -> set[int]:
    """The members a CSV list names, one per line: a customer number, e-mail, phone or card number (a
    header line is skipped). Every line no one matches is named, and nothing is read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(_("the file must be UTF-8 text"), field="file") from error
    found: set[int] = set()
    problems: list[tuple[str, str]] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        value = (row[0] if row else "").strip()
        if not value or (
            number == 1 and value.lower() in {"member", "customer", "id", "email", "e-mail", "phone"}
        ):
            continue
        member_id = _member_named(value)
        if member_id is None:
            problems.append(
                (
                    f"line {number}",
                    _("line %(line)d: no customer is '%(value)s'") % {"line": number, "value": value[:80]},
                )
            )
            if len(problems) >= 20:
                break
        else:
            found.add(member_id)
    if problems:
        raise ValidationFailed.every(problems)
    if not found:
        raise ValidationFailed(_("the file names no customer"), field="file")
    return found


def _member_named(value: str) -> int | None:
    number = value.removeprefix("#")
    if number.isdigit() and len(number) <= 12:
        found = (
            Member.objects.filter(pk=int(number), status=MemberStatus.ACTIVE)
            .values_list("pk", flat=True)
            .first()
        )
        if found is not None:
            return int(found)
    member = member_find_by_identity(value=value)
    return member.pk if member is not None and member.status == MemberStatus.ACTIVE else None
