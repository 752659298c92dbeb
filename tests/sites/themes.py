"""Theme mirror: one post per public comment markup, all on one DDN-like site.

Each renderer below was written from reading the theme's or plugin's own comment callback or
template (core ``Walker_Comment`` xhtml and html5, the block theme comment template, Twenty
Ten/Eleven/Twelve callbacks, Genesis, WooThemes Canvas ``custom_comment``, Astra
``astra_theme_comment``, GeneratePress ``generate_comment``, OceanWP, Divi
``et_custom_comments_display``, Avada, tagDiv Newspaper, wpDiscuz's walker, Jetpack Comments'
form); the markup is our own paraphrase with the same elements, classes, ids and text order,
not copied code. Two posts use markup no reader knows, to prove the alarm sounds.

``MARKUPS`` is shared with the property test (tests/test_comment_markups.py): a random thread
rendered through every markup must read back exactly. ``build`` writes the mirror served for
the end-to-end crawl (``uv run python tests/sites/build.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from wp import (ClassCounter, Comment, attr, core_urlset, dmy, g_i_a, iso_local, jfy, tx, utc_of, walk)

ORIGIN = "https://www.drinkanddrugsnews.com"  # crawled as the ``ddn`` site, through --base-url
NOW = datetime(2025, 11, 20, 12, 0)  # the mirror's pinned clock (tests/mirror.py FIXED_NOW)


def ddn_date(local: str) -> str:
    return f"{jfy(local)} at {g_i_a(local)}"


def years_ago(local: str) -> str:
    """``human_time_diff`` against the page's clock, as wpDiscuz and relative themes print it."""
    then = datetime.strptime(local, "%Y-%m-%d %H:%M")
    years = (NOW - then).days // 365
    return f"{years} years ago" if years > 1 else "1 year ago"


def permalink(post_url: str, c: Comment) -> str:
    return f"{post_url}#comment-{c.wp_id}"


def avatar(c: Comment, size: int) -> str:
    return (f"<img alt='' src='https://secure.gravatar.com/avatar/{c.wp_id:032x}?s={size}&#038;d=mm&#038;r=g' "
            f"class='avatar avatar-{size} photo' height='{size}' width='{size}' loading='lazy' decoding='async'/>")


def author_link(c: Comment) -> str:
    """``get_comment_author_link``: a link when the commenter gave a website."""
    if c.url:
        return f"<a href='{attr(c.url)}' class='url' rel='ugc external nofollow'>{tx(c.author)}</a>"
    return tx(c.author)


def text_html(c: Comment) -> str:
    return "\n".join(f"<p>{tx(p)}</p>" for p in c.text)


def reply(post_url: str, c: Comment, post_id: int, below: str, label: str = "Reply") -> str:
    return (f"<a rel='nofollow' class='comment-reply-link' href='{post_url}?replytocom={c.wp_id}#respond' "
            f"data-commentid='{c.wp_id}' data-postid='{post_id}' data-belowelement='{below}' "
            f"data-respondelement='respond' data-replyto='Reply to {attr(c.author)}' "
            f"aria-label='Reply to {attr(c.author)}'>{label}</a>")


@dataclass
class Markup:
    """One theme's comment area: how it renders a thread and how it shows a time."""

    name: str
    title: str  # what it is, for people
    render: Callable[[ThemePost], str]
    raw: Callable[[Comment], str | None] = lambda c: ddn_date(c.local)
    source: str | None = "datetime-attr"  # where posted_at comes from; None: the page gives no exact time
    known: bool = True  # False: markup no reader knows, the alarm must sound
    entry_meta: Callable[[ThemePost], str] = lambda post: ""  # what the theme adds to the post's entry meta


@dataclass
class ThemePost:
    slug: str
    wp_id: int
    markup: str
    threads: list[Comment] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{ORIGIN}/{self.slug}/"

    @property
    def title(self) -> str:
        return f"Comments as {MARKUPS[self.markup].title} prints them"

    @property
    def count(self) -> int:
        return sum(1 for _ in walk(self.threads))


# -- core and default themes --------------------------------------------------------------------


def core_xhtml(post: ThemePost) -> str:
    """``Walker_Comment::comment()`` (themes without html5 support): li#comment-N >
    div#div-comment-N.comment-body wrapping author, meta, bare paragraphs and reply."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, True)}" id="comment-{c.wp_id}">\n'
                f'<div id="div-comment-{c.wp_id}" class="comment-body">\n'
                f'<div class="comment-author vcard">{avatar(c, 32)} <cite class="fn">{author_link(c)}</cite> '
                f'<span class="says">says:</span></div>\n'
                f'<div class="comment-meta commentmetadata"><a href="{permalink(post.url, c)}">{ddn_date(c.local)}</a></div>\n'
                f'{text_html(c)}\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"div-comment-{c.wp_id}")}</div>\n'
                f'</div>\n' + (f'<ul class="children">\n{kids}</ul><!-- .children -->\n' if kids else "")
                + '</li><!-- #comment-## -->\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments"><h3 id="comments">{post.count} Responses to &#8220;{tx(post.title)}&#8221;</h3>\n'
            f'<ol class="commentlist">\n{items}</ol></div>')


def core_html5(post: ThemePost, heading: str = "thoughts on", form: str = "") -> str:
    """``Walker_Comment::html5_comment()`` as Twenty Thirteen to Sixteen and Kadence call it."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li id="comment-{c.wp_id}" class="{counter.classes(c, depth, True)}">\n'
                f'<article id="div-comment-{c.wp_id}" class="comment-body">\n<footer class="comment-meta">\n'
                f'<div class="comment-author vcard">{avatar(c, 56)}<b class="fn">{author_link(c)}</b> '
                f'<span class="says">says:</span></div>\n'
                f'<div class="comment-metadata"><a href="{permalink(post.url, c)}"><time datetime="{iso_local(c.local)}">'
                f'{ddn_date(c.local)}</time></a></div>\n</footer>\n'
                f'<div class="comment-content">{text_html(c)}</div>\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"div-comment-{c.wp_id}")}</div>\n'
                f'</article>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments" class="comments-area">\n<h2 class="comments-title">{post.count} {heading} '
            f'&ldquo;{tx(post.title)}&rdquo;</h2>\n<ol class="comment-list">\n{items}</ol>\n{form}</div>')


def block_theme(post: ThemePost) -> str:
    """The ``core/comments`` block (Twenty Twenty-Two onward): ``wp-block-comment-template``
    list items built from avatar, author-name, date, content and reply-link blocks."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        name = (f'<a rel="external nofollow ugc" href="{attr(c.url)}" target="_self">{tx(c.author)}</a>' if c.url
                else tx(c.author))
        return (f'<li id="comment-{c.wp_id}" class="{counter.classes(c, depth, False)}">\n'
                f'<div class="wp-block-group is-layout-flow"><div class="wp-block-columns is-layout-flex">'
                f'<div class="wp-block-column" style="flex-basis:40px">{avatar(c, 40)}</div>'
                f'<div class="wp-block-column">\n'
                f'<div class="wp-block-comment-author-name has-small-font-size">{name}</div>\n'
                f'<div class="wp-block-group is-layout-flex"><div class="wp-block-comment-date has-small-font-size">'
                f'<time datetime="{iso_local(c.local)}"><a href="{permalink(post.url, c)}">{ddn_date(c.local)}</a></time></div>'
                f'</div>\n<div class="wp-block-comment-content">{text_html(c)}</div>\n'
                f'<div class="wp-block-comment-reply-link has-small-font-size">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</div>\n'
                f'</div></div></div>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div class="wp-block-comments">\n<h2 class="wp-block-comments-title">{post.count} responses to '
            f'&ldquo;{tx(post.title)}&rdquo;</h2>\n<ol class="wp-block-comment-template">\n{items}</ol></div>')


def twentyten(post: ThemePost) -> str:
    """``twentyten_comment``: li#li-comment-N > div#comment-N; ``.comment-body`` is the text only."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n<div id="comment-{c.wp_id}">\n'
                f'<div class="comment-author vcard">{avatar(c, 40)} <cite class="fn">{author_link(c)}</cite> '
                f'<span class="says">says:</span></div>\n'
                f'<div class="comment-meta commentmetadata"><a href="{permalink(post.url, c)}">\n{ddn_date(c.local)}</a></div>\n'
                f'<div class="comment-body">{text_html(c)}</div>\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</div>\n</div>\n'
                + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments"><h3 id="comments-title">{post.count} Responses to <em>{tx(post.title)}</em></h3>\n'
            f'<ol class="commentlist">\n{items}</ol></div>')


def twentyeleven(post: ThemePost) -> str:
    """``twentyeleven_comment``: article#comment-N; "NAME on <time> said:" in one author div."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n'
                f'<article id="comment-{c.wp_id}" class="comment">\n<footer class="comment-meta">\n'
                f'<div class="comment-author vcard">{avatar(c, 68 if depth == 1 else 39)}'
                f'<span class="fn">{author_link(c)}</span> on <a href="{permalink(post.url, c)}">'
                f'<time datetime="{iso_local(c.local)}">{ddn_date(c.local)}</time></a> <span class="says">said:</span>'
                f'</div>\n</footer>\n<div class="comment-content">{text_html(c)}</div>\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}", "Reply <span>&darr;</span>")}</div>\n'
                f'</article>\n' + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments"><h2 id="comments-title">{post.count} thoughts on &ldquo;<span>{tx(post.title)}</span>&rdquo;</h2>\n'
            f'<ol class="commentlist">\n{items}</ol></div>')


def twentytwelve(post: ThemePost) -> str:
    """``twentytwelve_comment``: header.comment-meta with ``cite > b.fn`` and a ``<time>`` link."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n'
                f'<article id="comment-{c.wp_id}" class="comment">\n<header class="comment-meta comment-author vcard">\n'
                f'{avatar(c, 44)}<cite><b class="fn">{author_link(c)}</b> </cite>'
                f'<a href="{permalink(post.url, c)}"><time datetime="{iso_local(c.local)}">{ddn_date(c.local)}</time></a>\n'
                f'</header>\n<section class="comment-content comment">{text_html(c)}</section>\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}", "Reply <span>&darr;</span>")}</div>\n'
                f'</article>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments" class="comments-area"><h2 class="comments-title">{post.count} thoughts on &ldquo;'
            f'<span>{tx(post.title)}</span>&rdquo;</h2>\n<ol class="commentlist">\n{items}</ol></div>')


def genesis(post: ThemePost) -> str:
    """Genesis html5 callback: itemprop microdata, ``time.comment-time`` around the permalink."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        name = (f'<a href="{attr(c.url)}" class="comment-author-link" rel="external nofollow" itemprop="url">{tx(c.author)}</a>'
                if c.url else tx(c.author))
        return (f'<li class="{counter.classes(c, depth, False)}" id="comment-{c.wp_id}">\n'
                f'<article itemprop="comment" itemscope itemtype="https://schema.org/Comment">\n<header class="comment-header">\n'
                f'<p class="comment-author" itemprop="author" itemscope itemtype="https://schema.org/Person">{avatar(c, 48)}'
                f'<span itemprop="name">{name}</span> <span class="says">says</span></p>\n'
                f'<p class="comment-meta"><time class="comment-time" datetime="{iso_local(c.local)}" itemprop="datePublished">'
                f'<a class="comment-time-link" href="{permalink(post.url, c)}" itemprop="url">{ddn_date(c.local)}</a></time></p>\n'
                f'</header>\n<div class="comment-content" itemprop="text">{text_html(c)}</div>\n'
                f'<div class="comment-reply">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</div>\n</article>\n'
                + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return f'<div class="entry-comments" id="comments"><h3>Comments</h3><ol class="comment-list">\n{items}</ol></div>'


def genesis_post_info(post: ThemePost) -> str:
    """Genesis prints the count only in the entry meta (``[post_comments]`` of its default post
    info: ``span.entry-comments-link`` around a link to ``#comments``); its comments heading is a
    bare "Comments"."""
    return f' <span class="entry-comments-link"><a href="{post.url}#comments">{post.count} Comments</a></span>'


# -- commercial themes ---------------------------------------------------------------------------


def canvas(post: ThemePost) -> str:
    """WooThemes Canvas ``custom_comment``: li with no id, ``<a name="comment-N">``,
    div#li-comment-N.comment-container, a ``comment-head`` line (name, date, "#" permalink),
    then div#comment-N.comment-entry with the text and the reply link. The WooFramework comments
    template heads the list with ``h3#comments-title`` "N Responses to <em>TITLE</em>"."""
    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        cls = f"comment {'even' if c.wp_id % 2 else 'odd'} depth-{depth}"
        return (f'<li class="{cls}">\n<a name="comment-{c.wp_id}"></a>\n'
                f'<div id="li-comment-{c.wp_id}" class="comment-container">\n<div class="avatar">{avatar(c, 40)}</div>\n'
                f'<div class="comment-head">\n<span class="name">{author_link(c)}</span>\n'
                f'<span class="date">{dmy(c.local)} at {g_i_a(c.local)}</span>\n'
                f'<span class="perma"><a href="{permalink(post.url, c)}" title="Direct link to this comment">#</a></span>\n'
                f'<span class="edit"></span>\n</div><!-- /.comment-head -->\n'
                f'<div class="comment-entry" id="comment-{c.wp_id}">\n{text_html(c)}\n'
                f'<div class="reply">{reply(post.url, c, post.wp_id, f"li-comment-{c.wp_id}")}</div><!-- /.reply -->\n'
                f'</div><!-- /comment-entry -->\n</div><!-- /.comment-container -->\n'
                + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments"><h3 id="comments-title">{post.count} Responses to <em>{tx(post.title)}</em></h3>\n'
            f'<ol class="commentlist">\n{items}</ol></div>')


def astra(post: ThemePost) -> str:
    """Astra ``astra_theme_comment``: li#li-comment-N > article#comment-N.ast-comment."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n'
                f'<article id="comment-{c.wp_id}" class="ast-comment">\n<div class="ast-comment-info">\n'
                f"<div class='ast-comment-avatar-wrap'>{avatar(c, 50)}</div>"
                f'<div class="ast-comment-data-wrap"><div class="ast-comment-meta-wrap">'
                f'<header class="ast-comment-meta ast-row ast-comment-author vcard capitalize">'
                f'<div class="ast-comment-cite-wrap"><cite><b class="fn">{author_link(c)}</b> </cite></div>'
                f'<div class="ast-comment-time"><span class="timendate"><a href="{permalink(post.url, c)}">'
                f'<time datetime="{iso_local(c.local)}">{ddn_date(c.local)}</time></a></span></div>'
                f'</header></div></div>\n</div>\n<section class="ast-comment-content comment">\n{text_html(c)}\n'
                f'<div class="ast-comment-edit-reply-wrap"><span class="ast-reply-link">'
                f'{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</span></div>\n</section>\n</article>\n'
                + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments" class="comments-area"><div class="comments-count-wrapper"><h3 class="comments-title">'
            f'{post.count} thoughts on &ldquo;{tx(post.title)}&rdquo;</h3></div>\n'
            f'<ol class="ast-comment-list">\n{items}</ol></div>')


def generatepress(post: ThemePost) -> str:
    """GeneratePress ``generate_comment``: ``comment-author-info`` holds name and
    ``entry-meta comment-metadata`` (time link, then "| Reply")."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li id="comment-{c.wp_id}" class="{counter.classes(c, depth, True)}">\n'
                f'<article id="div-comment-{c.wp_id}" class="comment-body" itemscope itemtype="https://schema.org/Comment">\n'
                f'<footer class="comment-meta">{avatar(c, 50)}<div class="comment-author-info">'
                f'<div class="comment-author vcard" itemprop="author" itemscope itemtype="https://schema.org/Person">'
                f'<cite itemprop="name" class="fn">{author_link(c)}</cite></div>'
                f'<div class="entry-meta comment-metadata"><a href="{permalink(post.url, c)}">'
                f'<time datetime="{iso_local(c.local)}" itemprop="datePublished">{ddn_date(c.local)}</time></a>'
                f'<span class="reply">| {reply(post.url, c, post.wp_id, f"div-comment-{c.wp_id}")}</span></div>'
                f'</div></footer>\n<div class="comment-content" itemprop="text">{text_html(c)}</div>\n</article>\n'
                + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments"><h3 class="comments-title">{post.count} thoughts on &ldquo;{tx(post.title)}&rdquo;</h3>\n'
            f'<ol class="comment-list">\n{items}</ol></div>')


def oceanwp(post: ThemePost) -> str:
    """OceanWP: li#comment-N.comment-container with the comment classes on its ``article``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li id="comment-{c.wp_id}" class="comment-container">\n'
                f'<article class="{counter.classes(c, depth, False)}">\n'
                f'<div class="comment-author vcard">{avatar(c, 150)}</div>\n<div class="comment-details clr">\n'
                f'<header class="comment-meta"><strong class="fn">{author_link(c)}</strong>'
                f'<span class="comment-date"><a href="{permalink(post.url, c)}">{ddn_date(c.local)}</a></span></header>\n'
                f'<div class="comment-content entry clr">{text_html(c)}</div>\n'
                f'<div class="reply comment-reply-link-div">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</div>\n'
                f'</div>\n</article>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<section id="comments" class="comments-area clr has-comments"><h3 class="theme-heading comments-title">'
            f'<span class="text">This Post Has {post.count} Comments</span></h3>\n<ol class="comment-list">\n{items}</ol></section>')


def divi(post: ThemePost) -> str:
    """Divi ``et_custom_comments_display``: ``comment_postinfo`` with ``span.fn`` and
    ``span.comment_date`` "on DATE at TIME", text and reply in ``comment_area``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n'
                f'<article id="comment-{c.wp_id}" class="comment-body clearfix">\n'
                f'<div class="comment_avatar">{avatar(c, 80)}</div>\n<div class="comment_postinfo">\n'
                f'<span class="fn">{author_link(c)}</span>\n<span class="comment_date">on {ddn_date(c.local)}</span>\n'
                f'</div>\n<div class="comment_area">\n<div class="comment-content clearfix">\n{text_html(c)}\n'
                f'<span class="reply-container">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}", "Reply")}</span>\n'
                f'</div>\n</div>\n</article>\n' + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<section id="comment-wrap"><h1 id="comments" class="page_title">{post.count} Comments</h1>\n'
            f'<ol class="commentlist clearfix">\n{items}</ol></section>')


def avada(post: ThemePost) -> str:
    """Avada: the date is a bare text node after ``<strong>`` name in ``comment-author meta``,
    followed by " - Reply"; the text sits in ``comment-text``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li class="{counter.classes(c, depth, False)}" id="comment-{c.wp_id}">\n<div class="the-comment">\n'
                f'<div class="avatar">{avatar(c, 54)}</div>\n<div class="comment-box">\n'
                f'<div class="comment-author meta">\n<strong>{author_link(c)}</strong>\n'
                f'{ddn_date(c.local)}{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}", "&nbsp;- Reply")}\n</div>\n'
                f'<div class="comment-text">\n{text_html(c)}\n</div>\n</div>\n</div>\n'
                + (f'<ul class="children">\n{kids}</ul>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments" class="comments-container"><div class="fusion-title title"><h2 class="title-heading-left">'
            f'{post.count} Comments</h2></div>\n<ol class="comment-list commentlist">\n{items}</ol></div>')


def newspaper(post: ThemePost) -> str:
    """tagDiv Newspaper ``td_comment``: ``cite`` name, ``a.comment-link > time`` with a unix
    ``pubdate`` and no ``datetime``, the id on the reply's ``div.comment-meta``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        unix = int(datetime.strptime(utc_of(c.local), "%Y-%m-%dT%H:%M:%SZ").timestamp())
        return (f'<li class="{counter.classes(c, depth, False)}" id="li-comment-{c.wp_id}">\n<article>\n<footer>\n'
                f'{avatar(c, 50)}\n<cite>{author_link(c)}</cite>\n'
                f'<a class="comment-link" href="{permalink(post.url, c)}"><time pubdate="{unix}">{ddn_date(c.local)}</time></a>\n'
                f'</footer>\n<div class="comment-content">{text_html(c)}</div>\n'
                f'<div class="comment-meta" id="comment-{c.wp_id}">{reply(post.url, c, post.wp_id, f"comment-{c.wp_id}")}</div>\n'
                f'</article>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div class="comments" id="comments"><div class="td-comments-title-wrap"><h4 class="block-title">'
            f'<span>{post.count} COMMENTS</span></h4></div>\n<ol class="comment-list">\n{items}</ol></div>')


def wpdiscuz(post: ThemePost) -> str:
    """wpDiscuz: replies are ``div.wpd-comment`` nested inside their parent's div
    (#wpd-comm-N_PARENT); the visible date is relative, the exact one only in its ``title``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int, parent: int) -> str:
        kids = "".join(one(k, depth + 1, c.wp_id) for k in c.children)
        classes = counter.classes(c, depth, False) + f" wpd-comment{' wpd-reply' if depth > 1 else ''} wpd_comment_level-{depth}"
        name = f'<a href="{attr(c.url)}" rel="nofollow">{tx(c.author)}</a>' if c.url else tx(c.author)
        exact = f"{jfy(c.local)} {g_i_a(c.local)}"
        return (f"<div id='wpd-comm-{c.wp_id}_{parent}' class='{classes}'>"
                f"<div class='wpd-comment-wrap wpd-blog-guest'><div class='wpd-comment-left'>"
                f"<div class='wpd-avatar'>{avatar(c, 64)}</div><div class='wpd-comment-label' wpd-tooltip='Guest'>"
                f"<span>Guest</span></div></div>"
                f"<div id='comment-{c.wp_id}' class='wpd-comment-right'><div class='wpd-comment-header'>"
                f"<div class='wpd-comment-author'>{name}</div><div class='wpd-space'></div>"
                f"<div class='wpd-comment-link wpd-hidden'><span wpd-tooltip='Comment Link'><i class='fas fa-link' "
                f"aria-hidden='true' data-wpd-clipboard='{permalink(post.url, c)}'></i></span></div></div>"
                f"<div class='wpd-comment-subheader'><div class='wpd-comment-date' title='{exact}'>"
                f"<i class='far fa-clock' aria-hidden='true'></i> {years_ago(c.local)}</div></div>"
                f"<div class='wpd-comment-text'>{text_html(c)}</div>"
                f"<div class='wpd-comment-footer'><div class='wpd-vote'><div class='wpd-vote-up wpd_not_clicked'></div>"
                f"<div class='wpd-vote-result' title='0'>0</div><div class='wpd-vote-down wpd_not_clicked'></div></div>"
                f"<div class='wpd-reply-button'><span>Reply</span></div></div></div></div>{kids}</div>")

    items = "".join(one(c, 1, 0) for c in post.threads)
    return (f'<div id="comments" class="comments-area"><div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-1">'
            f'<div class="wpd-thread-head"><div class="wpd-thread-info" data-comments-count="{post.count}">'
            f"<span class='wpdtc' title='{post.count}'>{post.count}</span> Comments</div></div>"
            f'<div id="wpd-threads" class="wpd-thread-wrapper"><div class="wpd-thread-list">{items}</div></div></div></div>')


JETPACK_FORM = ('<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
                '<form id="commentform" class="comment-form"><iframe title="Comment Form" '
                'src="https://jetpack.wordpress.com/jetpack-comment/?blogid=1&amp;postid=1" name="jetpack_remote_comment" '
                'style="width:100%; height: 430px; border:0;" class="jetpack_remote_comment" id="jetpack_remote_comment" '
                'sandbox="allow-same-origin allow-top-navigation allow-scripts allow-forms allow-popups"></iframe>'
                '<!--[if !IE]><!--><script>document.addEventListener("DOMContentLoaded",function(){});</script><!--<![endif]-->'
                '</form></div><input type="hidden" name="comment_parent" id="comment_parent" value="" />')


def jetpack(post: ThemePost) -> str:
    """Jetpack Comments replaces only the form (an iframe); the list stays the theme's."""
    return core_html5(post, heading="thoughts on", form=JETPACK_FORM)


def relative_dates(post: ThemePost) -> str:
    """An _s child theme printing ``human_time_diff() . ' ago'`` and no ``datetime``."""
    counter = ClassCounter()

    def one(c: Comment, depth: int) -> str:
        kids = "".join(one(k, depth + 1) for k in c.children)
        return (f'<li id="comment-{c.wp_id}" class="{counter.classes(c, depth, True)}">\n'
                f'<article id="div-comment-{c.wp_id}" class="comment-body"><footer class="comment-meta">'
                f'<div class="comment-author vcard"><b class="fn">{author_link(c)}</b></div>'
                f'<div class="comment-metadata"><a href="{permalink(post.url, c)}"><span class="comment-date">'
                f'{years_ago(c.local)}</span></a></div></footer>\n<div class="comment-content">{text_html(c)}</div>\n'
                f'</article>\n' + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + '</li>\n')

    items = "".join(one(c, 1) for c in post.threads)
    return (f'<div id="comments" class="comments-area"><h2 class="comments-title">{post.count} thoughts on '
            f'&ldquo;{tx(post.title)}&rdquo;</h2>\n<ol class="comment-list">\n{items}</ol></div>')


# -- markup nobody knows: the alarm must sound ----------------------------------------------------


def unknown_no_anchors(post: ThemePost) -> str:
    """A custom front end: no WordPress ids, classes or permalinks at all."""
    def one(c: Comment) -> str:
        return (f'<div class="msg"><div class="msg-top"><span class="who">{tx(c.author)}</span> '
                f'<span class="when">{ddn_date(c.local)}</span></div><div class="msg-body">{text_html(c)}</div>'
                + "".join(one(k) for k in c.children) + '</div>')

    return (f'<section id="comments" class="discussion"><h3 class="comments-title">{post.count} Comments</h3>'
            + "".join(one(c) for c in post.threads) + '</section>')


def unknown_plain(post: ThemePost) -> str:
    """Ids on plain items, but name, date and words run together in one paragraph."""
    def one(c: Comment) -> str:
        kids = "".join(one(k) for k in c.children)
        return (f'<li id="comment-{c.wp_id}"><p>{tx(c.author)}, {ddn_date(c.local)}: {tx(" ".join(c.text))}</p>'
                + (f'<ul>{kids}</ul>' if kids else "") + '</li>')

    return f'<div id="comments"><ul class="talk">{"".join(one(c) for c in post.threads)}</ul></div>'


MARKUPS: dict[str, Markup] = {m.name: m for m in (
    Markup("core-xhtml", "the core xhtml walker", core_xhtml, source="text"),
    Markup("core-html5", "the core html5 walker (Twenty Thirteen to Sixteen, Kadence)", core_html5),
    Markup("block-theme", "the block theme comment template (Twenty Twenty-Two on)", block_theme),
    Markup("twentyten", "Twenty Ten", twentyten, source="text"),
    Markup("twentyeleven", "Twenty Eleven", twentyeleven),
    Markup("twentytwelve", "Twenty Twelve", twentytwelve),
    Markup("genesis", "Genesis", genesis, entry_meta=genesis_post_info),
    Markup("canvas", "WooThemes Canvas", canvas, raw=lambda c: f"{dmy(c.local)} at {g_i_a(c.local)}", source="text"),
    Markup("astra", "Astra", astra),
    Markup("generatepress", "GeneratePress", generatepress),
    Markup("oceanwp", "OceanWP", oceanwp, source="text"),
    Markup("divi", "Divi", divi, raw=lambda c: f"on {ddn_date(c.local)}", source="text"),
    Markup("avada", "Avada", avada, source="text"),
    Markup("newspaper", "Newspaper (tagDiv)", newspaper, source="text"),
    Markup("wpdiscuz", "wpDiscuz", wpdiscuz, raw=lambda c: years_ago(c.local), source="title-attr"),
    Markup("jetpack", "Jetpack Comments", jetpack),
    Markup("relative-dates", "a theme showing only relative dates", relative_dates,
           raw=lambda c: years_ago(c.local), source=None),
    Markup("unknown-no-anchors", "an unknown front end without anchors", unknown_no_anchors, known=False),
    Markup("unknown-plain", "an unknown theme running name, date and text together", unknown_plain, known=False),
)}


# -- the mirror ---------------------------------------------------------------------------------


def scenario(base: int) -> list[Comment]:
    """The field guide's thread (§1) with ids offset per post: a guest with a website, the post
    author's reply, a third level, a second thread after the clocks went back, and a comment
    of two paragraphs."""
    return [
        Comment(base + 1, "Alice Hart", "2019-07-05 10:31", "2019-07-05T09:31:00Z",
                ["Long overdue – our service started peer supply last year."], url="https://alicehart.example.co.uk/",
                children=[
                    Comment(base + 2, "Jane Smith", "2019-07-05 11:02", "2019-07-05T10:02:00Z",
                            ["Thanks Alice, would you talk to us for a follow-up?"],
                            children=[Comment(base + 3, "Carol", "2019-07-13 08:05", "2019-07-13T07:05:00Z",
                                              ["Count us in too & we’re in the North East."])]),
                ]),
        Comment(base + 4, "Bob Kerr", "2019-11-02 14:15", "2019-11-02T14:15:00Z",
                ["Pharmacies near us still say they can’t supply.", "Who do we write to?"]),
    ]


def posts() -> list[ThemePost]:
    return [ThemePost(f"comments-{name}", 50000 + i * 10, name, scenario(50000 + i * 10))
            for i, name in enumerate(MARKUPS, start=1)]


def page(post: ThemePost) -> str:
    """A minimal WordPress single-post page around the markup's comment area."""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8" />
<title>{tx(post.title)} &#8211; DDN Magazine</title>
<link rel="canonical" href="{post.url}" />
<link rel='shortlink' href='{ORIGIN}/?p={post.wp_id}' />
<meta property="og:type" content="article" />
<meta property="article:published_time" content="2019-07-05T07:00:00+00:00" />
</head>
<body class="post-template-default single single-post postid-{post.wp_id} single-format-standard">
<div id="page" class="site"><main id="main" class="site-main">
<article id="post-{post.wp_id}" class="post-{post.wp_id} post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h1 class="entry-title">{tx(post.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="2019-07-05T08:00:00+01:00">5 July 2019</time></span>
<span class="byline"><span class="author vcard"><a class="url fn n" href="{ORIGIN}/author/jsmith/">Jane Smith</a></span></span>{MARKUPS[post.markup].entry_meta(post)}</div></header>
<div class="entry-content"><p>Council approves new bus lanes: how {tx(MARKUPS[post.markup].title)} prints the thread below.</p></div>
</article>
{MARKUPS[post.markup].render(post)}
</main></div>
</body>
</html>
"""


def expected_comment(post: ThemePost, markup: Markup, c: Comment, depth: int, parent: Comment | None,
                     position: int) -> dict:
    assert utc_of(c.local) == c.utc, c.wp_id
    return {
        "wp_id": c.wp_id, "parent_wp_id": parent.wp_id if parent else None, "depth": depth, "position": position,
        "author": c.author, "author_url": c.url, "posted_raw": markup.raw(c),
        "posted_at": c.utc if markup.source else None, "posted_source": markup.source,
        "body_text": "\n\n".join(c.text), "url": permalink(post.url, c),
    }


def build(root: Path) -> dict:
    """Write the mirror under ``root``; return its ground truth."""
    files: dict[str, str] = {
        "robots.txt": f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\nSitemap: {ORIGIN}/wp-sitemap.xml\n",
        "wp-sitemap.xml": ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                           f'sitemap/0.9"><sitemap><loc>{ORIGIN}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>\n'),
        "wp-sitemap-posts-post-1.xml": core_urlset(ORIGIN, [(p.url, "2019-07-06T08:30:00+00:00") for p in posts()]),
    }
    truth_posts = []
    for post in posts():
        markup = MARKUPS[post.markup]
        files[f"{post.slug}/index.html"] = page(post)
        comments = [expected_comment(post, markup, c, depth, parent, n)
                    for n, (c, depth, parent) in enumerate(walk(post.threads), start=1)]
        truth_posts.append({"url": post.url, "wp_id": post.wp_id, "markup": post.markup, "known": markup.known,
                            "comments": comments if markup.known else []})
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return {"origin": ORIGIN, "site": "ddn", "posts": truth_posts}


if __name__ == "__main__":
    print(json.dumps(build(Path("/tmp/themes")), indent=1)[:400])
