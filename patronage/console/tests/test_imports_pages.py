"""The import pages: who may open them, an upload through the page, and the error report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from patronage.conftest import program_launched
from patronage.loyalty.models import Program
from patronage.loyalty.services import earn_rule_save
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.models import ImportJob, ImportStatus, Member

from .conftest import page_text

BAD_FILE = b"email,name\ngood@example.com,Good\nbroken-address,Bad\nalso@example.com,Fine\n,Nobody\n"


@pytest.fixture(autouse=True)
def _media_and_eager_celery(settings, tmp_path):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def job(manager) -> ImportJob:
    return import_job_start(
        kind="customers", file_name="list.csv", content=BAD_FILE, actor=manager, enqueue=None
    )


def test_anonymous_visitors_are_sent_to_the_login(db):
    for url in (reverse("console:imports"), reverse("console:import_detail", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("console:login"))


def test_staff_without_the_import_permission_are_refused(client_as, analyst, agent, job):
    for user in (analyst, agent):
        client = client_as(user)
        assert client.get(reverse("console:imports")).status_code == 403
        assert client.get(reverse("console:import_detail", args=[job.pk])).status_code == 403
        upload = SimpleUploadedFile("x.csv", BAD_FILE)
        assert (
            client.post(reverse("console:imports"), {"kind": "customers", "file": upload}).status_code == 403
        )
    assert ImportJob.objects.count() == 1


def test_a_program_manager_sees_the_imports(client_as, manager, job):
    response = client_as(manager).get(reverse("console:imports"))

    assert response.status_code == 200
    text = page_text(response)
    assert "list.csv" in text
    assert "Queued" in text


def test_an_upload_with_bad_rows_shows_their_line_numbers_and_imports_nothing(
    client_as, manager, django_capture_on_commit_callbacks
):
    client = client_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:imports"),
            {"kind": "customers", "file": SimpleUploadedFile("members.csv", BAD_FILE)},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("console:import_detail", args=[job.pk])

    text = page_text(client.get(response.url))

    assert "Rejected" in text
    assert "Line Column Problem" in text
    assert "3 email 'broken-address' is not a valid e-mail address" in text
    assert "5 — the row has none of external_id, email, phone, card_number" in text
    assert Member.objects.count() == 0


def test_a_running_import_polls_its_progress_and_a_finished_one_stops(client_as, manager, job):
    client = client_as(manager)
    url = reverse("console:import_detail", args=[job.pk])

    running = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert f'hx-get="{url}"' in running

    import_job_run(job_id=job.pk)
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "hx-trigger" not in partial.content.decode()
    assert "broken-address" in page_text(partial)


def test_a_done_import_shows_its_counts(client_as, manager):
    done = import_job_start(
        kind="customers",
        file_name="ok.csv",
        content=b"email\na@example.com\nb@example.com\n",
        actor=manager,
        enqueue=None,
    )
    import_job_run(job_id=done.pk)

    text = page_text(client_as(manager).get(reverse("console:import_detail", args=[done.pk])))

    assert ImportJob.objects.get(pk=done.pk).status == ImportStatus.DONE
    assert "Created 2 Updated 0 Unchanged 0" in text


def test_an_import_page_shows_the_options_it_was_given_and_what_it_created(client_as, manager):
    job = import_job_start(
        kind="transactions",
        file_name="sales.csv",
        content=b"order_id,date,total,store\nR-1,2024-05-01,100,gangnam\n",
        actor=manager,
        options={"source": "pos"},
        enqueue=None,
    )
    import_job_run(job_id=job.pk)

    text = page_text(client_as(manager).get(reverse("console:import_detail", args=[job.pk])))

    assert "Sending system of the orders (transactions) pos" in text
    assert "1 new store created" in text


def test_an_upload_naming_a_program_books_the_points_there_and_its_page_says_so(
    client_as, manager, alice, django_capture_on_commit_callbacks
):
    Program.objects.create(code="other", name="Other Club", currency="KRW")
    coffee = program_launched(Program.objects.create(code="coffee", name="Coffee Club", currency="KRW"))
    earn_rule_save(
        program=coffee, code="base", name="Base", kind="spend", params={"points": 1, "per": "100"}, actor=None
    )
    sales = b"order_id,email,occurred_at,amount\nR-1,alice@example.com,2024-05-01,15000\n"
    client = client_as(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:imports"),
            {"kind": "transactions", "file": SimpleUploadedFile("sales.csv", sales), "program": "coffee"},
        )
    text = page_text(client.get(response.url))

    assert "Loyalty program of the orders (transactions) coffee" in text
    assert "1 purchase booked in Coffee Club, earning 150 points" in text


def test_an_unknown_import_is_not_found(client_as, manager):
    assert client_as(manager).get(reverse("console:import_detail", args=[999])).status_code == 404


DATES_FILE = b"email,birth_date\nok@example.com,1990-01-01\nlate@example.com,31/12/1990\n,1990-01-01\n"


def test_a_korean_manager_reads_the_row_errors_in_korean(client_as, manager, settings):
    job = import_job_start(
        kind="customers", file_name="dates.csv", content=DATES_FILE, actor=manager, enqueue=None
    )
    import_job_run(job_id=job.pk)  # in the worker: no language active, stored in English
    client = client_as(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    text = page_text(client.get(reverse("console:import_detail", args=[job.pk])))

    with translation.override("ko"):
        heading = gettext("Nothing was imported: fix these rows and upload the file again")
        bad_date = gettext("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": "31/12/1990"}
        no_identity = gettext("the row has none of external_id, email, phone, card_number")
    assert heading != "Nothing was imported: fix these rows and upload the file again"
    assert heading in text
    assert f"3 birth_date {bad_date}" in text
    assert f"4 — {no_identity}" in text


def test_an_upload_from_a_korean_page_stores_its_errors_in_english(
    client_as, manager, settings, django_capture_on_commit_callbacks
):
    client = client_as(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    with django_capture_on_commit_callbacks(execute=True):  # the eager task runs in the Korean request
        client.post(
            reverse("console:imports"),
            {"kind": "customers", "file": SimpleUploadedFile("members.csv", BAD_FILE)},
        )

    stored = ImportJob.objects.get().errors
    # The e-mail check is a shared service, translated when it raises: kept as rendered, in English.
    assert stored[0] == {
        "line": 3,
        "field": "email",
        "message": "'broken-address' is not a valid e-mail address",
    }
    assert stored[1]["message"] == "the row has none of external_id, email, phone, card_number"
    assert stored[1]["template"] == "the row has none of external_id, email, phone, card_number"
