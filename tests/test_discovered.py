"""Posts the sitemaps list wait in the spider as strings and reach Scrapy's scheduler only as it
runs low (spiders/discovered.py): the crawl's memory no longer holds a request for every post of
the site. Nothing found may be lost on the way: every post is still fetched, once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from crawling import rows
from crawling import crawl as run_crawl
from spiders.discovered import Discovered, Found

ORIGIN = "https://www.drinkanddrugsnews.com"
POSTS = [f"{ORIGIN}/naloxone-every-service-should-be-handing-it-out/", f"{ORIGIN}/the-big-conversation/",
         f"{ORIGIN}/services-need-long-term-funding-says-report/", f"{ORIGIN}/funding-boost-for-recovery-communities/"]


class FakeScheduler:
    """What the queue reads of Scrapy's scheduler: its length and whether anything is pending."""

    def __init__(self) -> None:
        self.pending: list[str] = []

    def __len__(self) -> int:
        return len(self.pending)

    def has_pending_requests(self) -> bool:
        return bool(self.pending)


def _queue(low: int) -> tuple[Discovered, FakeScheduler]:
    scheduler = FakeScheduler()
    engine = SimpleNamespace(scheduler=scheduler, downloader=SimpleNamespace(active=set()),
                             scraper=SimpleNamespace(slot=SimpleNamespace(is_idle=lambda: True)))
    queue = Discovered(low)
    queue.crawler = SimpleNamespace(engine=engine)  # type: ignore[assignment]
    queue.open = True
    return queue, scheduler


def _found(n: int) -> Found:
    return Found(f"https://example.org/post-{n}/", None, None, False)


async def _take(stream: Any, n: int, timeout: float = 2.0) -> list[str]:
    return [await asyncio.wait_for(anext(stream), timeout) for _ in range(n)]


def test_posts_are_handed_over_only_while_the_scheduler_has_room() -> None:
    async def scenario() -> None:
        queue, scheduler = _queue(low=3)
        for n in range(10):
            queue.add(_found(n))

        def build(found: Found) -> Any:
            scheduler.pending.append(found.live)  # what Scrapy does with a request start() yields
            return found.live

        stream = queue.release(build)
        first = await _take(stream, 3)
        assert first == [_found(n).live for n in (9, 8, 7)]  # newest found first, as Scrapy's LIFO queue
        held = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        assert not held.done() and len(queue.found) == 7  # the scheduler is full: the rest wait here
        scheduler.pending.pop()  # the downloader took one
        queue.wake()
        assert await asyncio.wait_for(held, 1.0) == _found(6).live
        queue.low = 100  # room for everything left
        queue.close()
        rest = [request async for request in stream]
        assert rest == [_found(n).live for n in (5, 4, 3, 2, 1, 0)]

    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_the_queue_ends_when_the_crawl_is_quiet_even_if_discovery_never_closed_it() -> None:
    """A sitemap request dropped before its callback (too long a URL, say) never closes discovery:
    once nothing is pending anywhere and nothing is queued, nothing can find another post."""
    async def scenario() -> None:
        queue, _ = _queue(low=3)
        queue.add(_found(1))
        got = await asyncio.wait_for(_collect(queue.release(lambda found: found.live)), 3.0)
        assert got == [_found(1).live]
        assert queue.open is False

    asyncio.run(asyncio.wait_for(scenario(), 10))


async def _collect(stream: Any) -> list[str]:
    return [request async for request in stream]


def test_a_post_the_builder_refuses_is_skipped_not_stalled() -> None:
    async def scenario() -> None:
        queue, _ = _queue(low=3)
        for n in range(3):
            queue.add(_found(n))
        queue.close()
        got = await asyncio.wait_for(_collect(queue.release(lambda f: None if f.live.endswith("1/") else f.live)), 3.0)
        assert got == [_found(2).live, _found(0).live]

    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_a_sitemap_longer_than_the_queue_is_crawled_whole(mirror_factory, tmp_path) -> None:
    """One request at a time (the queue then hands over 8 posts at most) and a sitemap of 4 posts
    among 40 pages that answer 404: every page is asked once, every post stored, every 404
    recorded."""
    server = mirror_factory("ddn")
    missing = [f"{ORIGIN}/no-such-post-{n}/" for n in range(40)]
    listed = missing[:10] + POSTS[:2] + missing[10:30] + POSTS[2:] + missing[30:]
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in listed)
    server.set_page("/wp-sitemap-posts-post-1.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
    db = tmp_path / "archive.db"

    result = run_crawl("ddn", server.base_url, db, "-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")

    assert result.returncode == 3, result.stderr  # completed, with the 404s recorded
    assert {r["url"] for r in rows(db, "select url from posts")} == set(POSTS)
    failed = rows(db, "select url, kind, status from failures where url like '%no-such-post%' order by url")
    assert sorted(r["url"] for r in failed) == sorted(missing)
    assert {(r["kind"], r["status"]) for r in failed} == {("gone", 404)}
    asked = [path for _, path, _ in server.requests]
    for url in missing + POSTS:
        path = url.removeprefix(ORIGIN)
        assert asked.count(path) == 1, (path, asked.count(path))


def test_posts_given_as_a_list_are_made_only_as_they_are_handed_over() -> None:
    """Reprocess names every stored post (``-a urls``): each becomes a ``Found`` only when the
    scheduler has room for it, in the order given."""
    async def scenario() -> None:
        queue, scheduler = _queue(low=2)
        queue.open = False  # no discovery: the list is all there is
        made: list[int] = []

        def given() -> Any:
            for n in range(6):
                made.append(n)
                yield _found(n)

        def build(found: Found) -> Any:
            scheduler.pending.append(found.live)
            return found.live

        stream = queue.release(build, given())
        assert await _take(stream, 2) == [_found(0).live, _found(1).live]
        held = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        assert not held.done() and made == [0, 1]  # none made beyond what the scheduler took
        scheduler.pending.clear()
        queue.wake()
        assert await asyncio.wait_for(held, 1.0) == _found(2).live
        queue.low = 100
        assert await _collect(stream) == [_found(n).live for n in (3, 4, 5)]

    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_seen_keys_tell_urls_apart_in_16_bytes() -> None:
    from spiders.discovered import seen_key

    a, b = seen_key("www.example.org/a/"), seen_key("www.example.org/b/")
    assert a != b and a == seen_key("www.example.org/a/") and len(a) == 16
