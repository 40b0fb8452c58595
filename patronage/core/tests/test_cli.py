import io

import pytest
from django.core.management import CommandError, call_command

from patronage.core.apikeys import apikey_authenticate
from patronage.core.models import ApiKey, AuditEntry, User


@pytest.mark.django_db
def test_apikey_create_prints_the_key_last_and_stores_only_its_hash():
    out = io.StringIO()
    call_command(
        "apikey", "create", "--name", "POS Seoul", "--scopes", "members:read,members:write", stdout=out
    )
    plain = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert plain not in key.key_hash
    assert apikey_authenticate(plain=plain) == key
    assert key.scopes == ["members:read", "members:write"]
    assert AuditEntry.objects.filter(action="apikey.created").exists()


@pytest.mark.django_db
def test_apikey_scopes_all_grants_every_scope_and_unknown_scopes_are_named():
    out = io.StringIO()
    call_command("apikey", "create", "--name", "Everything", "--scopes", "all", stdout=out)
    assert "members:privacy" in ApiKey.objects.get().scopes
    with pytest.raises(CommandError, match="unknown scope 'loyalty:everything'"):
        call_command("apikey", "create", "--name", "Bad", "--scopes", "loyalty:everything")
    assert ApiKey.objects.count() == 1


@pytest.mark.django_db
def test_staff_create_makes_a_user_in_the_groups_and_rejects_weak_passwords():
    call_command(
        "staff", "create", "--username", "kim", "--password", "long-enough-pass-1",
        "--group", "Analyst", "--group", "Service lead",
    )  # fmt: skip
    kim = User.objects.get(username="kim")
    assert sorted(kim.groups.values_list("name", flat=True)) == ["Analyst", "Service lead"]
    assert kim.has_staff_perm("analytics.view_analytics")
    assert kim.has_staff_perm("core.view_audit_log")
    with pytest.raises(CommandError, match="password"):
        call_command("staff", "create", "--username", "lee", "--password", "123", "--group", "Analyst")
    with pytest.raises(CommandError, match="groups: unknown group 'Wizard'"):
        call_command(
            "staff", "create", "--username", "lee", "--password", "long-enough-pass-1", "--group", "Wizard"
        )
    assert not User.objects.filter(username="lee").exists()


def test_a_revoked_key_stops_working(db):
    out = io.StringIO()
    call_command("apikey", "create", "--name", "Shop", "--scopes", "all", stdout=out)
    plain = out.getvalue().strip().splitlines()[-1]
    call_command("apikey", "revoke", ApiKey.objects.get().prefix, stdout=io.StringIO())
    assert apikey_authenticate(plain=plain) is None
