"""The topic registry is the one list of webhook topics: every topic the code publishes is in it."""

from __future__ import annotations

import re
from pathlib import Path

from patronage.core.outbox import topics

ROOT = Path(__file__).resolve().parents[2]
# `topic="member.created"` (outbox_publish, OutboxEvent(...)) and `"topic": "points.changed"` (bulk rows).
PUBLISHED = re.compile(r"""(?:\btopic\s*=\s*|["']topic["']\s*:\s*)["']([a-z_]+\.[a-z_.]+)["']""")


def _published() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for name in PUBLISHED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_topic_published_anywhere_is_registered():
    published = _published()

    assert set(published) - set(topics()) == set(), published
    assert {"member.created", "reward.redeemed", "import.finished", "points.changed"} <= set(published)


def test_every_registered_topic_is_published_and_has_a_sentence_and_an_example():
    published = _published()

    for name, topic in topics().items():
        assert name in published, f"{name} is registered but nothing publishes it"
        assert str(topic.description).strip()
        assert topic.example, name
        if "member" in topic.example:
            assert isinstance(topic.example["member"], int), name
