"""What booking reads of a program on every purchase — its checked earn rules and its tiers — kept per
process, keyed by the program's revision.

The revision (Program.revision) is a new random value with every change to the program, its earn rules or
its tiers, written by the database's own triggers whatever makes the change (decision 0013), so a process that
reads the program row with a purchase knows whether what it keeps is current: the other processes'
changes are seen on the next purchase, this process's at once (the entry is dropped as well).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Value = TypeVar("Value")

_entries: dict[tuple[str, int], tuple[str, Any]] = {}


def program_cached(part: str, program_id: int, revision: str, load: Callable[[], Value]) -> Value:
    """The program's `part` at `revision`, loaded once per revision in this process."""
    key = (part, program_id)
    entry = _entries.get(key)
    if entry is not None and entry[0] == revision:
        return entry[1]
    value = load()
    _entries[key] = (revision, value)
    return value


def program_forget(program_id: int) -> None:
    for key in [key for key in _entries if key[1] == program_id]:
        _entries.pop(key, None)
