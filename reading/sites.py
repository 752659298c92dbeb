"""Per-site profiles: everything that differs between sector sites, as data.

Adding a third WordPress site means adding a profile here, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Where themes and page builders print ``the_content``, in preference order: builders' post-content
# modules first (a theme may wrap them, or print an empty ``.entry-content`` beside them), then the
# classic containers. Block themes print ``.entry-content.wp-block-post-content``.
CONTENT_CONTAINERS: tuple[str, ...] = (
    ".elementor-widget-theme-post-content",  # Elementor Pro theme builder: Post Content widget
    ".et_pb_post_content",  # Divi Theme Builder: Post Content module
    ".td-post-content",  # Newspaper (tagDiv): classic single templates and tdb_single_content
    ".fl-module-fl-post-content",  # Beaver Themer: Post Content module
    ".entry-content",  # core themes, _s, Genesis, Astra, GeneratePress, Divi without Theme Builder
    ".wp-block-post-content",  # block themes' core/post-content
    "[itemprop=articleBody]",
    ".fl-post-content",  # Beaver Builder theme
    ".post-content",
)


@dataclass(frozen=True)
class SiteProfile:
    name: str  # spider name and the ``site`` column
    origin: str  # live origin, no trailing slash
    title: str
    listing_paths: tuple[str, ...] = ("/",)  # listing pages used when a site has no sitemap
    feed_path: str = "/feed/"
    sitemap_paths: tuple[str, ...] = ("/wp-sitemap.xml", "/sitemap_index.xml")
    date_formats: tuple[str, ...] = ()  # strptime formats of visible comment/post dates, tried first
    timezone: str = "Europe/London"
    strip_selectors: tuple[str, ...] = ()  # furniture beyond the global defaults
    standfirst_selectors: tuple[str, ...] = ()
    body_selectors: tuple[str, ...] = CONTENT_CONTAINERS
    extra_post_types: tuple[str, ...] = field(default=())  # custom post types archived as posts


# Visible formats shared by UK WordPress sites (field guide §6); each site lists its own first.
COMMON_DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y at %I:%M %p",
    "%d/%m/%Y at %H:%M",
    "%d/%m/%Y",
    "%d %B %Y at %I:%M %p",
    "%d %B %Y at %H:%M",
    "%d %B %Y",
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y",
    "%d %b %Y",
)

COLLECTIVE_VOICE = SiteProfile(
    name="collectivevoice",
    origin="https://www.collectivevoice.org.uk",
    title="Collective Voice",
    listing_paths=("/blog/", "/news/"),
    date_formats=("%d/%m/%Y at %I:%M %p",) + COMMON_DATE_FORMATS,
    strip_selectors=(".cv-share", ".related-content", ".site-logo"),
)

DDN = SiteProfile(
    name="ddn",
    origin="https://www.drinkanddrugsnews.com",
    title="DDN — Drink and Drugs News",
    listing_paths=("/",),
    date_formats=("%d %B %Y at %I:%M %p", "%B %d, %Y at %I:%M %p") + COMMON_DATE_FORMATS,
    strip_selectors=(".ddn-moderation-notice", ".ddn-newsletter"),
    standfirst_selectors=(".standfirst", ".entry-standfirst", ".td-post-sub-title", ".entry-summary"),
)

PROFILES: dict[str, SiteProfile] = {p.name: p for p in (COLLECTIVE_VOICE, DDN)}
