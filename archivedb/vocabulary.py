"""The closed vocabularies of the archive's columns, as the code writes them.

Each value is described for archivists in ``publishing/metadata.yml`` (and so in the data
dictionary); ``tests/test_vocabulary.py`` checks the two agree and that every value a crawl
stores is one of these. They are ``StrEnum``s, so a member is also the plain string SQL sees.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """``crawls.status``."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"  # the site was unreachable or the database unwritable
    INTERRUPTED = "interrupted"  # killed or stopped before it finished


class RunKind(StrEnum):
    """``crawls.kind``."""

    CRAWL = "crawl"  # fetched pages from the site: it observes
    REPROCESS = "reprocess"  # re-read stored captures: it changes readings, never observations


class FailureKind(StrEnum):
    """``failures.kind``."""

    # A page not archived:
    HTTP = "http"
    NETWORK = "network"
    PARSE = "parse"
    GONE = "gone"
    SCOPE = "scope"
    REDIRECT = "redirect"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"
    LIMIT = "limit"
    # A stored row with a flaw:
    TIME = "time"
    ORPHAN = "orphan"
    CONTENT = "content"
    DUPLICATE = "duplicate"
    # The alarm: a page or comment the reader did not fully understand (the run exits 3).
    MARKUP = "markup"


PAGE_FAILURES = frozenset({FailureKind.HTTP, FailureKind.NETWORK, FailureKind.GONE, FailureKind.PARSE,
                           FailureKind.SCOPE, FailureKind.REDIRECT, FailureKind.TOO_LARGE, FailureKind.TOO_LONG,
                           FailureKind.LIMIT})


class PostStatus(StrEnum):
    """``posts.status``."""

    LIVE = "live"
    GONE = "gone"


class CommentStatus(StrEnum):
    """``comments.status``."""

    PRESENT = "present"
    REMOVED = "removed"
