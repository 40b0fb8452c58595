"""Roles are Django groups: the migrations give the six standard roles the rights of decision 0005's
table (and those added since), move every user's old role into its group, and a database without groups
gets them back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from patronage.core.roles import Role, standard_roles_restore

# Decision 0005's table of role rights, in today's permission names: the groups must grant the same.
OLD_TABLE: dict[str, set[Role]] = {
    "members.view_customers": set(Role),
    "members.edit_customers": set(Role) - {Role.ANALYST},
    "members.import_members": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "members.merge_members": {Role.ADMIN, Role.SERVICE_LEAD, Role.PROGRAM_MANAGER},
    "members.handle_personal_data": {Role.ADMIN},
    "core.view_audit_log": {Role.ADMIN, Role.SERVICE_LEAD},
    "core.manage_staff": {Role.ADMIN},
    "loyalty.view_loyalty": set(Role),
    "loyalty.adjust_points": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    # The old per-role adjustment limits: agents 1,000, leads 10,000, administrators and managers none.
    "loyalty.adjust_points_large": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    "loyalty.adjust_points_unlimited": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "loyalty.configure_programs": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "analytics.view_analytics": {Role.ADMIN, Role.ANALYST},
    # Added since (issue 11): the analyses of the work each role does; view_analytics is every analysis.
    "analytics.view_customer_analyses": {Role.PROGRAM_MANAGER},
    "analytics.view_service_analyses": {Role.SERVICE_LEAD},
    # Downloading the customer list (issue 11): those who also bring customers in.
    "members.export_customers": {Role.ADMIN, Role.PROGRAM_MANAGER},
    # The business's name, clock, languages and brand (issue 11).
    "core.manage_business": {Role.ADMIN},
    # Registering webhooks and re-sending their deliveries (issue 12).
    "messaging.manage_webhooks": {Role.ADMIN},
    # Editing message templates and reading the delivery log (issue 12).
    "messaging.manage_messages": {Role.ADMIN, Role.PROGRAM_MANAGER},
    # Receiving raw e-mail through the API (issue 12): administrators, for the mail server's key.
    "messaging.receive_inbound_email": {Role.ADMIN},
    # Complaints and service recovery (issue 13): agents work cases, leads approve over an agent's limit and
    # set the targets.
    "care.work_cases": {Role.ADMIN, Role.SERVICE_AGENT, Role.SERVICE_LEAD, Role.ACCOUNT_MANAGER},
    "care.lead_cases": {Role.ADMIN, Role.SERVICE_LEAD},
    "care.manage_care": {Role.ADMIN, Role.SERVICE_LEAD},
    "care.manage_sla": {Role.ADMIN, Role.SERVICE_LEAD},
    "feedback.manage_surveys": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    "feedback.view_results": {
        Role.ADMIN,
        Role.PROGRAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.ANALYST,
        Role.ACCOUNT_MANAGER,
    },
    # Service standards and scorecards (issue 14): leads define standards and add measurements; scorecards
    # are seen by their own person, the team's lead and administrators.
    "standards.manage_standards": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.add_measurements": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.view_standards": {
        Role.ADMIN,
        Role.SERVICE_LEAD,
        Role.SERVICE_AGENT,
        Role.ANALYST,
        Role.PROGRAM_MANAGER,
    },
    "standards.view_own_scorecard": {Role.ADMIN, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    "standards.view_team_scorecards": {Role.ADMIN, Role.SERVICE_LEAD},
    "standards.view_all_scorecards": {Role.ADMIN},
    # Segments (issue 16): program managers build them; analysts and account managers read them.
    "segments.manage_segments": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "segments.view_segments": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ANALYST, Role.ACCOUNT_MANAGER},
    "segments.send_campaigns": {Role.ADMIN, Role.PROGRAM_MANAGER},
    "segments.manage_events": {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ACCOUNT_MANAGER},
}


def _granted(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_standard_role_holds_what_its_old_role_held(role):
    expected = {name for name, roles in OLD_TABLE.items() if role in roles}
    assert _granted(Group.objects.get(name=role.value)) == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_role_into_its_group_and_keeps_members_out_of_the_console():
    executor = MigrationExecutor(connection)
    before = [("core", "0002_outboxevent")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_user = old_apps.get_model("core", "User")
    old_user.objects.create(username="lee", role="service_lead", is_superuser=False)
    old_user.objects.create(username="ada", role="admin", is_superuser=True)
    old_user.objects.create(username="mina@example.com", role="member")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from patronage.core.models import User

    lee, ada, mina = (User.objects.get(username=name) for name in ("lee", "ada", "mina@example.com"))
    assert [g.name for g in lee.groups.all()] == ["Service lead"]
    assert [g.name for g in ada.groups.all()] == ["Administrator"]
    assert lee.has_staff_perm("core.view_audit_log")
    assert not lee.has_staff_perm("core.manage_staff")
    # Rights come from groups alone now: the old superuser flag is gone.
    assert not ada.is_superuser
    assert ada.has_staff_perm("core.manage_staff")
    assert not mina.is_staff_member
    assert not mina.groups.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_left_without_groups_gets_the_standard_roles_back_and_others_are_left_alone():
    Group.objects.all().delete()
    standard_roles_restore()
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert _granted(Group.objects.get(name=Role.ANALYST)) == {
        "members.view_customers",
        "loyalty.view_loyalty",
        "analytics.view_analytics",
        "feedback.view_results",
        "standards.view_standards",
        "segments.view_segments",
    }

    analyst = Group.objects.get(name=Role.ANALYST)
    analyst.permissions.clear()
    standard_roles_restore()
    assert not analyst.permissions.exists()


@pytest.mark.django_db(transaction=True)
def test_the_analysis_families_go_to_the_standard_groups_named_and_leave_other_groups_alone():
    executor = MigrationExecutor(connection)
    executor.migrate([("analytics", "0002_analytics_permissions")])
    # A database from before the families, whose administrator made a group of their own and took the
    # merge right from the service leads.
    new = ("view_customer_analyses", "view_service_analyses")
    Permission.objects.filter(content_type__app_label="analytics", codename__in=new).delete()
    everything = Permission.objects.get(content_type__app_label="analytics", codename="view_analytics")
    assert everything.name == "Can see analyses and run them again"
    store = Group.objects.create(name="Store managers")
    store.permissions.add(everything)
    leads = Group.objects.get(name=Role.SERVICE_LEAD)
    leads.permissions.remove(Permission.objects.get(codename="merge_members"))
    before = {group.name: _granted(group) for group in Group.objects.all()}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    after = {group.name: _granted(group) for group in Group.objects.all()}
    added = {name: after[name] - before[name] for name in after}
    assert added == {
        Role.ADMIN.value: set(),
        Role.ANALYST.value: set(),
        Role.PROGRAM_MANAGER.value: {"analytics.view_customer_analyses"},
        Role.SERVICE_LEAD.value: {"analytics.view_service_analyses"},
        Role.SERVICE_AGENT.value: set(),
        Role.ACCOUNT_MANAGER.value: set(),
        "Store managers": set(),
    }
    assert all(after[name] >= before[name] for name in after)  # nobody loses a right
    assert "members.merge_members" not in after[Role.SERVICE_LEAD.value]
    everything.refresh_from_db()
    assert everything.name == "Can see every analysis and run it again"
