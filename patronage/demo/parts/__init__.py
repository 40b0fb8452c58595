"""The parts of the demo business, one per domain app, in the one order they run.

Each module holds its domain's share and a `PART` (patronage.demo.world.Part): steps run before the
members, for each chunk of members, and after them. An app adds its demo part with a module here and
its line below, after the apps it builds on.
"""

from patronage.demo.parts import (
    analytics,
    business,
    care,
    commerce,
    feedback,
    information,
    loyalty,
    members,
    messages,
    segments,
    staff,
    standards,
)
from patronage.demo.world import Part

PARTS: tuple[Part, ...] = (
    business.PART,
    staff.PART,
    members.PART,
    commerce.PART,
    loyalty.PART,
    care.PART,
    feedback.PART,
    standards.PART,
    segments.PART,
    information.PART,
    messages.PART,
    analytics.PART,
)
