"""Extension points of the customer file, for the apps built on it.

Each later app (loyalty, care, feedback, ...) registers, in its AppConfig.ready():
- a merge handler: moves its rows from the duplicate to the surviving member;
- an erase handler: work on erasure that a table of the erasure registry cannot express (the tables
  that hold personal data, and how each field is scrubbed, are listed in members.erasure);
- an export section: the part of a person's data export that it owns;
- a sign-up handler: what a member's own sign-up in the portal starts (enrolment in a program).
All run inside the merge or erasure transaction, so either everything moves or nothing does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from patronage.members.models import Member

MergeHandler = Callable[["Member", "Member"], None]  # (duplicate, survivor)
EraseHandler = Callable[["Member"], None]
ExportSection = Callable[["Member"], Any]
SignupHandler = Callable[["Member"], None]

merge_handlers: list[MergeHandler] = []
erase_handlers: list[EraseHandler] = []
export_sections: dict[str, ExportSection] = {}
signup_handlers: list[SignupHandler] = []


def on_merge(handler: MergeHandler) -> MergeHandler:
    merge_handlers.append(handler)
    return handler


def on_erase(handler: EraseHandler) -> EraseHandler:
    erase_handlers.append(handler)
    return handler


def export_section(name: str) -> Callable[[ExportSection], ExportSection]:
    def register(section: ExportSection) -> ExportSection:
        export_sections[name] = section
        return section

    return register


def on_signup(handler: SignupHandler) -> SignupHandler:
    signup_handlers.append(handler)
    return handler
