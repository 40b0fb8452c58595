"""The API guide documents every webhook topic with its example: a topic cannot be published undocumented."""

from __future__ import annotations

from pathlib import Path

import pytest

from patronage.api.topics_doc import example_json, topics_table
from patronage.core.outbox import topics

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"
HOW = (
    'print the table with `.venv/bin/patronage shell -c "from patronage.api.topics_doc import '
    'topics_table; print(topics_table())"` and paste it over the one in docs/api.md (Webhooks → Topics)'
)


@pytest.mark.parametrize("name", sorted(topics()))
def test_every_topic_is_in_the_api_guide_with_its_example(name):
    guide = GUIDE.read_text(encoding="utf-8")
    topic = topics()[name]

    assert f"| `{name}` |" in guide, f"{name} is not in docs/api.md: {HOW}"
    assert example_json(topic) in guide, f"{name}'s example in docs/api.md is not its registered one: {HOW}"


def test_the_guide_holds_the_table_as_generated():
    assert topics_table() in GUIDE.read_text(encoding="utf-8"), HOW


def test_the_guide_shows_verification_with_the_standard_webhooks_library():
    guide = GUIDE.read_text(encoding="utf-8")
    assert "from standardwebhooks.webhooks import Webhook" in guide
    assert 'import { Webhook } from "standardwebhooks"' in guide
