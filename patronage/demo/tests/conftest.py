"""The small demo business the care and feedback checks read: 300 members from 2023-06-01, seed 7, without
the loyalty programs and analyses (a module that needs another demo defines its own `demo`)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

SMALL_DEMO_MEMBERS = 300


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """Loads the small demo; returns its truth document."""
    settings.VAR_DIR = tmp_path
    call_command(
        "demo",
        "--start",
        "2023-06-01",
        "--no-loyalty",
        "--no-analytics",
        "--members",
        str(SMALL_DEMO_MEMBERS),
        "--seed",
        "7",
        stdout=io.StringIO(),
        verbosity=0,
    )
    truth: dict[str, Any] = json.loads((tmp_path / "demo-truth.json").read_text())
    return truth
