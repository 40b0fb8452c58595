from django.urls import path

from patronage.console.views import (
    analytics,
    analytics_pages,
    apikeys,
    audit,
    auth,
    customers,
    home,
    imports,
    loyalty_catalogue,
    loyalty_member,
    loyalty_programs,
    loyalty_rules,
    merge,
    staff,
)

app_name = "console"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/duplicates/", merge.duplicates, name="duplicates"),
    path("customers/merge/", merge.merge, name="merge"),
    path("customers/<int:member_id>/", customers.customer_detail, name="customer"),
    path("customers/<int:member_id>/timeline/", customers.customer_timeline, name="customer_timeline"),
    path("customers/<int:member_id>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:member_id>/notes/", customers.note_add, name="customer_note_add"),
    path("customers/<int:member_id>/tags/", customers.tags_set, name="customer_tags"),
    path("customers/<int:member_id>/manager/", customers.manager_assign, name="customer_manager"),
    path("customers/<int:member_id>/identities/", customers.identity_add, name="customer_identity_add"),
    path("customers/<int:member_id>/consents/", customers.consent_change, name="customer_consent"),
    path("customers/<int:member_id>/export/", customers.customer_export, name="customer_export"),
    path("customers/<int:member_id>/erase/", customers.customer_erase, name="customer_erase"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:job_id>/", imports.import_detail, name="import_detail"),
    path("audit/", audit.audit_list, name="audit"),
    path("settings/staff/", staff.staff_page, name="staff"),
    path("settings/staff/<int:user_id>/", staff.staff_groups, name="staff_groups"),
    path("settings/api-keys/", apikeys.apikeys, name="apikeys"),
    path("settings/api-keys/new/", apikeys.apikey_new, name="apikey_create"),
    path("settings/api-keys/<int:key_id>/revoke/", apikeys.apikey_revoke_view, name="apikey_revoke"),
    # Loyalty: program set-up (programs, rules and the simulator, tiers, benefits, rewards).
    path("loyalty/", loyalty_programs.program_list, name="loyalty_programs"),
    path("loyalty/new/", loyalty_programs.program_create, name="loyalty_program_create"),
    path("loyalty/<slug:code>/", loyalty_programs.program_detail, name="loyalty_program"),
    path(
        "loyalty/<slug:code>/settings/", loyalty_programs.program_settings_save, name="loyalty_program_save"
    ),
    path("loyalty/<slug:code>/rules/", loyalty_rules.rule_list, name="loyalty_rules"),
    path("loyalty/<slug:code>/rules/new/", loyalty_rules.rule_create, name="loyalty_rule_create"),
    path("loyalty/<slug:code>/rules/<slug:rule_code>/", loyalty_rules.rule_edit, name="loyalty_rule_edit"),
    path(
        "loyalty/<slug:code>/rules/<slug:rule_code>/delete/",
        loyalty_rules.rule_delete,
        name="loyalty_rule_delete",
    ),
    path("loyalty/<slug:code>/simulate/", loyalty_rules.simulate, name="loyalty_simulate"),
    path("loyalty/<slug:code>/tiers/", loyalty_catalogue.tier_list, name="loyalty_tiers"),
    path("loyalty/<slug:code>/tiers/save/", loyalty_catalogue.tier_save, name="loyalty_tier_save"),
    path(
        "loyalty/<slug:code>/tiers/benefits/",
        loyalty_catalogue.tier_benefit_save,
        name="loyalty_tier_benefit_save",
    ),
    path("loyalty/<slug:code>/benefits/", loyalty_catalogue.benefit_list, name="loyalty_benefits"),
    path("loyalty/<slug:code>/benefits/save/", loyalty_catalogue.benefit_save, name="loyalty_benefit_save"),
    path("loyalty/<slug:code>/rewards/", loyalty_catalogue.reward_list, name="loyalty_rewards"),
    path("loyalty/<slug:code>/rewards/save/", loyalty_catalogue.reward_save, name="loyalty_reward_save"),
    # A customer's loyalty tab and the staff actions on it.
    path("customers/<int:member_id>/loyalty/", loyalty_member.member_loyalty, name="customer_loyalty"),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/adjust/",
        loyalty_member.adjust,
        name="customer_loyalty_adjust",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/redeem/",
        loyalty_member.redeem,
        name="customer_loyalty_redeem",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/redemptions/<str:redemption_code>/cancel/",
        loyalty_member.redemption_cancel,
        name="customer_loyalty_redemption_cancel",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/redemptions/<str:redemption_code>/fulfil/",
        loyalty_member.redemption_fulfil,
        name="customer_loyalty_redemption_fulfil",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/benefits/use/",
        loyalty_member.benefit_use,
        name="customer_loyalty_benefit_use",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/benefits/grant/",
        loyalty_member.benefit_grant,
        name="customer_loyalty_benefit_grant",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/tier/floor/",
        loyalty_member.tier_floor,
        name="customer_loyalty_tier_floor",
    ),
    path(
        "customers/<int:member_id>/loyalty/<slug:code>/tier/invite/",
        loyalty_member.tier_invite,
        name="customer_loyalty_tier_invite",
    ),
    # Analytics: each analysis' last run, recomputing with progress, one page per analysis, exports.
    path("analytics/", analytics.analytics_home, name="analytics"),
    path("analytics/methods/", analytics.analytics_methods, name="analytics_methods"),
    path("analytics/clv/", analytics_pages.clv_page, name="analytics_clv"),
    path("analytics/churn/", analytics_pages.churn_page, name="analytics_churn"),
    path("analytics/loyalty/", analytics_pages.loyalty_page, name="analytics_loyalty"),
    path("analytics/deal-seekers/", analytics_pages.deal_seekers_page, name="analytics_deal_seekers"),
    path("analytics/service/", analytics_pages.service_page, name="analytics_service"),
    path("analytics/what-if/", analytics_pages.whatif_page, name="analytics_whatif"),
    path("analytics/<slug:kind>/recompute/", analytics.analytics_recompute, name="analytics_recompute"),
    path(
        "analytics/runs/<int:run_id>/progress/", analytics.analytics_run_progress, name="analytics_progress"
    ),
    path(
        "analytics/runs/<int:run_id>/export.<str:format>",
        analytics.analytics_export,
        name="analytics_export",
    ),
]
