"""/surveys/: a survey as the customer it was sent to answers it, by the secret link of their invitation; no
login. The path is the one feedback.invitations writes into the invitation (SURVEY_PATH)."""

from django.urls import path

from patronage.portal import views_surveys

app_name = "surveys"
urlpatterns = [
    path("s/<str:token>/", views_surveys.survey_by_link, name="survey"),
    path("s/<str:token>/thanks/", views_surveys.survey_thanks, name="thanks"),
]
