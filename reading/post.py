"""Read one WordPress post page: is it a post, and what does it say?

Posts are told from pages, archives and custom types by WordPress's own markers (body and
article classes, ``og:type``/JSON-LD), never by URL shape. Machine-readable dates are kept as
found; the timestamps pipeline turns them, or the visible text, into UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from lxml import html

from reading.body import find_body, post_region
from reading.dom import css, first, norm, text
from reading.sites import SiteProfile

_POSTID_RE = re.compile(r"\bpostid-(\d+)\b")
_POST_ID_ATTR_RE = re.compile(r"^post-(\d+)$")
_SHORTLINK_RE = re.compile(r"[?&]p=(\d+)")
_TYPE_RE = re.compile(r"\btype-([\w-]+)\b")
_ENTITY_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_NUMBER_WORDS = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ARTICLE_TYPES = {"Article", "BlogPosting", "NewsArticle", "Report", "OpinionNewsArticle"}
_NUMBER = r"\d{1,3}(?:[,.\u00a0]\d{3})+|\d+|" + "|".join(_NUMBER_WORDS)
_COUNTED = r"comments?|responses?|thoughts?|repl(?:y|ies)|reactions?|opinions?"
# "4 Responses to", "One thought on", "This Post Has 4 Comments", "4 COMMENTS", "Comments (4)"
_COUNT_RE = re.compile(rf"(?:^|\s)({_NUMBER})\s+(?:{_COUNTED})\b|\b(?:{_COUNTED})\s*\(\s*(\d+)\s*\)", re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_COMMENT_ANCHOR_RE = re.compile(r"^(?:li-|div-)?comment-\d+$")

TITLE_SELECTORS = ("h1.entry-title", ".entry-title", "h1.post-title", "h1")
AUTHOR_SELECTORS = (".entry-author-name", ".byline .author a", ".author.vcard a", ".author.vcard",
                    "a[rel=author]", ".byline a", ".entry-meta .author")
PUBLISHED_TIME_SELECTORS = ("time.published", "time.entry-time", "time.entry-date", ".entry-meta time",
                            ".entry-header time", "time")
PUBLISHED_TEXT_SELECTORS = ("time.published", "time.entry-time", ".entry-date", ".posted-on time",
                            ".posted-on", ".date.published", ".entry-time")
COMMENTS_AREA_SELECTORS = ("#comments", ".comments-area", ".entry-comments", ".wp-block-comments", "#wpdcom",
                           "#respond", ".no-comments", ".nocomments")
COMMENT_HEADING_SELECTORS = (".comments-title", "#comments-title", "h3#comments", "h2#comments", "h1#comments",
                             ".entry-comments > h3", ".comments-area > h2", ".wp-block-comments-title",
                             ".wpd-thread-info")
COMMENT_COUNT_SELECTORS = (*COMMENT_HEADING_SELECTORS, ".entry-comments-link")


@dataclass
class PostPage:
    """What a post page says, before cleaning and time normalisation."""

    is_post: bool
    post_type: str | None
    wp_id: int | None
    canonical: str | None
    title: str | None = None
    author: str | None = None
    published_machine: str | None = None
    published_raw: str | None = None
    modified_machine: str | None = None
    modified_raw: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    standfirst: str | None = None
    body_html: str = ""
    comment_count: int | None = None
    comments_heading: bool = False  # a heading over a comment list ("Comments", "4 thoughts on …")


def read_post_page(root: html.HtmlElement, profile: SiteProfile) -> PostPage:
    """Classify the page and, when it is a post, read its fields."""
    body_classes = _classes(root.find("body"))
    article = post_region(root, _body_post_id(body_classes))
    article_classes = _classes(article)
    head = _head_values(root)
    graph = _json_ld_article(root)
    post_type = _post_type(body_classes, article_classes)
    page = PostPage(
        is_post=_is_post(post_type, body_classes, head, graph, profile),
        post_type=post_type,
        wp_id=_wp_id(head, body_classes, article),
        canonical=head.get("link:canonical"),
    )
    if not page.is_post:
        return page
    scope = article if article is not None else root
    page.title = _title(head, scope, graph)
    page.author = _author(head, scope, graph)
    page.published_machine = (
        head.get("article:published_time") or graph.get("datePublished")
        or _time_attr(scope, PUBLISHED_TIME_SELECTORS)
    )
    page.published_raw = _text_of(scope, PUBLISHED_TEXT_SELECTORS)
    page.modified_machine = (
        head.get("article:modified_time") or graph.get("dateModified") or _time_attr(scope, ("time.updated",))
    )
    page.modified_raw = _text_of(scope, ("time.updated",))
    page.categories = _rel_links(scope, "category") or _as_list(graph.get("articleSection"))
    page.tags = [t for t in _rel_links(scope, "tag", exact=True) if t not in page.categories] or _as_list(
        graph.get("keywords")
    )
    # Inside the article only: a whole-page search for a standfirst costs more than the rest of
    # the page's fields together, and the sites print it in the article.
    page.standfirst = _text_of(scope, profile.standfirst_selectors) if profile.standfirst_selectors else None
    body = find_body(article, root, profile.body_selectors)
    page.body_html = html.tostring(body, encoding="unicode") if body is not None else ""
    area = first(root, COMMENTS_AREA_SELECTORS)  # one search of the page for both (0.2 ms each)
    page.comment_count = _comment_count(area, scope, graph)
    page.comments_heading = _comments_heading(area)
    return page


def _post_type(body_classes: set[str], article_classes: set[str]) -> str | None:
    for cls in article_classes:
        m = _TYPE_RE.fullmatch(cls) if cls.startswith("type-") else None
        if m:
            return m.group(1)
    for cls in body_classes:
        if cls.startswith("single-") and cls not in ("single-format-standard",) and not cls.startswith("single-format"):
            return cls[len("single-"):]
    if "page" in body_classes or any(c.startswith("page-id-") for c in body_classes):
        return "page"
    return None


def _is_post(post_type: str | None, body_classes: set[str], head: dict[str, str],
             graph: dict[str, Any], profile: SiteProfile) -> bool:
    archive_markers = {"archive", "blog", "home", "category", "tag", "author", "search", "error404", "date"}
    if body_classes & archive_markers:
        return False
    if post_type is not None:
        return post_type == "post" or post_type in profile.extra_post_types
    # A theme without body/post classes: fall back to the page's own metadata.
    return head.get("og:type") == "article" and bool(graph)


def _body_post_id(body_classes: set[str]) -> int | None:
    """``postid-N`` on ``<body>``: WordPress's own statement of which post the page shows."""
    for cls in body_classes:
        m = _POSTID_RE.fullmatch(cls)
        if m:
            return int(m.group(1))
    return None


def _wp_id(head: dict[str, str], body_classes: set[str], article: html.HtmlElement | None) -> int | None:
    found = _body_post_id(body_classes)
    if found is not None:
        return found
    if article is not None:
        m = _POST_ID_ATTR_RE.match(article.get("id") or "")
        if m:
            return int(m.group(1))
    m = _SHORTLINK_RE.search(head.get("link:shortlink", ""))
    return int(m.group(1)) if m else None


def _title(head: dict[str, str], scope: html.HtmlElement, graph: dict[str, Any]) -> str | None:
    """Decoded once more where entities survive: JSON-LD strings are never HTML-decoded (plugins
    print ``wp_json_encode(get_the_title())``, full of ``&#8217;``), and a theme that escapes an
    already-escaped title prints ``&amp;#8217;``."""
    el = first(scope, TITLE_SELECTORS)
    found = text(el) if el is not None else ""
    if not found:
        headline = graph.get("headline")
        found = headline if isinstance(headline, str) else head.get("og:title") or ""
    return _decoded(found) or None


def _decoded(value: str) -> str:
    return norm(unescape(value)) if _ENTITY_RE.search(value) else norm(value)


def _author(head: dict[str, str], scope: html.HtmlElement, graph: dict[str, Any]) -> str | None:
    author = graph.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    if isinstance(author, dict) and author.get("name"):
        return _decoded(str(author["name"]))
    el = first(scope, AUTHOR_SELECTORS)
    if el is not None and text(el):
        return text(el)
    return head.get("author")


def _comment_count(area: html.HtmlElement | None, scope: html.HtmlElement, graph: dict[str, Any]) -> int | None:
    """The count the page displays ("4 Responses to", "One thought on", "This Post Has 4
    Comments"). Known count elements first; then, by structure, any heading of the comments area
    above its first comment (Avada's ``fusion-title``, tagDiv's ``block-title`` and a theme's own
    classes carry no meaning here); then the article (Genesis prints it only in the entry meta).
    A heading without a number (Genesis prints just "Comments") gives way to the next candidate."""
    for el in _count_candidates(area, scope):
        number = _count_in(text(el))
        if number is not None:
            return number
    count = graph.get("commentCount")
    if isinstance(count, (int, str)) and str(count).isdigit():
        return int(count)
    # A comments area with no list ("Comments are closed.", or just the form) displays none.
    if area is not None and first(area, ("li.comment", "li.pingback", "li.trackback")) is None:
        return 0
    return None


def _count_candidates(area: html.HtmlElement | None, scope: html.HtmlElement) -> Iterator[html.HtmlElement]:
    """In preference order, and lazily: the first that shows a number ends the search, so the
    later selectors are not run over the page (about 0.5 ms a page, bench/costs.py)."""
    if area is not None:
        for selector in COMMENT_COUNT_SELECTORS:
            yield from css(selector)(area)
        yield from _headings_above_comments(area)
    for selector in COMMENT_COUNT_SELECTORS:
        yield from css(selector)(scope)


def _headings_above_comments(area: html.HtmlElement) -> list[html.HtmlElement]:
    """The comments area's headings that come before its first comment: where every theme puts
    its count, and never a commenter's own words."""
    found = []
    for el in area.iter():
        if not isinstance(el.tag, str):
            continue
        if _COMMENT_ANCHOR_RE.match(el.get("id") or "") or (el.tag == "a" and _COMMENT_ANCHOR_RE.match(el.get("name") or "")):
            break
        if el.tag in _HEADINGS:
            found.append(el)
    return found


def _comments_heading(area: html.HtmlElement | None) -> bool:
    """Whether the comments area has a heading over a list; themes print one only when there are
    comments, so a heading with nothing read under it means the reader missed them."""
    if area is None:
        return False
    for el in (e for selector in COMMENT_HEADING_SELECTORS for e in css(selector)(area)):
        label = text(el).lower()
        if label and not label.startswith(("no ", "0 ", "leave", "be the first")):
            return True
    return any(_count_in(text(el)) for el in _headings_above_comments(area))


def _count_in(label: str) -> int | None:
    """The number a count label shows: leading ("4", "One thought on") or next to the word it
    counts ("This Post Has 4 Comments", "Comments (4)")."""
    number = _leading_number(label)
    if number is not None:
        return number
    m = _COUNT_RE.search(label)
    if m is None:
        return None
    found = (m.group(1) or m.group(2)).lower()
    return _NUMBER_WORDS[found] if found in _NUMBER_WORDS else int(re.sub(r"\D", "", found))


def _leading_number(label: str) -> int | None:
    words = label.lower().split()
    if words and words[0].isdigit():
        return int(words[0])
    return _NUMBER_WORDS.get(words[0]) if words else None


def _json_ld_article(root: html.HtmlElement) -> dict[str, Any]:
    """The Article node of Yoast's (or any) JSON-LD graph, with the author resolved."""
    for script in css('script[type="application/ld+json"]')(root):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        nodes = data.get("@graph", [data]) if isinstance(data, dict) else data if isinstance(data, list) else []
        by_id = {n.get("@id"): n for n in nodes if isinstance(n, dict)}
        for node in nodes:
            types = node.get("@type") if isinstance(node, dict) else None
            types = set(types) if isinstance(types, list) else {types}
            if types & _ARTICLE_TYPES:
                author = node.get("author")
                if isinstance(author, dict) and "name" not in author and author.get("@id") in by_id:
                    node = {**node, "author": by_id[author["@id"]]}
                return node
    return {}


def _rel_links(scope: html.HtmlElement, rel: str, exact: bool = False) -> list[str]:
    names: list[str] = []
    for a in scope.iter("a"):
        rels = (a.get("rel") or "").split()
        if (rels == [rel]) if exact else (rel in rels):
            name = text(a)
            if name and name not in names:
                names.append(name)
    return names


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _head_values(root: html.HtmlElement) -> dict[str, str]:
    """Every ``<meta property|name>`` content and ``<link rel>`` href, read in one pass (first wins):
    ``og:type``, ``article:published_time``, ``author``, ``link:canonical``, ``link:shortlink``…"""
    values: dict[str, str] = {}
    for el in root.iter("meta", "link"):
        if el.tag == "meta":
            key, value = el.get("property") or el.get("name"), el.get("content")
        else:
            key, value = "link:" + (el.get("rel") or "").strip().lower(), el.get("href")
        if key and value is not None:
            values.setdefault(key, value)
    return values


def _time_attr(scope: html.HtmlElement, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        for el in css(selector)(scope):
            if el.get("datetime"):
                return el.get("datetime")
    return None


def _text_of(scope: html.HtmlElement, selectors: tuple[str, ...]) -> str | None:
    el = first(scope, selectors)
    found = text(el) if el is not None else ""
    return found or None


def _classes(el: html.HtmlElement | None) -> set[str]:
    return set((el.get("class") or "").split()) if el is not None else set()
