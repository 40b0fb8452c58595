"""The demo's parts: what a new app relies on when it adds its own, and that nothing else imports the demo."""

from __future__ import annotations

import ast
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from patronage.analytics.models import AnalysisRun
from patronage.demo import load
from patronage.demo.load import demo_load, demo_period
from patronage.demo.parts import PARTS
from patronage.demo.simulate import Chunk
from patronage.demo.world import Context, Part, World
from patronage.loyalty.models import Program
from patronage.members.models import Member

PACKAGE = Path(__file__).resolve().parents[2]  # patronage/


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_a_new_part_runs_before_the_members_for_each_chunk_after_the_others_and_once_at_the_end(
    db: None, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, ...]] = []

    def before(world: World) -> None:
        seen.append(("before", Member.objects.count()))

    def per_chunk(world: World, chunk: Chunk, context: Context) -> None:
        written = Member.objects.filter(pk__in=context.ids.member.tolist()).count()
        seen.append(("chunk", chunk.customers.size, written))

    def after(world: World) -> None:
        seen.append(("after", Member.objects.count()))
        world.truth["extra"] = {"members": Member.objects.count()}
        world.lines.append("Extra: done")

    monkeypatch.setattr(load, "PARTS", (*PARTS, Part("extra", before, per_chunk, after)))
    monkeypatch.setattr(load, "CHUNK_SIZE", 40)
    out = io.StringIO()
    call_command(
        "demo", "--members", "100", "--start", "2023-06-01", "--no-loyalty", "--no-analytics", stdout=out
    )

    # After the others: the 100 simulated customers and the members part's 3 second sign-ups.
    assert seen == [("before", 0), ("chunk", 40, 40), ("chunk", 40, 40), ("chunk", 20, 20), ("after", 103)]
    assert json.loads((var_dir / "demo-truth.json").read_text())["extra"] == {"members": 103}
    assert "Extra: done" in out.getvalue()
    assert "Loyalty:" not in out.getvalue()
    assert not Program.objects.exists()
    assert not AnalysisRun.objects.exists()


def test_leaving_out_a_part_that_does_not_exist_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no part named partners"):
        demo_load(
            members=10,
            seed=1,
            period=demo_period(date(2023, 6, 1), 1),
            truth_path=tmp_path / "truth.json",
            logins_path=tmp_path / "logins.json",
            progress=False,
            leave_out=["partners"],
        )
    assert not Member.objects.exists()


def _imports_the_demo(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name == "patronage.demo" or name.startswith("patronage.demo.") for name in names):
            return True
    return False


def test_nothing_outside_the_demo_and_the_tests_imports_it() -> None:
    outside = [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "demo" and "tests" not in path.parts
    ]

    assert [str(path.relative_to(PACKAGE)) for path in outside if _imports_the_demo(path)] == []
