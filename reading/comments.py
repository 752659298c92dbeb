"""Read a WordPress comment thread out of one comment page, by structure.

Themes and plugins print comments in dozens of shapes (core walkers, Twenty Ten…Sixteen,
Genesis, WooThemes Canvas, Astra, Divi, Avada, tagDiv, wpDiscuz, block themes…), but every one
of them anchors each comment to its WordPress id: ``#comment-N``, ``#li-comment-N``,
``#div-comment-N``, ``<a name="comment-N">``, wpDiscuz's ``#wpd-comm-N_P``, a reply link's
``data-commentid`` or a permalink ``…#comment-N``. So the reader starts from the anchors:

1. each comment's *box* is the element holding all of its anchors but no other comment's
   (climbing to the list item when the anchor sits on an inner element, as in Canvas);
2. nesting comes from containment (a box inside another box is a reply, whether through
   ``ul.children`` or wpDiscuz's nested divs); ``depth-N`` / ``wpd_comment_level-N`` classes
   are kept beside it so the alarm can cross-check;
3. replies are detached from their parents, so each box holds only its own parts, which are
   then found with class lists as *hints* and structure as the fallback: the time from a
   ``datetime`` or ``title`` attribute or date-like text, the author from a known name element
   or the first text in the head before the time, the body from the comment's own text blocks.

Relative dates ("4 years ago") are kept as shown; turning them into instants is refused later
(``pipelines.timestamps``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree, html

from reading.dom import SubtreeIndex, inner_html, replace_with_text, text, xpath

# Every element that can anchor a comment, in document order, in one C-level pass. Selecting the
# attributes and then their elements tests only elements that have such an attribute: about three
# times faster than testing every element's attributes (bench/costs.py), with the same result.
_ANCHORS = xpath(
    "(//@id[starts-with(., 'comment-') or starts-with(., 'li-comment-') or starts-with(., 'div-comment-')"
    " or starts-with(., 'wpd-comm-')] | //a/@name[starts-with(., 'comment-')] | //@data-commentid"
    " | //a/@href[contains(., '#comment-')])/.."
)
_ANCHOR_ID_PREFIXES = ("comment-", "li-comment-", "div-comment-", "wpd-comm-")
# Links to a comment page; the spider filters out other posts' (a sidebar's "recent comments").
_COMMENT_PAGE_LINKS = xpath("//a/@href[contains(., 'comment-page-') or contains(., 'cpage=')]/..")
_ID_ANCHOR = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
_WPD_ANCHOR = re.compile(r"^wpd-comm-(\d+)_(\d+)$")
_HREF_ANCHOR = re.compile(r"#comment-(\d+)$")
_DEPTH_CLASS = re.compile(r"^(?:depth-|wpd_comment_level-)(\d+)$")

# Containers that hold many comments: a box never grows past them.
_LIST_TAGS = frozenset({"ol", "ul", "body", "html", "main", "article", "section"})
_LIST_CLASSES = ("comment-list", "commentlist", "comments", "thread-list", "children", "comment-template",
                 "wpdcom", "wpd-threads", "ping-list")
_OUTSIDE = ("widget", "sidebar", "recentcomments")  # a sidebar's "recent comments" links are not comments
_OUTSIDE_CLASS = re.compile("|".join(_OUTSIDE))

# Hints, in preference order. Class tokens are matched exactly unless the entry ends with '*'.
AUTHOR_HINTS = ("fn", "wp-block-comment-author-name", "wpd-comment-author", "comment-author-name",
                "comment-author-link", "comment_author", "author-name", "name", "comment__author*")
AUTHOR_WRAPPER_HINTS = ("comment-author", "comment-author-info", "comment_postinfo")
BODY_HINTS = ("comment-content", "comment-text", "wpd-comment-text", "wp-block-comment-content", "comment-entry",
              "ast-comment-content", "comment_text", "comment__text*", "comment-body")
DATE_CONTAINER_HINTS = ("comment-metadata", "commentmetadata")
JUNK_HINTS = ("reply", "comment-reply", "comment-reply-link", "reply-container", "comment-reply-link-div",
              "wp-block-comment-reply-link", "wpd-reply-button", "ast-comment-edit-reply-wrap", "comment-edit-link",
              "edit-link", "wp-block-comment-edit-link", "wpd-vote", "wpd-comment-footer", "wpd-toggle",
              "wpd-tools", "comment-awaiting-moderation", "unapproved", "wpd-unapproved", "says")
MODERATION_HINTS = ("comment-awaiting-moderation", "unapproved", "wpd-unapproved", "wpd-unapproved-comment")
_DATE_CLASS = re.compile(r"(?:^|[-_])(?:date|time|datetime|timestamp)(?:$|[-_])|^timendate$|^comment_date$")
_TEXT_BLOCKS = frozenset({"p", "blockquote", "pre", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "table", "figure", "dl"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_LIKE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:" + "|".join(_MONTHS) + r")[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(_MONTHS) + r")[a-z]*\.?,?\s+\d{4}\b"
    r"|\b\d+\s+(?:second|min|minute|hour|day|week|month|year)s?\s+ago\b|\byesterday\b",
    re.IGNORECASE,
)
_SAYS_RE = re.compile(r"\s*(?:says|said):?\s*$", re.IGNORECASE)
_EDGE_JUNK = re.compile(r"^[\s|,·•–—:-]+|[\s|,·•–—:-]+$")


@dataclass
class RawComment:
    """A comment as found on one page, before timestamps and cleaning."""

    wp_id: int
    parent_wp_id: int | None
    depth: int  # from containment
    order: int  # order on this page
    kind: str
    author: str | None
    author_url: str | None
    posted_raw: str | None
    posted_machine: str | None
    body_html: str
    permalink: str | None
    awaiting_moderation: bool
    posted_title: str | None = None  # a date in the time element's ``title`` (wpDiscuz keeps the exact time there)
    class_depth: int | None = None  # what ``depth-N`` / ``wpd_comment_level-N`` says, for the cross-check
    clean: Any = None  # the body cleaned in the same worker call (``pipelines.clean.CommentCleanResult``)


@dataclass
class _Box:
    wp_id: int
    el: html.HtmlElement
    parent: _Box | None = None
    depth: int = 1


def parse_comments(root: html.HtmlElement, anchors: list[html.HtmlElement] | None = None) -> list[RawComment]:
    """All comments on a page, in display order, with parents and depths from containment.

    Replies are detached from their parents' boxes as they are read; call this after
    everything else has been taken from the page. ``anchors``: the page's from
    ``anchors_and_page_links``, when the caller walked the page already.
    """
    boxes = _boxes(root, anchors)
    if not boxes:
        return []
    _nest(boxes)
    box_elements = {b.el for b in boxes}
    class_depths = [_class_depth(b, box_elements) for b in boxes]
    _flat_threads(boxes, class_depths)
    for box in boxes:
        if box.parent is not None and box.el.getparent() is not None:
            box.el.getparent().remove(box.el)
    return [_read(box, order, depth) for order, (box, depth) in enumerate(zip(boxes, class_depths), start=1)]


# -- boxes and nesting ---------------------------------------------------------------------------


def anchors_and_page_links(root: html.HtmlElement) -> tuple[list[html.HtmlElement], list[html.HtmlElement]]:
    """Every element that can anchor a comment, and every link to a comment page, in document
    order, from one walk of the page: the two XPath searches cost 0.48 ms a page, the walk 0.34
    (bench/read_pages.py). Exactly ``_ANCHORS`` and ``_COMMENT_PAGE_LINKS``, which are used for a
    root that is not its document's (where lxml's ``//`` does not mean "this subtree")."""
    if root is not root.getroottree().getroot():
        return _ANCHORS(root), _COMMENT_PAGE_LINKS(root)
    anchors: list[html.HtmlElement] = []
    links: list[html.HtmlElement] = []
    for el in root.iter(etree.Element):
        get = el.get
        ident = get("id")
        if el.tag == "a":
            href, name = get("href"), get("name")
            if (ident is not None and ident.startswith(_ANCHOR_ID_PREFIXES)) or get("data-commentid") is not None \
                    or (name is not None and name.startswith("comment-")) or (href is not None and "#comment-" in href):
                anchors.append(el)
            if href is not None and ("comment-page-" in href or "cpage=" in href):
                links.append(el)
        elif (ident is not None and ident.startswith(_ANCHOR_ID_PREFIXES)) or get("data-commentid") is not None:
            anchors.append(el)
    return anchors, links


def _boxes(root: html.HtmlElement, anchors: list[html.HtmlElement] | None = None) -> list[_Box]:
    """One box per comment id, in the order its first anchor appears."""
    strong: dict[int, list[html.HtmlElement]] = {}
    weak: dict[int, list[html.HtmlElement]] = {}
    first: dict[int, int] = {}
    links: list[tuple[int, int, html.HtmlElement]] = []
    for position, el in enumerate(anchors if anchors is not None else anchors_and_page_links(root)[0]):
        wp_id, is_strong = _anchor_id(el)
        if wp_id is None:
            continue
        if is_strong:
            strong.setdefault(wp_id, []).append(el)
            first.setdefault(wp_id, position)
        else:
            links.append((position, wp_id, el))
    # A link counts unless it sits in a widget; that climb is paid only where the link matters:
    # for a comment with no strong anchor, or one it precedes (which moves the comment's order).
    for position, wp_id, el in links:
        if (wp_id not in strong or position < first[wp_id]) and not _in_widget(el):
            weak.setdefault(wp_id, []).append(el)
            first[wp_id] = min(first.get(wp_id, position), position)
    chosen = {**{i: els for i, els in weak.items() if i not in strong}, **strong}
    holders = _holders(chosen)
    boxes: list[_Box] = []
    taken: set[html.HtmlElement] = set()
    for wp_id in sorted(chosen, key=first.__getitem__):
        el = _box_element(_common_ancestor(chosen[wp_id]), wp_id, holders)
        if el in taken:  # two ids resolved to one element: the weaker reading loses
            continue
        taken.add(el)
        boxes.append(_Box(wp_id, el))
    return boxes


def _anchor_id(el: html.HtmlElement) -> tuple[int | None, bool]:
    """(comment id, strong?) of an anchor; ids and names are strong, links are weak."""
    ident = el.get("id") or ""
    m = _ID_ANCHOR.match(ident) or _WPD_ANCHOR.match(ident)
    if m:
        return int(m.group(1)), True
    m = _ID_ANCHOR.match(el.get("name") or "")
    if m and el.tag == "a":
        return int(m.group(1)), True
    commentid = (el.get("data-commentid") or "").strip()
    if commentid:  # not a number: kept as written, so the values pipeline records it, never silently lost
        return (int(commentid) if commentid.isascii() and commentid.isdigit() else commentid), False  # type: ignore[return-value]
    m = _HREF_ANCHOR.search(el.get("href") or "")
    return (int(m.group(1)), False) if m else (None, False)


def _in_widget(el: html.HtmlElement) -> bool:
    for anc in el.iterancestors():
        if anc.tag == "aside" or _OUTSIDE_CLASS.search(anc.get("class") or ""):
            return True
    return False


def _holders(chosen: dict[int, list[html.HtmlElement]]) -> dict[html.HtmlElement, set[int]]:
    """For every ancestor of an anchor, which comment ids it holds."""
    holders: dict[html.HtmlElement, set[int]] = {}
    for wp_id, els in chosen.items():
        for el in els:
            node: html.HtmlElement | None = el
            while node is not None:
                ids = holders.setdefault(node, set())
                if wp_id in ids:
                    break
                ids.add(wp_id)
                node = node.getparent()
    return holders


def _common_ancestor(els: list[html.HtmlElement]) -> html.HtmlElement:
    if len(els) == 1:
        return els[0]
    chain = [els[0], *els[0].iterancestors()]
    depth_of = {el: i for i, el in enumerate(chain)}
    deepest = 0
    for el in els[1:]:
        node: html.HtmlElement | None = el
        while node is not None and node not in depth_of:
            node = node.getparent()
        if node is None:
            return chain[-1]
        deepest = max(deepest, depth_of[node])
    return chain[deepest]


def _box_element(el: html.HtmlElement, wp_id: int, holders: dict[html.HtmlElement, set[int]]) -> html.HtmlElement:
    """Grow from the anchors' common ancestor to the comment's whole box: up to its list item
    (Canvas anchors the text div and an empty ``<a name>``, not the ``li``), never into the list
    itself or an element holding another comment (other than its replies' list)."""
    box = el
    while box.tag != "li":
        parent = box.getparent()
        if parent is None or parent.tag in _LIST_TAGS or _is_list(parent) or not _only_holds(parent, wp_id, holders):
            break
        box = parent
    return box if box.tag == "li" or el.tag == "a" else el


def _only_holds(el: html.HtmlElement, wp_id: int, holders: dict[html.HtmlElement, set[int]]) -> bool:
    """Whether ``el`` holds no other comment, not counting a list item's own list of replies."""
    if el.tag != "li":
        return holders.get(el, {wp_id}) == {wp_id}
    return all(holders.get(child, set()) <= {wp_id} for child in el
               if not (child.tag in ("ol", "ul") or _is_list(child)))


def _is_list(el: html.HtmlElement) -> bool:
    classes = el.get("class") or ""
    return el.get("id") in ("comments", "wpdcom") or any(name in classes for name in _LIST_CLASSES)


def _nest(boxes: list[_Box]) -> None:
    """Parent = the nearest enclosing box; depth follows."""
    by_el = {b.el: b for b in boxes}
    for box in boxes:  # document order: a parent is always nested before its replies
        for anc in box.el.iterancestors():
            parent = by_el.get(anc)
            if parent is not None:
                box.parent, box.depth = parent, parent.depth + 1
                break


def _class_depth(box: _Box, box_elements: set[html.HtmlElement]) -> int | None:
    """``depth-N`` or ``wpd_comment_level-N`` on the box or its own first labelled element
    (OceanWP labels the ``article`` inside the ``li``), never on a reply's box."""
    stack = [box.el]
    while stack:
        node = stack.pop()
        for token in (node.get("class") or "").split():
            m = _DEPTH_CLASS.match(token)
            if m:
                return int(m.group(1))
        stack.extend(reversed([c for c in node if isinstance(c.tag, str) and c not in box_elements]))
    return None


def _flat_threads(boxes: list[_Box], class_depths: list[int | None]) -> None:
    """A theme that prints every comment at one level but labels ``depth-N``: rebuild the tree
    from the labels (display order is pre-order), since containment says nothing."""
    if any(b.parent is not None for b in boxes) or not any((d or 1) > 1 for d in class_depths):
        return
    stack: list[_Box] = []
    for box, depth in zip(boxes, class_depths):
        depth = depth or 1
        while len(stack) >= depth:
            stack.pop()
        if stack and len(stack) == depth - 1:
            box.parent, box.depth = stack[-1], depth
        stack.append(box)


# -- one comment's parts ---------------------------------------------------------------------


def _read(box: _Box, order: int, class_depth: int | None) -> RawComment:
    index = SubtreeIndex(box.el)
    kind = _kind(index)
    body_el, wrapper = _body_element(index)
    inside_body = set(body_el.iter()) if body_el is not None and not wrapper else set()
    outside_body = [el for el in index.elements if el not in inside_body]
    time_el, machine, title, raw = _time(index, outside_body, box.wp_id)
    author, author_url = _author(index, outside_body, kind, time_el, raw)
    moderated = _any_has_class(index, MODERATION_HINTS)
    permalink = _permalink(index, box.wp_id)
    body = _body(index, body_el, wrapper, kind, time_el)
    return RawComment(
        wp_id=box.wp_id,
        parent_wp_id=box.parent.wp_id if box.parent else None,
        depth=box.depth,
        order=order,
        kind=kind,
        author=author,
        author_url=author_url,
        posted_raw=raw,
        posted_machine=machine,
        body_html=body,
        permalink=permalink,
        awaiting_moderation=moderated,
        posted_title=title,
        class_depth=class_depth,
    )


def _kind(index: SubtreeIndex) -> str:
    for kind in ("pingback", "trackback"):
        if kind in (index.root.get("class") or "").split() or index.by_class.get(kind):
            return kind
    return "comment"


def _has_class(el: html.HtmlElement, hints: tuple[str, ...]) -> bool:
    classes = el.get("class")
    if not classes:
        return False
    exact, partial = _split_hints(hints)
    tokens = classes.split()
    return not exact.isdisjoint(tokens) or any(p in t for p in partial for t in tokens)


@cache
def _split_hints(hints: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact class tokens, substrings of the ``*`` entries): it runs on every element of every comment."""
    return frozenset(h for h in hints if not h.endswith("*")), tuple(h[:-1] for h in hints if h.endswith("*"))


def _any_has_class(index: SubtreeIndex, hints: tuple[str, ...]) -> bool:
    """Whether any element of the comment carries one of ``hints``, from the index's class lists."""
    exact, partial = _split_hints(hints)
    if any(hint in index.by_class for hint in exact):
        return True
    return bool(partial) and any(p in token for p in partial for token in index.by_class)


def _first_hinted(index: SubtreeIndex, hints: tuple[str, ...]) -> html.HtmlElement | None:
    for hint in hints:
        if hint.endswith("*"):
            found = next((el for el in index.elements if hint[:-1] in (el.get("class") or "")), None)
        else:
            found = next(iter(index.by_class.get(hint, ())), None)
        if found is not None:
            return found
    return None


def _holders_of(el: html.HtmlElement | None) -> set[html.HtmlElement]:
    """``el`` and its ancestors: every element that contains ``el`` (or is it)."""
    return {el, *el.iterancestors()} if el is not None else set()


# -- time


def _time(index: SubtreeIndex, candidates: list[html.HtmlElement], wp_id: int
          ) -> tuple[html.HtmlElement | None, str | None, str | None, str | None]:
    """(element, machine value, title value, visible text) of the comment's time."""
    allowed = set(candidates)
    machine_el = next((el for el in candidates if el.get("datetime")), None)
    el = machine_el if machine_el is not None and text(machine_el) else None
    if el is None:  # a <time> without datetime (tagDiv prints pubdate="unix time" instead)
        el = next((e for e in index.by_tag.get("time", ()) if e in allowed and text(e)), None)
    if el is None:
        el = next((e for e in candidates if any(_DATE_CLASS.search(t) for t in _tokens(e)) and text(e)), None)
        if el is not None and el.tag != "time":  # a date wrapper around a <time> or a permalink
            inner = next((t for t in el.iter("time", "a") if t in allowed and text(t) and text(t) != "#"), None)
            el = inner if inner is not None and el.tag not in ("a",) else el
    if el is None:
        container = next((e for e in candidates if _has_class(e, DATE_CONTAINER_HINTS)), None)
        if container is not None:
            el = next((a for a in container.iter("a") if text(a) and text(a) != "#"), container)
    if el is None:
        el = _permalink_with_text(index, wp_id, allowed)
    raw = _tidy_date(text(el)) if el is not None else None
    if not raw:
        raw = _date_like_text(candidates)
    machine = machine_el.get("datetime") if machine_el is not None else None
    return el, machine, _dated_title(el, index.root, allowed), raw or None


def _dated_title(el: html.HtmlElement | None, box: html.HtmlElement, allowed: set) -> str | None:
    """A ``title`` with a digit on the time element or an allowed wrapper of it, inside the box:
    nothing above the box is allowed, so the climb stops there (not at the page's root)."""
    while el is not None:
        if el in allowed:
            title = el.get("title")
            if title and any(c.isdigit() for c in title):
                return title
        if el is box:
            return None
        el = el.getparent()
    return None


def _tokens(el: html.HtmlElement) -> list[str]:
    return (el.get("class") or "").split()


def _tidy_date(value: str) -> str:
    value = re.sub(r"\s*\(?Edit\)?\s*$", "", value)
    return _EDGE_JUNK.sub("", value)


def _permalink_with_text(index: SubtreeIndex, wp_id: int, allowed: set) -> html.HtmlElement | None:
    for a in index.by_tag.get("a", ()):
        label = text(a)
        if a in allowed and f"#comment-{wp_id}" in (a.get("href") or "") and label and label != "#":
            return a
    return None


def _date_like_text(candidates: list[html.HtmlElement]) -> str | None:
    """A date printed as bare text (Avada puts it after the name in the same div)."""
    for el in candidates:
        for piece in (el.text, el.tail):
            if piece and _DATE_LIKE.search(piece):
                return _tidy_date(" ".join(piece.split())) or None
    return None


# -- author


def _author(index: SubtreeIndex, candidates: list[html.HtmlElement], kind: str,
            time_el: html.HtmlElement | None, raw_date: str | None) -> tuple[str | None, str | None]:
    allowed = set(candidates)
    el = next((e for e in (index.by_class.get("fn") or ()) if e in allowed), None)
    if el is None:
        name_el = next((e for e in candidates if e.get("itemprop") == "name"), None)
        el = name_el if name_el is not None else _first_allowed(index, AUTHOR_HINTS, allowed)
    if el is None and kind != "comment":  # a ping's "author" is the citing page's link, in its text
        el = next(iter(index.by_tag.get("a", ())), None)
    if el is None:
        wrapper = _first_allowed(index, AUTHOR_WRAPPER_HINTS, allowed)
        el = _first_text_element(wrapper, allowed, time_el) if wrapper is not None else None
        if el is not None and raw_date and raw_date in text(el):
            el = None
    if el is None:
        el = _first_text_element(index.root, allowed, time_el)
    if el is None:
        return None, None
    name = _SAYS_RE.sub("", text(el)).strip() or None
    link = el if el.tag == "a" else next(iter(el.iter("a")), None)
    url = link.get("href") if link is not None else None
    if url and ("#comment-" in url or "replytocom=" in url):
        url = None
    return name, url or None


def _first_allowed(index: SubtreeIndex, hints: tuple[str, ...], allowed: set) -> html.HtmlElement | None:
    for hint in hints:
        if hint.endswith("*"):
            found = next((el for el in index.elements if el in allowed and hint[:-1] in (el.get("class") or "")), None)
        else:
            found = next((el for el in index.by_class.get(hint, ()) if el in allowed), None)
        if found is not None and text(found):
            return found
    return None


def _first_text_element(scope: html.HtmlElement, allowed: set, stop: html.HtmlElement | None
                        ) -> html.HtmlElement | None:
    """The first element in the comment's head with words of its own, before the time."""
    around_stop = _holders_of(stop)
    for el in scope.iter():
        if el is stop:
            return None
        if not isinstance(el.tag, str) or el not in allowed or el.tag in ("time", "script", "style"):
            continue
        if el in around_stop:
            continue  # a wrapper of the time: look inside it
        own = (el.text or "").strip()
        if own and not _SAYS_RE.fullmatch(own) and not _has_class(el, JUNK_HINTS):
            return el
    return None


# -- body


def _body_element(index: SubtreeIndex) -> tuple[html.HtmlElement | None, bool]:
    """The hinted text container and whether it wraps the whole comment (core's xhtml
    ``.comment-body`` holds the author and date too; Twenty Ten's holds only the text)."""
    el = _first_hinted(index, BODY_HINTS)
    if el is None:
        return None, False
    inside = set(el.iter())
    wraps = any(a in inside for a in _head_markers(index))
    return el, wraps


def _head_markers(index: SubtreeIndex) -> list[html.HtmlElement]:
    """The author's name, times, author wrappers and date containers (in no particular order)."""
    markers = [*index.by_class.get("fn", ()), *index.by_tag.get("time", ())]
    for hint in AUTHOR_WRAPPER_HINTS + DATE_CONTAINER_HINTS:  # exact tokens, no '*' entries
        markers += index.by_class.get(hint, ())
    return markers


def _body(index: SubtreeIndex, body_el: html.HtmlElement | None, wrapper: bool, kind: str,
          time_el: html.HtmlElement | None) -> str:
    if body_el is not None and not wrapper:
        _drop_junk(body_el)
        return inner_html(body_el)
    scope = body_el if body_el is not None else index.root
    if kind != "comment":  # a bare ping: the link to the citing page is all it has
        _drop_junk(scope)
        return inner_html(scope)
    blocks = _own_blocks(scope, time_el)
    return "".join(html.tostring(b, encoding="unicode", with_tail=False) for b in blocks)


def _own_blocks(scope: html.HtmlElement, time_el: html.HtmlElement | None) -> list[html.HtmlElement]:
    """Top-most text blocks of the comment that are not its head, time, reply or votes."""
    blocks: list[html.HtmlElement] = []
    around_time = _holders_of(time_el)

    def visit(el: html.HtmlElement) -> None:
        for child in el:
            if not isinstance(child.tag, str) or _has_class(child, JUNK_HINTS) or child.tag in ("form", "footer", "header"):
                continue
            if _has_class(child, AUTHOR_WRAPPER_HINTS) or _has_class(child, DATE_CONTAINER_HINTS):
                continue
            if child in around_time and child.tag not in _TEXT_BLOCKS:
                visit(child)
            elif child.tag in _TEXT_BLOCKS and child not in around_time:
                if text(child) and "children" not in (child.get("class") or ""):
                    blocks.append(child)
            else:
                visit(child)

    visit(scope)
    return blocks


def _drop_junk(el: html.HtmlElement) -> None:
    for junk in [e for e in el.iterdescendants() if isinstance(e.tag, str) and _has_class(e, JUNK_HINTS)]:
        parent = junk.getparent()
        if parent is not None:
            if not (junk.tail or "").strip():
                junk.tail = None  # whitespace between a reply link and the next block is not text
            replace_with_text(junk)


def _permalink(index: SubtreeIndex, wp_id: int) -> str | None:
    for a in index.by_tag.get("a", ()):
        href = a.get("href") or ""
        if href.endswith(f"#comment-{wp_id}"):
            return href
    for el in index.elements:
        clip = el.get("data-wpd-clipboard")
        if clip and clip.endswith(f"#comment-{wp_id}"):
            return clip
    return None
