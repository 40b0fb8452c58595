"""The causes page: a lead sees which root causes and products bring the most complaints and opens their
cases in the queue; agents and analysts do not open it. The case page classifies a case."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patronage.care.models import Case, CaseEntry, EntryKind, RootCause, Severity
from patronage.care.permissions import CARE_MANAGE, CASES_LEAD, CASES_WORK
from patronage.commerce.models import Product
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.members.models import Member

from .case_setup import complaint
from .conftest import page_text

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 31, 15, tzinfo=SEOUL)
CAUSES = reverse("console:case_causes")


@pytest.fixture
def filed(alice: Member, bob: Member) -> dict[str, object]:
    business_set(time_zone="Asia/Seoul")
    courier = RootCause.objects.create(name="Courier damage")
    kettle = Product.objects.create(sku="KETTLE-1", name="Glass kettle")
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=SEOUL), tick=False):
        damaged = [complaint(alice, product_id=kettle.pk), complaint(bob, product_id=kettle.pk)]
        unclassified = complaint(bob, summary="Rude driver")
    Case.objects.filter(pk__in=[case.pk for case in damaged]).update(root_cause=courier)
    return {"courier": courier, "kettle": kettle, "damaged": damaged, "unclassified": unclassified}


def test_a_lead_sees_the_causes_with_links_to_their_cases(client_as, lead: User, filed):
    with time_machine.travel(NOW, tick=False):
        response = client_as(lead).get(CAUSES)
    assert response.status_code == 200
    text = page_text(response)
    assert "Courier damage 2 66.7% +2" in text
    assert "Not yet classified 1 33.3% +1" in text
    assert "Glass kettle 2" in text
    assert "Complaints from Mar 2, 2026 to Mar 31, 2026: 3." in text
    html = response.content.decode()
    courier = filed["courier"]
    assert f'href="{reverse("console:cases")}?root_cause={courier.pk}"' in html
    queue = page_text(client_as(lead).get(reverse("console:cases"), {"root_cause": courier.pk}))
    assert "The sofa arrived scratched" in queue
    assert "Rude driver" not in queue
    unclassified = page_text(client_as(lead).get(reverse("console:cases"), {"root_cause": "none"}))
    assert "Rude driver" in unclassified
    assert "The sofa arrived scratched" not in unclassified
    by_product = page_text(client_as(lead).get(reverse("console:cases"), {"product": "kettle-1"}))
    assert "2 cases" in by_product


def test_the_window_is_chosen_and_a_wrong_one_reads_30_days(client_as, lead: User, filed):
    with time_machine.travel(NOW, tick=False):
        year = page_text(client_as(lead).get(CAUSES, {"days": "365"}))
        wrong = client_as(lead).get(CAUSES, {"days": "banana"})
    assert re.search(r"Complaints from \w+\.? 1, 2025 to Mar 31, 2026: 3\.", year)
    assert wrong.status_code == 200
    assert "Complaints from Mar 2, 2026 to Mar 31, 2026" in page_text(wrong)


def test_a_queue_filter_that_is_not_one_is_dropped(client_as, agent: User, filed):
    response = client_as(agent).get(reverse("console:cases"), {"root_cause": "abc"})
    assert response.status_code == 200
    assert "3 cases" in page_text(response)


def test_the_queue_links_to_the_causes_only_for_whom_may_read_them(client_as, agent: User, lead: User):
    assert CAUSES not in client_as(agent).get(reverse("console:cases")).content.decode()
    assert CAUSES in client_as(lead).get(reverse("console:cases")).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(CAUSES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))


@pytest.mark.parametrize("who", ["agent", "analyst", "manager"])
def test_staff_without_the_lead_or_manage_right_are_refused(client_as, request, who):
    user = request.getfixturevalue(who)
    assert not user.has_staff_perm(CASES_LEAD)
    assert not user.has_staff_perm(CARE_MANAGE)
    response = client_as(user).get(CAUSES)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()


def test_a_member_is_refused(client_as, bob: Member):
    assert client_as(bob.user).get(CAUSES).status_code == 403


# --- classifying a case on its page --------------------------------------------------------------------------


def test_an_agent_classifies_a_case_on_its_page(client_as, agent: User, alice: Member):
    case = complaint(alice)
    courier = RootCause.objects.create(name="Courier damage")
    Product.objects.create(sku="SOFA-3", name="Three-seat sofa")
    url = reverse("console:case_classify", args=[case.reference])
    response = client_as(agent).post(
        url,
        {"root_cause": courier.pk, "severity": "major", "product": "sofa-3", "tags": "Arm, scratch, arm"},
        follow=True,
    )
    assert "The classification is saved." in page_text(response)
    case.refresh_from_db()
    assert (case.root_cause, case.severity, case.tags) == (courier, Severity.MAJOR, ["arm", "scratch"])
    assert case.product == Product.objects.get(sku="SOFA-3")
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.CLASSIFIED, actor=agent).exists()


def test_a_wrong_product_or_too_many_tags_are_said_on_their_field_and_change_nothing(
    client_as, agent: User, alice: Member
):
    case = complaint(alice)
    url = reverse("console:case_classify", args=[case.reference])
    wrong = client_as(agent).post(url, {"severity": "major", "product": "NOPE-1"})
    assert wrong.status_code == 400
    assert "no product with the SKU NOPE-1" in page_text(wrong)
    many = client_as(agent).post(url, {"severity": "major", "tags": ",".join(f"t{n}" for n in range(11))})
    assert many.status_code == 422
    assert "at most 10 tags" in page_text(many)
    case.refresh_from_db()
    assert (case.severity, case.tags) == (Severity.MINOR, [])


def test_classifying_needs_the_right_to_work_cases(client, client_as, analyst: User, alice: Member):
    case = complaint(alice)
    url = reverse("console:case_classify", args=[case.reference])
    assert client.post(url, {"severity": "major"}).status_code == 302
    assert not analyst.has_staff_perm(CASES_WORK)
    assert client_as(analyst).post(url, {"severity": "major"}).status_code == 403
    case.refresh_from_db()
    assert case.severity == Severity.MINOR
