from django.utils.translation import gettext_lazy as _

from patronage.members.timeline import register

JOINED = register("joined", _("Joined"), "★", "good")
PROFILE_CHANGED = register("profile_changed", _("Profile changed"), "✎", personal=True)
IDENTITY_ADDED = register("identity_added", _("Identity added"), "@", personal=True)
CONSENT_CHANGED = register("consent_changed", _("Consent changed"), "✓", "info", personal=True)
NOTE_ADDED = register("note_added", _("Note"), "✉", personal=True, staff_only=True)
MERGED = register("merged", _("Duplicate merged in"), "⇄", "info")
DATA_EXPORTED = register("data_exported", _("Personal data exported"), "⇩", "info", personal=True)
