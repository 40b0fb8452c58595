"""Staff and their groups: an administrator gives and takes groups, a person in two groups has the
rights of both, every change is in the audit log, and nobody can lock the console out of its staff page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from patronage.core.models import AuditEntry
from patronage.core.roles import Role

from .conftest import page_text


def _groups_of(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def _group_ids(*roles: Role) -> list[int]:
    return [Group.objects.get(name=role.value).pk for role in roles]


def test_the_staff_page_lists_staff_with_their_groups_and_no_members(client_as, admin, agent, alice):
    text = page_text(client_as(admin).get(reverse("console:staff")))
    assert "sam_agent" in text
    assert "Service agent" in text
    assert "alice@example.com" not in text
    # What each group may do is spelled out, in words rather than permission codes.
    assert "Can read the audit log" in text
    assert "members.view_customers" not in text


def test_the_staff_page_speaks_the_readers_language(client_as, admin, agent):
    client = client_as(admin)
    client.cookies["django_language"] = "ko"
    response = client.get(reverse("console:staff"), headers={"accept-language": "ko"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Service agent" not in text
    assert "Can read the audit log" not in text
    assert "감사 로그를 볼 수 있음" in text  # what the Service lead group may do, in Korean


def test_an_administrator_gives_a_second_group_and_the_person_has_the_rights_of_both(client_as, admin, agent):
    agent_client = client_as(agent)
    assert agent_client.get(reverse("console:analytics")).status_code == 403

    response = client_as(admin).post(
        reverse("console:staff_groups", args=[agent.pk]),
        {"groups": _group_ids(Role.SERVICE_AGENT, Role.ANALYST)},
    )

    assert response.status_code == 302
    assert _groups_of(agent) == ["Analyst", "Service agent"]
    assert agent_client.get(reverse("console:analytics")).status_code == 200
    assert agent_client.get(reverse("console:customer_edit", args=[admin.pk])).status_code != 403
    entry = AuditEntry.objects.get(action="staff.groups_changed")
    assert (entry.actor, entry.target_id) == (admin, str(agent.pk))
    assert entry.detail == {"given": ["Analyst"], "taken": []}


def test_taking_a_group_takes_its_rights_at_the_next_page(client_as, admin, lead_analyst):
    lead_client = client_as(lead_analyst)
    assert lead_client.get(reverse("console:audit")).status_code == 200

    client_as(admin).post(
        reverse("console:staff_groups", args=[lead_analyst.pk]), {"groups": _group_ids(Role.ANALYST)}
    )

    assert lead_client.get(reverse("console:audit")).status_code == 403
    assert lead_client.get(reverse("console:analytics")).status_code == 200
    entry = AuditEntry.objects.get(action="staff.groups_changed")
    assert entry.detail == {"given": [], "taken": ["Service lead"]}


def test_the_last_administrator_cannot_take_away_their_own_right_to_manage_staff(client_as, admin):
    response = client_as(admin).post(
        reverse("console:staff_groups", args=[admin.pk]), {"groups": _group_ids(Role.ANALYST)}
    )

    assert response.status_code == 400
    assert "at least one active person must keep the right to manage staff" in page_text(response)
    assert _groups_of(admin) == ["Administrator"]
    assert not AuditEntry.objects.filter(action="staff.groups_changed").exists()


def test_an_administrator_may_step_down_when_another_remains(client_as, admin, agent):
    client = client_as(admin)
    client.post(
        reverse("console:staff_groups", args=[agent.pk]),
        {"groups": _group_ids(Role.ADMIN)},
    )

    response = client.post(reverse("console:staff_groups", args=[admin.pk]), {"groups": []})

    assert response.status_code == 302
    assert _groups_of(admin) == []
    assert client.get(reverse("console:staff")).status_code == 403


def test_saving_the_same_groups_writes_nothing(client_as, admin, agent):
    client_as(admin).post(
        reverse("console:staff_groups", args=[agent.pk]), {"groups": _group_ids(Role.SERVICE_AGENT)}
    )
    assert not AuditEntry.objects.filter(action="staff.groups_changed").exists()


@pytest.mark.parametrize("bad", ["999999", "not-a-number"])
def test_an_unknown_group_is_refused_by_name_and_changes_nothing(client_as, admin, agent, bad):
    response = client_as(admin).post(reverse("console:staff_groups", args=[agent.pk]), {"groups": [bad]})
    assert response.status_code == 400
    assert "Groups" in page_text(response)
    assert _groups_of(agent) == ["Service agent"]


def test_a_member_account_has_no_staff_page_of_its_own(client_as, admin, alice):
    response = client_as(admin).get(reverse("console:staff_groups", args=[alice.user.pk]))
    assert response.status_code == 404
