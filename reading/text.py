"""Readable text from cleaned HTML: paragraphs separated by blank lines, ``<br>`` as a line break,
whitespace collapsed, script and style text skipped. One walk over the tree."""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml.html import HtmlElement as Element

from reading import furniture as rules
from reading.dom import norm

# These start a new paragraph; <br> starts a new line within one.
_BLOCK_TAGS = frozenset([
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "h1", "h2", "h3",
    "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "figure", "figcaption",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "hr", "address",
    "details", "summary", "center", "fieldset", "iframe", "video", "audio",
])
_SKIP_TEXT_TAGS = frozenset(rules.DEFAULT_STRIP_TAGS)
_BR = object()

__all__ = ["norm", "tree_text"]  # ``norm`` lives with the serialiser in ``reading.dom``


def tree_text(root: Element) -> str:
    """Walk once: block elements end paragraphs, ``<br>`` ends lines, script text is skipped."""
    paragraphs: list[str] = []
    buffer: list[Any] = []

    def flush() -> None:
        if _BR not in buffer:  # the usual paragraph: one line (and most flushes find nothing)
            if buffer:
                text = norm("".join(buffer))
                if text:
                    paragraphs.append(text)
                buffer.clear()
            return
        lines: list[str] = []
        line: list[Any] = []
        for piece in buffer + [_BR]:
            if piece is _BR:
                lines.append(norm("".join(line)))
                line = []
            else:
                line.append(piece)
        text = "\n".join(x for x in lines if x)
        if text:
            paragraphs.append(text)
        buffer.clear()

    skipping = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skipping or tag in _SKIP_TEXT_TAGS or tag is None:
                skipping += 1
                continue
            if tag in _BLOCK_TAGS:
                flush()
            elif tag == "br":
                buffer.append(_BR)
            if el.text:
                buffer.append(el.text)
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            elif tag in _BLOCK_TAGS:
                flush()
            if el.tail and el is not root:
                buffer.append(el.tail)
    flush()
    return "\n\n".join(paragraphs)
