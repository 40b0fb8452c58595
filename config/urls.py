from django.urls import include, path

from patronage.api.api import api
from patronage.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("console/", include("patronage.console.urls")),
    path("portal/", include("patronage.portal.urls")),
]
