"""Who sees which analysis: every kind belongs to a family, and each standard role sees the analyses of its work."""

from __future__ import annotations

import pytest

from patronage.analytics.models import AnalysisKind, AnalysisRun
from patronage.analytics.permissions import (
    ANALYTICS_ANY,
    KIND_PERMISSIONS,
    ROLE_GRANTS,
    analysis_allowed,
    analysis_kinds_allowed,
    analysis_permissions,
)


def test_every_analysis_has_its_permissions_and_every_one_includes_view_analytics():
    assert set(KIND_PERMISSIONS) == set(AnalysisKind.values)
    for kind in AnalysisKind.values:
        assert "analytics.view_analytics" in analysis_permissions(kind), kind


def test_an_analysis_without_a_family_is_for_view_analytics_alone():
    assert analysis_permissions("program_impact") == ("analytics.view_analytics",)


def test_the_permissions_named_are_declared_and_granted():
    declared = {f"analytics.{codename}" for codename, _label in AnalysisRun._meta.permissions}
    assert set(ANALYTICS_ANY) == declared == set(ROLE_GRANTS)


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        ("admin", AnalysisKind.values),
        ("analyst", AnalysisKind.values),
        ("manager", ["clv", "churn", "loyalty", "deal_seekers"]),
        ("lead", ["service", "whatif"]),
        ("lead_analyst", AnalysisKind.values),
        ("agent", []),
    ],
)
def test_each_standard_role_sees_the_analyses_of_its_work(role, kinds, request):
    user = request.getfixturevalue(role)

    assert analysis_kinds_allowed(user, AnalysisKind.values) == list(kinds)
    assert analysis_allowed(user, "program_impact") is (role in ("admin", "analyst", "lead_analyst"))


def test_a_member_account_sees_none_even_in_a_group(alice):
    from django.contrib.auth.models import Group

    alice.user.groups.add(Group.objects.get(name="Analyst"))

    assert analysis_kinds_allowed(alice.user, AnalysisKind.values) == []
