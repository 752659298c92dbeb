"""Check a post's thread hangs together before it is stored; record, never drop."""

from __future__ import annotations

from typing import Any

from pipelines.items import PostItem


def validate_post(item: PostItem) -> list[tuple[str, str, str]]:
    """Problems worth an archivist's attention: (url, kind, reason). The item is kept regardless."""
    problems: list[tuple[str, str, str]] = []
    if not item.title:
        problems.append((item.url, "parse", "post has no title"))
    if item.wp_id is None:
        problems.append((item.url, "parse", "post exposes no WordPress id; keyed by its path"))
    if not item.body_html.strip():
        problems.append((item.url, "parse", "post body is empty after cleaning"))
    known = {c.wp_id for c in item.comments}
    for comment in item.comments:
        if comment.parent_wp_id is not None and comment.parent_wp_id not in known:
            problems.append((comment.url or item.url, "orphan",
                             f"comment {comment.wp_id} replies to comment {comment.parent_wp_id}, not on the page"))
    return problems


class ValidatePipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PostItem):
            for problem in validate_post(item):
                self.stats.inc_value(f"archive/problem_{problem[1]}")
                item.problems.append(problem)
        return item
