"""/notices/: a notice as the customer it reached reads it, by the secret link of its e-mail; no login. The
path is the one care.links writes into the apology."""

from django.urls import path

from patronage.portal import views_notices

app_name = "notices"
urlpatterns = [
    path("o/<str:token>/", views_notices.notice_by_link, name="notice"),
]
