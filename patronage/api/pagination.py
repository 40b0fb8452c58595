"""One pagination for every list endpoint: `?limit=&offset=` in, `{"items": [...], "count": N}` out."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Far past any list's end, and far inside the database's 64-bit OFFSET (a bigger one was a server error).
MAX_OFFSET = 1_000_000_000


class LimitOffset(LimitOffsetPagination):
    """Use as `@paginate(LimitOffset)` under the route decorator; the view returns a queryset or a list."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"at most {MAX_OFFSET:,}")
