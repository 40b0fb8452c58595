from django.urls import path

from patronage.console.views import apikeys, audit, auth, customers, home, imports, merge

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
    path("settings/api-keys/", apikeys.apikeys, name="apikeys"),
    path("settings/api-keys/new/", apikeys.apikey_new, name="apikey_create"),
    path("settings/api-keys/<int:key_id>/revoke/", apikeys.apikey_revoke_view, name="apikey_revoke"),
]
