from typing import Any

from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import etag, require_GET

from patronage.core.brand import accent_ink, colour_refusal
from patronage.core.business import business, business_name, business_version
from patronage.core.models import Business

# The brand's files are linked with `?v=<version>`: that address never changes its content, so a browser
# keeps it a year; one asked for without the current version is kept briefly and then checked by its ETag.
_CACHE_VERSIONED = "public, max-age=31536000, immutable"
_CACHE_PLAIN = "public, max-age=300"


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
        return {**super().get_context_data(**kwargs), "site_name": business_name()}


def _brand_etag(request: HttpRequest) -> str:
    return business_version()


def _brand_response(request: HttpRequest, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    versioned = request.GET.get("v") == business_version()
    response["Cache-Control"] = _CACHE_VERSIONED if versioned else _CACHE_PLAIN
    # Served as what it is, never sniffed as something else (an image read as HTML would run script).
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@etag(_brand_etag)
def brand_logo(request: HttpRequest) -> HttpResponse:
    """The business's logo, for every page and the sign-in pages (so no login is asked for); 404 without one."""
    found = business()
    if not found.logo:
        raise Http404("no logo")
    return _brand_response(request, bytes(found.logo), found.logo_type or "image/png")


@require_GET
@etag(_brand_etag)
def brand_colours(request: HttpRequest) -> HttpResponse:
    """The brand colour as a stylesheet linked after site.css: the Content-Security-Policy refuses inline
    <style>, and a file lets the browser cache it."""
    colour = business().colour
    if colour_refusal(colour):  # a row written past the settings service must not write into the CSS
        colour = Business._meta.get_field("colour").get_default()
    css = f":root {{ --accent: {colour}; --accent-ink: {accent_ink(colour)}; }}\n"
    return _brand_response(request, css.encode(), "text/css; charset=utf-8")
