"""The bare-fetch baseline: a Scrapy spider that fetches what the archive crawl fetches, and no more.

    uv run python bench/baseline.py --base-url http://127.0.0.1:PORT [-s NAME=VALUE ...]

robots.txt → every `Sitemap:` → child sitemaps → every post URL → every comment page linked from
a post page. Bodies are scanned with one regex for comment-page links and otherwise ignored, so
its pages/s is the ceiling the real crawl is measured against. With ``--feeds`` it also asks each
commented post's comment feed, the second source the crawl asks (issue 9): Scrapy fetching exactly
the crawl's URLs, which is the floor under the crawl's own CPU. It runs with the project's
network-relevant settings (robots, reactor, retries) plus the benchmark's concurrency, but
without the project's pipelines, so a half-built crawler never breaks the baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_settings import BENCH_SETTINGS  # noqa: E402

ORIGIN = "https://www.drinkanddrugsnews.com"
LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")
COMMENT_PAGE = re.compile(rb'href="([^"#?]+/comment-page-\d+/)')
COMMENT_FEED = re.compile(rb'Comments Feed" href="([^"]+/feed/)"')

# What the project's spiders/settings.py sets that changes network behaviour, copied so the
# baseline pays the same per-request costs (robots check, asyncio reactor, retry middleware).
PROJECT_NETWORK_SETTINGS = {
    "USER_AGENT": "SectorArchive/0.1 (benchmark baseline)",
    "ROBOTSTXT_OBEY": True,
    "HTTPERROR_ALLOW_ALL": True,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 30,
    "TELNETCONSOLE_ENABLED": False,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}
# The crawl's item concurrency too (issue 14: the two runs differ only by what the archive does).
# Read from the project's settings, so the baseline cannot drift from it.
PROJECT_SETTINGS_FILE = Path(__file__).resolve().parent.parent / "spiders" / "settings.py"


def project_setting(name: str) -> str | None:
    """A constant from spiders/settings.py, read without importing the project."""
    match = re.search(rf"^{name}\s*=\s*(\S+)", PROJECT_SETTINGS_FILE.read_text(), re.MULTILINE)
    return match.group(1) if match else None


if (items := project_setting("CONCURRENT_ITEMS")) is not None:
    PROJECT_NETWORK_SETTINGS["CONCURRENT_ITEMS"] = items


class BaselineSpider(scrapy.Spider):
    """Discovers and fetches every post and comment page; parses nothing else."""

    name = "baseline"

    def __init__(self, base_url: str, origin: str = ORIGIN, feeds: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.feeds = feeds
        self.base_url = base_url.rstrip("/")
        self.origin = origin.rstrip("/")

    def local(self, url: str) -> str:
        """Map the live origin onto the mirror, as the archive crawler does."""
        return self.base_url + url[len(self.origin):] if url.startswith(self.origin) else url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(f"{self.base_url}/robots.txt", callback=self.parse_robots)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for line in response.text.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "sitemap":
                yield scrapy.Request(self.local(value.strip()), callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        is_index = b"<sitemapindex" in response.body[:2000]
        for loc in LOC.findall(response.body):
            url = self.local(loc.decode())
            yield scrapy.Request(url, callback=self.parse_sitemap if is_index else self.parse_post)

    def parse_post(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.parse_page(response)
        if self.feeds and b'id="comment-' in response.body and (feed := COMMENT_FEED.search(response.body)):
            yield scrapy.Request(self.local(feed.group(1).decode()), callback=self.ignore)

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        for href in COMMENT_PAGE.findall(response.body):
            yield scrapy.Request(self.local(href.decode()), callback=self.parse_page)

    def ignore(self, response: Response) -> Iterator[scrapy.Request]:
        yield from ()


def run(base_url: str, overrides: dict[str, str], feeds: bool = False) -> dict:
    """Crawl the mirror once; return the crawler's stats."""
    settings = {**PROJECT_NETWORK_SETTINGS, **BENCH_SETTINGS, **overrides}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BaselineSpider)
    process.crawl(crawler, base_url=base_url, feeds=feeds)
    process.start()
    return crawler.stats.get_stats()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--feeds", action="store_true", help="also fetch each commented post's comment feed")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    overrides = dict(pair.split("=", 1) for pair in args.settings)
    stats = run(args.base_url, overrides, feeds=args.feeds)
    keep = ("downloader/request_count", "downloader/response_count", "response_received_count",
            "elapsed_time_seconds", "finish_reason", "memusage/max")
    print(json.dumps({k: stats.get(k) for k in keep}, default=str))


if __name__ == "__main__":
    main()
