"""Numbers read from pages are data, never crashes: an id or a count SQLite cannot hold (beyond
its 64-bit integers, or not a number at all) becomes a ``parse`` failure for that post or
comment, and the rest of the batch is stored as usual."""

from __future__ import annotations

from typing import Any

from reading.records import PostItem

SQLITE_MIN, SQLITE_MAX = -(2**63), 2**63 - 1


def storable(value: Any) -> bool:
    """Whether SQLite can keep ``value`` in an INTEGER column."""
    return isinstance(value, int) and not isinstance(value, bool) and SQLITE_MIN <= value <= SQLITE_MAX


def check_values(item: PostItem) -> list[tuple[str, str, str]]:
    """Repair ``item`` in place so every row can be written, and say what was given up:
    a post id that cannot be stored is dropped (the post is keyed by its path), a count is
    forgotten, a comment without a storable id cannot be keyed and is left out (the thread is
    then incomplete, so no stored comment is marked removed because of it)."""
    problems: list[tuple[str, str, str]] = []
    if item.wp_id is not None and not storable(item.wp_id):
        problems.append((item.url, "parse", f"post id {item.wp_id!r} is not a storable integer; keyed by its path"))
        item.wp_id = None
    if item.comment_count is not None and not storable(item.comment_count):
        problems.append((item.url, "parse", f"comment count {item.comment_count!r} is not a storable integer"))
        item.comment_count = None
    unkeyed = [c for c in item.comments if not storable(c.wp_id)]
    for c in unkeyed:
        who = c.author or "an unnamed author"
        problems.append((item.url, "parse", f"comment id {c.wp_id!r} is not a storable integer; comment by {who} not stored"))
    if unkeyed:
        item.comments = [c for c in item.comments if storable(c.wp_id)]
        item.comments_complete = False
        for position, c in enumerate(item.comments, 1):
            c.position = position
    for c in item.comments:
        if c.parent_wp_id is not None and not storable(c.parent_wp_id):
            problems.append((c.url or item.url, "orphan",
                             f"comment {c.wp_id} replies to comment {c.parent_wp_id!r}, which has no storable id"))
            c.parent_wp_id = None
    return problems
