"""The webhook topics table of docs/api.md, written from the registered topics (core.outbox.topics()).

A test checks that every topic and its example stand in the guide; after registering a topic, print the
table again and paste it over the old one:

    .venv/bin/patronage shell -c "from patronage.api.topics_doc import topics_table; print(topics_table())"
"""

from __future__ import annotations

import json
from typing import Any

from patronage.core.outbox import Topic, topics


def example_json(topic: Topic) -> str:
    """The example payload on one line, as the guide shows it."""
    return json.dumps(dict(topic.example), ensure_ascii=False)


def topics_table() -> str:
    """Markdown: one row per topic, its meaning and its example `data`."""
    rows = ["| topic | when | example `data` |", "| --- | --- | --- |"]
    rows += [
        f"| `{topic.name}` | {_cell(str(topic.description))} | `{_cell(example_json(topic))}` |"
        for topic in topics().values()
    ]
    return "\n".join(rows)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
