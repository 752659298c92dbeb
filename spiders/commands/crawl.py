"""``scrapy crawl`` as Scrapy ships it, except that a database the store refused (held by another
crawl, not an archive) exits 2, "could not run", like ``sector-archive crawl``, instead of 0."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

EXIT_COULD_NOT_RUN = 2


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        self._crawlers: list[Crawler] = []
        super().run(args, opts)
        if any(crawler.stats and crawler.stats.get_value("archive/refused") for crawler in self._crawlers):
            self.exitcode = EXIT_COULD_NOT_RUN

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        crawler = super()._create_crawler(spidercls)
        self._crawlers.append(crawler)
        return crawler
