from django.urls import include, path, re_path

from patronage.api.api import api
from patronage.api.guard import api_not_found
from patronage.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("brand/logo.png", core_views.brand_logo, name="brand_logo"),
    path("brand/colours.css", core_views.brand_colours, name="brand_colours"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("console/", include("patronage.console.urls")),
    path("portal/", include("patronage.portal.urls")),
    path("messages/", include("patronage.messages.urls")),
    path("complaints/", include("patronage.portal.urls_complaints")),
    path("notices/", include("patronage.portal.urls_notices")),
    path("surveys/", include("patronage.portal.urls_surveys")),
]
