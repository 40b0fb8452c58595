"""What loyalty asks of segments: which segments a member is in and what they are called, so that an
earn rule of the "segment" kind gives a segment's members more (loyalty.hooks)."""

from patronage.loyalty.hooks import SegmentReader, register_segment_reader
from patronage.segments.selectors import segment_codes_of, segment_names

register_segment_reader(
    SegmentReader(
        member_segments=lambda member_ids: segment_codes_of(member_ids=member_ids),
        segment_names=segment_names,
    )
)
