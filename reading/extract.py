"""Everything the spider reads from one page, in one parse, as a picklable value.

A pure function of the page text, so it can run in a worker process (``pipelines.offload``)
while the Scrapy reactor goes on fetching.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree, html

from reading.comments import RawComment, anchors_and_page_links, parse_comments
from reading.dom import ELEMENT_CLASSES, text
from reading.post import PostPage, read_post_page
from reading.sites import SiteProfile
from reading.sources import Advertised, advertised_sources


@dataclass
class PageExtract:
    page: PostPage | None  # None for a comment page: only its comments matter
    comments: list[RawComment] = field(default_factory=list)
    comment_links: list[tuple[str, str]] = field(default_factory=list)  # (href, label words, lower case)
    sources: Advertised = field(default_factory=Advertised)  # comment feeds and REST root in <head>
    cleaned: Any = None  # (CleanResult, standfirst) when cleaned in the same worker call (pipelines.clean)


def extract_post_page(body: bytes, encoding: str, profile: SiteProfile) -> PageExtract:
    """Classify the page; for a post, read its fields, comments and comment-page links.

    Takes the raw bytes and the encoding Scrapy detected: decoding happens here, in the worker,
    not on the reactor's thread."""
    root = _parse(body, encoding)
    page = read_post_page(root, profile)
    if not page.is_post:
        return PageExtract(page)
    anchors, page_links = anchors_and_page_links(root)
    links = _comment_links(page_links)
    sources = advertised_sources(root)
    return PageExtract(page, parse_comments(root, anchors), links, sources)


def extract_comment_page(body: bytes, encoding: str) -> PageExtract:
    root = _parse(body, encoding)
    anchors, page_links = anchors_and_page_links(root)
    return PageExtract(None, parse_comments(root, anchors), _comment_links(page_links))


@lru_cache(maxsize=8)
def _parser(encoding: str | None) -> html.HTMLParser:
    """``huge_tree``: without it libxml2 stops nesting at 256 levels and a deep comment thread
    (each reply two levels down) silently loses every reply past depth ~124. ``collect_ids``
    off: libxml2's table of ``id`` attributes serves only XPath's ``id()``, which nothing here
    uses, and building it is about a tenth of the parse (bench/read_pages.py)."""
    parser = html.HTMLParser(encoding=encoding, huge_tree=True, collect_ids=False)
    parser.set_element_class_lookup(ELEMENT_CLASSES)
    return parser


def _parse(body: bytes, encoding: str) -> html.HtmlElement:
    """lxml's own errors carry an error log that cannot be pickled back from a worker process;
    re-raise them as ValueError so the failure row keeps the real reason."""
    try:
        repaired = _repaired_text(body, encoding)
        if repaired is not None:
            return html.document_fromstring(repaired, parser=_parser(None))
        try:
            return html.document_fromstring(body, parser=_parser(encoding))
        except LookupError:  # an encoding name libxml2 does not know: let Python decode
            return html.document_fromstring(body.decode(encoding, errors="replace"), parser=_parser(None))
    except etree.LxmlError as exc:
        raise ValueError(f"unreadable HTML: {exc}") from None


def _repaired_text(body: bytes, encoding: str) -> str | None:
    """None when the page decodes cleanly as labelled (the fast path: lxml decodes the bytes).

    Otherwise the page lies about its encoding, and libxml2 would store U+FFFD for every byte it
    cannot read. Old WordPress databases serve Windows-1252 text labelled UTF-8, or paste it into
    UTF-8 pages. A page labelled UTF-8 with some real UTF-8 in it is "twingled": bs4's
    ``UnicodeDammit.detwingle`` mends Word's smart quotes; a pasted ``é`` or ``£`` (which detwingle
    takes for a UTF-8 lead byte) is read as Windows-1252 byte by byte. Any other page goes to
    ``UnicodeDammit``, Windows-1252 first (what browsers assume of a mislabelled page), then the
    page's own declaration and detection."""
    try:
        codec = codecs.lookup(encoding).name
        body.decode(codec)
        return None
    except LookupError:  # an encoding name Python does not know: detect it
        codec = None
    except UnicodeDecodeError:
        pass
    # Imported here: only mislabelled pages get this far, so bs4 stays out of every worker's start-up.
    from bs4 import UnicodeDammit

    if codec == "utf-8" and _UTF8_MULTIBYTE.search(body):
        try:
            return UnicodeDammit.detwingle(body).decode("utf-8")
        except UnicodeDecodeError:
            return body.decode("utf-8", errors=_CP1252_BYTES)
    dammit = UnicodeDammit(body, user_encodings=["windows-1252"], is_html=True,
                           exclude_encodings=[codec] if codec else [])
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return body.decode(codec or "utf-8", errors="replace")


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_BYTES = "archive-cp1252-bytes"


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: the first offending byte as Windows-1252, then UTF-8 resumes."""
    assert isinstance(error, UnicodeDecodeError)
    byte = error.object[error.start:error.start + 1]
    return byte.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error(_CP1252_BYTES, _cp1252_byte)


def _comment_links(links: list[html.HtmlElement]) -> list[tuple[str, str]]:
    """Links to comment pages (all of them: a sidebar's links to other posts' comment pages are
    filtered out by the spider, which knows the URLs), with their label words."""
    return [
        (a.get("href") or "", f"{text(a)} {a.get('class') or ''} {a.getparent().get('class') or ''}".lower())
        for a in links
    ]
