import pytest
from django.test import Client
from django.urls import reverse

from patronage.core.models import User
from patronage.members.services import member_merge

PROTECTED = [
    ("get", "portal:profile"),
    ("get", "portal:consents"),
    ("get", "portal:data"),
    ("post", "portal:data_download"),
    ("get", "portal:erase"),
]


def _open(client: Client, method: str, url_name: str):
    return getattr(client, method)(reverse(url_name))


@pytest.mark.parametrize(("method", "url_name"), PROTECTED)
def test_anonymous_visitors_are_sent_to_the_login(db, method, url_name):
    response = _open(Client(), method, url_name)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={reverse(url_name)}"


def test_anonymous_visitors_see_the_landing_page_not_a_redirect(db):
    response = Client().get(reverse("portal:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("portal:signup") in page
    assert reverse("portal:login") in page


@pytest.mark.parametrize(("method", "url_name"), [("get", "portal:home"), *PROTECTED])
def test_a_staff_session_gets_the_members_only_page(agent, client_as, method, url_name):
    response = _open(client_as(agent), method, url_name)

    assert response.status_code == 403
    assert "This portal is for members" in response.content.decode()


def test_a_member_login_without_an_active_file_gets_the_members_only_page(db, client_as):
    orphan = User.objects.create_user(username="dan@example.com", password="x")

    assert client_as(orphan).get(reverse("portal:profile")).status_code == 403


def test_the_login_of_a_file_merged_into_another_no_longer_opens_the_portal(alice, bob, admin):
    bob_user = bob.user
    member_merge(survivor=alice, duplicate=bob, actor=admin)  # alice keeps her login; bob's is switched off
    client = Client()
    client.force_login(bob_user)

    assert client.get(reverse("portal:profile")).status_code == 302


@pytest.mark.parametrize(
    "url_name", ["portal:home", "portal:profile", "portal:consents", "portal:data", "portal:erase"]
)
def test_alice_sees_her_own_file_and_nothing_of_bobs(alice, bob, client_as, url_name):
    page = client_as(alice.user).get(reverse(url_name)).content.decode()

    assert "bob@example.com" not in page
    assert "Bob Tanaka" not in page
    assert "CARD-0002" not in page
    if url_name in {"portal:home", "portal:profile"}:
        assert "Alice Kim" in page


def test_alices_download_holds_only_her_data(alice, bob, client_as):
    body = client_as(alice.user).post(reverse("portal:data_download")).content.decode()

    assert "alice@example.com" in body
    assert "bob@example.com" not in body
