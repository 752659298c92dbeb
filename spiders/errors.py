"""Turn a callback that raised into a recorded failure, so no page is lost without a trace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from reading.records import FailureItem, error_reason


class RecordParseErrors:
    """Spider middleware: an exception while reading a page becomes a ``parse`` failure row."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordParseErrors:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> Iterable[Any]:
        spider: Any = self.crawler.spider  # ours: it has origins
        spider.logger.error("could not read %s: %r", response.url, exception, exc_info=exception)
        self.crawler.stats.inc_value("archive/parse_errors")
        live = spider.origins.to_live(response.url) if hasattr(spider, "origins") else response.url
        return [FailureItem(spider.name, live, "parse", error_reason(exception), response.status)]
