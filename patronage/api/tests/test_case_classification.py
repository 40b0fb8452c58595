"""POST /cases/{reference}/classification: a call-centre system says why a case happened and what it is
about; what it leaves out keeps its value, and what it cannot be is refused naming the field."""

from __future__ import annotations

import pytest
from django.test import Client

from patronage.care.models import Case, CaseEntry, Category, EntryKind, RootCause
from patronage.care.services import CaseInput, case_open
from patronage.commerce.models import Product
from patronage.core.models import User
from patronage.members.models import Member


@pytest.fixture
def care(api_client, db) -> Client:
    return api_client("care:read", "care:write")


@pytest.fixture
def case(alice: Member) -> Case:
    return case_open(
        data=CaseInput(type="complaint", channel="chat", summary="The lamp arrived broken", member=alice)
    ).case


def _classify(client: Client, case: Case, **body: object):
    return client.post(
        f"/api/v1/cases/{case.reference}/classification", body, content_type="application/json"
    )


def test_the_classification_is_kept_and_answered(care, case):
    cause = RootCause.objects.create(name="Packaging")
    lamp = Product.objects.create(sku="LAMP-1", name="Desk lamp")
    response = _classify(care, case, root_cause=cause.pk, product=lamp.pk, severity="major", tags=["Glass"])
    assert response.status_code == 200
    answer = response.json()
    assert (answer["root_cause"], answer["product"], answer["severity"], answer["tags"]) == (
        cause.pk,
        lamp.pk,
        "major",
        ["glass"],
    )
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.CLASSIFIED).count() == 1


def test_what_is_left_out_keeps_its_value_and_null_clears(care, case):
    breakage = Category.objects.create(name="Breakage")
    _classify(care, case, category=breakage.pk, tags=["glass"])
    kept = _classify(care, case, severity="critical").json()
    assert (kept["category"], kept["tags"], kept["severity"]) == (breakage.pk, ["glass"], "critical")
    cleared = _classify(care, case, category=None).json()
    assert cleared["category"] is None


def test_a_retired_root_cause_is_422_and_an_unknown_id_404(care, case):
    retired = RootCause.objects.create(name="Old courier", active=False)
    refused = _classify(care, case, root_cause=retired.pk)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "root_cause"
    missing = _classify(care, case, product=987_654)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "product"
    assert _classify(care, case, tags=["x" * 41]).status_code == 422  # the document's own bound
    assert _classify(care, case, tags=[f"t{n}" for n in range(11)]).status_code == 422
    assert (
        care.post(
            "/api/v1/cases/C-1999-000001/classification", {}, content_type="application/json"
        ).status_code
        == 404
    )
    case.refresh_from_db()
    assert (case.root_cause, case.product, case.tags) == (None, None, [])


def test_it_needs_the_write_scope_or_the_right_to_work_cases(api_client, client_as, analyst: User, case):
    url = f"/api/v1/cases/{case.reference}/classification"
    assert Client().post(url, {}, content_type="application/json").status_code == 401
    assert api_client("care:read").post(url, {}, content_type="application/json").status_code == 403
    assert client_as(analyst).post(url, {}, content_type="application/json").status_code == 403
