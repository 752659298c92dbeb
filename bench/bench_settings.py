"""Scrapy settings every benchmark run uses, baseline and archive crawl alike.

Scrapy's default of 8 concurrent requests per domain (and the project's polite 2) would cap a
one-site crawl far below what the machine can do, so the benchmark opens concurrency up and turns
politeness off. Real crawls keep the project's polite defaults.
"""

BENCH_SETTINGS: dict[str, str] = {
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "WARNING",
}
