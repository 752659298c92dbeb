"""The incremental crawl's revisit rules and the archive's memory of each post they read.

The rules are pure (``due``); ``load_known`` is their one query. The crawl's downloader middleware
(``spiders.incremental``) applies them to requests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from archivedb.database import ArchiveError, open_archive


@dataclass(frozen=True)
class Known:
    """What the archive remembers about one post URL."""

    published: str | None
    fetched_at: str | None
    sitemap_lastmod: str | None
    etag: str | None
    last_modified: str | None
    missing: bool
    incomplete: bool = False  # a comment page failed in the run that last stored it


def due(known: Known, sitemap_lastmod: str | None, now: datetime, recent_days: int, revisit_days: int) -> str | None:
    """Why a known post should be fetched again, or None to skip it."""
    if sitemap_lastmod and sitemap_lastmod != known.sitemap_lastmod:
        return "changed"
    if known.missing:
        return "missing"
    if known.incomplete:
        return "incomplete"
    if _older_than(known.published, now, recent_days) is False:
        return "recent"
    if _older_than(known.fetched_at, now, revisit_days) is not False:
        return "stale"
    return None


def _older_than(stamp: str | None, now: datetime, days: int) -> bool | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return now - moment > timedelta(days=days)


def load_known(db_path: str, site: str) -> dict[str, Known]:
    """Every post of ``site`` the archive holds, by URL; empty when there is no archive yet.
    Read-only: the crawl's store creates or migrates the database, never this reader."""
    if not os.path.exists(db_path):
        return {}
    try:
        db = open_archive(db_path, readonly=True, allow_outdated=True)
    except ArchiveError:  # empty, or not an archive: the store refuses the latter in one line
        return {}
    if not db["posts"].exists():
        db.close()
        return {}
    rows = db.query(
        "select url, published, fetched_at, sitemap_lastmod, http_etag, http_last_modified, missing_count, status,"
        " comments_complete = 0 as incomplete from posts where site = ?", [site],
    )
    known = {
        r["url"]: Known(r["published"], r["fetched_at"], r["sitemap_lastmod"], r["http_etag"],
                        r["http_last_modified"], bool(r["missing_count"]) or r["status"] == "gone",
                        bool(r["incomplete"]))
        for r in rows
    }
    db.close()
    return known
