"""Find a post's region and its article body: known content containers first, then structure.

Themes and page builders put ``the_content`` in different containers (``.entry-content``,
Elementor Pro's post-content widget, Divi's post-content module, tagDiv's ``.td-post-content``,
Beaver Themer's post-content module…). The site profile lists them in preference order. When none
holds anything, the body is found the way readability-style extractors do: the smallest element
of the post's region holding most of its paragraph text, outside comments, navigation, asides and
footers. A page whose markup we have never seen still gives its article, not an empty body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeAlias

from lxml import etree, html

from reading.dom import css, norm, xpath

Element: TypeAlias = html.HtmlElement

# Where a theme prints the post (post_class on article/div, block themes' main), in preference order.
ARTICLE_SELECTORS = ("article[class*=type-]", "div[class*=type-][id^=post-]", "article", "main")

# Subtrees that are never the article, whatever their text: comment areas, navigation, widgets.
NOT_BODY_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "script", "style", "noscript",
                           "template", "button", "select", "textarea", "svg", "iframe"})
NOT_BODY_SELECTORS = (
    "#comments", ".comments-area", ".comment-list", ".commentlist", "#respond", ".comment-respond",
    "#wpdcom", ".wpd-thread-list", ".sidebar", "#sidebar", "#secondary", ".widget", ".widget-area",
    ".related-posts", ".jp-relatedposts", ".sharedaddy", ".navigation", "[role=navigation]",
    "[role=complementary]", ".site-header", ".site-footer", "#masthead", "#colophon",
)
# Text blocks (p, pre, li, td, dd) count towards their containers; a div, section or blockquote
# counts when it holds text directly and no block children (``<div>text<br>text</div>``).
_BLOCK_CHILD_TAGS = frozenset({"p", "div", "section", "article", "ul", "ol", "table", "blockquote", "pre",
                               "h1", "h2", "h3", "h4", "h5", "h6", "figure", "header", "footer", "aside", "nav"})
_HOLDS_MOST = 0.7  # share of the region's paragraph text the chosen body must hold
_POST_CLASS = re.compile(r"^post-(\d+)$")


def post_region(root: Element, post_id: int | None) -> Element | None:
    """The element ``post_class()`` marks as this post (class ``post-N``), else the first article
    that is not another post's card (a related-posts grid also prints ``article.type-post``).
    The usual page answers at the first selector; builders' pages need the class search."""
    own = f"post-{post_id}" if post_id is not None else None
    fallback = None
    for selector in ARTICLE_SELECTORS:
        for el in css(selector)(root):
            if own is not None and own in (el.get("class") or "").split():
                return el
            if fallback is None and not _another_post(el, post_id) and not _in_comments(el):
                fallback = el
        if fallback is not None and own is None:
            return fallback
    if own is not None:
        marked = _WITH_CLASS(root, needle=f" {own} ")
        if marked:
            return marked[0]
    return fallback


_WITH_CLASS = xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $needle)]")


def _in_comments(el: Element) -> bool:
    """The html5 comment walker prints every comment as an ``<article>``."""
    for node in (el, *el.iterancestors()):
        if node.get("id") == "comments" or _COMMENT_CLASSES.intersection((node.get("class") or "").split()):
            return True
    return False


_COMMENT_CLASSES = frozenset({"comment", "comment-body", "comment-list", "commentlist", "comments-area"})


def _another_post(el: Element, post_id: int | None) -> bool:
    if post_id is None:
        return False
    ids = {int(m.group(1)) for token in (el.get("class") or "").split() + [el.get("id") or ""]
           if (m := _POST_CLASS.match(token))}
    return bool(ids) and post_id not in ids


def find_body(region: Element | None, root: Element, selectors: tuple[str, ...]) -> Element | None:
    """The post's content container (first selector with content, in the region, then the page),
    else the densest text block of the region (or of the page's ``<body>``)."""
    places = [region, root] if region is not None else [root]
    for place in places:
        found = next(_with_content(place, selectors), None)
        if found is not None:
            return found
    scope = region if region is not None else root.find("body")
    return densest_block(scope) if scope is not None else None


def _with_content(place: Element, selectors: tuple[str, ...]) -> Iterator[Element]:
    """Matches in preference order, skipping empty shells (a theme's ``.entry-content`` printed
    around nothing while a builder prints the post elsewhere)."""
    classes = _class_names(selectors)
    found = _by_class(place, frozenset(c for c in classes if c is not None))
    for selector, cls in zip(selectors, classes):
        for el in found.get(cls, ()) if cls is not None else css(selector)(place):
            if el.text_content().strip() or next(el.iter("img", "video", "audio", "iframe"), None) is not None:
                yield el


def _by_class(place: Element, wanted: frozenset[str]) -> dict[str, list[Element]]:
    """Every ``.class`` selector answered by one walk in Python: the builders' containers are
    tried first on every page and most pages have none, and one libxml2 class test per selector
    per element cost several times more than the walk."""
    found: dict[str, list[Element]] = {}
    if not wanted:
        return found
    for el in place.iter(etree.Element):
        names = el.get("class")
        if names:
            for name in wanted.intersection(names.split()):
                found.setdefault(name, []).append(el)
    return found


@lru_cache(maxsize=16)
def _class_names(selectors: tuple[str, ...]) -> tuple[str | None, ...]:
    return tuple(s[1:] if _CLASS_SELECTOR.fullmatch(s) else None for s in selectors)


_CLASS_SELECTOR = re.compile(r"\.[_a-zA-Z][\w-]*")


def densest_block(scope: Element) -> Element | None:
    """The smallest element of ``scope`` holding most of its paragraph text.

    Each text block's own words (link text discounted, so menus and teaser lists weigh little) are
    credited to every ancestor up to ``scope``; then we walk down from ``scope`` while one child
    still holds ``_HOLDS_MOST`` of the total."""
    excluded = _excluded(scope)
    held: dict[Element, int] = {}
    for block in _text_blocks(scope, excluded):
        weight = _own_words(block)
        if not weight:
            continue
        el: Element | None = block
        while el is not None:
            held[el] = held.get(el, 0) + weight
            if el is scope:
                break
            el = el.getparent()
    total = held.get(scope, 0)
    if not total:
        return None
    chosen = scope
    while True:
        child = next((c for c in chosen if held.get(c, 0) >= _HOLDS_MOST * total), None)
        if child is None:
            return chosen
        chosen = child


def _excluded(scope: Element) -> set[Element]:
    roots = set(css(", ".join(NOT_BODY_SELECTORS))(scope))
    roots.update(el for el in scope.iter(*NOT_BODY_TAGS))
    return roots


def _text_blocks(scope: Element, excluded: set[Element]) -> Iterator[Element]:
    for el in scope.iter("p", "pre", "li", "td", "dd", "blockquote", "div", "section"):
        if el.tag in ("div", "section", "blockquote") and not _holds_text_itself(el):
            continue
        if not _inside_block(el, scope) and not _inside(el, excluded, scope):
            yield el


def _holds_text_itself(el: Element) -> bool:
    if any(isinstance(c.tag, str) and c.tag in _BLOCK_CHILD_TAGS for c in el):
        return False
    return bool((el.text or "").strip() or any((c.tail or "").strip() for c in el))


def _inside_block(el: Element, scope: Element) -> bool:
    """A ``<p>`` inside an ``<li>`` (or a list inside a table cell) is counted once, at the top."""
    for ancestor in el.iterancestors():
        if ancestor is scope:
            return False
        if ancestor.tag in ("p", "li", "td", "dd", "pre"):
            return True
    return False


def _inside(el: Element, excluded: set[Element], scope: Element) -> bool:
    if el in excluded:
        return True
    for ancestor in el.iterancestors():
        if ancestor is scope:
            return False
        if ancestor in excluded:
            return True
    return False


def _own_words(block: Element) -> int:
    """Characters of text that are not link text."""
    whole = len(norm(block.text_content()))
    links = sum(len(norm(a.text_content())) for a in block.iter("a"))
    return max(whole - links, 0)
