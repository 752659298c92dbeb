"""Markup helpers for the mirror generator: WordPress text filters, comment walkers, sitemaps, feeds.

Every class name and attribute follows ``/work/shared/wordpress-field-guide.md``. Content is
authored in plain Unicode; ``tx`` turns it into what ``wptexturize`` prints (numeric entities),
so pages carry the entity mess real WordPress output has while ground truth stays readable.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_TEXTURIZE = {
    "’": "&#8217;", "‘": "&#8216;", "“": "&#8220;", "”": "&#8221;",
    "–": "&#8211;", "—": "&#8212;", "…": "&#8230;",
}


def tx(text: str) -> str:
    """Escape plain text and texturize it the way WordPress prints titles and comment text."""
    out = html.escape(text, quote=False).replace("&amp;", "&#038;")
    for char, entity in _TEXTURIZE.items():
        out = out.replace(char, entity)
    return out


def txh(markup: str) -> str:
    """Texturize already-authored HTML (tags and ``&amp;`` kept as written)."""
    for char, entity in _TEXTURIZE.items():
        markup = markup.replace(char, entity)
    return markup


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def paras(items: list[str]) -> str:
    """Paragraphs from authored HTML snippets; items starting with '<' are inserted raw."""
    out = []
    for item in items:
        out.append(txh(item) if item.startswith("<") else f"<p>{txh(item)}</p>")
    return "\n\n".join(out)


# -- time ------------------------------------------------------------------------------------

def utc_of(local: str, fold: int = 0) -> str:
    """UTC instant of a Europe/London wall time 'YYYY-MM-DD HH:MM' (fold 0 = the BST occurrence)."""
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M")
    aware = naive.replace(tzinfo=LONDON, fold=fold)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_ambiguous(local: str) -> bool:
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M")
    first = naive.replace(tzinfo=LONDON, fold=0).utcoffset()
    second = naive.replace(tzinfo=LONDON, fold=1).utcoffset()
    return first > second  # repeated autumn hour; a spring-gap time gives first < second


def iso_local(local: str) -> str:
    """``DATE_W3C`` with the local offset, as ``<time datetime>`` prints it (BST occurrence)."""
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=LONDON).isoformat()


def iso_utc(utc: str) -> str:
    """Yoast/sitemap style: ``2019-07-05T07:00:00+00:00``."""
    return utc.replace("Z", "+00:00")


def rfc822(utc: str) -> str:
    moment = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def g_i_a(local: str) -> str:
    """WordPress ``g:i a``: '12:19 am', '2:15 pm'."""
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M")
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def dmy(local: str) -> str:
    """``d/m/Y``."""
    return datetime.strptime(local, "%Y-%m-%d %H:%M").strftime("%d/%m/%Y")


def jfy(local: str) -> str:
    """``j F Y``: '5 July 2019'."""
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M")
    return f"{moment.day} {moment:%B %Y}"


# -- comments --------------------------------------------------------------------------------

@dataclass
class Comment:
    """One comment as authored for a mirror; ``utc`` is computed by hand and checked by code."""

    wp_id: int
    author: str
    local: str | None  # Europe/London wall time 'YYYY-MM-DD HH:MM'; None for pings without a date
    utc: str | None  # hand-computed UTC, None when the page shows no parseable time
    text: list[str] = field(default_factory=list)
    url: str | None = None  # author URL
    children: list["Comment"] = field(default_factory=list)
    kind: str = "comment"
    raw: str | None = None  # visible date text when it is not the formatted local time
    nicename: str | None = None  # registered user
    post_author: bool = False
    moderation: bool = False
    ambiguous: bool = False
    snippet: str | None = None


def walk(threads: list[Comment], depth: int = 1, parent: Comment | None = None):
    """Pre-order (display order) traversal yielding (comment, depth, parent)."""
    for comment in threads:
        yield comment, depth, parent
        yield from walk(comment.children, depth + 1, comment)


class ClassCounter:
    """``get_comment_class`` alternation: even/odd over every comment, thread-even/odd per thread."""

    def __init__(self) -> None:
        self.n = 0
        self.thread = 0

    def classes(self, c: Comment, depth: int, with_parent: bool) -> str:
        out = [c.kind]
        if c.nicename:
            out.append(f"byuser comment-author-{c.nicename}")
        if c.post_author:
            out.append("bypostauthor")
        out.append("even" if self.n % 2 == 0 else "odd alt")
        self.n += 1
        if depth == 1:
            out.append("thread-even" if self.thread % 2 == 0 else "thread-odd thread-alt")
            self.thread += 1
        out.append(f"depth-{depth}")
        if with_parent and c.children:
            out.append("parent")
        return " ".join(out)


def body_html(c: Comment) -> str:
    return "\n".join(f"<p>{tx(p)}</p>" for p in c.text)


def reply_link(permalink: str, c: Comment, post_id: int, below: str, max_depth: int,
               depth: int) -> str:
    if depth >= max_depth or c.moderation:
        return ""
    return (f'<a rel="nofollow" class="comment-reply-link" href="{permalink}?replytocom={c.wp_id}#respond"'
            f' data-commentid="{c.wp_id}" data-postid="{post_id}" data-belowelement="{below}"'
            f' data-respondelement="respond" data-replyto="Reply to {attr(c.author)}"'
            f' aria-label="Reply to {attr(c.author)}">Reply</a>')


def author_link(c: Comment, cls: str = "url", rel: str = "ugc external nofollow") -> str:
    if c.url:
        return f'<a href="{attr(c.url)}" class="{cls}" rel="{rel}">{tx(c.author)}</a>'
    return tx(c.author)


def core_ping(c: Comment, classes: str) -> str:
    """Core walker ``ping()`` (short_ping): no date, no text, just the linking page."""
    return (f'<li id="comment-{c.wp_id}" class="{classes}">\n'
            f'\t\t\t<div class="comment-body">\n\t\t\t\tPingback: '
            f'<a href="{attr(c.url or "")}" class="url" rel="ugc external nofollow">{tx(c.author)}</a> \t\t\t</div>\n'
            f'\t\t</li><!-- #comment-## -->\n')


# -- sitemaps and feeds ---------------------------------------------------------------------

def yoast_urlset(entries: list[tuple[str, str]]) -> str:
    """Yoast child sitemap: tab-indented, ``<loc>`` + ``<lastmod>``, closing credit comment."""
    rows = "".join(f"\t<url>\n\t\t<loc>{u}</loc>\n\t\t<lastmod>{m}</lastmod>\n\t</url>\n" for u, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
            'href="//www.collectivevoice.org.uk/main-sitemap.xsl"?>\n'
            '<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
            'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd '
            'http://www.google.com/schemas/sitemap-image/1.1 http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd" '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->")


def yoast_index(entries: list[tuple[str, str]]) -> str:
    rows = "".join(f"\t<sitemap>\n\t\t<loc>{u}</loc>\n\t\t<lastmod>{m}</lastmod>\n\t</sitemap>\n" for u, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" '
            'href="//www.collectivevoice.org.uk/main-sitemap.xsl"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</sitemapindex>\n<!-- XML Sitemap Index generated by Yoast SEO -->")


def core_index(origin: str, locs: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="{origin}/wp-sitemap-index.xsl" ?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>\n')


def core_urlset(origin: str, entries: list[tuple[str, str | None]]) -> str:
    rows = "".join(f"<url><loc>{u}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
                   for u, m in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="{origin}/wp-sitemap.xsl" ?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>\n')


@dataclass
class FeedItem:
    title: str
    link: str
    wp_id: int
    published_utc: str
    author: str
    categories: list[str]
    description: str
    content_html: str
    comments: int


def rss(origin: str, title: str, description: str, last_build_utc: str, items: list[FeedItem]) -> str:
    """RSS 2.0 as ``feed-rss2.php`` prints it."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n',
        f"\t<title>{tx(title)}</title>\n",
        f'\t<atom:link href="{origin}/feed/" rel="self" type="application/rss+xml" />\n',
        f"\t<link>{origin}</link>\n\t<description>{tx(description)}</description>\n",
        f"\t<lastBuildDate>{rfc822(last_build_utc)}</lastBuildDate>\n",
        "\t<language>en-GB</language>\n\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        '\t<generator>https://wordpress.org/?v=6.0.2</generator>\n',
    ]
    for it in items:
        cats = "".join(f"\t\t<category><![CDATA[{c}]]></category>\n" for c in it.categories)
        out.append(
            "\t<item>\n"
            f"\t\t<title>{tx(it.title)}</title>\n"
            f"\t\t<link>{it.link}</link>\n"
            f"\t\t\t\t\t<comments>{it.link}#{'comments' if it.comments else 'respond'}</comments>\n"
            f"\t\t\n\t\t<dc:creator><![CDATA[{it.author}]]></dc:creator>\n"
            f"\t\t<pubDate>{rfc822(it.published_utc)}</pubDate>\n"
            f"{cats}"
            f'\t\t<guid isPermaLink="false">{origin}/?p={it.wp_id}</guid>\n\n'
            f"\t\t\t\t\t<description><![CDATA[{it.description} [&#8230;]]]></description>\n"
            f"\t\t\t\t\t\t\t\t\t\t<content:encoded><![CDATA[{it.content_html}]]></content:encoded>\n"
            f"\t\t\t\t\t\n\t\t\t<wfw:commentRss>{it.link}feed/</wfw:commentRss>\n"
            f"\t\t\t<slash:comments>{it.comments}</slash:comments>\n"
            "\t\t\n\t\t\t\t\t\t\t</item>\n"
        )
    out.append("\t</channel>\n</rss>\n")
    return "".join(out)


def pagination_nav(links: list[tuple[str, str | None]], next_url: str | None, prev_url: str | None) -> str:
    """``the_posts_pagination``: ``nav.navigation.pagination`` with page-number links."""
    parts = []
    if prev_url:
        parts.append(f'<a class="prev page-numbers" href="{prev_url}">&laquo; Previous</a>')
    for label, href in links:
        if href is None:
            parts.append(f'<span aria-current="page" class="page-numbers current">{label}</span>')
        else:
            parts.append(f'<a class="page-numbers" href="{href}">{label}</a>')
    if next_url:
        parts.append(f'<a class="next page-numbers" href="{next_url}">Next &raquo;</a>')
    return ('\n\t<nav class="navigation pagination" aria-label="Posts">\n'
            '\t\t<h2 class="screen-reader-text">Posts navigation</h2>\n'
            f'\t\t<div class="nav-links">{chr(10).join(parts)}</div>\n\t</nav>')


# -- posts and ground truth ----------------------------------------------------------------

@dataclass
class Post:
    """One WordPress post as authored for a mirror, with everything ground truth needs."""

    path: str
    wp_id: int
    title: str
    author: str
    author_slug: str
    published_local: str
    published_utc: str  # hand-computed
    modified_local: str
    modified_utc: str  # hand-computed
    categories: list[tuple[str, str]]  # (name, slug)
    tags: list[tuple[str, str]]
    content: str  # authored .entry-content HTML (article only, no widgets)
    excerpt: str
    must_contain: list[str]
    captions: list[str] = field(default_factory=list)
    standfirst: str | None = None
    comment_pages: list[list[Comment]] = field(default_factory=list)  # page 1 (oldest) first
    comments_open: bool = True
    theme: str = "default"
    comment_count: int = 0  # as the page heading shows it
    notes: str = ""

    @property
    def threads(self) -> list[Comment]:
        return [c for page in self.comment_pages for c in page]


def comment_page_url(origin: str, post: Post, page: int) -> str:
    """Newest page is the bare permalink (default_comments_page=newest); others comment-page-N."""
    last = len(post.comment_pages)
    return origin + post.path if page == last else f"{origin}{post.path}comment-page-{page}/"


def comment_permalink(origin: str, post: Post, page: int, wp_id: int) -> str:
    base = comment_page_url(origin, post, page)
    return f"{base}#comment-{wp_id}"


def expected_post(origin: str, post: Post, date_text, must_not: list[str],
                  html_must_not: list[str]) -> dict:
    """Ground truth for one post; comment times are re-derived from the wall time and checked."""
    comments = []
    position = 0
    for page_no, page in enumerate(post.comment_pages, start=1):
        for c, depth, parent in walk(page):
            position += 1
            raw = c.raw if c.raw is not None else (date_text(c.local) if c.local else None)
            if c.local and c.raw is None:
                assert utc_of(c.local) == c.utc, (c.wp_id, utc_of(c.local), c.utc)
                assert is_ambiguous(c.local) == c.ambiguous, c.wp_id
            else:
                assert c.utc is None, c.wp_id
            comments.append({
                "wp_id": c.wp_id,
                "parent_wp_id": parent.wp_id if parent else None,
                "depth": depth,
                "position": position,
                "page": page_no,
                "author": c.author,
                "author_url": c.url,
                "posted_raw": raw,
                "posted_at": c.utc,
                "ambiguous": c.ambiguous,
                "kind": c.kind,
                "snippet": c.snippet if c.snippet is not None else (c.text[0][:60] if c.text else None),
                "awaiting_moderation": c.moderation,
                "url": comment_permalink(origin, post, page_no, c.wp_id),
            })
    assert utc_of(post.published_local) == post.published_utc, post.path
    assert utc_of(post.modified_local) == post.modified_utc, post.path
    return {
        "url": origin + post.path,
        "path": post.path,
        "wp_id": post.wp_id,
        "title": post.title,
        "author": post.author,
        "published": post.published_utc,
        "modified": post.modified_utc,
        "categories": [name for name, _ in post.categories],
        "tags": [name for name, _ in post.tags],
        "standfirst": post.standfirst,
        "comment_count": post.comment_count,
        "comments_open": post.comments_open,
        "comment_pages": [comment_page_url(origin, post, n) for n in range(1, len(post.comment_pages) + 1)],
        "must_contain": post.must_contain,
        "captions": post.captions,
        "must_not_contain": must_not,
        "html_must_not_contain": html_must_not,
        "notes": post.notes,
        "comments": comments,
    }
