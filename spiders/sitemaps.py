"""Read a sitemap or sitemap index into its entries, every entry, even one without a URL.

Scrapy's own reader skips an entry that has no ``<loc>``; an archive must say it met one, so the
spider records each unreadable entry as a failure instead.
"""

from __future__ import annotations

from lxml import etree

_PARSER = etree.XMLParser(recover=True, remove_comments=True, remove_pis=True, resolve_entities=False,
                          no_network=True, huge_tree=True)


def read_sitemap(body: bytes) -> tuple[str, list[dict[str, str]]]:
    """(``urlset`` or ``sitemapindex`` or the root's name, one dict of child texts per entry).
    Raises ValueError for a body that is not XML at all."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.LxmlError as exc:
        raise ValueError(str(exc)) from None
    if root is None:
        raise ValueError("empty or not XML")
    entries = [
        {_name(child.tag): (child.text or "").strip() for child in element if isinstance(child.tag, str)}
        for element in root
        if isinstance(element.tag, str) and _name(element.tag) in ("url", "sitemap")
    ]
    return _name(root.tag), entries


def _name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
