from django.urls import reverse

from patronage.members.models import ConsentEvent
from patronage.members.services import IdentityInput, member_update, note_add


def test_overview_shows_the_card_and_the_members_own_events_but_no_staff_notes(alice, agent, client_as):
    note_add(member=alice, actor=agent, body="Called about a late delivery, was upset")
    page = client_as(alice.user).get(reverse("portal:home")).content.decode()

    assert "Hello, Alice Kim" in page
    assert "CARD-0001" in page
    assert "Joined" in page
    assert "late delivery" not in page


def test_profile_change_is_saved(alice, client_as):
    response = client_as(alice.user).post(
        reverse("portal:profile"),
        {
            "name": "Alice Kim-Lee",
            "phone": "010-1234-5678",
            "address": "1 Main St",
            "city": "Busan",
            "postal_code": "48058",
            "country": "kr",
            "locale": "ko",
            "time_zone": "Asia/Seoul",
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.name, alice.city, alice.country, alice.time_zone) == (
        "Alice Kim-Lee",
        "Busan",
        "KR",
        "Asia/Seoul",
    )
    assert alice.identities.filter(kind="phone", value="+821012345678").exists()  # E.164


def _profile_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Alice Kim",
        "phone": "",
        "address": "",
        "city": "Seoul",
        "postal_code": "",
        "country": "",
    }
    form.update({"locale": "en", "time_zone": "UTC"}, **overrides)
    return form


def test_a_bad_phone_is_shown_on_the_phone_field_and_changes_nothing(alice, client_as):
    response = client_as(alice.user).post(
        reverse("portal:profile"), _profile_form(name="Changed", phone="12")
    )

    assert response.status_code == 200
    assert "6 to 16 digits" in str(response.context["form"].errors["phone"])
    alice.refresh_from_db()
    assert alice.name == "Alice Kim"
    assert not alice.identities.filter(kind="phone").exists()


def test_a_phone_of_another_member_is_refused_without_naming_them(alice, bob, client_as):
    member_update(member=bob, actor=None, identities=[IdentityInput("phone", "+82 10 9999 0000")])
    response = client_as(alice.user).post(reverse("portal:profile"), _profile_form(phone="+82 10 9999 0000"))

    errors = str(response.context["form"].errors["phone"])
    assert "already registered" in errors
    assert f"#{bob.pk}" not in errors
    assert not alice.identities.filter(kind="phone").exists()


def test_an_unknown_time_zone_is_shown_on_its_field(alice, client_as):
    response = client_as(alice.user).post(reverse("portal:profile"), _profile_form(time_zone="Mars/Olympus"))

    assert response.context["form"].errors["time_zone"]
    alice.refresh_from_db()
    assert alice.time_zone == "UTC"


def test_consent_change_writes_history_with_how_it_was_given(alice, client_as):
    client = client_as(alice.user)
    response = client.post(reverse("portal:consents"), {"sms_marketing": "on"})  # e-mail unticked: withdrawn

    assert response.status_code == 302
    assert dict(alice.consents.values_list("purpose", "granted")) == {
        "email_marketing": False,
        "sms_marketing": True,
    }
    latest = ConsentEvent.objects.filter(member=alice, method="portal", evidence="portal consent page")
    assert set(latest.values_list("purpose", "granted")) == {
        ("email_marketing", False),
        ("sms_marketing", True),
    }
    page = client.get(reverse("portal:consents")).content.decode()
    assert "Marketing by text message" in page
    assert "declined" in page


def test_saving_consents_unchanged_writes_no_history(alice, client_as):
    before = ConsentEvent.objects.count()
    client_as(alice.user).post(reverse("portal:consents"), {"email_marketing": "on"})

    assert ConsentEvent.objects.count() == before


def test_dates_are_shown_in_the_members_time_zone(alice, client_as):
    member_update(member=alice, actor=None, profile={"time_zone": "Asia/Seoul"})
    page = client_as(alice.user).get(reverse("portal:home")).content.decode()

    assert "+09:00" in page
