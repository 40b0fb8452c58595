"""The measurements file: a good file writes every row, a bad row changes nothing and is named by line and column,
the same file again changes nothing, local times are read on the business's clock, exports' own column names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from patronage.care.models import Team
from patronage.commerce.models import Channel, Store
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.members.imports import import_job_errors, import_job_run, import_job_start
from patronage.members.models import ImportJob, ImportStatus
from patronage.standards.imports import upload_compliance
from patronage.standards.models import Measurement, Standard
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create
from patronage.standards.stats import Summary
from patronage.standards.tests.factories import rings_standard

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_and_stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    business_set(time_zone="Asia/Seoul")
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rings(admin: User, agent: User, lead: User) -> Standard:
    Team.objects.create(name="Phones", lead=lead)
    Team.objects.create(name="Shop floor")
    Store.objects.create(
        code="gangnam",
        name="Gangnam",
        channel=Channel.objects.create(code="store", name="Store", kind="store"),
    )
    return rings_standard(actor=admin)


def _upload(text: str, *, actor: User | None = None, standard: str = "") -> ImportJob:
    job = import_job_start(
        kind="measurements",
        file_name="calls.csv",
        content=text.encode(),
        actor=actor,
        options={"standard": standard} if standard else {},
        enqueue=None,
    )
    return import_job_run(job_id=job.pk)


def _errors(job: ImportJob) -> list[tuple[object, object, object]]:
    errors, _more = import_job_errors(job)
    return [(error["line"], error["field"], error["message"]) for error in errors]


GOOD = (
    "standard,value,at,employee,team,store,external_id\n"
    "phone-rings,1,2026-11-30T09:15:00+09:00,sam_agent,Phones,,C-1\n"
    "phone-rings,3,2026-11-30T09:20:00+09:00,sol_lead@example.com,Phones,,C-2\n"
    "phone-rings,2.5,2026-11-30T10:00:00+09:00,,Shop floor,gangnam,C-3\n"
)


def test_a_good_file_writes_every_row_with_its_people_team_and_store(rings, agent: User, lead: User):
    job = _upload(GOOD)

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.unchanged_count) == (3, 0)
    written = list(
        Measurement.objects.filter(standard=rings).values_list(
            "value", "employee_id", "team__name", "store__code", "external_id"
        )
    )
    assert written == [
        (1.0, agent.pk, "Phones", None, "C-1"),
        (3.0, lead.pk, "Phones", None, "C-2"),
        (2.5, None, "Shop floor", "gangnam", "C-3"),
    ]


def test_a_file_with_one_bad_row_changes_nothing_and_names_its_line_and_column(rings):
    text = GOOD + "phone-rings,two,2026-11-30T11:00:00+09:00,nobody,Phones,,C-4\n"

    job = _upload(text)

    assert job.status == ImportStatus.REJECTED
    assert _errors(job) == [
        (5, "value", "'two' is not a number (use a dot for decimals, no thousands separators)"),
        (5, "employee", "no staff member is 'nobody'"),
    ]
    assert Measurement.objects.count() == 0


def test_an_unknown_or_derived_standard_is_a_row_error(rings, admin: User):
    standard_create(
        data=StandardInput(
            code="first-reply",
            name="First reply",
            unit="minutes",
            direction="lower",
            target=60,
            minimum=240,
            source="first_response",
        ),
        actor=admin,
    )
    text = "standard,value,at\nphone-rings,1,2026-11-30 09:00\nphone-ring,1,2026-11-30 09:00\nfirst-reply,5,2026-11-30 09:00\n"

    job = _upload(text)

    assert _errors(job) == [
        (3, "standard", "no standard has the code 'phone-ring'"),
        (4, "standard", "'first-reply' is measured from cases and ratings: it takes no uploads"),
    ]
    assert Measurement.objects.count() == 0


def test_the_same_file_again_changes_nothing(rings):
    _upload(GOOD)

    again = _upload(GOOD)

    assert again.status == ImportStatus.DONE
    assert (again.created_count, again.unchanged_count) == (0, 3)
    assert Measurement.objects.count() == 3


def test_a_time_without_an_offset_is_read_on_the_business_clock(rings):
    _upload("value,at\n1,2026-11-30 09:15\n", standard="phone-rings")

    # 09:15 in Seoul (UTC+9) is 00:15 UTC.
    assert Measurement.objects.get().at == datetime(2026, 11, 30, 0, 15, tzinfo=UTC)


def test_a_call_centre_export_is_read_by_its_own_column_names(rings, agent: User):
    text = "Call ID;Agent;Queue;Time;Rings\nX-9;sam_agent;Phones;2026-11-30 14:02;4\n"

    job = _upload(text, standard="phone-rings")

    assert job.status == ImportStatus.DONE
    assert list(Measurement.objects.values_list("external_id", "employee_id", "team__name", "value")) == [
        ("X-9", agent.pk, "Phones", 4.0)
    ]


def test_a_file_without_a_standard_column_needs_the_upload_to_name_one(rings):
    job = _upload("value,at\n1,2026-11-30 09:15\n")

    assert _errors(job) == [
        (1, "standard", "the header has no standard column and the upload names no standard")
    ]


def test_the_upload_keeps_each_teams_compliance_from_before_it(rings, admin: User):
    # Before: the Phones team answered one call in 1 ring and one in 5 in the week of 30 November.
    measurements_add(
        standard=rings,
        items=[
            MeasurementInput(value=1, at=datetime(2026, 11, 30, 1, tzinfo=UTC), team="Phones"),
            MeasurementInput(value=5, at=datetime(2026, 11, 30, 2, tzinfo=UTC), team="Phones"),
        ],
        actor=admin,
    )

    job = _upload(GOOD)

    [compared] = upload_compliance(job=ImportJob.objects.get(pk=job.pk))
    assert (compared.standard, compared.period) == (rings, "week")
    moves = {
        move.team_name: (move.period_start, _counted(move.before), _counted(move.after))
        for move in compared.moves
    }
    # The file added to Phones a call in 1 ring and one in 3 rings: 2 of 4 within the target.
    assert moves == {
        "Phones": (date(2026, 11, 30), (2, 1), (4, 2)),
        "Shop floor": (date(2026, 11, 30), None, (1, 0)),
    }


def _counted(summary: Summary | None) -> tuple[int, int] | None:
    return (summary.count, summary.meeting_target) if summary is not None else None


def test_the_import_command_takes_the_standard(rings, tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_text("value,at\n1,2026-11-30 09:15\n2,2026-11-30 09:16\n")
    out = StringIO()

    call_command(
        "import", "measurements", str(path), "--standard", "phone-rings", stdout=out, stderr=StringIO()
    )

    assert "2 rows: 2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert Measurement.objects.filter(standard=rings).count() == 2
