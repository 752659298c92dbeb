"""Unit tests of the spider's readers on in-memory pages: no server, no Scrapy engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from mirror import SITES_DIR
from reading.comments import parse_comments
from reading.post import read_post_page
from reading.sites import COLLECTIVE_VOICE, DDN
from spiders.urls import OriginMap, comment_page_number, followable, post_url_of, without_private_params
from spiders.wordpress import _page_number


def page(path: str) -> html.HtmlElement:
    return html.document_fromstring((SITES_DIR / path).read_text(encoding="utf-8"))


# The core xhtml walker (no theme callback): div.comment-body wraps the whole comment and the
# text sits in bare paragraphs beside the author and meta blocks (field guide §3.1).
XHTML_WALKER = """<html><body><div id="comments"><ol class="commentlist">
 <li class="comment even thread-even depth-1 parent" id="comment-201">
  <div id="div-comment-201" class="comment-body">
   <div class="comment-author vcard"><img class="avatar" src="a.png"/><cite class="fn"><a href="https://alice.example" class="url">Alice</a></cite> <span class="says">says:</span></div>
   <div class="comment-meta commentmetadata"><a href="https://example.co.uk/p/#comment-201">05/07/2019 at 10:31 am</a>&nbsp;&nbsp;<a class="comment-edit-link" href="#">(Edit)</a></div>
   <p>Long overdue.</p><p>Second paragraph.</p>
   <div class="reply"><a class="comment-reply-link" href="/p/?replytocom=201#respond">Reply</a></div>
  </div>
  <ul class="children">
   <li class="comment byuser bypostauthor odd alt depth-2" id="comment-202">
    <div id="div-comment-202" class="comment-body">
     <div class="comment-author vcard"><cite class="fn">Jane Smith</cite> <span class="says">says:</span></div>
     <div class="comment-meta commentmetadata"><a href="https://example.co.uk/p/#comment-202">05/07/2019 at 11:02 am</a></div>
     <p>Thanks Alice.</p>
    </div>
   </li>
  </ul>
 </li>
 <li class="trackback even thread-odd depth-1" id="comment-205"><div id="div-comment-205" class="comment-body">Trackback: <a href="https://elsewhere.example/x" class="url">Elsewhere</a></div></li>
</ol></div></body></html>"""


def test_xhtml_core_walker_thread():
    comments = parse_comments(html.document_fromstring(XHTML_WALKER))
    assert [(c.wp_id, c.parent_wp_id, c.depth, c.order, c.kind) for c in comments] == [
        (201, None, 1, 1, "comment"), (202, 201, 2, 2, "comment"), (205, None, 1, 3, "trackback")]
    alice = comments[0]
    assert (alice.author, alice.author_url, alice.posted_raw) == ("Alice", "https://alice.example", "05/07/2019 at 10:31 am")
    assert alice.body_html == "<p>Long overdue.</p><p>Second paragraph.</p>"
    assert comments[1].author == "Jane Smith"
    assert comments[2].author == "Elsewhere" and "Trackback" in comments[2].body_html


@pytest.mark.parametrize("path, markup", [
    ("collectivevoice/blog/four-golden-threads/index.html", "theme callback"),
    ("collectivevoice/blog/in-for-the-long-haul-collective-voice-the-next-three-years/index.html", "twenty ten"),
    ("ddn/the-big-conversation/index.html", "html5 core walker"),
    ("ddn/naloxone-every-service-should-be-handing-it-out/index.html", "genesis"),
])
def test_mirror_threads_match_ground_truth(path, markup):
    import json

    site = path.split("/")[0]
    truth = json.loads((SITES_DIR / site / "expected.json").read_text())
    url = f"{truth['origin']}/{path.split('/', 1)[1].removesuffix('index.html')}"
    want = next(p for p in truth["posts"] if p["url"] == url)["comments"]
    got = parse_comments(page(path))
    assert [(c.wp_id, c.parent_wp_id, c.depth) for c in got] == \
           [(c["wp_id"], c["parent_wp_id"], c["depth"]) for c in want], markup
    assert [c.author for c in got] == [c["author"] for c in want], markup


def test_posts_are_told_from_pages_by_wordpress_markers():
    post = read_post_page(page("collectivevoice/blog/going-local/index.html"), COLLECTIVE_VOICE)
    assert (post.is_post, post.post_type, post.wp_id) == (True, "post", 3154)
    about = read_post_page(page("collectivevoice/about-us/index.html"), COLLECTIVE_VOICE)
    assert (about.is_post, about.post_type, about.wp_id) == (False, "page", 12)
    listing = read_post_page(page("collectivevoice/blog/index.html"), COLLECTIVE_VOICE)
    assert listing.is_post is False


def test_standfirst_is_read_from_the_site_profile():
    post = read_post_page(page("ddn/the-big-conversation/index.html"), DDN)
    assert post.standfirst.startswith("Through a highly interactive online event")
    assert post.published_machine and post.title == "The Big Conversation"


@pytest.mark.parametrize("url, links, number", [
    ("https://s/p/", [], 1),
    ("https://s/p/comment-page-3/", [], 3),
    ("https://s/p/?cpage=2", [], 2),
    # newest page at the bare permalink, "Older Comments" → page 1
    ("https://s/p/", [("https://s/p/comment-page-1/", 1, False)], 2),
    # the_comments_pagination lists every older page
    ("https://s/p/", [("https://s/p/comment-page-1/", 1, False), ("https://s/p/comment-page-2/", 2, False)], 3),
    # oldest-first site: the bare permalink is page 1 and links "Newer Comments" → page 2
    ("https://s/p/", [("https://s/p/comment-page-2/", 2, True)], 1),
])
def test_comment_page_numbers(url, links, number):
    assert _page_number(url, links) == number


def test_origin_map_round_trip():
    origins = OriginMap("https://www.collectivevoice.org.uk", "http://127.0.0.1:8123")
    live = "https://www.collectivevoice.org.uk/blog/going-local/comment-page-1/?x=1#comments"
    fetched = origins.to_fetch(live)
    assert fetched == "http://127.0.0.1:8123/blog/going-local/comment-page-1/?x=1#comments"
    assert origins.to_live(fetched) == live
    assert origins.to_fetch("https://elsewhere.example/a") == "https://elsewhere.example/a"
    assert origins.is_internal("https://collectivevoice.org.uk/x") and not origins.is_internal("https://x.org/")


@pytest.mark.parametrize("url, ok", [
    ("https://s/p/", True),
    ("https://s/p/?replytocom=201#respond", False),
    ("https://s/p/?share=twitter", False),
    ("https://s/feed/", False),
    ("https://s/wp-comments-post.php", False),
    ("https://www.addtoany.com/add_to/facebook?linkurl=x", False),
    ("mailto:someone@example.org", False),
])
def test_followable(url, ok):
    assert followable(url) is ok


def test_url_helpers():
    assert comment_page_number("https://s/p/comment-page-12/#comments") == 12
    assert post_url_of("https://s/p/comment-page-2/#comment-5") == "https://s/p/"
    assert without_private_params("https://s/p/?unapproved=5&moderation-hash=ab#comment-5") == "https://s/p/#comment-5"


def test_a_callback_error_becomes_a_parse_failure_row():
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse

    from reading.records import FailureItem
    from spiders.errors import RecordParseErrors

    stats = SimpleNamespace(values={}, inc_value=lambda key: stats.values.__setitem__(key, stats.values.get(key, 0) + 1))
    spider = SimpleNamespace(name="ddn", logger=SimpleNamespace(error=lambda *a, **k: None),
                             origins=OriginMap(DDN.origin, "http://127.0.0.1:9"))
    crawler = SimpleNamespace(spider=spider, stats=stats)
    response = HtmlResponse("http://127.0.0.1:9/broken/", body=b"<html></html>", status=200)
    out = list(RecordParseErrors.from_crawler(crawler).process_spider_exception(response, ValueError("no body")))
    assert out == [FailureItem("ddn", "https://www.drinkanddrugsnews.com/broken/", "parse", "ValueError: no body", 200)]
    assert stats.values == {"archive/parse_errors": 1}


@pytest.mark.parametrize("path", [
    "collectivevoice/blog/four-golden-threads/index.html",
    "collectivevoice/blog/in-for-the-long-haul-collective-voice-the-next-three-years/index.html",
    "ddn/the-big-conversation/index.html",
    "ddn/naloxone-every-service-should-be-handing-it-out/index.html",
])
def test_subtree_index_answers_like_lxml_selectors(path):
    """The one-walk index must pick the same element lxml's selectors would."""
    from reading.dom import SubtreeIndex, first

    selectors = ("[itemprop=author] [itemprop=name]", "cite.fn", "b.fn", ".fn", "[class*=comment__author]",
                 ".comment-metadata a", "a.comment-time-link", "[class*=comment__date]", ".comment-content",
                 "[itemprop=text]", "a", "time", ".comment-body")

    items = page(path).xpath("//li[starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-')]")
    assert items
    for li in items:
        index = SubtreeIndex(li)
        for selector in selectors:
            assert index.first((selector,)) is first(li, (selector,)), (li.get("id"), selector)


def test_a_failure_without_a_message_still_has_a_reason() -> None:
    from reading.records import error_reason

    class QuietError(Exception):
        """The peer hung up.

        More detail that is not the summary."""

    class BareError(Exception):
        pass

    assert error_reason(TimeoutError("took 1.0 s")) == "TimeoutError: took 1.0 s"
    assert error_reason(QuietError()) == "QuietError: The peer hung up."
    assert error_reason(BareError()) == "BareError: no detail given"


def test_the_reader_alone_flags_a_comment_awaiting_moderation():
    """One place decides moderation: the reader, from the comment's own box. The notice is not
    part of the body it hands on."""
    notice = '<em class="comment-awaiting-moderation">Your comment is awaiting moderation.</em>'
    page = XHTML_WALKER.replace("<p>Thanks Alice.</p>", notice + "<p>Thanks Alice.</p>")
    by_id = {c.wp_id: c for c in parse_comments(html.document_fromstring(page))}
    assert (by_id[201].awaiting_moderation, by_id[202].awaiting_moderation) == (False, True)
    assert "awaiting moderation" not in by_id[202].body_html


def test_selectors_by_attribute_find_what_cssselect_finds() -> None:
    """``reading.dom.css`` searches a selector that tests one attribute (``#id``, ``.class``,
    ``tag.class``, ``[a=v]``, ``[a*=v]``…) attribute first (issue 14): on every page of the test
    sites, the same elements in the same order as cssselect's own XPath."""
    from lxml.cssselect import CSSSelector

    from reading import body, furniture, post
    from reading.dom import by_attribute, css
    from reading.sites import CONTENT_CONTAINERS

    selectors = {s for group in (post.TITLE_SELECTORS, post.AUTHOR_SELECTORS, post.PUBLISHED_TIME_SELECTORS,
                                 post.PUBLISHED_TEXT_SELECTORS, post.COMMENTS_AREA_SELECTORS,
                                 post.COMMENT_COUNT_SELECTORS, body.ARTICLE_SELECTORS, body.NOT_BODY_SELECTORS,
                                 CONTENT_CONTAINERS, DDN.standfirst_selectors, COLLECTIVE_VOICE.strip_selectors,
                                 furniture.DEFAULT_STRIP_SELECTORS, furniture.ARTICLE_CONTAINER_SELECTORS,
                                 ('script[type="application/ld+json"]', "li.comment", "#comment-1", "a.url",
                                  "[title='x | y']", "a[href^='@x']", "[lang|=en]", ".a:not(.b)", "[data-x]",
                                  "img[alt$=Logo], [role=navigation]", ".entry-comments > h3"))
                 for s in group}
    rewritten = [s for s in selectors if by_attribute(CSSSelector(s).path) != CSSSelector(s).path]
    assert len(rewritten) > 40  # most of them take the new path
    pages = [html.parse(str(p)).getroot() for p in sorted(SITES_DIR.rglob("*.html"))]
    assert len(pages) > 40
    for root in pages:
        for selector in sorted(selectors):
            assert css(selector)(root) == CSSSelector(selector)(root), selector
            assert css(selector, "html")(root) == CSSSelector(selector, translator="html")(root), selector


def test_one_walk_finds_the_anchors_and_links_the_xpaths_find() -> None:
    """``anchors_and_page_links`` walks the page once instead of two XPath searches (issue 14):
    the same elements in the same order, on every page of the test sites and the bench's theme
    pages, and the XPaths themselves for an element that is not the document's root."""
    from reading.comments import _ANCHORS, _COMMENT_PAGE_LINKS, anchors_and_page_links

    pages = [html.parse(str(p)).getroot() for p in sorted(SITES_DIR.rglob("*.html"))]
    found = 0
    for root in pages:
        anchors, links = anchors_and_page_links(root)
        assert (anchors, links) == (_ANCHORS(root), _COMMENT_PAGE_LINKS(root))
        found += len(anchors) + len(links)
        body = root.find("body")
        assert anchors_and_page_links(body) == (_ANCHORS(body), _COMMENT_PAGE_LINKS(body))
    assert found > 300
