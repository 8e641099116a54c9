"""The import rules of docs/architecture.md: data flows article -> index -> assistant -> CLI / page.

Read from the source with `ast`, so a new import that breaks a rule fails here, whatever it does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"index", "assistant", "web", "settings", "ui", "bench", "tests"}
# What each part may import of ours (itself always).
ALLOWED = {
    "settings": set(),
    "index": {"settings"},
    "assistant": {"index", "settings"},
    "web": {"assistant", "index", "settings"},
}
# The command line starts the page (`article-chat serve`): the one module of assistant/ above it.
EXCEPTIONS = {"assistant/cli.py": {"ui", "web"}}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


def _part(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


FILES = [p for part in ALLOWED for p in ([ROOT / f"{part}.py"] if part == "settings" else sorted((ROOT / part).rglob("*.py")))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_flow(path: Path) -> None:
    part = _part(path)
    allowed = ALLOWED[part] | {part} | EXCEPTIONS.get(str(path.relative_to(ROOT)), set())
    assert _imports(path) <= allowed, f"{path.relative_to(ROOT)} imports {sorted(_imports(path) - allowed)}"


def test_the_rules_see_a_violation(tmp_path: Path) -> None:
    """The check itself can fail: an index module that imports the assistant is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from assistant.models import AnswerResult\nimport settings\n", encoding="utf-8")
    assert _imports(bad) == {"assistant", "settings"}
    assert not _imports(bad) <= ALLOWED["index"] | {"index"}


def test_the_modes_do_not_import_the_service() -> None:
    """`Assistant` dispatches to the modes, never the other way round (no cycle)."""
    for path in sorted((ROOT / "assistant" / "modes").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        froms = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        assert not {n.module for n in froms} & {"assistant.service", "assistant.pool"}, path.name
        assert "Assistant" not in {a.name for n in froms if n.module == "assistant" for a in n.names}, path.name


def test_the_service_does_not_import_the_pool() -> None:
    tree = ast.parse((ROOT / "assistant" / "service.py").read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "assistant.pool" not in modules
