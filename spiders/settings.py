"""Scrapy settings for Sector Archive: how politely the crawl fetches.

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

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False

# Limits that end traps (README "Running it safely"). Each one that trips writes a failure row.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # bytes per response, after decompression too (a gzip bomb)
URLLENGTH_LIMIT = 2083  # longer URLs are recorded as too_long, not fetched
REDIRECT_MAX_TIMES = 10  # a longer chain (or any loop) is recorded as a redirect failure

# Everything the archive adds (its ARCHIVE_* settings with their defaults, pipelines, middlewares
# and extensions) is set once by this Scrapy add-on; -s and the CLI's options override it.
ADDONS = {"spiders.addon.ArchiveAddon": 0}
