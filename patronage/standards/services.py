"""Changes to standards and their measurements."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.care.models import CaseChannel, Team
from patronage.commerce.models import Store
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import code_refusal, instant_refusal, text_refusal, texts_problems
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.core.selectors import staff_users
from patronage.core.sql import rows_insert_batch
from patronage.standards.models import Direction, Measurement, Period, Source, Standard

# A measurement's value: wider than any rings, seconds or hours a person measures, narrower than what a
# float column or a chart would mangle.
VALUE_LIMIT = 1e9
EXTERNAL_ID_MAX = 100
ITEMS_MAX = 10_000
WRITE_CHUNK = 2_000


@dataclass
class StandardInput:
    """What defines a standard, as a form or the API gives it."""

    code: str
    name: str
    unit: str
    direction: str
    target: float
    minimum: float
    target_share: float = 0.95
    source: str = Source.MEASURED
    period: str = Period.WEEK
    name_translations: Mapping[str, str] = field(default_factory=dict)
    unit_translations: Mapping[str, str] = field(default_factory=dict)
    channel: str = ""  # a contact channel's code (care.models.CaseChannel): phone, email, store...
    team: str = ""  # a team's name
    store: str = ""  # a store's code
    owner: str = ""  # a staff member's username


def _number_problems(data: StandardInput) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name in ("target", "minimum", "target_share"):
        value = getattr(data, name)
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > VALUE_LIMIT:
            problems.append((name, _("must be a number")))
    if problems:
        return problems
    if not 0 < data.target_share <= 1:
        problems.append(("target_share", _("must be more than 0 and at most 1, such as 0.95 for 95%")))
    if data.direction == Direction.LOWER and data.minimum < data.target:
        problems.append(("minimum", _("when lower is better, the minimum cannot be lower than the target")))
    if data.direction == Direction.HIGHER and data.minimum > data.target:
        problems.append(("minimum", _("when higher is better, the minimum cannot be higher than the target")))
    return problems


def _text_problems(data: StandardInput) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    problems += texts_problems(data, (("name", 100, True), ("unit", 30, True)))
    if data.direction not in Direction.values:
        problems.append(("direction", _("must be lower or higher")))
    if data.source not in Source.values:
        problems.append(("source", _("must be one of: %(known)s") % {"known": ", ".join(Source.values)}))
    if data.period not in Period.values:
        problems.append(("period", _("must be day, week or month")))
    return problems


@dataclass
class _Places:
    team: Team | None = None
    store: Store | None = None
    owner: User | None = None


def _places(data: StandardInput, problems: list[tuple[str, str]]) -> _Places:
    places = _Places()
    if data.channel and data.channel not in CaseChannel.values:
        problems.append(
            ("channel", _("must be one of: %(known)s") % {"known": ", ".join(CaseChannel.values)})
        )
    if data.team:
        places.team = Team.objects.filter(name=data.team).first()
        if places.team is None:
            problems.append(("team", _("no team is named '%(name)s'") % {"name": data.team}))
    if data.store:
        places.store = Store.objects.filter(code=data.store).first()
        if places.store is None:
            problems.append(("store", _("no store has the code '%(code)s'") % {"code": data.store}))
    if data.owner:
        places.owner = staff_find(data.owner)
        if places.owner is None:
            problems.append(("owner", _("no staff member is '%(name)s'") % {"name": data.owner}))
    return places


def staff_find(name: str) -> User | None:
    """The active staff member with this username or e-mail address."""
    staff = staff_users()
    return staff.filter(username=name).first() or staff.filter(email__iexact=name).first() if name else None


def _checked(data: StandardInput) -> tuple[_Places, dict[str, str], dict[str, str]]:
    problems = _text_problems(data) + _number_problems(data)
    languages = business_languages()
    names, name_problems = translations_clean(
        data.name_translations, field="name_translations", languages=languages, max_length=100
    )
    units, unit_problems = translations_clean(
        data.unit_translations, field="unit_translations", languages=languages, max_length=30
    )
    problems += name_problems + unit_problems
    places = _places(data, problems)
    if problems:
        raise ValidationFailed.every(problems)
    return places, names, units


def _fill(
    standard: Standard, data: StandardInput, places: _Places, names: dict[str, str], units: dict[str, str]
) -> None:
    main = business_languages()[0]
    standard.name, standard.unit = data.name.strip(), data.unit.strip()
    standard.name_translations = translations_merge(standard.name_translations, names, main_language=main)
    standard.unit_translations = translations_merge(standard.unit_translations, units, main_language=main)
    standard.direction, standard.target, standard.minimum = data.direction, data.target, data.minimum
    standard.target_share, standard.source, standard.period = data.target_share, data.source, data.period
    standard.channel, standard.team, standard.store = data.channel, places.team, places.store
    standard.owner = places.owner


def standard_create(*, data: StandardInput, actor: User | None) -> Standard:
    """A new standard; every problem of the input is named at once, and a code in use is refused."""
    places, names, units = _checked(data)
    standard = Standard(code=data.code, created_at=clock.now())
    _fill(standard, data, places, names, units)
    try:
        with transaction.atomic(durable=True):
            standard.save()
            audit_change(actor=actor, action="standard.created", target=standard, code=standard.code)
    except IntegrityError as error:
        if Standard.objects.filter(code=data.code).exists():
            raise Conflict(
                _("a standard with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    return standard


def standard_update(*, standard: Standard, data: StandardInput, actor: User | None) -> Standard:
    """Changes a standard's words, target, minimum and scope; its code and source stay (its measurements
    were taken under them)."""
    data.code, data.source = standard.code, standard.source
    places, names, units = _checked(data)
    with transaction.atomic(durable=True):
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        _fill(standard, data, places, names, units)
        standard.save()
        audit_change(actor=actor, action="standard.changed", target=standard, code=standard.code)
    return standard


def standard_retire(*, standard: Standard, active: bool, actor: User | None) -> Standard:
    """Stops (or starts again) a standard being measured and shown; its measurements stay."""
    with transaction.atomic(durable=True):
        Standard.objects.filter(pk=standard.pk).update(active=active)
        audit_change(
            actor=actor, action="standard.retired" if not active else "standard.restored", target=standard
        )
    standard.active = active
    return standard


@dataclass(frozen=True)
class MeasurementInput:
    """One measurement as sent: who, team and store are names a call-centre export carries."""

    value: float
    at: datetime
    employee: str = ""  # a staff member's username or e-mail address
    team: str = ""  # a team's name
    store: str = ""  # a store's code
    external_id: str = ""


@dataclass(frozen=True)
class AddCounts:
    created: int
    unchanged: int


class _Names:
    """Staff, teams and stores by the names measurements give, each looked up once per call."""

    def __init__(self, items: Sequence[MeasurementInput]):
        employees = {item.employee for item in items if item.employee}
        staff = staff_users()
        self.employees = {u.username: u.pk for u in staff.filter(username__in=employees)}
        for user in staff.filter(email__in=employees - set(self.employees)):
            self.employees.setdefault(user.email, user.pk)
        teams = {item.team for item in items if item.team}
        self.teams = dict(Team.objects.filter(name__in=teams).values_list("name", "pk"))
        stores = {item.store for item in items if item.store}
        self.stores = dict(Store.objects.filter(code__in=stores).values_list("code", "pk"))


def measurement_problems(item: MeasurementInput, names: _Names) -> list[tuple[str, str]]:
    """What is wrong with one measurement, field by field (the fields are the API's and the CSV's)."""
    problems: list[tuple[str, str]] = []
    if (
        not isinstance(item.value, int | float)
        or not math.isfinite(item.value)
        or abs(item.value) > VALUE_LIMIT
    ):
        problems.append(("value", _("must be a number")))
    refusal = instant_refusal(item.at)
    if refusal is not None:
        problems.append(("at", refusal.message()))
    if item.employee and item.employee not in names.employees:
        problems.append(("employee", _("no staff member is '%(name)s'") % {"name": item.employee}))
    if item.team and item.team not in names.teams:
        problems.append(("team", _("no team is named '%(name)s'") % {"name": item.team}))
    if item.store and item.store not in names.stores:
        problems.append(("store", _("no store has the code '%(code)s'") % {"code": item.store}))
    if len(item.external_id) > EXTERNAL_ID_MAX:
        problems.append(("external_id", _("at most %(max)d characters") % {"max": EXTERNAL_ID_MAX}))
    elif (refusal := text_refusal(item.external_id)) is not None:
        problems.append(("external_id", refusal.message()))
    return problems


def measurements_check(
    *, standard: Standard, items: Sequence[MeasurementInput]
) -> tuple[_Names, list[tuple[int, str, str]]]:
    """Every problem of a batch as (item index, field, message), and the names it resolved."""
    names = _Names(items)
    problems = [
        (index, place, message)
        for index, item in enumerate(items)
        for place, message in measurement_problems(item, names)
    ]
    return names, problems


def measurements_add(
    *, standard: Standard, items: Sequence[MeasurementInput], actor: User | None, names: _Names | None = None
) -> AddCounts:
    """Records a batch of measurements, all or none: one bad item refuses the batch and names it
    (`items.<n>.<field>`). An item whose external id is known (from before, or earlier in the batch)
    changes nothing, so a retried batch records nothing twice."""
    if standard.source != Source.MEASURED:
        raise Conflict(_("this standard is measured from cases and ratings, not sent"), field="standard")
    if len(items) > ITEMS_MAX:
        raise ValidationFailed(_("at most %(max)d items at once") % {"max": ITEMS_MAX}, field="items")
    if names is None:
        names, problems = measurements_check(standard=standard, items=items)
        if problems:
            raise ValidationFailed.every(
                [(f"items.{index}.{place}", message) for index, place, message in problems]
            )
    with transaction.atomic(durable=True):
        counts = measurements_write(standard=standard, items=items, names=names)
        audit_change(actor=actor, action="measurements.added", target=standard, count=counts.created)
    return counts


def measurements_write(*, standard: Standard, items: Sequence[MeasurementInput], names: _Names) -> AddCounts:
    """Inserts a checked batch inside the caller's transaction (the API's, an upload's); an item whose
    external id the standard has, from before or earlier in the batch, is skipped and counted unchanged."""
    rows = _rows(standard, items, names)
    # The unique index (standard, external id) skips what is known, in the same statement: a retried batch
    # and a concurrent request with the same ids write nothing twice, and no lookup can be raced. One
    # statement per chunk of arrays (core.sql), not a model object per measurement.
    created = sum(
        rows_insert_batch(Measurement, rows[start : start + WRITE_CHUNK], duplicates_skipped=True)
        for start in range(0, len(rows), WRITE_CHUNK)
    )
    return AddCounts(created=created, unchanged=len(items) - created)


def _rows(standard: Standard, items: Iterable[MeasurementInput], names: _Names) -> list[dict[str, Any]]:
    now = clock.now()
    return [
        {
            "standard_id": standard.pk,
            "value": float(item.value),
            "at": item.at,
            "employee_id": names.employees.get(item.employee),
            "team_id": names.teams.get(item.team),
            "store_id": names.stores.get(item.store),
            "external_id": item.external_id,
            "case_id": None,
            "created_at": now,
        }
        for item in items
    ]
