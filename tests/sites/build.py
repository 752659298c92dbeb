"""Regenerate the mirror sites and their ground truth: ``uv run python tests/sites/build.py``.

The HTML under ``collectivevoice/``, ``ddn/`` and ``themes/`` is committed; this script is how it was made, so
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

import builders  # noqa: E402
import cv  # noqa: E402
import ddn  # noqa: E402
import themes  # noqa: E402


CONVENTIONS = {
    "times": "UTC, YYYY-MM-DDTHH:MM:SSZ; visible text read day-first in Europe/London; the repeated "
             "autumn hour takes its first (BST) occurrence and sets ambiguous=true; unparseable text "
             "gives posted_at=null with posted_raw kept",
    "posted_raw": "the visible date text with surrounding whitespace stripped; null when none is shown (short pingbacks)",
    "comment_count": "the number the page's heading or entry meta shows; 0 when the page shows none",
    "comment url": "canonical permalink: the comment page's live URL + #comment-N, no query string "
                   "(an awaiting-moderation comment's own link adds ?unapproved=…&moderation-hash=…)",
    "position": "display order across comment pages, page 1 (oldest) first, pre-order within threads; "
                "Genesis lists pings after the comments",
    "snippet": "text that must appear in the comment body; for pingbacks the linking page's title",
    "must_not_contain": "strings absent from the cleaned body text; html_must_not_contain: absent from cleaned body HTML",
}


def rebuild(name: str, module, truth: str = "expected.json") -> None:
    root = HERE / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    expected = {"conventions": CONVENTIONS, **module.build(root)}
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    (root / truth).write_text(text, encoding="utf-8")
    print(f"{name}: {sum(1 for p in root.rglob('*') if p.is_file())} files, "
          f"{len(expected['posts'])} posts, {sum(len(p['comments']) for p in expected['posts'])} comments")


def rebuild_articles(name: str, module) -> None:
    """A mirror whose rows are asserted in its own test module; expected.json names origin and posts."""
    root = HERE / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    expected = module.build(root)
    (root / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{name}: {sum(1 for p in root.rglob('*') if p.is_file())} files, {len(expected['posts'])} posts")


if __name__ == "__main__":
    rebuild("collectivevoice", cv)
    rebuild("ddn", ddn)
    rebuild("themes", themes, "expected-comments.json")  # its own name: only its own tests read it
    rebuild_articles("builders", builders)
