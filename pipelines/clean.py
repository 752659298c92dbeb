"""Strip page furniture from post bodies and sanitise comment bodies.

Pure functions over one lxml parse per body; the strip rules are data (``reading.furniture``)
plus per-site extras, compiled once per selector tuple. ``CleanPipeline`` is a thin Scrapy
wrapper over them. Cleaning is idempotent and never raises on broken HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree
from lxml import html as lxml_html

from reading import furniture as rules
from reading import restore as unmask
from reading.dom import fragment_parser, replace_with_text
from reading.dom import inner_html as _inner_html
from reading.dom import norm as _norm
from reading.dom import xpath as _xpath
from reading.extract import PageExtract, extract_comment_page, extract_post_page
from reading.records import PostItem
from reading.sites import SiteProfile
from reading.text import tree_text as _tree_text

Element: TypeAlias = lxml_html.HtmlElement

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"^[\x00-\x20]*(javascript|vbscript|livescript):", re.IGNORECASE)
_DATA_SCHEME = re.compile(r"^[\x00-\x20]*data:", re.IGNORECASE)
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "background")
_URL_ATTR_NAMES = frozenset(_URL_ATTRS)
_NAV_ATTRS = frozenset({"href", "action", "formaction", "xlink:href"})  # data: here runs as a page
_MARKUP = re.compile(r"<[a-zA-Z/!]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")

_MEDIA_TAGS = ("iframe", "video", "audio", "object", "embed", "picture", "source")


@dataclass(frozen=True)
class CleanResult:
    html: str  # cleaned body HTML (article only)
    text: str  # paragraphs separated by blank lines, whitespace collapsed
    images: list[dict[str, str | None]] = field(default_factory=list)  # src, alt, caption


@dataclass(frozen=True)
class CommentCleanResult:
    html: str
    text: str


EMPTY = CleanResult(html="", text="", images=[])


# ---------------------------------------------------------------------------- public API


def clean_html(
    html: str | bytes | None, extra_selectors: Sequence[str] = (), base_url: str | None = None
) -> CleanResult:
    """Return the article only: furniture stripped, hostile markup gone, images listed."""
    root = _parse(html)
    if root is None:
        return EMPTY
    if unmask.needed(html):
        unmask.restore(root)
    _promote_noscript_images(root)
    _drop_all(_strip_rules(tuple(extra_selectors))(root))
    _drop_text_blocks(root)
    _sanitise(root)
    if base_url:
        root.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    text, images = _tree_text(root), _images(root)
    if not text and not images and next(root.iter(*_MEDIA_TAGS), None) is None:
        return EMPTY  # only empty wrappers left: say so plainly
    return CleanResult(html=_inner_html(root), text=text, images=images)


def html_to_text(html: str | bytes | None) -> str:
    """Readable text of an HTML fragment: blocks separated by blank lines, whitespace collapsed."""
    root = _parse(html)
    if root is None:
        return ""
    if unmask.needed(html):
        unmask.restore(root)
    return _tree_text(root)


def clean_comment_html(html: str | bytes | None) -> CommentCleanResult:
    """Sanitise a comment body lightly: keep the words and links, drop scripts and reply links."""
    root = _parse(html)
    if root is None:
        return CommentCleanResult(html="", text="")
    if unmask.needed(html):
        unmask.restore(root)
    _drop_all(_comment_strip_rules()(root))
    _sanitise(root)
    return CommentCleanResult(_inner_html(root), _tree_text(root))


# ---------------------------------------------------------------------------- parsing


def _parse(html: str | bytes | None) -> Element | None:
    """One forgiving parse into a ``<div>`` wrapper; None when there is nothing to clean."""
    if not html:
        return None
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not isinstance(html, str):
        return None
    html = _CONTROL.sub("", _XML_DECL.sub("", html))
    if not html.isascii():
        html = html.encode("utf-8", errors="ignore").decode("utf-8")  # drop lone surrogates
    if not html.strip():
        return None
    try:
        root = _fragment(html)
    except (etree.ParserError, ValueError):
        return None
    _drop_all(el for el in root.iter(etree.Comment, etree.ProcessingInstruction))
    return root


def _fragment(html: str) -> Element:
    """``lxml.html.fragment_fromstring(html, create_parent="div")``, with the wrapper made by our own
    parser: lxml's makes it with its default parser, and the fragment moved under it then gets
    every element proxy from lxml.html's Python class lookup (one Python call per element the
    cleaner touches) instead of ours in C."""
    parser = fragment_parser()
    elements = lxml_html.fragments_fromstring(html, parser=parser)
    root = parser.makeelement("div")
    if elements and isinstance(elements[0], str):
        root.text = elements.pop(0)
    root.extend(elements)
    return root


def _drop_all(elements: Iterable[Any]) -> None:
    """Remove elements (keeping each one's tail text); collect first, the tree changes as we go."""
    for el in list(elements):
        _drop(el)


def _drop(el: Any) -> None:
    replace_with_text(el)


# ---------------------------------------------------------------------------- selectors


def _strip_rules(extra: tuple[str, ...]) -> rules.Matcher:
    return rules.compile_rules(rules.DEFAULT_STRIP_TAGS + rules.DEFAULT_STRIP_SELECTORS + extra)


def _comment_strip_rules() -> rules.Matcher:
    return rules.compile_rules(rules.DEFAULT_STRIP_TAGS + rules.COMMENT_STRIP_SELECTORS)


def _container_rules() -> rules.Matcher:
    return rules.compile_rules(rules.ARTICLE_CONTAINER_SELECTORS)


def validate_selectors(selectors: Sequence[str]) -> None:
    """Raise ValueError early (at spider open) for a profile selector cssselect can't compile."""
    _strip_rules(tuple(selectors))


# ---------------------------------------------------------------------------- text blocks

_TEXT_BLOCKS = frozenset(t.casefold() for t in rules.DEFAULT_STRIP_TEXT_BLOCKS)
_TEXT_BLOCK_LIMIT = max(len(t) for t in _TEXT_BLOCKS) + 8
_TEXT_BLOCK_CANDIDATES = _xpath(
    "|".join(
        f"descendant::{tag}[string-length(normalize-space()) <= {_TEXT_BLOCK_LIMIT}]"
        for tag in rules.TEXT_BLOCK_TAGS
    )
)


_INLINE = frozenset({"span", "strong", "b"})


def _text_block_candidates(root: Element) -> list[Element]:
    """Short blocks first (XPath, in C), then the exact text check in Python.

    An inline element counts only when it stands alone, never inside running text
    ("We <strong>share</strong> values" keeps its word).
    """
    return [
        el
        for el in _TEXT_BLOCK_CANDIDATES(root)
        if _norm(el.text_content()).casefold() in _TEXT_BLOCKS
        and (el.tag not in _INLINE or _stands_alone(el))
    ]


def _stands_alone(el: Element) -> bool:
    previous = el.getprevious()
    before = previous.tail if previous is not None else el.getparent().text
    return not (before or "").strip() and not (el.tail or "").strip()


def _drop_text_blocks(root: Element) -> None:
    """Remove furniture titles ("Share this:") and the widget each one titles.

    Repeats until none is left: removing a title can leave its wrapper holding only another
    furniture text, and cleaning must be idempotent. Each round removes every candidate.
    """
    while candidates := _text_block_candidates(root):
        _drop_text_block_round(root, candidates)


def _drop_text_block_round(root: Element, candidates: list[Element]) -> None:
    root_len = len(_norm(root.text_content()))
    containers = set(_container_rules()(root))
    for el in candidates:
        if not _attached(el, root):
            continue
        title = _title_element(el, root, containers)
        wrapper = title.getparent()
        if _is_widget_wrapper(wrapper, title, root, containers, root_len):
            _drop(wrapper)
            continue
        followers = list(_link_only_followers(title))
        _drop(title)
        _drop_all(followers)


def _title_element(el: Element, root: Element, containers: set[Element]) -> Element:
    """Climb through wrappers that hold nothing but the title text (``header > h3``)."""
    text = _norm(el.text_content())
    parent = el.getparent()
    while parent is not None and parent is not root and parent not in containers:
        if _norm(parent.text_content()) != text:
            break
        el, parent = parent, parent.getparent()
    return el


def _is_widget_wrapper(
    wrapper: Element | None, title: Element, root: Element, containers: set[Element], root_len: int
) -> bool:
    """A small wrapper that starts with the title is the widget; never the article itself."""
    if wrapper is None or wrapper is root or wrapper in containers:
        return False
    if wrapper.tag not in rules.WIDGET_WRAPPER_TAGS or (wrapper.text or "").strip():
        return False
    if next(wrapper.iterchildren(), None) is not title:
        return False
    return len(_norm(wrapper.text_content())) <= root_len / 2


def _link_only_followers(title: Element) -> Iterator[Element]:
    """Siblings after a bare furniture title that are share lists: links, icons, nothing else."""
    sibling = title.getnext()
    while sibling is not None and _is_link_only(sibling):
        yield sibling
        sibling = sibling.getnext()


def _is_link_only(el: Element) -> bool:
    text = _norm(el.text_content())
    if not text:
        return next(el.iter("img", "figure", "video", "audio", "iframe", "table"), None) is None
    link_text = sum(len(_norm(a.text_content())) for a in el.iter("a"))
    return len(text) <= 600 and link_text >= 0.8 * len(text)


def _attached(el: Element, root: Element) -> bool:
    while el is not None:
        if el is root:
            return True
        el = el.getparent()
    return False


# ---------------------------------------------------------------------------- attributes, images


def _sanitise(root: Element) -> None:
    """Hostile attributes, trackers, and empty ``<li>``s (libxml2 prints them without ``</li>``,
    so a following text would move inside on the next parse and break idempotence)."""
    _sanitise_attributes(root)
    _drop_all(el for el in root.iter("iframe", "img") if _is_tracker(el))
    _drop_all(li for li in reversed(list(root.iter("li"))) if not len(li) and not li.text)


def _sanitise_attributes(root: Element) -> None:
    """Drop event handlers and script URLs; give lazy-loaded images their real source.

    One look at each element's own attribute names (most have none) rather than seven look-ups
    by name on every element: half the time (bench/read_pages.py)."""
    for el in root.iter(etree.Element):
        attrib = el.attrib
        if attrib:
            for name in list(attrib):  # a copy: names are deleted as we go
                if name.lower().startswith("on"):
                    del attrib[name]
                elif name in _URL_ATTR_NAMES:
                    value = attrib[name]
                    if _SCRIPT_SCHEME.match(value) or (name in _NAV_ATTRS and _DATA_SCHEME.match(value)):
                        del attrib[name]
        tag = el.tag
        if tag == "img":
            _resolve_lazy(el)
        elif tag == "source":
            _resolve_lazy_srcset(el)
    for img in [img for img in root.iter("img") if _is_data_placeholder(img.get("src"))]:
        parent = img.getparent()
        _drop(img)
        if parent is not None and parent is not root and parent.tag in ("p", "a", "span", "figure") \
                and not len(parent) and not (parent.text or "").strip():
            _drop(parent)  # the placeholder's own paragraph or link, now empty


def _is_placeholder(src: str | None) -> bool:
    if not src or not src.strip() or src.lstrip().lower().startswith("data:"):
        return True
    lowered = src.lower()
    return any(hint in lowered for hint in rules.PLACEHOLDER_HINTS)


def _is_data_placeholder(src: str | None) -> bool:
    """A ``data:`` image left after every real source was tried: a lazy-load stand-in. An inline
    image pasted into a post is kilobytes long and is content; a stand-in is a few dozen bytes."""
    return src is not None and _DATA_SCHEME.match(src) is not None and len(src) < rules.INLINE_IMAGE_MIN_LENGTH


def _resolve_lazy(img: Element) -> None:
    if not _is_placeholder(img.get("src")):
        _resolve_lazy_srcset(img)
        return
    real = next((img.get(a) for a in rules.LAZY_SRC_ATTRS if img.get(a, "").strip()), None)
    if real and not _is_placeholder(real):
        img.set("src", real.strip())
        for attr in rules.LAZY_SRC_ATTRS:
            img.attrib.pop(attr, None)
    _resolve_lazy_srcset(img)


def _resolve_lazy_srcset(el: Element) -> None:
    """``data-srcset`` (on ``img`` or a ``picture``'s ``source``) replaces a missing or ``data:``
    srcset; a ``data:`` srcset with nothing better is dropped."""
    srcset = next((el.get(a) for a in rules.LAZY_SRCSET_ATTRS if el.get(a, "").strip()), None)
    current = el.get("srcset")
    if srcset and (not current or not current.strip() or _DATA_SCHEME.match(current)):
        el.set("srcset", srcset.strip())
        for attr in rules.LAZY_SRCSET_ATTRS:
            el.attrib.pop(attr, None)
    elif current is not None and _DATA_SCHEME.match(current):
        del el.attrib["srcset"]


def _promote_noscript_images(root: Element) -> None:
    """Lazy-load plugins put the real ``<img>`` in a ``<noscript>`` beside a placeholder (before
    or after it), or alone where a script will insert the image: copy its source onto the
    placeholder, or put the real image in the noscript's place (noscript is stripped later)."""
    for noscript in list(root.iter("noscript")):
        real = next(noscript.iter("img"), None)
        if real is None:
            continue
        neighbours = [n for n in (noscript.getprevious(), noscript.getnext()) if n is not None and n.tag == "img"]
        if not neighbours:
            real.tail = None  # the noscript's own tail stays with it, and is kept when it goes
            noscript.addprevious(real)
            continue
        placeholder = neighbours[0]
        if _is_placeholder(placeholder.get("src")) and not any(
            placeholder.get(a) for a in rules.LAZY_SRC_ATTRS
        ):
            for attr in ("src", "srcset", "alt"):
                if real.get(attr):
                    placeholder.set(attr, real.get(attr))


def _is_tracker(el: Element) -> bool:
    src = (el.get("src") or "").lower()
    if any(pattern in src for pattern in rules.TRACKER_URL_PATTERNS):
        return True
    return _tiny(el.get("width")) and _tiny(el.get("height"))


def _tiny(value: str | None) -> bool:
    return value is not None and value.strip().removesuffix("px") in ("0", "1")


def _images(root: Element) -> list[dict[str, str | None]]:
    return [
        {"src": img.get("src"), "alt": img.get("alt"), "caption": _caption(img)}
        for img in root.iter("img")
        if img.get("src") and not _DATA_SCHEME.match(img.get("src"))
    ]


def _caption(img: Element) -> str | None:
    """The caption of the nearest ``figure`` or classic ``div.wp-caption`` holding the image."""
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            return _text_or_none(next(ancestor.iterchildren("figcaption"), None))
        if "wp-caption" in (ancestor.get("class") or "").split():
            captions = (el for el in ancestor.iter() if _has_class(el, "wp-caption-text"))
            return _text_or_none(next(captions, None))
    return None


def _has_class(el: Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _text_or_none(el: Element | None) -> str | None:
    return (_norm(el.text_content()) or None) if el is not None else None


# ---------------------------------------------------------------------------- pipeline


def looks_like_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


def merge_images(
    existing: list[dict[str, str | None]], found: list[dict[str, str | None]]
) -> list[dict[str, str | None]]:
    """Existing images first (a spider's featured image), then new ones; one entry per src."""
    merged = [dict(image) for image in existing]
    by_src = {image.get("src"): image for image in merged}
    for image in found:
        known = by_src.get(image.get("src"))
        if known is None:
            merged.append(dict(image))
            by_src[image.get("src")] = merged[-1]
        else:
            for key, value in image.items():
                if not known.get(key):
                    known[key] = value
    return merged


def clean_post_parts(body_html: str, standfirst: str | None, comment_bodies: list[str],
                     extra_selectors: tuple[str, ...], base_url: str | None,
                     ) -> tuple[CleanResult, str | None, list[CommentCleanResult]]:
    """Everything the pipeline cleans in one post, as one call a worker process can run."""
    result = clean_html(body_html, extra_selectors, base_url=base_url)
    if standfirst and looks_like_markup(standfirst):
        standfirst = html_to_text(standfirst) or None
    return result, standfirst, [clean_comment_html(body) for body in comment_bodies]


def read_post_page_clean(body: bytes, encoding: str, profile: SiteProfile, base_url: str) -> PageExtract:
    """The page worker's one task per post page: read it, then clean what was read (the body
    with links made absolute against ``base_url``, the standfirst, every comment), so a page
    crosses to a worker process once, not once to be read and again to be cleaned."""
    extract = extract_post_page(body, encoding, profile)
    if extract.page is None or not extract.page.is_post:
        return extract
    result, standfirst, comments = clean_post_parts(
        extract.page.body_html, extract.page.standfirst, [c.body_html for c in extract.comments],
        tuple(profile.strip_selectors or ()), base_url)
    extract.cleaned = (result, standfirst)
    for comment, clean in zip(extract.comments, comments):
        comment.clean = clean
    return extract


def read_comment_page_clean(body: bytes, encoding: str) -> PageExtract:
    """A comment page in one worker task: its comments read and their bodies cleaned."""
    extract = extract_comment_page(body, encoding)
    for comment in extract.comments:
        comment.clean = clean_comment_html(comment.body_html)
    return extract


class CleanPipeline:
    """Replace each post's raw body with the article only; sanitise its comments."""

    def __init__(self, stats: Any = None, crawler: Any = None) -> None:
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        return cls(stats=crawler.stats, crawler=crawler)

    def open_spider(self, spider: Any = None) -> None:
        validate_selectors(self._extra_selectors(spider))

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean inline, or in a worker process when ``ARCHIVE_WORKERS`` > 0."""
        if not isinstance(item, PostItem):
            return item
        cleaned, item.cleaned = item.cleaned, None
        if cleaned is None or len(cleaned[2]) != len(item.comments):
            args = (item.body_html, item.standfirst, [c.body_html for c in item.comments],
                    self._extra_selectors(spider), item.url)
            offload = self._offload()
            cleaned = await offload.run(clean_post_parts, *args) if offload is not None else clean_post_parts(*args)
        return self._apply(item, cleaned)

    def _offload(self) -> Any:
        from pipelines.offload import (
            offload_for,  # not at import: worker processes import this module
        )

        offload = offload_for(self.crawler) if self.crawler is not None else None
        return offload if offload is not None and offload.workers > 0 else None

    def _apply(self, item: PostItem, cleaned: tuple[CleanResult, str | None, list[CommentCleanResult]]) -> PostItem:
        raw = item.body_html
        result, item.standfirst, comments = cleaned
        item.body_html, item.body_text = result.html, result.text
        item.images = merge_images(item.images, result.images)
        for comment, done in zip(item.comments, comments):
            comment.body_html, comment.body_text = done.html, done.text
        self._count(item, raw, result)
        return item

    def _extra_selectors(self, spider: Any) -> tuple[str, ...]:
        if spider is None and self.crawler is not None:
            spider = getattr(self.crawler, "spider", None)
        profile = getattr(spider, "profile", None)
        return tuple(getattr(profile, "strip_selectors", ()) or ())

    def _count(self, item: PostItem, raw: str, result: CleanResult) -> None:
        if self.stats is None:
            return
        self.stats.inc_value("clean/posts")
        self.stats.inc_value("clean/comments", len(item.comments))
        self.stats.inc_value("clean/images", len(result.images))
        if raw and raw.strip() and not result.text:
            self.stats.inc_value("clean/body_empty")
