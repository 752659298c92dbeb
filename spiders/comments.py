"""Read a WordPress comment thread out of one comment page.

Threading comes from nesting (``ul.children`` / ``ol.children``), never from attributes: WordPress
prints no parent ids. The selectors below cover the classic/Twenty Ten callback, the core xhtml
and html5 walkers, Genesis, wpDiscuz-like lists and theme callbacks that print only a name, a date
and a ``#`` permalink; field order in each tuple is preference order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from lxml import html

from spiders.dom import SubtreeIndex, css, first, inner_html, text

# Comment lists by class; matched in Python over the page's few ol/ul elements, which is several
# times cheaper than a class selector over the whole document.
LIST_CLASSES = frozenset({"commentlist", "comment-list", "ping-list"})
AUTHOR_SELECTORS = (
    "[itemprop=author] [itemprop=name]", "cite.fn", "b.fn", ".fn", ".comment-author-name",
    "[class*=comment__author]", "[class*=comment-author]", ".wpd-comment-author",
)
DATE_TEXT_SELECTORS = (
    ".comment-metadata a", ".commentmetadata a", "a.comment-time-link", ".comment-meta a",
    "[class*=comment__date]", ".comment-date", ".wpd-comment-date", "time",
)
BODY_SELECTORS = (
    ".comment-content", ".comment-text", "[class*=comment__text]", ".wpd-comment-text",
    "[itemprop=text]", "[itemprop=commentText]",
)
_ID_RE = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
_SAYS_RE = re.compile(r"\s*says:?\s*$", re.IGNORECASE)


@dataclass
class RawComment:
    """A comment as found on one page, before timestamps and cleaning."""

    wp_id: int
    parent_wp_id: int | None
    depth: int
    order: int  # order on this page
    kind: str
    author: str | None
    author_url: str | None
    posted_raw: str | None
    posted_machine: str | None
    body_html: str
    permalink: str | None
    awaiting_moderation: bool


def parse_comments(root: html.HtmlElement) -> list[RawComment]:
    """All comments on a page, in display order, with parents and depths from nesting.

    The comment lists are detached from ``root`` as they are read (so nested replies are not read
    twice); call this after everything else has been taken from the page.
    """
    found: list[RawComment] = []
    lists = [el for el in root.iter("ol", "ul") if LIST_CLASSES.intersection((el.get("class") or "").split())]
    for comment_list in lists:
        if _inside_comment(comment_list):
            continue
        for li in _comment_items(comment_list):
            _walk(li, None, 1, found)
    return found


def _walk(li: html.HtmlElement, parent: int | None, depth: int, found: list[RawComment]) -> None:
    """Read a thread in display (pre-)order. An explicit stack, not recursion: a hostile or just
    very long thread may nest deeper than Python's recursion limit."""
    stack = [(li, parent, depth)]
    while stack:
        li, parent, depth = stack.pop()
        children = [c for c in li if c.tag in ("ul", "ol") and "children" in c.get("class", "")]
        for c in children:
            li.remove(c)
        comment = _read_comment(li, parent, depth, len(found) + 1)
        if comment is not None:
            found.append(comment)
            parent = comment.wp_id
        replies = [child for c in children for child in _comment_items(c)]
        stack.extend((reply, parent, depth + 1) for reply in reversed(replies))


def _comment_items(container: html.HtmlElement) -> Iterator[html.HtmlElement]:
    return (el for el in container if el.tag == "li")


def _inside_comment(el: html.HtmlElement) -> bool:
    return any(a.tag == "li" and _wp_id_of(a) is not None for a in el.iterancestors())


def _read_comment(li: html.HtmlElement, parent: int | None, depth: int, order: int) -> RawComment | None:
    wp_id = _wp_id_of(li)
    if wp_id is None:
        return None
    classes = li.get("class", "").split()
    kind = "pingback" if "pingback" in classes else "trackback" if "trackback" in classes else "comment"
    index = SubtreeIndex(li)
    author, author_url = _author(index, kind)
    machine, raw = _date(index, wp_id)
    moderated = bool(index.by_class.get("comment-awaiting-moderation"))
    return RawComment(
        wp_id=wp_id,
        parent_wp_id=parent,
        depth=depth,
        order=order,
        kind=kind,
        author=author,
        author_url=author_url,
        posted_raw=raw,
        posted_machine=machine,
        body_html=_body(index, kind),
        permalink=_permalink(index, wp_id),
        awaiting_moderation=moderated,
    )


def _wp_id_of(li: html.HtmlElement) -> int | None:
    """The comment id from ``li#comment-N``, ``li#li-comment-N`` or an inner ``#comment-N``."""
    for el in chain((li,), li.iterdescendants()):  # lazily: the id is almost always on li itself
        m = _ID_RE.match(el.get("id") or "")
        if m:
            return int(m.group(1))
        if el.tag in ("ul", "ol"):
            break
    for link in css("[data-commentid]")(li):
        value = (link.get("data-commentid") or "").strip()
        # Not a number: kept as written, so the validate pipeline records it instead of the
        # whole page failing here.
        return int(value) if value.isascii() and value.isdigit() else value  # type: ignore[return-value]
    return None


def _author(index: SubtreeIndex, kind: str) -> tuple[str | None, str | None]:
    el = index.first(AUTHOR_SELECTORS)
    if el is None and kind != "comment":
        el = index.first(("a",))
    if el is None:
        return None, None
    name = _SAYS_RE.sub("", text(el)) or None
    link = el if el.tag == "a" else next(iter(el.iter("a")), None)
    url = link.get("href") if link is not None else None
    return name, url or None


def _date(index: SubtreeIndex, wp_id: int) -> tuple[str | None, str | None]:
    time_el = next((t for t in index.by_tag.get("time", ()) if t.get("datetime")), None)
    machine = time_el.get("datetime") if time_el is not None else None
    el = index.first(DATE_TEXT_SELECTORS)
    raw = text(el) if el is not None else None
    if not raw or raw == "#":
        raw = _permalink_text(index, wp_id)
    if raw:
        raw = re.sub(r"\s*\(Edit\)\s*$", "", raw)
    return machine, raw or None


def _permalink_text(index: SubtreeIndex, wp_id: int) -> str | None:
    for a in index.by_tag.get("a", ()):
        label = text(a)
        if f"#comment-{wp_id}" in (a.get("href") or "") and label and label != "#":
            return label
    return None


def _body(index: SubtreeIndex, kind: str) -> str:
    el = index.first(BODY_SELECTORS)
    if el is None:
        el = index.first((".comment-body",))
        if el is not None and first(el, (".comment-author", ".fn", ".comment-meta")) is not None:
            return _loose_paragraphs(el) if kind == "comment" else _inner_html_without_meta(el)
    if el is None:  # a bare ping or a theme that prints text straight into the item
        return _inner_html_without_meta(index.root)
    return inner_html(el)


def _loose_paragraphs(el: html.HtmlElement) -> str:
    """The core xhtml walker puts the text as bare paragraphs beside the author and meta blocks."""
    keep = [c for c in el if c.tag in ("p", "blockquote", "ul", "ol", "pre", "h3", "h4")]
    return "".join(html.tostring(c, encoding="unicode", with_tail=False) for c in keep)


def _inner_html_without_meta(el: html.HtmlElement) -> str:
    for junk in css(".reply, .comment-reply, .comment-edit-link, .edit-link")(el):
        junk.getparent().remove(junk)
    return inner_html(el)


def _permalink(index: SubtreeIndex, wp_id: int) -> str | None:
    for a in index.by_tag.get("a", ()):
        href = a.get("href") or ""
        if href.endswith(f"#comment-{wp_id}"):
            return href
    return None
