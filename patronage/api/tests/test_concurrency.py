"""Parallel deliveries of the same request, on a real server database with real threads."""

import pytest
from django.test import Client

from patronage.api.tests.parallel import in_parallel, skip_without_server_database
from patronage.core.apikeys import apikey_create
from patronage.members.models import Identity, Member
from patronage.members.selectors import member_get
from patronage.members.services import member_merge

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 8


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    skip_without_server_database()


def test_parallel_retries_of_one_member_create_one_member():
    _key, plain = apikey_create(name="pos", scopes=["members:write"], actor=None)

    def deliver(_index: int) -> tuple[int, int]:
        response = Client(headers={"Authorization": f"Bearer {plain}"}).post(
            "/api/v1/members",
            {"external_id": "POS-1", "email": "race@example.com", "name": "Race"},
            content_type="application/json",
        )
        return response.status_code, response.json()["id"]

    results = in_parallel(deliver, PARALLEL)

    assert Member.objects.count() == 1
    assert sorted(status for status, _id in results) == [200] * (PARALLEL - 1) + [201]
    assert {member_id for _status, member_id in results} == {Member.objects.get().pk}
    assert Identity.objects.filter(value="race@example.com").count() == 1


def test_two_agents_merging_the_same_pair_at_once_merge_it_once(alice, bob, admin, agent):
    def merge(index: int) -> str:
        try:
            member_merge(survivor=alice, duplicate=bob, actor=admin)
        except Exception as error:  # the loser sees a clear refusal, not a half-merged file
            return type(error).__name__
        return "merged"

    outcomes = in_parallel(merge, times=2)

    assert sorted(outcomes) == ["Conflict", "merged"]
    assert member_get(member_id=bob.pk) == alice
    assert alice.timeline.filter(kind="merged").count() == 1
