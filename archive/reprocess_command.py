"""``sector-archive reprocess``: re-run extraction over stored captures, with no network.

Use it after a theme change or a better cleaning rule: every post is read again from the bytes
the site sent, rows are updated in place (their previous versions kept) and record the extractor
version that produced them.
"""

from __future__ import annotations

import sys

import click

from archive.cli import cli, db_option
from archive.crawl_command import check_sites, fail, run_crawl
from archive.run_report import report
from archivedb.lock import DatabaseLocked, crawl_lock


@cli.command("reprocess")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable; default: every captured site).")
@db_option("Archive database.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors.")
def reprocess(sites: tuple[str, ...], db_path: str, quiet: bool) -> None:
    """Re-extract posts and comments from stored captures (offline)."""
    from archivedb.captures import captured_post_urls, captured_sites
    from archivedb.database import Kind, classify, open_archive

    check_sites(sites)
    if classify(db_path) is Kind.NEW:
        fail(f"no archive at {db_path}")
    db = open_archive(db_path)  # reprocess writes: the archive must be writable (adopted, migrated)
    names = list(sites) or captured_sites(db)
    urls = {name: captured_post_urls(db, name) for name in names}
    db.close()
    names = [n for n in names if urls[n]]
    if not names:
        fail(f"{db_path} holds no captures to reprocess")
    overrides = {"ARCHIVE_REPLAY": True, "ARCHIVE_CAPTURES": False, "ROBOTSTXT_OBEY": False,
                 "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}
    try:
        with crawl_lock(db_path):
            results = run_crawl(names, db_path, {}, quiet=quiet, overrides=overrides,
                                spider_args={n: {"urls": urls[n]} for n in names})
    except DatabaseLocked as exc:
        fail(str(exc))
    sys.exit(report(results, db_path))
