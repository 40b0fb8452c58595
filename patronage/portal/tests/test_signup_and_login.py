from django.conf import settings
from django.test import Client
from django.urls import reverse

from patronage.conftest import MEMBER_PASSWORD, STAFF_PASSWORD
from patronage.core.models import AccountKind, User
from patronage.core.roles import Role
from patronage.members.models import ConsentEvent, Member

STRONG_PASSWORD = "violet-harbour-lantern-42"


def _signup(client: Client, **overrides: str | None):
    form: dict[str, str | None] = {
        "name": "Chloe Park",
        "email": "Chloe.Park@Example.com",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "locale": "ko",
        "email_marketing": "on",
        "profiling": "on",
    }
    form.update(overrides)
    return client.post(reverse("portal:signup"), {k: v for k, v in form.items() if v is not None})


def test_sign_up_opens_a_file_with_the_chosen_consents_and_logs_in(db):
    client = Client()
    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    member = Member.objects.get(identities__value="chloe.park@example.com")
    assert member.user.username == "chloe.park@example.com"
    assert member.user.kind == AccountKind.MEMBER
    assert not member.user.groups.exists()
    assert (member.name, member.locale, member.source) == ("Chloe Park", "ko", "portal")
    answers = dict(member.consents.values_list("purpose", "granted"))
    assert answers == {
        "email_marketing": True,
        "profiling": True,
        "sms_marketing": False,
        "phone_marketing": False,
        "third_party": False,
    }
    assert set(ConsentEvent.objects.filter(member=member).values_list("method", flat=True)) == {"portal"}
    overview = client.get(reverse("portal:home"))
    assert "Chloe Park" in overview.content.decode()


def test_sign_up_form_leaves_every_consent_unticked(db):
    page = Client().get(reverse("portal:signup")).content.decode()
    assert 'name="email_marketing"' in page
    assert "checked" not in page


def test_an_email_with_an_account_is_refused_on_the_email_field(alice):
    users, members = User.objects.count(), Member.objects.count()
    response = _signup(Client(), email="ALICE@example.com")

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert (User.objects.count(), Member.objects.count()) == (users, members)


def test_an_email_on_a_file_without_login_leaves_no_user_behind(alice):
    alice.user.delete()  # a customer from a shop or an import: on file, but no portal login
    users, members = User.objects.count(), Member.objects.count()
    response = _signup(Client(), email="alice@example.com")

    assert response.status_code == 200
    assert "already on file" in str(response.context["form"].errors["email"])
    assert (User.objects.count(), Member.objects.count()) == (users, members)
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_weak_password_is_refused_and_nothing_is_created(db):
    response = _signup(Client(), password1="12345678", password2="12345678")

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()
    assert not Member.objects.exists()


def test_two_different_passwords_are_refused(db):
    response = _signup(Client(), password2="another-long-password-9")

    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_login_accepts_the_email_in_another_case_and_switches_to_the_members_language(alice):
    alice.locale = "ja"
    alice.save()
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": "ALICE@Example.COM", "password": MEMBER_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert client.get(reverse("portal:profile")).status_code == 200


def test_login_returns_to_the_page_asked_for(alice):
    response = Client().post(
        reverse("portal:login") + "?next=/portal/consents/",
        {"username": "alice@example.com", "password": MEMBER_PASSWORD, "next": "/portal/consents/"},
    )
    assert response["Location"] == "/portal/consents/"


def test_a_wrong_password_is_refused(alice):
    response = Client().post(reverse("portal:login"), {"username": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_staff_account_cannot_log_in_to_the_portal(db):
    from patronage.core.services import staff_create

    staff_create(
        username="sam@example.com",
        password=STAFF_PASSWORD,
        groups=[Role.SERVICE_AGENT],
        email="sam@example.com",
    )
    response = Client().post(
        reverse("portal:login"), {"username": "sam@example.com", "password": STAFF_PASSWORD}
    )

    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_logout_needs_a_post_and_ends_the_session(alice, client_as):
    client = client_as(alice.user)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))

    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:profile")).status_code == 302
