"""Regenerate the mirror sites and their ground truth: ``uv run python tests/sites/build.py``.

The HTML under ``collectivevoice/`` and ``ddn/`` is committed; this script is how it was made, so
markup and ``expected.json`` can never drift apart. Building also re-checks every hand-computed
UTC value against zoneinfo (``wp.expected_post``).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cv  # noqa: E402
import ddn  # noqa: E402


def rebuild(name: str, module) -> None:
    root = HERE / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    expected = module.build(root)
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    (root / "expected.json").write_text(text, encoding="utf-8")
    print(f"{name}: {sum(1 for p in root.rglob('*') if p.is_file())} files, "
          f"{len(expected['posts'])} posts, {sum(len(p['comments']) for p in expected['posts'])} comments")


if __name__ == "__main__":
    rebuild("collectivevoice", cv)
    rebuild("ddn", ddn)
