from django.contrib.auth.views import LogoutView
from django.urls import path

from patronage.portal import views

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
]
