from datetime import date

import pytest

from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AuditEntry
from patronage.members.models import ConsentEvent, Member
from patronage.members.selectors import member_find_by_identity, member_list
from patronage.members.services import (
    IdentityInput,
    consent_set,
    identity_add,
    member_create,
    member_update,
)


def test_a_new_file_has_its_identities_consents_and_a_joined_event(alice):
    assert {i.kind for i in alice.identities.all()} == {"email", "card"}
    assert alice.consents.get(purpose="email_marketing").granted is True
    assert list(alice.timeline.values_list("kind", flat=True)) == ["consent_changed", "joined"]


def test_an_identity_belongs_to_one_member_only(alice, admin):
    with pytest.raises(Conflict) as error:
        member_create(
            actor=admin, identities=[IdentityInput("email", "ALICE@example.com")], profile={"name": "Eve"}
        )
    assert error.value.field == "email"
    assert not Member.objects.filter(name="Eve").exists()


def test_bad_profile_input_names_the_field_and_changes_nothing(alice, admin):
    for profile, field in [
        ({"locale": "fr"}, "locale"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"country": "KOR"}, "country"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            member_update(member=alice, actor=admin, profile=profile)
        assert error.value.field == field
    alice.refresh_from_db()
    assert (alice.locale, alice.time_zone, alice.country) == ("en", "UTC", "")


def test_every_bad_field_is_named_at_once(alice, admin):
    with pytest.raises(ValidationFailed) as error:
        member_update(
            member=alice,
            actor=admin,
            profile={"time_zone": "Mars/Olympus", "birth_date": date(2090, 1, 1), "country": "KOR"},
            identities=[IdentityInput("email", "not-an-email")],
        )

    assert [problem["field"] for problem in error.value.errors] == [
        "time_zone",
        "birth_date",
        "country",
        "email",
    ]
    assert "time_zone:" not in error.value.message  # people's words, not field codes
    alice.refresh_from_db()
    assert (alice.time_zone, alice.birth_date, alice.country) == ("UTC", None, "")


def test_a_profile_change_is_on_the_timeline_and_in_the_audit_log(alice, admin):
    member_update(
        member=alice,
        actor=admin,
        profile={"city": "Busan"},
        identities=[IdentityInput("phone", "010-5555-1234")],
    )
    alice.refresh_from_db()
    assert alice.city == "Busan"
    assert alice.identities.get(kind="phone").value == "+821055551234"  # E.164, read as Korean
    assert alice.timeline.filter(kind="profile_changed").exists()
    assert AuditEntry.objects.filter(action="member.updated", target_id=str(alice.pk)).exists()


def test_a_repeated_consent_answer_writes_no_history(alice, agent):
    assert (
        consent_set(member=alice, actor=agent, purpose="email_marketing", granted=True, method="phone")
        is False
    )
    assert (
        consent_set(member=alice, actor=agent, purpose="email_marketing", granted=False, method="phone")
        is True
    )
    history = list(ConsentEvent.objects.filter(member=alice).values_list("granted", "method"))
    assert history == [(False, "phone"), (True, "portal")]


def test_an_unknown_consent_purpose_is_refused(alice, agent):
    with pytest.raises(ValidationFailed) as error:
        consent_set(member=alice, actor=agent, purpose="telepathy", granted=True, method="phone")
    assert error.value.field == "purpose"


@pytest.mark.parametrize(
    "query", ["alice@example.com", "ALICE@EXAMPLE.COM", "card-0001", "Alice", "alice kim"]
)
def test_the_customer_list_finds_a_member_by_any_identity_or_name(alice, bob, query):
    assert list(member_list(search=query)) == [alice]


def test_the_customer_list_finds_by_id_and_phone(alice, bob, admin):
    identity_add(member=bob, actor=admin, kind="phone", value="+81 90 1234 5678")
    assert list(member_list(search=f"#{alice.pk}")) == [alice]
    assert list(member_list(search="+81-90-1234-5678")) == [bob]
    assert member_find_by_identity(value="+81 90 1234 5678") == bob


def test_giving_the_current_primary_identity_again_records_no_change(alice, admin):
    member_update(member=alice, actor=admin, identities=[IdentityInput("email", "Alice@Example.com")])
    assert not alice.timeline.filter(kind="profile_changed").exists()


def test_signup_opens_a_login_and_a_file_or_neither(alice):
    from patronage.core.models import User
    from patronage.members.services import member_signup

    member = member_signup(
        email="New@Example.com", password="a-good-passphrase-4", name="New", locale="ko", consents={}
    )
    assert member.user.username == "new@example.com"
    assert member.locale == "ko"
    users_before = User.objects.count()
    with pytest.raises(ValidationFailed) as error:
        member_signup(
            email="bob-new@example.com", password="a-good-passphrase-4", name="X", locale="xx", consents={}
        )
    assert error.value.field == "locale"
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="bob-new@example.com").exists()
