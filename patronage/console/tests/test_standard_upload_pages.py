"""The measurement upload pages: who may upload and read an upload, the error report, the progress it polls,
and each team's compliance before and after."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from patronage.care.models import Team
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.imports.base import csv_open
from patronage.members.models import ImportJob, ImportStatus
from patronage.standards.imports import COLUMNS
from patronage.standards.models import Measurement, Standard
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create
from patronage.standards.tests.factories import rings_standard

from .conftest import page_text

CALLS = (
    b"Call ID,Agent,Queue,Time,Rings\n"
    b"C-1,sam_agent,Phones,2026-11-30 09:02,1\n"
    b"C-2,sam_agent,Phones,2026-11-30 09:15,2\n"
)


@pytest.fixture(autouse=True)
def _media_eager_and_frozen(settings, tmp_path):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    with time_machine.travel(datetime(2026, 12, 1, 3, tzinfo=UTC), tick=False):
        yield
    app.conf.task_always_eager = False


@pytest.fixture
def rings(admin: User, lead: User, agent: User) -> Standard:
    business_set(time_zone="Asia/Seoul")
    Team.objects.create(name="Phones", lead=lead)
    return rings_standard(actor=admin)


def _upload(client: Client, standard: str, content: bytes, captured) -> object:
    with captured(execute=True):
        return client.post(
            reverse("console:standard_upload"),
            {"standard": standard, "file": SimpleUploadedFile("calls.csv", content)},
        )


def test_anonymous_visitors_are_sent_to_the_login(db):
    for url in (reverse("console:standard_upload"), reverse("console:standard_upload_job", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("console:login"))


def test_a_service_agent_can_neither_upload_nor_read_an_upload(client_as, agent, lead, rings):
    job = import_job_start(
        kind="measurements",
        file_name="calls.csv",
        content=CALLS,
        actor=lead,
        options={"standard": "phone-rings"},
        enqueue=None,
    )
    client = client_as(agent)

    assert client.get(reverse("console:standard_upload")).status_code == 403
    refused = client.post(
        reverse("console:standard_upload"),
        {"standard": "phone-rings", "file": SimpleUploadedFile("calls.csv", CALLS)},
    )
    assert refused.status_code == 403
    assert client.get(reverse("console:standard_upload_job", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1


def test_the_upload_page_shows_no_customer_import(client_as, lead, manager):
    customers = import_job_start(
        kind="customers", file_name="list.csv", content=b"email\na@example.com\n", actor=manager, enqueue=None
    )

    response = client_as(lead).get(reverse("console:standard_upload_job", args=[customers.pk]))

    assert response.status_code == 404


def test_a_lead_uploads_a_call_centre_export_and_sees_the_team_move(
    client_as, admin, lead, rings, django_capture_on_commit_callbacks
):
    # Before: the Phones team let one call ring 5 times in the week of 30 November.
    measurements_add(
        standard=rings,
        items=[MeasurementInput(value=5, at=datetime(2026, 11, 30, 0, tzinfo=UTC), team="Phones")],
        actor=admin,
    )
    client = client_as(lead)

    response = _upload(client, "phone-rings", CALLS, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.url == reverse("console:standard_upload_job", args=[job.pk])
    text = page_text(client.get(response.url))
    assert "Done" in text
    assert "Standard Phone answered within 2 rings" in text
    assert "Created 2 Updated 0 Unchanged 0" in text
    assert "Phone answered within 2 rings: each team before and after this upload" in text
    # One call of one within 2 rings before; three calls, two within 2 rings, after.
    assert "Phones 1 → 3 0.0% → 66.7% 100.0% → 33.3%" in text
    assert f'href="/console/standards/{rings.pk}/"' in client.get(response.url).content.decode()
    assert Measurement.objects.count() == 3


def test_a_file_with_a_bad_row_records_nothing_and_its_page_names_the_line(
    client_as, lead, rings, django_capture_on_commit_callbacks
):
    client = client_as(lead)
    bad = CALLS + b"C-3,nobody,Phones,2026-11-30 09:20,one\n"

    response = _upload(client, "phone-rings", bad, django_capture_on_commit_callbacks)

    text = page_text(client.get(response.url))
    assert "Rejected" in text
    assert "4 value 'one' is not a number" in text
    assert "4 employee no staff member is 'nobody'" in text
    assert Measurement.objects.count() == 0


def test_a_running_upload_polls_its_own_page_and_a_finished_one_stops(client_as, lead, rings):
    job = import_job_start(
        kind="measurements",
        file_name="calls.csv",
        content=CALLS,
        actor=lead,
        options={"standard": "phone-rings"},
        enqueue=None,
    )
    client = client_as(lead)
    url = reverse("console:standard_upload_job", args=[job.pk])

    running = client.get(url).content.decode()
    assert f'hx-get="{url}"' in running
    assert 'hx-trigger="every 1s"' in running

    import_job_run(job_id=job.pk)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "hx-trigger" not in partial
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_the_form_offers_only_measured_standards_and_the_file_column(client_as, admin, lead, rings):
    standard_create(
        data=StandardInput(
            code="first-reply",
            name="First reply within an hour",
            unit="minutes",
            direction="lower",
            target=60,
            minimum=240,
            source="first_response",
        ),
        actor=admin,
    )

    text = page_text(client_as(lead).get(reverse("console:standard_upload")))

    assert "From the file's standard column Phone answered within 2 rings" in text
    assert "First reply within an hour" not in text


def test_the_general_import_page_does_not_offer_measurements(client_as, admin):
    client = client_as(admin)

    page = client.get(reverse("console:imports")).content.decode()
    refused = client.post(
        reverse("console:imports"), {"kind": "measurements", "file": SimpleUploadedFile("calls.csv", CALLS)}
    )

    assert 'value="measurements"' not in page
    assert refused.status_code == 400
    assert ImportJob.objects.count() == 0


def test_the_page_links_a_sample_file_whose_every_column_is_understood(client_as, lead):
    page = client_as(lead).get(reverse("console:standard_upload")).content.decode()
    sample = finders.find("console/samples/measurements.csv")

    assert static("console/samples/measurements.csv") in page
    assert None not in csv_open(Path(str(sample)), COLUMNS).columns
