"""Word-level differences between two versions of a text, as HTML with ``<del>`` and ``<ins>``.

Bounded: at most ``MAX_WORDS`` words of each side are compared (a 30 MB body would otherwise
take minutes), and the result says when it was cut short.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

from markupsafe import Markup

MAX_WORDS = 20_000
CONTEXT_WORDS = 8


@dataclass(frozen=True)
class WordDiff:
    html: Markup
    removed: int
    added: int
    truncated: bool

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.added)


def word_diff(before: str | None, after: str | None, *, context: int | None = None) -> WordDiff:
    """The words removed and added between ``before`` and ``after``. With ``context``, unchanged
    runs longer than twice that are shortened to ``context`` words either side and an ellipsis."""
    old, new = (before or "").split(), (after or "").split()
    truncated = len(old) > MAX_WORDS or len(new) > MAX_WORDS
    old, new = old[:MAX_WORDS], new[:MAX_WORDS]
    parts: list[str] = []
    removed = added = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=len(new) > 2000).get_opcodes():
        if op == "equal":
            parts.append(_same(old[i1:i2], context, first=i1 == 0, last=i2 == len(old)))
            continue
        if i2 > i1:
            removed += i2 - i1
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            added += j2 - j1
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    if truncated:
        parts.append(f"<span class=\"archive-note\">(compared the first {MAX_WORDS:,} words only)</span>")
    return WordDiff(Markup(" ".join(p for p in parts if p)), removed, added, truncated)


def _same(words: list[str], context: int | None, *, first: bool, last: bool) -> str:
    if context is None or len(words) <= 2 * context:
        return escape(" ".join(words))
    head = [] if first else words[:context]
    tail = [] if last else words[-context:]
    return escape(" ".join([*head, "…", *tail]))
