"""What a crawled archive may hold in its closed-vocabulary columns (archivedb.vocabulary)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from crawling import rows

from archivedb.vocabulary import CommentStatus, FailureKind, PostStatus, RunKind, RunStatus
from reading.records import AuthorSource, TimeSource

# (table, column) -> the StrEnum its values come from; metadata.yml describes every value.
VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("crawls", "status"): RunStatus,
    ("crawls", "kind"): RunKind,
    ("failures", "kind"): FailureKind,
    ("posts", "status"): PostStatus,
    ("comments", "status"): CommentStatus,
    ("comments", "posted_source"): TimeSource,
    ("comments", "author_source"): AuthorSource,
}


def unknown_values(db: Path) -> dict[str, set[str]]:
    """Values stored in ``db`` that no vocabulary knows, by column; empty when all are known."""
    found = {}
    for (table, column), vocabulary in VOCABULARIES.items():
        stored = {r["v"] for r in rows(db, f"select distinct {column} v from {table} where {column} is not null")}
        if stored - set(vocabulary):
            found[f"{table}.{column}"] = stored - set(vocabulary)
    return found
