"""The packages import downward only (README "Architecture"): every import is counted, including
those inside functions, so a shortcut through a lazy import fails here too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each package and the project packages it may import, bottom layer first.
ALLOWED: dict[str, set[str]] = {
    "archivedb": set(),  # the database layer: schema, history rules, every SQL statement
    "reading": set(),  # HTML -> records: site profiles, record types, pure readers and cleaners
    "publishing": {"archivedb"},  # Datasette: reads the database
    "pipelines": {"archivedb", "reading"},  # the crawl's item side
    "spiders": {"archivedb", "reading", "pipelines"},  # the crawl: spiders, middlewares, extensions, settings
    "archive": {"archivedb", "reading", "publishing", "pipelines", "spiders"},  # the CLI, on top
}


def project_imports(package: str) -> list[tuple[str, str]]:
    """(file:line, imported project package) for every import in ``package``."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in ALLOWED and top != package:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", top))
    return found


def test_every_project_package_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"tests", "bench"}}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_go_downward_only(package):
    wrong = [f"{where} imports {target}" for where, target in project_imports(package)
             if target not in ALLOWED[package]]
    assert wrong == []


def test_no_relative_imports_hide_an_edge():
    relative = [f"{p.relative_to(ROOT)}:{n.lineno}" for pkg in ALLOWED for p in (ROOT / pkg).rglob("*.py")
                for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert relative == []


def test_the_checker_sees_imports_inside_functions(tmp_path, monkeypatch):
    """A lazy import of a higher layer is still an edge."""
    fake = tmp_path / "archivedb"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "sneaky.py").write_text("def f():\n    from spiders import settings\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert project_imports("archivedb") == [("archivedb/sneaky.py:2", "spiders")]
