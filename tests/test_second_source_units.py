"""Units of the second sources: reading comment feeds and REST pages, choosing the post's feed,
and the fill/cross-check rules. No server."""

from __future__ import annotations

import json

import pytest
from lxml import html

from reading.records import CommentItem, PostItem, SourceComment
from pipelines.second_source import html_left_unread, merge_second_sources
from reading.comments import RawComment
from reading.sources import (
    advertised_sources,
    api_root_from_link_header,
    comment_feed_of,
    parse_comment_feed,
    parse_rest_comments,
    rest_comments_url,
)

SITE = "https://example.co.uk"
POST = f"{SITE}/2019/07/05/council-approves-new-bus-lanes/"

FEED = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Comments on: Council approves new bus lanes</title>
<item><title>By: Carol</title><link>{POST}#comment-203</link><dc:creator><![CDATA[Carol]]></dc:creator>
<pubDate>Sat, 13 Jul 2019 07:05:00 +0000</pubDate><guid isPermaLink="false">{SITE}/?p=123#comment-203</guid>
<description><![CDATA[In reply to Jane Smith. Thanks]]></description></item>
<item><title>By: Jane Smith</title><link>{POST}#comment-202</link><dc:creator><![CDATA[Jane &#038; Smith]]></dc:creator>
<pubDate>Fri, 05 Jul 2019 10:02:00 +0000</pubDate><guid isPermaLink="false">{SITE}/?p=123#comment-202</guid></item>
<item><title>By: nobody</title><link>{POST}</link><guid isPermaLink="false">{SITE}/?p=123</guid></item>
</channel></rss>"""


def test_comment_feed_items() -> None:
    assert parse_comment_feed(FEED.encode()) == [
        SourceComment(203, "feed", "Carol", "Sat, 13 Jul 2019 07:05:00 +0000", f"{POST}#comment-203"),
        SourceComment(202, "feed", "Jane & Smith", "Fri, 05 Jul 2019 10:02:00 +0000", f"{POST}#comment-202"),
    ]


@pytest.mark.parametrize("body", [b"", b"<html><body>Not found</body></html>", b'{"code": "rest_forbidden"}',
                                  b"<?xml version='1.0'?><urlset/>"])
def test_not_a_comment_feed(body: bytes) -> None:
    with pytest.raises(ValueError, match="not a comment feed"):
        parse_comment_feed(body)


def test_rest_page() -> None:
    body = json.dumps([
        {"id": 203, "post": 123, "parent": 202, "author_name": "Carol", "date_gmt": "2019-07-13T07:05:00",
         "link": f"{POST}#comment-203", "content": {"rendered": "<p>x</p>"}},
        {"id": 201, "post": 123, "parent": 0, "author_name": "", "date_gmt": "2019-07-05T09:31:00"},
        {"post": 123},  # no id: not a comment we can match
    ]).encode()
    assert parse_rest_comments(body) == [
        SourceComment(203, "rest", "Carol", "2019-07-13T07:05:00+00:00", f"{POST}#comment-203", 202, True),
        SourceComment(201, "rest", None, "2019-07-05T09:31:00+00:00", None, None, True),
    ]


@pytest.mark.parametrize("body", [b'{"code":"rest_forbidden","message":"Sorry","data":{"status":401}}', b"<html>", b"\xff"])
def test_not_a_rest_page(body: bytes) -> None:
    with pytest.raises(ValueError, match="not a REST comments page"):
        parse_rest_comments(body)


def test_advertised_sources_and_the_post_feed() -> None:
    root = html.document_fromstring(f"""<html><head>
<link rel="alternate" type="application/rss+xml" title="Gazette &raquo; Feed" href="{SITE}/feed/" />
<link rel="alternate" type="application/rss+xml" title="Gazette &raquo; Comments Feed" href="{SITE}/comments/feed/" />
<link rel="alternate" type="application/rss+xml" title="Gazette &raquo; Council Comments Feed" href="{POST}feed/" />
<link rel="https://api.w.org/" href="{SITE}/wp-json/" /></head><body></body></html>""")
    found = advertised_sources(root)
    assert found.api_root == f"{SITE}/wp-json/"
    assert comment_feed_of(found.feeds, POST, 123) == f"{POST}feed/"
    assert comment_feed_of(found.feeds[:2], POST, 123) is None  # only the site's feeds: none for this post
    assert comment_feed_of([f"{SITE}/?feed=rss2&p=123"], f"{SITE}/?p=123", 123) == f"{SITE}/?feed=rss2&p=123"
    assert comment_feed_of([f"{SITE}/?feed=rss2&p=1234"], f"{SITE}/?p=123", 123) is None
    assert comment_feed_of(["http://example.co.uk/2019/07/05/council-approves-new-bus-lanes/feed"], POST, 123) \
        == "http://example.co.uk/2019/07/05/council-approves-new-bus-lanes/feed"


def test_rest_urls_and_link_header() -> None:
    assert rest_comments_url(f"{SITE}/wp-json/", 123, 2) == f"{SITE}/wp-json/wp/v2/comments?post=123&per_page=100&page=2"
    assert rest_comments_url(f"{SITE}/?rest_route=/", 123, 1) == \
        f"{SITE}/?rest_route=/wp/v2/comments&post=123&per_page=100&page=1"
    assert api_root_from_link_header([f'<{SITE}/wp-json/>; rel="https://api.w.org/"']) == f"{SITE}/wp-json/"
    assert api_root_from_link_header([f'<{SITE}/?p=123>; rel=shortlink']) is None


def raw(wp_id: int, author: str | None, shown: str | None, machine: str | None = None, kind: str = "comment") -> RawComment:
    return RawComment(wp_id, None, 1, 1, kind, author, None, shown, machine, "<p>x</p>", None, False)


def test_rest_is_worth_asking_only_for_what_is_unread() -> None:
    read = [raw(1, "Alice", "05/07/2019 at 10:31 am"), raw(2, None, None, kind="pingback")]
    assert not html_left_unread(read, 2, set(), formats=("%d/%m/%Y at %I:%M %p",))
    assert html_left_unread(read, 3, set())  # the page promises more comments than it showed
    assert html_left_unread([raw(3, None, "05/07/2019 at 10:31 am")], 1, set(), formats=("%d/%m/%Y at %I:%M %p",))
    assert html_left_unread([raw(4, "Bob", "7 years ago")], 1, set())
    assert html_left_unread([raw(5, "Bob", "a while back")], 1, set())
    assert not html_left_unread([raw(5, "Bob", "a while back")], 1, {5})  # the feed already covered it


def post_with(comments: list[CommentItem], sources: list[SourceComment], problems=None) -> PostItem:
    item = PostItem(site="ddn", url=POST, fetched_from=POST, wp_id=123, title="t", comments=comments,
                    second_source=sources)
    item.problems = list(problems or [])
    return item


def comment(wp_id: int, **kw) -> CommentItem:
    base = dict(parent_wp_id=None, depth=1, position=1, author="Alice", author_url=None, posted_raw=None,
                url=f"{POST}#comment-{wp_id}")
    return CommentItem(wp_id=wp_id, **{**base, **kw})


def test_the_exact_time_settles_the_repeated_autumn_hour() -> None:
    c = comment(1, posted_raw="27/10/2019 at 1:30 am", posted_at="2019-10-27T00:30:00Z", posted_source="text",
                posted_ambiguous=True)
    merge_second_sources(post_with([c], [SourceComment(1, "feed", "Alice", "Sun, 27 Oct 2019 01:30:00 +0000")]))
    assert (c.posted_at, c.posted_source, c.posted_ambiguous) == ("2019-10-27T01:30:00Z", "feed", False)


def test_an_unparsed_time_filled_withdraws_its_note() -> None:
    c = comment(1, posted_raw="a while back")
    note = (c.url, "time", "unparsed time 'a while back'")
    item = post_with([c], [SourceComment(1, "rest", "Alice", "2019-07-05T09:31:00+00:00", parent_known=True)], [note])
    merge_second_sources(item)
    assert (c.posted_at, c.posted_source) == ("2019-07-05T09:31:00Z", "rest")
    assert item.problems == []


def test_a_relative_time_filled_withdraws_its_note() -> None:
    c = comment(1, posted_raw="7 years ago")
    notes = [(c.url, "time", "relative time '7 years ago': the page gives no exact time"),
             (c.url, "time", "unparsed time 'something else'")]
    item = post_with([c], [SourceComment(1, "feed", "Alice", "Fri, 05 Jul 2019 09:31:00 +0000")], notes)
    merge_second_sources(item)
    assert (c.posted_at, c.posted_source) == ("2019-07-05T09:31:00Z", "feed")
    assert item.problems == notes[1:]


def test_a_title_attribute_with_the_exact_date_is_read() -> None:
    wpdiscuz = raw(6, "Bob", "4 years ago")
    wpdiscuz.posted_title = "05/07/2019 at 10:31 am"  # type: ignore[attr-defined]
    assert not html_left_unread([wpdiscuz], 1, set(), formats=("%d/%m/%Y at %I:%M %p",))


def test_text_agrees_to_the_minute_and_the_page_is_kept() -> None:
    c = comment(1, posted_raw="5 July 2019 at 10:31 am", posted_at="2019-07-05T09:31:00Z", posted_source="text")
    item = post_with([c], [SourceComment(1, "feed", "Alice", "Fri, 05 Jul 2019 09:31:42 +0000")])
    merge_second_sources(item)
    assert (c.posted_at, c.posted_source, item.problems) == ("2019-07-05T09:31:00Z", "text", [])


def test_parent_and_missing_comments_are_markup_problems() -> None:
    c = comment(2, parent_wp_id=None, depth=1)
    item = post_with([c], [SourceComment(2, "rest", "Alice", None, parent_wp_id=1, parent_known=True),
                           SourceComment(1, "rest", "Zed", None, parent_known=True),
                           SourceComment(9, "feed", "Yan", None)])
    merge_second_sources(item)
    assert item.problems == [
        (c.url, "markup", "comment 2: the page nests it under no comment (top level) but the REST API says it answers comment 1"),
        (POST, "markup", "2 comment(s) listed by the comment feed and the REST API were not read from the page: 1, 9"),
    ]


def test_an_incomplete_thread_does_not_claim_missing_comments() -> None:
    item = post_with([], [SourceComment(9, "feed", "Yan", None)])
    item.comments_complete = False  # a comment page failed: its comments are already reported
    merge_second_sources(item)
    assert item.problems == []


class LostWorker:
    """An offload whose worker process died: every task fails."""

    async def run(self, fn, *args):
        raise RuntimeError("page worker process exited (exit code -9)")


def spider_with_lost_worker():
    from scrapy.utils.test import get_crawler

    from spiders.registry import spider_class

    spider = spider_class("ddn").from_crawler(get_crawler(spider_class("ddn")), base_url="http://127.0.0.1:9")
    spider.offload = LostWorker()
    return spider


def test_a_feed_that_cannot_be_read_is_a_failure_row_and_the_post_still_goes_on() -> None:
    """A worker lost (or a reader bug) while parsing a comment feed must not hold the post back:
    the thread finishes, the post is yielded, and a ``parse`` failure says what was not read."""
    import asyncio

    from scrapy.http import Request, Response

    from reading.records import CaptureItem, FailureItem
    from spiders.second_sources import SourcePlan
    from spiders.wordpress import Thread

    origin = "https://www.drinkanddrugsnews.com"
    spider = spider_with_lost_worker()
    feed = "http://127.0.0.1:9/a-post/feed/"
    item = PostItem(site="ddn", url=f"{origin}/a-post/", fetched_from="http://127.0.0.1:9/a-post/", wp_id=1, title="t")
    thread = Thread(item, plan=SourcePlan(wp_id=1, feed_url=feed, api_root=None, feed_asked=True), pending={feed})
    response = Response(feed, status=200, body=b"<rss></rss>", request=Request(feed))

    async def outputs() -> list:
        return [out async for out in spider.parse_source(response, thread, "feed")]

    out = asyncio.run(outputs())
    assert [type(o) for o in out] == [CaptureItem, FailureItem, PostItem]
    assert (out[1].url, out[1].kind) == (f"{origin}/a-post/feed/", "parse")
    assert "page worker process exited" in out[1].reason
    assert out[2] is item and thread.finished and not thread.pending


def test_a_comment_page_that_cannot_be_read_is_a_failure_row_and_the_post_still_goes_on() -> None:
    """The same for an older comment page: the post is stored with what was read, its thread
    marked incomplete (so no comment counts as removed), and a ``parse`` failure recorded."""
    import asyncio

    from scrapy.http import HtmlResponse, Request

    from reading.records import CaptureItem, FailureItem
    from spiders.wordpress import Thread

    origin = "https://www.drinkanddrugsnews.com"
    spider = spider_with_lost_worker()
    page = "http://127.0.0.1:9/a-post/comment-page-1/"
    item = PostItem(site="ddn", url=f"{origin}/a-post/", fetched_from="http://127.0.0.1:9/a-post/", wp_id=1, title="t")
    thread = Thread(item, pending={page})
    response = HtmlResponse(page, status=200, body=b"<html><body></body></html>", request=Request(page))

    async def outputs() -> list:
        return [out async for out in spider.parse_comment_page(response, thread)]

    out = asyncio.run(outputs())
    assert [type(o) for o in out] == [CaptureItem, FailureItem, PostItem]
    assert (out[1].url, out[1].kind) == (f"{origin}/a-post/comment-page-1/", "parse")
    assert "page worker process exited" in out[1].reason
    assert out[2] is item and item.comments_complete is False and thread.finished
