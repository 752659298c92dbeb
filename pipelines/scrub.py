"""Withhold redacted comments from a raw capture: the bytes a site sent, rewritten so a redacted
comment's content is replaced by a marker and everything else stays as it was.

A capture is evidence, so it is never dropped; but a capture that still held the text would
defeat a takedown. Comments are found by the same anchors the comment reader uses
(``#comment-N``, ``#li-comment-N``…) in HTML, by ``id`` in a REST API answer and by the
``#comment-N`` link of a comment feed's item. Replies nested in a redacted comment's box are
kept (their context stays). ``literals`` (the withheld values themselves, when the caller has
them) are also replaced wherever else they appear: a quote, a "Reply to NAME" label.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
from collections.abc import Iterable

from lxml import etree, html

from archivedb.withholding import BODY_FIELDS, Withhold, author_key, withheld_page
from reading.comments import _boxes, parse_comments

WITHHELD_NAME = "[withheld]"
_RSS_ITEM = re.compile(r"<item\b.*?</item>", re.S)
_RSS_LINK = re.compile(r"#comment-(\d+)\s*</(?:link|guid)>")
_RSS_NAME_TAGS = ("dc:creator", "author")
_RSS_TEXT_TAGS = ("title", "description", "content:encoded")
_ABOUT_COMMENT = re.compile(r"^comment (\d+):")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")  # a Python repr of a string
MIN_LITERAL = 4  # shorter strings (initials) are too common to replace blindly


WITHHELD_PAGE = "<!DOCTYPE html>\n<html><body><p class=\"page-redacted\">{marker}</p></body></html>\n"


def scrub(body: bytes, content_type: str, site: str, url: str, withhold: Withhold) -> bytes:
    """``body`` with the withheld comments' content replaced; the same bytes when nothing matched.
    A withheld post's pages are replaced whole."""
    if not withhold or not body:
        return body
    if withheld_page(url, withhold.post_urls):
        return WITHHELD_PAGE.format(marker=html_lib.escape(withhold.marker)).encode()
    charset = _charset(content_type)
    text = body.decode(charset, errors="surrogateescape")
    kind = content_type.split(";")[0].strip().lower()
    if "json" in kind or text.lstrip()[:1] in ("[", "{"):
        text = _scrub_json(text, site, withhold)
    elif "xml" in kind or text.lstrip().startswith("<?xml"):
        text = _scrub_feed(text, site, withhold)
    elif "<" in text:
        text = _scrub_html(text, site, withhold)
    text = replace_literals(text, withhold.literals, withhold.marker)
    out = text.encode(charset, errors="surrogateescape")
    return body if out == body else out


def scrub_reasons(problems: list[tuple[str, str, str]], withheld: dict[int, frozenset[str]],
                  names: Iterable[str]) -> list[tuple[str, str, str]]:
    """A crawl's problems, as failures will record them, without what they would repeat of a
    withheld comment: a problem about it ("comment N: the page names its author 'X' but the feed
    says 'Y'") loses every quoted value, and a withheld name is replaced wherever it appears."""
    out = []
    for url, kind, reason in problems:
        about = _ABOUT_COMMENT.match(reason)
        if about and int(about.group(1)) in withheld:
            reason = _QUOTED.sub(WITHHELD_NAME, reason)
        out.append((url, kind, replace_literals(reason, names, WITHHELD_NAME)))
    return out


def replace_literals(text: str, literals: Iterable[str], marker: str) -> str:
    """Every spelling a value can take in a page, feed or JSON answer, replaced by the marker."""
    for value in sorted({v for v in literals if v and len(v.strip()) >= MIN_LITERAL}, key=len, reverse=True):
        for spelling in _spellings(value.strip()):
            text = text.replace(spelling, marker)
    return text


def _spellings(value: str) -> list[str]:
    escaped = html_lib.escape(value, quote=False)
    numeric = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in escaped)
    as_json = json.dumps(value)[1:-1]
    return list(dict.fromkeys([value, escaped, html_lib.escape(value), numeric, as_json,
                               json.dumps(value, ensure_ascii=False)[1:-1]]))


def _charset(content_type: str) -> str:
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    try:
        return "utf-8" if m is None else codecs.lookup(m.group(1)).name
    except LookupError:
        return "utf-8"


def _fields_for(wp_id: int, author: str | None, site: str, withhold: Withhold) -> frozenset[str]:
    fields = set(withhold.comments.get(wp_id, ()))
    if withhold.authors and author:
        fields |= withhold.authors.get(author_key(site, author), frozenset())
    return frozenset(fields)


def _scrub_html(text: str, site: str, withhold: Withhold) -> str:
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return text
    boxes = _boxes(root)
    if not withhold.authors and not any(b.wp_id in withhold.comments for b in boxes):
        return text
    # The reader's view of each comment (on a copy: reading detaches replies) gives the name.
    authors = {c.wp_id: c.author for c in parse_comments(html.document_fromstring(text))}
    box_elements = {b.el for b in boxes}
    changed = False
    for box in boxes:
        fields = _fields_for(box.wp_id, authors.get(box.wp_id), site, withhold)
        if not fields:
            continue
        changed = True
        if fields & BODY_FIELDS:
            _empty_box(box.el, box.wp_id, box_elements, authors.get(box.wp_id), withhold.marker)
        else:
            _withhold_name(box.el, box_elements, authors.get(box.wp_id))
    if not changed:
        return text
    doctype = root.getroottree().docinfo.doctype
    return (doctype + "\n" if doctype else "") + html.tostring(root, encoding="unicode")


def _own(el: html.HtmlElement, boxes: set[html.HtmlElement]) -> bool:
    """Whether ``el`` is part of its comment only, not a list or box holding replies."""
    return not any(d in boxes for d in el.iter())


def _empty_box(box: html.HtmlElement, wp_id: int, boxes: set[html.HtmlElement], name: str | None,
               marker: str) -> None:
    """Remove everything the comment itself shows but its date and permalink, and keep the
    replies nested in it. What is left still reads as a comment (a withheld name, the date, the
    marker as its text), so reprocessing it raises no markup alarm."""
    dated = [el for el in box.iter() if el is not box and isinstance(el.tag, str) and _is_date(el, wp_id)]
    for child in list(box):
        if not isinstance(child.tag, str) or _own(child, boxes) and not any(d in dated for d in child.iter()):
            box.remove(child)
        elif _own(child, boxes):
            _keep_only(child, dated, name)
        else:
            child.tail = None
            _empty_wrappers(child, boxes)
    box.text = None
    head = html.fragment_fromstring(f'<div class="comment-author vcard"><cite class="fn">{WITHHELD_NAME}</cite></div>')
    body = html.fragment_fromstring('<div class="comment-content comment-redacted"><p></p></div>')
    body[0].text = marker
    box.insert(0, head)
    kept = [c for c in box if any(d in dated for d in c.iter())]
    box.insert(box.index(kept[-1]) + 1 if kept else 1, body)
    box.set("class", " ".join(t for t in (box.get("class") or "").split() if not t.startswith("comment-author-")))


def _is_date(el: html.HtmlElement, wp_id: int) -> bool:
    return el.tag == "time" or (el.tag == "a" and (el.get("href") or "").endswith(f"#comment-{wp_id}"))


def _keep_only(el: html.HtmlElement, dated: list[html.HtmlElement], name: str | None) -> None:
    """Inside an element that holds the date: keep the date, drop other parts, withhold the name."""
    if el in dated:
        if name and el.text_content() and name in el.text_content():
            for node in el.iter():
                node.text = node.text.replace(name, WITHHELD_NAME) if node.text else node.text
                node.tail = node.tail.replace(name, WITHHELD_NAME) if node.tail and node is not el else node.tail
        return
    el.text = None
    for child in list(el):
        if not isinstance(child.tag, str) or not any(d in dated for d in child.iter()):
            el.remove(child)
        else:
            child.tail = None
            _keep_only(child, dated, name)


def _empty_wrappers(el: html.HtmlElement, boxes: set[html.HtmlElement]) -> None:
    """A wrapper holding both the comment's own parts and its replies (wpDiscuz nests replies in
    the comment's div): empty its own parts, descend into what holds replies."""
    if el in boxes:
        return
    el.text = None
    for child in list(el):
        if _own(child, boxes):
            el.remove(child)
        else:
            child.tail = None
            _empty_wrappers(child, boxes)


def _withhold_name(box: html.HtmlElement, boxes: set[html.HtmlElement], name: str | None) -> None:
    """Withhold the commenter's name, link and avatar but keep what they wrote."""
    todo = [box]
    while todo:
        el = todo.pop()
        for child in el:
            if isinstance(child.tag, str) and child not in boxes:
                todo.append(child)
        if not isinstance(el.tag, str):
            continue
        if el.tag == "img" and "avatar" in (el.get("class") or ""):
            el.attrib.pop("src", None)
            el.attrib.pop("srcset", None)
        if el.tag == "a" and el.getparent() is not None and any(
                "author" in (a.get("class") or "") or "fn" in (a.get("class") or "").split()
                for a in [el, *el.iterancestors()][:3]):
            el.attrib.pop("href", None)
        if name:
            for attr, value in el.attrib.items():
                if name in value:
                    el.set(attr, value.replace(name, WITHHELD_NAME))
            el.text = el.text.replace(name, WITHHELD_NAME) if el.text else el.text
            if el is not box and el.tail:
                el.tail = el.tail.replace(name, WITHHELD_NAME)
    box.set("class", " ".join(t for t in (box.get("class") or "").split() if not t.startswith("comment-author-")))


def _scrub_json(text: str, site: str, withhold: Withhold) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    items = data if isinstance(data, list) else [data]
    changed = False
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int) or "post" not in item:
            continue
        fields = _fields_for(item["id"], item.get("author_name"), site, withhold)
        if not fields:
            continue
        changed = True
        for key in ("author_name", "author_url", "author_avatar_urls"):
            item[key] = WITHHELD_NAME if key == "author_name" else None
        if fields & BODY_FIELDS:
            item["content"] = {"rendered": withhold.marker}
    return json.dumps(data, ensure_ascii=False) if changed else text


def _scrub_feed(text: str, site: str, withhold: Withhold) -> str:
    def item(m: re.Match[str]) -> str:
        block = m.group(0)
        link = _RSS_LINK.search(block)
        name = re.search(r"<dc:creator>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</dc:creator>", block, re.S)
        if link is None:
            return block
        fields = _fields_for(int(link.group(1)), html_lib.unescape(name.group(1)) if name else None, site, withhold)
        if not fields:
            return block
        tags = _RSS_NAME_TAGS + (_RSS_TEXT_TAGS if fields & BODY_FIELDS else ())
        for tag in tags:
            block = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}>{html_lib.escape(withhold.marker)}</{tag}>", block, flags=re.S)
        if name and name.group(1).strip():
            block = replace_literals(block, [html_lib.unescape(name.group(1))], WITHHELD_NAME)
        return block

    return _RSS_ITEM.sub(item, text)
