"""Everything the spider reads from one page, in one parse, as a picklable value.

A pure function of the page text, so it can run in a worker process (``pipelines.offload``)
while the Scrapy reactor goes on fetching.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree, html

from spiders.comments import RawComment, parse_comments
from spiders.dom import text
from spiders.post import PostPage, read_post_page
from spiders.sites import SiteProfile

# One pass over the document's links; links to other posts' comment pages (a sidebar's "recent
# comments") are filtered out by the spider, which knows the URLs.
_COMMENT_PAGE_LINKS = etree.XPath("//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]")


@dataclass
class PageExtract:
    page: PostPage | None  # None for a comment page: only its comments matter
    comments: list[RawComment] = field(default_factory=list)
    comment_links: list[tuple[str, str]] = field(default_factory=list)  # (href, label words, lower case)


def extract_post_page(page_text: str, profile: SiteProfile) -> PageExtract:
    """Classify the page; for a post, read its fields, comments and comment-page links."""
    root = html.document_fromstring(page_text)
    page = read_post_page(root, profile)
    if not page.is_post:
        return PageExtract(page)
    links = _comment_links(root)
    return PageExtract(page, parse_comments(root), links)


def extract_comment_page(page_text: str) -> PageExtract:
    root = html.document_fromstring(page_text)
    links = _comment_links(root)
    return PageExtract(None, parse_comments(root), links)


def _comment_links(root: html.HtmlElement) -> list[tuple[str, str]]:
    return [
        (a.get("href") or "", f"{text(a)} {a.get('class') or ''} {a.getparent().get('class') or ''}".lower())
        for a in _COMMENT_PAGE_LINKS(root)
    ]
