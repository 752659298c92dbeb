"""The archive as a Scrapy add-on: every ``ARCHIVE_*`` setting's default, and the pipelines,
middlewares and extensions that make a crawl an archive run, set in one place.

``spiders/settings.py`` enables it (``ADDONS``) and keeps Scrapy's own settings. Values given at a
higher priority (the project, a spider, ``-s``, the CLI's options) win over these; components read
their settings without fallbacks, so a default is never restated where it is used.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

ARCHIVE_DEFAULTS: dict[str, Any] = {
    "ARCHIVE_DB": "archive.db",  # where the archive goes; the CLI's --db sets it
    "ARCHIVE_CAPTURES": True,  # keep every fetched response (compressed) in the captures table
    "ARCHIVE_BATCH_SIZE": 50,  # posts per write transaction...
    "ARCHIVE_FLUSH_SECONDS": 10.0,  # ...or this many seconds: a kill loses at most this much
    # Processes that parse and clean pages beside the reactor (0 = inline). Two, even on 2 cores:
    # one worker waits while the busy reactor reads the other's answer (bench/README.md).
    "ARCHIVE_WORKERS": 2,
    # robots.txt and the first sitemaps: seconds per try and retries. A site that never answers
    # ends its part of the run after 15 s x 2 = 30 s with "no answer from URL after 30 s".
    "ARCHIVE_DISCOVERY_TIMEOUT": 15,
    "ARCHIVE_DISCOVERY_RETRIES": 1,
    "ARCHIVE_PROGRESS": False,  # a progress line on stderr (the CLI turns it on unless --quiet)
    "ARCHIVE_PROGRESS_INTERVAL": 2.0,  # seconds between progress updates
    "ARCHIVE_RECENT_DAYS": 30,  # posts this young are revisited every run (their threads still grow)
    "ARCHIVE_REVISIT_DAYS": 30,  # older posts are revisited when last fetched longer ago than this
    "ARCHIVE_FULL": False,  # fetch everything, ignoring what earlier crawls saw (--full)
    "ARCHIVE_REPLAY": False,  # answer every request from stored captures (reprocess)
    # Limits that end traps (README "Running it safely"); each one that trips writes a failure row.
    "ARCHIVE_MAX_RUNTIME": 12 * 3600,  # seconds per site, then no new requests (0 = none)
    "ARCHIVE_MAX_COMMENT_PAGES": 200,  # comment pages per post (fewer when the post shows its count)
    "ARCHIVE_MAX_LISTING_PAGES": 2000,  # listing pages per site when discovering without sitemaps
}

COMPONENTS: dict[str, dict[str, int | None]] = {
    "ITEM_PIPELINES": {
        "pipelines.clean.CleanPipeline": 100,
        "pipelines.timestamps.TimestampsPipeline": 200,
        "pipelines.second_source.SecondSourcePipeline": 250,  # fill/cross-check from comment feed and REST
        "pipelines.safe_html.SafeHtmlPipeline": 270,  # after every comment source: stored HTML runs no script
        "pipelines.validate.ValidatePipeline": 300,
        "pipelines.store.StorePipeline": 900,
    },
    "SPIDER_MIDDLEWARES": {
        "spiders.errors.RecordParseErrors": 50,
        # Over-long URLs become too_long failure rows instead of Scrapy's silent drop.
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
        "spiders.limits.UrlLengthLimit": 800,
    },
    "DOWNLOADER_MIDDLEWARES": {
        "spiders.limits.RuntimeBudget": 40,  # ARCHIVE_MAX_RUNTIME: refuses new requests once spent
        "spiders.replay.ReplayMiddleware": 50,  # only with ARCHIVE_REPLAY: answers from stored captures
        # before Scrapy's robots.txt (100) and timeout (350) middlewares: a dead site fails fast
        "spiders.discovery_deadline.DiscoveryDeadline": 90,
        "spiders.incremental.IncrementalMiddleware": 120,  # skips or conditionally fetches known posts
        "spiders.scope.RedirectScope": 610,  # sees each 3xx before RedirectMiddleware (600) follows it
    },
    "EXTENSIONS": {
        "spiders.progress.Progress": 500,  # only with ARCHIVE_PROGRESS
    },
}


class ArchiveAddon:
    """Scrapy calls ``update_settings`` before the crawl's components are built."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in ARCHIVE_DEFAULTS.items():
            settings.set(name, value, priority="addon")  # ignored where a higher priority set it
        for name, components in COMPONENTS.items():
            wired = dict(settings.getdict(name))
            for path, order in components.items():
                wired.setdefault(path, order)  # an entry the project or -s gave keeps its order
            settings.set(name, wired, priority=settings.getpriority(name) or "addon")
