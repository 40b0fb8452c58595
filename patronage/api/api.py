"""The integration API under /api/v1/. A capability adds routers/<domain>.py and one add_router line here."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation

from patronage.api.errors import register_error_handlers
from patronage.api.guard import GuardedParser
from patronage.api.openapi import stated
from patronage.api.routers import (
    analytics,
    campaigns,
    care,
    events,
    imports,
    inbound,
    information,
    loyalty,
    members,
    offers,
    scorecards,
    segments,
    standards,
    surveys,
    transactions,
    webhooks,
)


class PatronageAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short ids ('list_members') make readable generated clients; view names are unique across routers.
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # The rules every request field follows (no NUL, stored JSON bounded), written into each schema.
        return stated(super().get_openapi_schema(*args, **kwargs))


api = PatronageAPI(
    title="Patronage API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="The customer file and loyalty for integrations. Guide: docs/api.md.",
    parser=GuardedParser(),
)
register_error_handlers(api)

api.add_router("/members", members.router)
api.add_router("/imports", imports.router)
api.add_router("", loyalty.router)
api.add_router("", transactions.router)
api.add_router("/analytics", analytics.router)
api.add_router("", webhooks.router)
api.add_router("", inbound.router)
api.add_router("", care.router)
api.add_router("", scorecards.router)
api.add_router("", surveys.router)
api.add_router("", standards.router)
api.add_router("", segments.router)
api.add_router("", campaigns.router)
api.add_router("", events.router)
api.add_router("", offers.router)
api.add_router("", information.router)
