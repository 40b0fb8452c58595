"""The import rules of ARCHITECTURE.md, read from the source (nothing is imported): no module imports
itself back through others, and core, the ground floor, imports no other app."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the folder holding the `patronage` package
PACKAGE = ROOT / "patronage"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """Every module of the package by dotted name (migrations left out: they import only what they run)."""
    return {
        _module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def _imported(name: str, path: Path, modules: set[str]) -> Iterator[str]:
    """The package's modules that a module imports, at the top or inside functions: `from x import y`
    counts as module x.y when y is a submodule, as x otherwise; relative imports are resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    yield f"{base}.{alias.name}"
                elif base in modules:
                    yield base


def import_graph(*, tests: bool) -> dict[str, set[str]]:
    """Each module and the modules it imports (with or without the test modules)."""
    sources = {name: path for name, path in _sources().items() if tests or "tests" not in name.split(".")}
    modules = set(sources)
    return {name: set(_imported(name, path, modules)) - {name} for name, path in sources.items()}


def import_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports as a chain that ends where it starts, or None when there is none."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # Depth-first without recursion: the chain is the path from `start` to the module being read.
        chain, on_chain = [start], {start}
        pending = [iter(sorted(graph[start]))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                finished = chain.pop()
                on_chain.discard(finished)
                done.add(finished)
                pending.pop()
            elif following in on_chain:
                return [*chain[chain.index(following) :], following]
            elif following not in done:
                chain.append(following)
                on_chain.add(following)
                pending.append(iter(sorted(graph[following])))
    return None


def test_no_module_imports_itself_back_through_others():
    circle = import_circle(import_graph(tests=True))

    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_circle_finder_finds_a_circle_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}

    assert import_circle(graph) == ["a", "b", "c", "a"]
    assert import_circle({"a": {"b"}, "b": set()}) is None


def test_core_imports_no_other_app():
    graph = import_graph(tests=False)
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if name.startswith("patronage.core.") or name == "patronage.core"
        for target in targets
        if not (target == "patronage.core" or target.startswith("patronage.core."))
    )

    assert upward == [], "core imports other apps:\n" + "\n".join(upward)
