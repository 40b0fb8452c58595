"""A small demo business for the analytics tests: `patronage demo` without loyalty, on a fixed period."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

START = "2023-06-01"


def demo_load(var_dir: Path, *, members: int, seed: int = 7) -> dict[str, Any]:
    """Loads the demo business (two years from START) and returns its truth document."""
    truth = var_dir / "demo-truth.json"
    call_command(
        "demo",
        "--start",
        START,
        "--no-loyalty",
        # The tests request their own runs: the ones the demo queues for `make run` would answer instead.
        "--no-analytics",
        "--members",
        str(members),
        "--seed",
        str(seed),
        "--truth",
        str(truth),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        verbosity=0,
    )
    document: dict[str, Any] = json.loads(truth.read_text(encoding="utf-8"))
    return document
