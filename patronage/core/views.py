from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "is_staff_member", False):
        return redirect("console:home")
    return redirect("portal:home")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy, whatever its class
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class BrandedLoginView(LoginView):
    """Django's sign-in page under the business's name.

    Django's LoginView names the site after the request's host when no sites framework is installed,
    so the sign-in page was branded "127.0.0.1:8000".
    """

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "site_name": settings.PATRONAGE_SITE_NAME}
