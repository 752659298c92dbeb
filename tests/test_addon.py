"""The add-on sets every ARCHIVE_* default and wires the archive's components once; anything the
project or ``-s`` sets wins."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from spiders.addon import ARCHIVE_DEFAULTS, COMPONENTS

ADDON = {"ADDONS": {"spiders.addon.ArchiveAddon": 0}}


def test_every_default_and_component_is_set() -> None:
    settings = get_crawler(settings_dict=ADDON).settings
    assert {name: settings[name] for name in ARCHIVE_DEFAULTS} == ARCHIVE_DEFAULTS
    for name, components in COMPONENTS.items():
        assert settings.getdict(name).items() >= components.items(), name


def test_an_override_wins_and_keeps_the_other_components() -> None:
    settings = get_crawler(settings_dict={**ADDON, "ARCHIVE_WORKERS": 0,
                                          "ITEM_PIPELINES": {"pipelines.store.StorePipeline": 950}}).settings
    assert settings.getint("ARCHIVE_WORKERS") == 0
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["pipelines.store.StorePipeline"] == 950
    assert pipelines["pipelines.timestamps.TimestampsPipeline"] == 200


def test_without_the_add_on_nothing_of_the_archive_is_set() -> None:
    """So a default lives in one place: the components themselves restate none."""
    settings = get_crawler().settings
    assert settings.get("ARCHIVE_DB") is None
    assert "pipelines.store.StorePipeline" not in settings.getdict("ITEM_PIPELINES")


def test_the_project_settings_enable_it() -> None:
    from spiders import settings

    assert settings.ADDONS == ADDON["ADDONS"]
    assert not [name for name in vars(settings) if name.startswith("ARCHIVE_")]


def test_the_spider_and_the_worker_pool_read_the_add_on_s_values(monkeypatch) -> None:
    """Scrapy builds the spider before it applies add-ons: what the spider and its worker pool
    read in from_crawler would be unset (0 comment pages, 0 workers), so they read on opening."""
    from scrapy.crawler import AsyncCrawlerRunner, CrawlerRunner
    from scrapy.utils.reactor import is_reactor_installed
    from scrapy.utils.test import get_reactor_settings

    from pipelines import offload
    from spiders.registry import spider_class

    runner = (CrawlerRunner if is_reactor_installed() else AsyncCrawlerRunner)({**get_reactor_settings(), **ADDON})
    crawler = runner.create_crawler(spider_class("ddn"))
    spider = crawler.spidercls.from_crawler(crawler)  # what Crawler.crawl does first...
    crawler._apply_settings()  # ...and next
    monkeypatch.setattr(offload.WorkerPool, "warm", lambda self: None)
    crawler.signals.send_catch_log(signal=__import__("scrapy").signals.spider_opened, spider=spider)
    assert (spider.max_comment_pages, spider.max_listing_pages) == (200, 2000)
    assert spider.offload.workers == ARCHIVE_DEFAULTS["ARCHIVE_WORKERS"] == 2
