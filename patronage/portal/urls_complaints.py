"""/complaints/: the public side of cases, needing no login. There is no route by reference: a case opens
only by its secret link, whose path care.links writes into the customer's e-mails."""

from django.urls import path

from patronage.portal import views_cases

app_name = "complaints"
urlpatterns = [
    path("", views_cases.complaints_home, name="home"),
    path("new/", views_cases.case_new, name="new"),
    path("c/<str:token>/", views_cases.case_by_link, name="case"),
    path("c/<str:token>/thanks/", views_cases.case_thanks, name="thanks"),
    path("c/<str:token>/files/<int:attachment_id>/", views_cases.case_file_by_link, name="case_file"),
]
