from __future__ import annotations

from django.urls import reverse

from patronage.members.services import note_add

from .conftest import page_text


def test_the_audit_log_lists_staff_changes_and_filters_them(client_as, admin, agent, alice, bob):
    note_add(member=alice, actor=agent, body="First")
    note_add(member=bob, actor=admin, body="Second")
    client = client_as(admin)
    everything = page_text(client.get(reverse("console:audit")))
    assert "sam_agent added a note" in everything
    assert "ada_admin added a note" in everything

    by_actor = page_text(client.get(reverse("console:audit"), {"actor": "sam_agent"}))
    assert "sam_agent added a note" in by_actor
    assert "ada_admin added a note" not in by_actor

    by_target = page_text(client.get(reverse("console:audit"), {"target": f"member#{bob.pk}"}))
    assert "ada_admin added a note" in by_target
    assert "sam_agent" not in by_target

    by_action = page_text(client.get(reverse("console:audit"), {"action": "staff.created"}))
    assert "added a note" not in by_action.split("entries", 1)[1]


def test_the_action_filter_lists_actions_in_words(client_as, admin, alice):
    note_add(member=alice, actor=admin, body="First")

    form = client_as(admin).get(reverse("console:audit")).context["form"]

    assert ("note.added", "added a note") in form.fields["action"].choices
    assert all("." not in str(label) for _code, label in form.fields["action"].choices)


def test_the_audit_log_is_paginated(client_as, admin, alice):
    for number in range(55):
        note_add(member=alice, actor=admin, body=f"n{number}")
    response = client_as(admin).get(reverse("console:audit"), {"action": "note.added"})
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in page_text(response)
