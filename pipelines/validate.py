"""Check a post's thread hangs together before it is stored; record, never drop."""

from __future__ import annotations

from typing import Any

from pipelines.alarm import markup_problems
from pipelines.values import check_values
from reading.records import PostItem


def validate_post(item: PostItem) -> list[tuple[str, str, str]]:
    """Problems worth an archivist's attention in a post that was read and is stored anyway:
    (url, "content", reason), and the alarm's (url, "markup", reason) for a page the reader did
    not fully understand. Replies whose parent is missing are checked by the store, which also
    knows the comments earlier crawls saved."""
    problems: list[tuple[str, str, str]] = []
    if not item.title:
        problems.append((item.url, "content", "post has no title"))
    if item.wp_id is None:
        problems.append((item.url, "content", "post exposes no WordPress id; keyed by its path"))
    return problems + markup_problems(item)


class ValidatePipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PostItem):
            for problem in check_values(item) + validate_post(item):
                self.stats.inc_value(f"archive/problem_{problem[1]}")
                item.problems.append(problem)
        return item
