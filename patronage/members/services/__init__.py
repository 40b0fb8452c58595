"""State changes of the customer file. Every public service is one transaction and audit-logged."""

from patronage.members.services.files import (
    consent_set,
    identity_add,
    identity_remove,
    member_assign_manager,
    member_create,
    member_signup,
    member_tags_set,
    member_update,
    note_add,
)
from patronage.members.services.merge import duplicate_dismiss, member_merge
from patronage.members.services.privacy import member_erase, member_export, member_list_export_record
from patronage.members.services.profile import (
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    IdentityInput,
    identity_normalise,
    profile_clean,
)
from patronage.members.services.timeline import timeline_event, timeline_events_add, timeline_record

__all__ = [
    "IDENTITY_FIELDS",
    "PROFILE_FIELDS",
    "IdentityInput",
    "consent_set",
    "duplicate_dismiss",
    "identity_add",
    "identity_normalise",
    "identity_remove",
    "member_assign_manager",
    "member_create",
    "member_erase",
    "member_export",
    "member_list_export_record",
    "member_merge",
    "member_signup",
    "member_tags_set",
    "member_update",
    "note_add",
    "profile_clean",
    "timeline_event",
    "timeline_events_add",
    "timeline_record",
]
