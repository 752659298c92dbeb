"""Page furniture as data: what the clean pipeline strips from a post body.

Everything here is generic WordPress (core, common themes and plugins; design.md "Page furniture",
field guide §4). Site-specific extras belong in ``SiteProfile.strip_selectors``; code never
branches on a site's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from cssselect import ExpressionError, SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from reading.dom import css, xpath

# Elements that are never article content, whatever their class.
DEFAULT_STRIP_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "template", "link", "meta", "base",
    "form", "button", "input", "select", "textarea", "svg",
)

# CSS selectors for furniture blocks; many of these live *inside* ``.entry-content``.
DEFAULT_STRIP_SELECTORS: tuple[str, ...] = (
    # Site logos and branding.
    ".custom-logo-link", ".custom-logo", ".site-logo", ".site-branding", "[itemprop=logo]",
    "img[alt$=Logo]", "img[alt$=logo]",
    # Site header, navigation, breadcrumbs.
    "#masthead", ".site-header", "nav", "[role=navigation]", ".navigation", ".main-navigation",
    ".post-navigation", ".nav-links", ".breadcrumbs", "#breadcrumbs", ".yoast-breadcrumbs",
    ".skip-link",
    # Jetpack sharing and likes.
    ".sharedaddy", ".sd-sharing-enabled", ".sd-sharing", ".sd-like",
    ".jetpack-likes-widget-wrapper", ".sharing-hidden",
    # Jetpack related posts.
    "#jp-relatedposts", ".jp-relatedposts",
    # AddToAny, ShareThis, Shareaholic and other share-button plugins.
    ".addtoany_share_save_container", ".a2a_kit", ".addtoany_list", ".a2a_target",
    ".sharethis-inline-share-buttons", ".sharethis-inline-reaction-buttons",
    ".shareaholic-canvas", ".heateor_sss_sharing_container", ".ssba", ".ssba-wrap",
    ".mashsb-container", ".swp_social_panel", ".essb_links", ".share-buttons", ".social-share",
    # Related-posts plugins and theme blocks.
    ".related-posts", "#related-posts", ".related_posts", ".yarpp-related", ".yarpp-related-widget",
    ".crp_related", ".rp4wp-related-posts",
    # Comment lists, comment forms and their notices.
    "#comments", "#respond", ".comment-respond", ".comments-area", ".comment-form", ".comment-notes",
    ".comment-list", ".commentlist", ".entry-comments", "#pings", "#wpdcom", ".logged-in-as",
    ".nocomments", ".no-comments",
    # Newsletter and subscription boxes.
    ".mc4wp-form", ".jetpack_subscription_widget", ".wp-block-jetpack-subscriptions", ".newsletter",
    "#mc_embed_signup", ".mailpoet_form", ".tnp-subscription",
    # Sidebars, widgets and footers (not bare <footer>: blockquotes use it for citations).
    "#secondary", "#sidebar", ".sidebar", ".widget-area", ".widget", "#colophon", ".site-footer",
    ".entry-footer", ".entry-utility",
)

# Exact texts (compared case-insensitively, whitespace collapsed) of headings and short blocks
# that title a furniture widget. The heading goes, and so does the widget it titles.
DEFAULT_STRIP_TEXT_BLOCKS: tuple[str, ...] = (
    "Share this", "Share this:", "Share this post", "Share this post:", "Share this article",
    "Share this article:", "Share this story", "Share", "Share:", "Share on",
    "Like this:", "Like this",
    "Related", "Related:", "Related Content", "Related posts", "Related articles",
    "You may also like", "You might also like",
    "Leave a Reply", "Leave a comment", "Leave a Reply Cancel reply", "Speak Your Mind",
)

# Tags a text block may be; and tags a widget wrapper titled by one may be.
TEXT_BLOCK_TAGS: tuple[str, ...] = (
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "header", "dt", "summary",
)
WIDGET_WRAPPER_TAGS: frozenset[str] = frozenset(
    {"div", "section", "aside", "nav", "header", "footer", "p", "span"}
)

# Containers that hold the article itself: never removed as a "widget wrapper".
ARTICLE_CONTAINER_SELECTORS: tuple[str, ...] = (
    "article", "main", ".entry-content", ".post-content", "[itemprop=articleBody]", ".hentry",
    ".entry", ".post",
)

# URL fragments of trackers: iframes and images pointing here are dropped.
TRACKER_URL_PATTERNS: tuple[str, ...] = (
    "googletagmanager.com", "google-analytics.com", "doubleclick.net", "facebook.com/tr",
    "pixel.wp.com", "stats.wp.com", "widgets.wp.com/likes", "bat.bing.com", "analytics.twitter.com",
    "px.ads.linkedin.com", "addthis.com", "sharethis.com", "shareaholic", "quantserve.com",
    "scorecardresearch.com", "hotjar.com",
)

# Lazy-loading: real image URLs hide in these attributes while ``src`` holds a placeholder.
LAZY_SRC_ATTRS: tuple[str, ...] = ("data-lazy-src", "data-src", "data-original", "data-lazyload")
LAZY_SRCSET_ATTRS: tuple[str, ...] = ("data-lazy-srcset", "data-srcset")
PLACEHOLDER_HINTS: tuple[str, ...] = (
    "lazy", "placeholder", "blank.gif", "spacer.gif", "pixel.gif", "transparent.gif",
    "loading.gif", "grey.gif",
)
# A ``data:`` image shorter than this with no real source beside it is a lazy-load stand-in.
INLINE_IMAGE_MIN_LENGTH = 2048

# Comment bodies: sanitised lightly, keeping the commenter's words and links.
COMMENT_STRIP_SELECTORS: tuple[str, ...] = (
    ".reply", ".comment-reply", ".comment-reply-link", ".comment-awaiting-moderation",
    ".comment-edit-link",
)


# ---------------------------------------------------------------------------- compiled rules


class Matcher:
    """Strip rules compiled for speed. Simple selectors are answered cheaply: tags by one XPath
    union, ``.class`` and ``#id`` by set lookups over the elements that carry a class or id; only
    the rest (attribute, descendant selectors) go through one cssselect XPath.

    One XPath union of ~100 cssselect class tests cost ~4 ms on a 16 KB body; this costs ~0.3 ms.
    """

    def __init__(self, selectors: Sequence[str]) -> None:
        tags, classes, ids, complex_ = set(), set(), set(), []
        for selector in (s.strip() for s in selectors):
            if _TAG.match(selector):
                tags.add(selector.lower())
            elif _CLASS.match(selector):
                classes.add(selector[1:])
            elif _ID.match(selector):
                ids.add(selector[1:])
            elif selector:
                complex_.append(selector)
        self.tags, self.classes, self.ids = frozenset(tags), frozenset(classes), frozenset(ids)
        self.complex = _css(complex_) if complex_ else None
        union = "|".join(f"descendant::{tag}" for tag in sorted(tags))
        self._by_tag = xpath(union) if union else None

    def __call__(self, root: etree._Element) -> list[etree._Element]:
        classes, ids = self.classes, self.ids
        hits = self._by_tag(root) if self._by_tag is not None else []
        if classes or ids:
            for el in _WITH_CLASS_OR_ID(root):
                names = el.get("class")
                if el.get("id") in ids or (names and not classes.isdisjoint(names.split())):
                    hits.append(el)
        if self.complex is not None:
            hits.extend(self.complex(root))
        return hits


_WITH_CLASS_OR_ID = xpath("descendant::*[@class or @id]")  # skips the bare <p>, <a>, <li>
_TAG = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*$")
_CLASS = re.compile(r"^\.-?[_a-zA-Z][\w-]*$")
_ID = re.compile(r"^#-?[_a-zA-Z][\w-]*$")


@lru_cache(maxsize=64)
def compile_rules(selectors: tuple[str, ...]) -> Matcher:
    """Compile once per selector tuple (defaults plus one site's extras); raises ValueError."""
    return Matcher(selectors)


def _css(selectors: Sequence[str]) -> etree.XPath:  # each alternative attribute first where it can be
    try:
        return css(", ".join(selectors), translator="html")
    except (SelectorError, ExpressionError) as exc:
        bad = [s for s in selectors if not _valid(s)]
        raise ValueError(f"invalid strip selector(s) {bad}: {exc}") from exc


def _valid(selector: str) -> bool:
    try:
        CSSSelector(selector, translator="html")
    except (SelectorError, ExpressionError):
        return False
    return True
