from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from patronage.core.business import business, business_name, business_version


def site(request: HttpRequest) -> dict[str, Any]:
    """The business's name and brand on every page: the header, the sign-in pages, the colours' stylesheet."""
    version = business_version()
    return {
        "site_name": business_name(),
        "brand": {
            "has_logo": bool(business().logo),
            "logo_url": f"{reverse('brand_logo')}?v={version}",
            "colours_url": f"{reverse('brand_colours')}?v={version}",
            "version": version,
        },
    }
