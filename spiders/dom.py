"""Small lxml helpers shared by the page readers: cached CSS selectors and tidy text."""

from __future__ import annotations

import re

from lxml import html
from lxml.cssselect import CSSSelector

_CACHE: dict[str, CSSSelector] = {}
_WS_RE = re.compile(r"\s+")


def css(selector: str) -> CSSSelector:
    """A compiled selector; compiling costs far more than matching, so each is built once."""
    compiled = _CACHE.get(selector)
    if compiled is None:
        compiled = _CACHE[selector] = CSSSelector(selector)
    return compiled


def first(el: html.HtmlElement, selectors: tuple[str, ...]) -> html.HtmlElement | None:
    """The first match of the first selector that matches anything (selectors in preference order)."""
    for selector in selectors:
        matches = css(selector)(el)
        if matches:
            return matches[0]
    return None


def text(el: html.HtmlElement) -> str:
    """Visible text with whitespace collapsed."""
    return _WS_RE.sub(" ", el.text_content()).strip()


def inner_html(el: html.HtmlElement) -> str:
    parts = [el.text or ""]
    parts.extend(html.tostring(c, encoding="unicode", with_tail=True) for c in el)
    return "".join(parts).strip()
