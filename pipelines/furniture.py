"""Page furniture as data: what the clean pipeline strips from a post body.

Everything here is generic WordPress (core, common themes and plugins; design.md "Page furniture",
field guide §4). Site-specific extras belong in ``SiteProfile.strip_selectors``; code never
branches on a site's name.
"""

from __future__ import annotations

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

# Comment bodies: sanitised lightly, keeping the commenter's words and links.
COMMENT_STRIP_SELECTORS: tuple[str, ...] = (
    ".reply", ".comment-reply", ".comment-reply-link", ".comment-awaiting-moderation",
    ".comment-edit-link",
)
