"""Bulk imports through the API: upload, follow the job, read the row errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from config.celery import app as celery_app
from patronage.conftest import program_launched
from patronage.loyalty.models import Account, Program
from patronage.loyalty.services import earn_rule_save
from patronage.members.models import Member

GOOD = b"external_id,email,name\nC-1,one@example.com,One\nC-2,two@example.com,Two\n"
BAD = b"external_id,email,name\nC-1,one@example.com,One\nC-2,not-an-email,Two\n"


@pytest.fixture
def upload_and_run(db, django_capture_on_commit_callbacks):
    """Uploads a file and lets the job run inline once the upload commits, as a worker would."""

    def run(client, content: bytes) -> int:
        celery_app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = _upload(client, content)
        finally:
            celery_app.conf.task_always_eager = False
        assert response.status_code == 202
        return response.json()["id"]

    return run


def _upload(client, content: bytes, kind: str = "customers"):
    return client.post(
        "/api/v1/imports", {"kind": kind, "file": SimpleUploadedFile("customers.csv", content)}
    )


def test_an_upload_is_queued_then_imported(api_client, db):
    client = api_client("imports")
    response = _upload(client, GOOD)
    assert response.status_code == 202
    assert response.json()["status"] == "queued"


def test_a_good_file_is_imported_and_reported_done(api_client, upload_and_run):
    client = api_client("imports")
    job_id = upload_and_run(client, GOOD)

    job = client.get(f"/api/v1/imports/{job_id}").json()

    assert job["status"] == "done"
    assert job["created"] == 2
    assert Member.objects.count() == 2


def test_a_bad_row_rejects_the_file_with_its_line_and_column(api_client, upload_and_run):
    client = api_client("imports")
    job_id = upload_and_run(client, BAD)

    job = client.get(f"/api/v1/imports/{job_id}").json()

    assert job["status"] == "rejected"
    assert job["errors"][0]["line"] == 3
    assert job["errors"][0]["field"] == "email"
    assert not Member.objects.exists()


def test_imports_are_listed_newest_first(api_client, db):
    client = api_client("imports")
    first = _upload(client, GOOD).json()["id"]
    second = _upload(client, BAD).json()["id"]
    listed = client.get("/api/v1/imports").json()
    assert [item["id"] for item in listed["items"]] == [second, first]
    assert listed["count"] == 2


def test_an_unknown_kind_is_refused_naming_the_field(api_client, db):
    response = _upload(api_client("imports"), GOOD, kind="planets")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/imports"), ("get", "/api/v1/imports/1"), ("post", "/api/v1/imports")],
)
def test_imports_need_the_imports_scope(api_client, client, client_as, analyst, method, path):
    assert getattr(client, method)(path).status_code == 401
    assert getattr(api_client("members:write"), method)(path).status_code == 403
    assert getattr(client_as(analyst), method)(path).status_code == 403


def test_an_unknown_job_is_404(api_client, db):
    response = api_client("imports").get("/api/v1/imports/999")
    assert response.status_code == 404


def test_row_errors_are_in_english_unless_the_client_asks_for_another_language(api_client, upload_and_run):
    client = api_client("imports")
    job_id = upload_and_run(client, b"external_id,email,birth_date\nC-1,one@example.com,31/12/1990\n")

    english = client.get(f"/api/v1/imports/{job_id}").json()["errors"]
    korean = client.get(f"/api/v1/imports/{job_id}", headers={"accept-language": "ko"}).json()["errors"]

    assert english == [
        {"line": 2, "field": "birth_date", "message": "'31/12/1990' is not a date (YYYY-MM-DD)"}
    ]
    with translation.override("ko"):
        expected = gettext("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": "31/12/1990"}
    assert korean == [{"line": 2, "field": "birth_date", "message": expected}]


def test_a_transactions_import_books_points_in_the_program_it_names_and_says_so(
    api_client, alice, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    Program.objects.create(code="other", name="Other Club", currency="KRW")
    coffee = program_launched(Program.objects.create(code="coffee", name="Coffee Club", currency="KRW"))
    earn_rule_save(
        program=coffee, code="base", name="Base", kind="spend", params={"points": 1, "per": "100"}, actor=None
    )
    client = api_client("imports")
    sales = b"order_id,email,occurred_at,amount\nR-1,alice@example.com,2024-05-01,15000\n"

    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/imports",
                {
                    "kind": "transactions",
                    "file": SimpleUploadedFile("sales.csv", sales),
                    "program": "coffee",
                    "historical": "true",
                },
            )
    finally:
        celery_app.conf.task_always_eager = False

    job = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert job["status"] == "done"
    assert job["notes"] == ["1 purchase booked in Coffee Club, earning 150 points"]
    assert Account.objects.get(member=alice, program=coffee).pending == 150
