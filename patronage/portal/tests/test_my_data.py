import json

from django.test import Client
from django.urls import reverse

from patronage.conftest import MEMBER_PASSWORD
from patronage.core.models import User
from patronage.members.models import Member, MemberStatus


def test_download_is_a_json_file_with_the_members_data_and_orders(alice, client_as):
    response = client_as(alice.user).post(reverse("portal:data_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="patronage-my-data.json"'
    data = json.loads(response.content)
    assert {"kind": "email", "namespace": "", "value": "alice@example.com", "primary": True} in data[
        "identities"
    ]
    assert data["orders"] == []


def test_download_needs_a_post(alice, client_as):
    assert client_as(alice.user).get(reverse("portal:data_download")).status_code == 405


def test_erasure_refuses_a_wrong_password_and_keeps_everything(alice, client_as):
    client = client_as(alice.user)
    response = client.post(reverse("portal:erase"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    alice.refresh_from_db()
    assert alice.status == MemberStatus.ACTIVE
    assert client.get(reverse("portal:profile")).status_code == 200


def test_erasure_with_the_password_erases_the_file_removes_the_login_and_logs_out(alice, client_as):
    user_id = alice.user_id
    client = client_as(alice.user)
    response = client.post(reverse("portal:erase"), {"password": MEMBER_PASSWORD})

    assert response["Location"] == reverse("portal:goodbye")
    erased = Member.objects.get(pk=alice.pk)
    assert erased.status == MemberStatus.ERASED
    assert erased.name == ""
    assert not erased.identities.exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert "Your account is closed" in client.get(reverse("portal:goodbye")).content.decode()
    assert client.get(reverse("portal:profile")).status_code == 302
    login = Client().post(
        reverse("portal:login"), {"username": "alice@example.com", "password": MEMBER_PASSWORD}
    )
    assert "_auth_user_id" not in login.wsgi_request.session
