from unittest import mock

from django.db.utils import OperationalError


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch(
        "patronage.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_healthz_needs_no_login_but_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_the_root_sends_people_to_the_portal_and_staff_to_the_console(client, client_as, admin):
    assert client.get("/")["Location"].startswith("/portal/")
    assert client_as(admin).get("/")["Location"].startswith("/console/")
