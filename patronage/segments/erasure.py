"""What erasure does to segments' tables (the members.erasure registry).

A person's place in a segment is the business's profile of them: erased with them (members_hooks drops
the rows and keeps each segment's count true). Segments and their sizes name no one.
"""

from __future__ import annotations

from patronage.members.erasure import no_personal_data

for model, why in (
    ("segments.Segment", "the business's segments: names and rules"),
    ("segments.SegmentMember", "who is in a segment: dropped with the member by the erase hook"),
    ("segments.SegmentSize", "a segment's size on a day"),
    ("segments.UpkeepMark", "how far the upkeep has read the changes"),
    ("segments.Reconciliation", "a nightly count of differences"),
    ("segments.Campaign", "the business's campaign: its words, its segment, its counts"),
    ("segments.ClubEvent", "the business's event: its words, place, dates and capacity"),
    ("segments.Registration", "who registered for an event: dropped with the member by the erase hook"),
    ("segments.InformationTopic", "the business's topics: codes and names"),
    ("segments.InformationItem", "the business's information: its words, topics and dates"),
    ("segments.MemberInterest", "the topics a member chose: dropped with the member by the erase hook"),
    ("segments.DigestPreference", "how often a member wants the digest: dropped by the erase hook"),
    ("segments.InformationDelivery", "which items a member was sent: dropped by the erase hook"),
    ("segments.OfferExposure", "the offers a member was shown: dropped with the member by the erase hook"),
    ("segments.OfferTable", "co-purchase lifts between products, categories and rewards: no one named"),
    ("segments.SegmentTreatment", "a stay in a segment that was treated: dropped by the erase hook"),
    (
        "segments.CampaignRecipient",
        "that a file was in a campaign's audience, treated or held out: kept so its results stay true; the "
        "file itself is scrubbed, and the message sent is the messages app's",
    ),
):
    no_personal_data(model, why)
