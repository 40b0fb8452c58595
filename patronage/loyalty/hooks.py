"""Extension points of loyalty for the apps built on it.

Segments sit above loyalty, yet an earn rule may give a segment's members more ("the one-to-one class's
treatment"). Loyalty cannot import segments, so the segments app registers, in its AppConfig.ready(), a
reader that tells which of the given members are in which segments and what each segment is called.
Without it (a project without segments) a segment rule matches nobody and its code is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentReader:
    # {member id: codes of the segments the member is in}, for the members asked about only.
    member_segments: Callable[[Collection[int]], Mapping[int, frozenset[str]]]
    # {code: name in the reader's language} of the segments a rule may name (the live ones).
    segment_names: Callable[[], Mapping[str, str]]


_readers: list[SegmentReader] = []


def register_segment_reader(reader: SegmentReader) -> SegmentReader:
    _readers[:] = [reader]
    return reader


def member_segments(member_ids: Collection[int]) -> Mapping[int, frozenset[str]]:
    return _readers[0].member_segments(member_ids) if _readers and member_ids else {}


def segment_names() -> Mapping[str, str]:
    return _readers[0].segment_names() if _readers else {}
