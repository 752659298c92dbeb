"""Each command imports only what it needs: a scheduler's ``status`` never loads Scrapy or
Twisted, and ``export`` never loads Datasette (it only reads the archive)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawling import ROOT

HEAVY = ("scrapy", "twisted", "datasette")


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module, allowed", [
    ("archive.status_command", set()),
    ("archive.export_command", set()),
    ("archive.redact_command", set()),
    ("archive.docs_command", set()),
    ("archive.serve_command", {"datasette"}),
    ("archive.crawl_command", set()),  # Scrapy loads when the crawl runs, not when the CLI parses it
])
def test_a_command_loads_only_its_own_dependencies(module: str, allowed: set[str]) -> None:
    assert (loaded_after(module) & set(HEAVY)) - allowed == set()
