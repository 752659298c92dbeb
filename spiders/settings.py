"""Scrapy settings for Sector Archive: the one place crawl behaviour is configured.

Defaults are polite (a real site's editors should never notice us); the benchmark and tests
override concurrency explicitly with ``-s``.
"""

BOT_NAME = "sector-archive"
SPIDER_MODULES = ["spiders"]
COMMANDS_MODULE = "spiders.commands"  # `scrapy crawl` exits 2 when the store refuses the database
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "SectorArchive/0.1 (+https://github.com/sector-archive; archiving sector news and comments)"
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, adaptive delay, retries on server trouble.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output; ours yield a capture,
# a post and a few requests, so the default 100 cost ~2 ms of pure task overhead per page.
CONCURRENT_ITEMS = 4

# We record 4xx/5xx ourselves (failures table), so let them reach the spider's callbacks.
HTTPERROR_ALLOW_ALL = True

# Where the archive goes; the CLI's --db sets it, so does `-s ARCHIVE_DB=...`.
ARCHIVE_DB = "archive.db"
ARCHIVE_CAPTURES = True  # keep every fetched response (compressed) in the captures table
ARCHIVE_BATCH_SIZE = 50  # posts per write transaction...
ARCHIVE_FLUSH_SECONDS = 10.0  # ...or this many seconds, whichever comes first: a kill loses at most this much
# Processes that parse and clean pages beside the reactor (0 = inline). Two, even on 2 cores: one
# worker waits while the busy reactor gets round to reading its answers; on the bench a second
# made a full crawl about 18 % faster (bench/README.md).
ARCHIVE_WORKERS = 2

ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.timestamps.TimestampsPipeline": 200,
    "pipelines.second_source.SecondSourcePipeline": 250,  # fill/cross-check from comment feed and REST
    "pipelines.safe_html.SafeHtmlPipeline": 270,  # after every comment source: stored HTML cannot run script
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False

SPIDER_MIDDLEWARES = {
    "spiders.errors.RecordParseErrors": 50,
    # Over-long URLs become too_long failure rows instead of Scrapy's silent drop.
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "spiders.limits.UrlLengthLimit": 800,
}
DOWNLOADER_MIDDLEWARES = {
    "spiders.limits.RuntimeBudget": 40,  # ARCHIVE_MAX_RUNTIME: refuses new requests once spent
    "spiders.scope.RedirectScope": 610,  # sees each 3xx before RedirectMiddleware (600) follows it
    "spiders.replay.ReplayMiddleware": 50,  # only with ARCHIVE_REPLAY: answers from stored captures
    "spiders.incremental.IncrementalMiddleware": 120,  # skips or conditionally fetches known posts
    # before Scrapy's robots.txt (100) and timeout (350) middlewares: a dead site fails fast
    "spiders.discovery_deadline.DiscoveryDeadline": 90,
}
# robots.txt and the first sitemaps: seconds per try and retries. A site that never answers ends
# its part of the run after 15 s x 2 = 30 s with "no answer from URL after 30 s".
ARCHIVE_DISCOVERY_TIMEOUT = 15
ARCHIVE_DISCOVERY_RETRIES = 1
ARCHIVE_PROGRESS_INTERVAL = 2.0  # seconds between progress updates on stderr (none with --quiet)
ARCHIVE_RECENT_DAYS = 30  # posts this young are revisited every run (their threads still grow)
ARCHIVE_REVISIT_DAYS = 30  # older posts are revisited when last fetched longer ago than this

# Limits that end traps (README "Running it safely"). Each one that trips writes a failure row.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # bytes per response, after decompression too (a gzip bomb)
URLLENGTH_LIMIT = 2083  # longer URLs are recorded as too_long, not fetched
REDIRECT_MAX_TIMES = 10  # a longer chain (or any loop) is recorded as a redirect failure
ARCHIVE_MAX_RUNTIME = 12 * 3600  # seconds per site; then no new requests, store what we have (0 = none)
ARCHIVE_MAX_COMMENT_PAGES = 200  # comment pages per post, at most (fewer when the post shows its count)
ARCHIVE_MAX_LISTING_PAGES = 2000  # listing pages per site when discovering without sitemaps
