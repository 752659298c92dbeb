"""``sector-archive crawl``: run the spiders into the archive and report what happened.

Exit codes a scheduler can act on: 0 the run completed cleanly; 3 it completed but some pages
failed, or the reader raised the alarm (``markup`` failures: pages it did not fully understand;
see ``failures``); 2 it could not run (bad input, database unusable, another crawl holds
the lock, site unreachable).
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from archive.cli import CommandError, cli, db_option
from archive.crawl_inputs import base_url_problem, setting_problem
from archive.run_report import report
from archivedb.lock import DatabaseLocked, crawl_lock


def fail(message: str) -> NoReturn:
    """One line on stderr naming the cause, then the could-not-run exit code."""
    raise CommandError(message)


def check_sites(names: list[str] | tuple[str, ...]) -> None:
    from reading.sites import PROFILES

    for name in names:
        if name not in PROFILES:
            fail(f"unknown site {name!r} (known: {', '.join(sorted(PROFILES))})")


@cli.command("crawl")
@click.argument("sites", nargs=-1)
@db_option("SQLite database to write.")
@click.option("--base-url", "base_urls", multiple=True, metavar="SITE=URL",
              help="Crawl a mirror of SITE at URL (same paths); stored URLs stay the live ones.")
@click.option("--full", is_flag=True, help="Re-fetch everything, ignoring what earlier crawls saw.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors (for cron).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log to this file.")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
def crawl(sites: tuple[str, ...], db_path: str, base_urls: tuple[str, ...], full: bool, quiet: bool,
          log_file: str | None, settings: tuple[str, ...]) -> None:
    """Crawl SITES (default: all) into the archive database."""
    from reading.sites import PROFILES

    names = list(dict.fromkeys(sites)) or list(PROFILES)  # a site named twice is crawled once
    check_sites(names)
    mirrors = _parse_pairs(base_urls, "--base-url", "SITE=URL")
    for name, url in mirrors.items():
        if name not in PROFILES:
            fail(f"--base-url names unknown site {name!r}")
        if problem := base_url_problem(url):
            fail(f"--base-url {name}={url}: {problem}")
    overrides = _parse_pairs(settings, "-s", "NAME=VALUE")
    for name, value in overrides.items():
        if problem := setting_problem(name, value):
            fail(f"-s {name}={value}: {problem}")
    _check_database(db_path)
    try:
        with crawl_lock(db_path):
            results = run_crawl(names, db_path, mirrors, full=full, quiet=quiet, log_file=log_file,
                                overrides=overrides)
    except DatabaseLocked as exc:
        fail(str(exc))
    sys.exit(report(results, db_path))


def run_crawl(names: list[str], db_path: str, mirrors: dict[str, str], *, full: bool = False,
              quiet: bool = False, log_file: str | None = None, overrides: dict[str, Any] | None = None,
              spider_args: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Run one crawler per site in one Scrapy process; return each site's stats."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from spiders.registry import spider_class

    settings = get_project_settings()
    settings.set("ARCHIVE_DB", db_path, priority="cmdline")
    settings.set("ARCHIVE_FULL", full, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR" if quiet else "WARNING", priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
        settings.set("LOG_LEVEL", "INFO", priority="cmdline")
    settings.set("ARCHIVE_PROGRESS", not quiet, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")

    process = CrawlerProcess(settings)
    _quiet_noisy_loggers(settings.get("LOG_LEVEL"))
    crawlers = []
    for name in names:
        crawler = process.create_crawler(spider_class(name))
        crawlers.append((name, crawler))
        kwargs = {"base_url": mirrors[name]} if name in mirrors else {}
        kwargs.update((spider_args or {}).get(name, {}))
        process.crawl(crawler, **kwargs)
    process.start()
    return [{"site": name, **(crawler.stats.get_stats() if crawler.stats else {})} for name, crawler in crawlers]


def _quiet_noisy_loggers(level: str | int) -> None:
    """Unreachable sites make Scrapy log full tracebacks; the failures table and the summary
    already say what went wrong, in one line each. Scrapy's own messages below the run's level
    are not even built: Scrapy leaves the filtering to its handler, so every page and item made
    two debug records only to drop them."""
    import logging

    logging.getLogger("scrapy").setLevel(level)
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _check_database(db_path: str) -> None:
    """Fail early, with the path in the message, when the database cannot be opened for writing:
    a foreign or non-SQLite file, a device, an empty path, a missing directory (``ArchiveError``)."""
    from archivedb.database import open_archive

    open_archive(db_path).close()


def _parse_pairs(values: tuple[str, ...], option: str, shape: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            fail(f"{option} {value!r}: expected {shape}")
        pairs[key] = rest
    return pairs
