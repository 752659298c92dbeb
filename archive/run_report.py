"""What a run did, in one line per site, and the exit code a scheduler acts on.

Shared by ``crawl``, ``reprocess`` and ``status``; it imports neither Scrapy nor Twisted, so
``status`` stays quick. Exit codes: 0 the run completed cleanly; 3 it completed but pages failed
or the reader raised the alarm (``markup`` failures); 2 it could not run.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from typing import Any

import click

from archivedb.database import open_archive
from archivedb.runs import failure_counts, first_failure_reason, get_run
from archivedb.vocabulary import RunStatus

EXIT_OK, EXIT_COULD_NOT_RUN, EXIT_WITH_FAILURES = 0, 2, 3


def report(results: list[dict[str, Any]], db_path: str) -> int:
    """Print one summary line per site and choose the exit code."""
    with closing(open_archive(db_path, readonly=True)) as db:  # only counts: never migrate or write
        codes = [_report_site(stats, db) for stats in results]
    click.echo(f"details: sector-archive status --db {db_path}")
    return worst(codes)


def worst(codes: list[int]) -> int:
    """Could not run (2) outranks completed with failures (3), which outranks clean (0)."""
    if EXIT_COULD_NOT_RUN in codes:
        return EXIT_COULD_NOT_RUN
    return max(codes, default=EXIT_OK)


def _report_site(stats: dict[str, Any], db: Any) -> int:
    crawl_id = stats.get("archive/crawl_id")
    row = get_run(db, crawl_id) if crawl_id else None
    if crawl_id is None or row is None:
        click.echo(f"{stats['site']}: did not start", err=True)
        return EXIT_COULD_NOT_RUN
    page_failures, markup = failure_counts(db, crawl_id)
    click.echo(summary_line(row, page_failures, markup))
    if markup:
        click.echo(f"warning: {row['site']}: {markup} pages or comments were not fully understood (markup"
                   f" failures): the site's theme may have changed; see README \"When the alarm sounds\"",
                   err=True)
    if row["status"] == RunStatus.FAILED:
        reason = first_failure_reason(db, crawl_id) or row["finish_reason"]
        click.echo(f"error: {row['site']}: could not crawl: {reason}", err=True)
        return EXIT_COULD_NOT_RUN
    return run_exit_code(row, page_failures, markup)


def run_exit_code(row: dict[str, Any], page_failures: int, markup: int = 0) -> int:
    """3 for a run that did not end cleanly, left pages unarchived or raised the markup alarm,
    else 0 (a run still going counts as clean: it has not failed yet)."""
    if row["status"] not in (RunStatus.OK, RunStatus.RUNNING) or page_failures or markup:
        return EXIT_WITH_FAILURES
    return EXIT_OK


def summary_line(row: dict[str, Any], page_failures: int, markup: int = 0) -> str:
    return (
        f"{row['site']}: {row['status']} (crawl #{row['id']}) — {row['pages_fetched']} pages, "
        f"posts {row['posts_new']} new / {row['posts_updated']} updated / {row['posts_unchanged']} unchanged"
        f" / {row['posts_gone']} gone / {row['posts_skipped'] or 0} skipped as unchanged,"
        f" comments {row['comments_new']} new / {row['comments_updated']} changed"
        f" / {row['comments_removed']} removed, {row['times_unparsed']} times without an instant, "
        f"{page_failures} failed pages, {markup} markup problems, {row['errors']} problems recorded, took {duration(row)}"
    )


def duration(row: dict[str, Any]) -> str:
    """How long a run took (``12 s``, ``4 min 05 s``, ``1 h 02 min``), from its own row."""
    if not row.get("started") or not row.get("finished"):
        return "unfinished"
    seconds = int((datetime.fromisoformat(row["finished"].replace("Z", "+00:00"))
                   - datetime.fromisoformat(row["started"].replace("Z", "+00:00"))).total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
