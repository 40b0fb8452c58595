from django.contrib.auth.views import LogoutView
from django.urls import path

from patronage.portal import (
    views,
    views_cases,
    views_events,
    views_information,
    views_loyalty,
    views_offers,
    views_surveys,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("consents/", views.consents, name="consents"),
    path("data/", views.my_data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("data/erase/", views.erase, name="erase"),
    path("goodbye/", views.goodbye, name="goodbye"),
    path("points/", views_loyalty.points, name="points"),
    path("points/summary/", views_loyalty.points_summary, name="points_summary"),
    path("benefits/", views_loyalty.benefits, name="benefits"),
    path("rewards/", views_loyalty.rewards, name="rewards"),
    path("rewards/<slug:program>/<slug:code>/", views_loyalty.reward, name="reward"),
    path("redemptions/<str:code>/", views_loyalty.redemption, name="redemption"),
    path("redemptions/<str:code>/cancel/", views_loyalty.redemption_cancel_view, name="redemption_cancel"),
    path("card/", views_loyalty.card, name="card"),
    path("offers/", views_offers.my_offers, name="offers"),
    path("cases/", views_cases.my_cases, name="cases"),
    path("cases/<str:reference>/", views_cases.my_case, name="case"),
    path("cases/<str:reference>/files/<int:attachment_id>/", views_cases.my_case_file, name="case_file"),
    path("surveys/", views_surveys.my_surveys, name="surveys"),
    path("interests/", views_information.interests, name="interests"),
    path("information/", views_information.information, name="information"),
    path("events/", views_events.events, name="events"),
    path("events/<slug:code>/register/", views_events.event_register, name="event_register"),
    path("events/<slug:code>/cancel/", views_events.event_cancel, name="event_cancel"),
]
