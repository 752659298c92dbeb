"""Render the synthetic archive as WordPress would: post pages, comment pages, listings, feed, sitemaps.

Markup follows the field guide's html5 core-walker variant (B) with Yoast head tags and the
in-content share/related widgets, since those are what the crawler must parse and strip.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from email.utils import format_datetime

from furniture import ORIGIN, SITE_NAME, UPLOADS, footer, head_assets, header_and_nav, sidebar_static
from model import COMMENTS_PER_PAGE, LONDON, Comment, Post, walk

LISTING_PER_PAGE = 10
SITEMAP_PER_FILE = 2000
POSTS_PER_RSS = 10  # core's default `posts_per_rss`: a comment feed holds the newest ten


def utc_iso(dt: datetime) -> str:
    """Yoast/sitemap style: UTC with an explicit +00:00."""
    return dt.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def shown_date(dt: datetime) -> str:
    """WordPress `j F Y` in local time, e.g. 5 July 2019."""
    local = dt.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def shown_time(dt: datetime) -> str:
    """WordPress `g:i a`, e.g. 10:31 am."""
    local = dt.astimezone(LONDON)
    return f"{(local.hour % 12) or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def permalink(post: Post) -> str:
    return f"{ORIGIN}/{post.slug}/"


def comment_page_url(post: Post, page: int) -> str:
    """The newest page is the bare permalink (default_comments_page=newest)."""
    return permalink(post) if page == post.pages else f"{permalink(post)}comment-page-{page}/"


def _head(title: str, canonical: str, extra: str) -> str:
    return (
        f"<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"UTF-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<link rel=\"profile\" href=\"https://gmpg.org/xfn/11\">\n<title>{title} - {SITE_NAME}</title>\n"
        f"<meta name=\"robots\" content=\"index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1\" />\n"
        f"<link rel=\"canonical\" href=\"{canonical}\" />\n{extra}"
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{SITE_NAME} &raquo; Feed\" href=\"{ORIGIN}/feed/\" />\n"
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{SITE_NAME} &raquo; Comments Feed\" href=\"{ORIGIN}/comments/feed/\" />\n"
        f"{head_assets()}\n<link rel=\"https://api.w.org/\" href=\"{ORIGIN}/wp-json/\" />\n"
        f"<meta name=\"generator\" content=\"WordPress 6.4.3\" />\n</head>\n"
    )


def _yoast(post: Post, canonical: str) -> str:
    url = permalink(post)
    desc = html.escape(html.unescape(post.standfirst), quote=True)
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
         "author": {"name": post.author[1], "@id": f"{ORIGIN}/#/schema/person/{post.author[0]}"},
         "headline": post.title, "datePublished": utc_iso(post.published), "dateModified": utc_iso(post.modified),
         "mainEntityOfPage": {"@id": url}, "commentCount": post.comment_count,
         "publisher": {"@id": f"{ORIGIN}/#organization"}, "keywords": post.tags, "articleSection": [post.category[1]],
         "inLanguage": "en-GB", "potentialAction": [{"@type": "CommentAction", "name": "Comment", "target": [f"{url}#respond"]}]},
        {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - {SITE_NAME}", "isPartOf": {"@id": f"{ORIGIN}/#website"},
         "datePublished": utc_iso(post.published), "dateModified": utc_iso(post.modified), "description": html.unescape(post.standfirst),
         "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": "en-GB"},
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{ORIGIN}/"},
            {"@type": "ListItem", "position": 2, "name": post.title}]},
        {"@type": "WebSite", "@id": f"{ORIGIN}/#website", "url": f"{ORIGIN}/", "name": SITE_NAME,
         "publisher": {"@id": f"{ORIGIN}/#organization"}, "inLanguage": "en-GB"},
        {"@type": "Organization", "@id": f"{ORIGIN}/#organization", "name": SITE_NAME, "url": f"{ORIGIN}/",
         "logo": {"@type": "ImageObject", "url": f"{UPLOADS}/2019/01/ddn-logo.png", "width": 300, "height": 90}},
        {"@type": "Person", "@id": f"{ORIGIN}/#/schema/person/{post.author[0]}", "name": post.author[1],
         "url": f"{ORIGIN}/author/{post.author[0]}/"},
    ]}
    ld = json.dumps(graph, ensure_ascii=False).replace("/", "\\/")
    return (
        f"<link rel='shortlink' href='{ORIGIN}/?p={post.wp_id}' />\n"
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{SITE_NAME} &raquo; {post.title} Comments Feed\" href=\"{url}feed/\" />\n"
        f"<link rel=\"alternate\" type=\"application/json\" href=\"{ORIGIN}/wp-json/wp/v2/posts/{post.wp_id}\" />\n"
        f"<meta name=\"description\" content=\"{desc}\" />\n"
        "<meta property=\"og:locale\" content=\"en_GB\" />\n<meta property=\"og:type\" content=\"article\" />\n"
        f"<meta property=\"og:title\" content=\"{post.title}\" />\n<meta property=\"og:description\" content=\"{desc}\" />\n"
        f"<meta property=\"og:url\" content=\"{canonical}\" />\n<meta property=\"og:site_name\" content=\"{SITE_NAME}\" />\n"
        "<meta property=\"article:publisher\" content=\"https://www.facebook.com/DDNmagazine\" />\n"
        f"<meta property=\"article:published_time\" content=\"{utc_iso(post.published)}\" />\n"
        f"<meta property=\"article:modified_time\" content=\"{utc_iso(post.modified)}\" />\n"
        f"<meta property=\"og:image\" content=\"{UPLOADS}/{post.published:%Y/%m}/feature-{post.wp_id}.jpg\" />\n"
        "<meta property=\"og:image:width\" content=\"1200\" />\n<meta property=\"og:image:height\" content=\"630\" />\n"
        "<meta property=\"og:image:type\" content=\"image/jpeg\" />\n"
        f"<meta name=\"author\" content=\"{post.author[1]}\" />\n<meta name=\"twitter:card\" content=\"summary_large_image\" />\n"
        f"<meta name=\"twitter:label1\" content=\"Written by\" />\n<meta name=\"twitter:data1\" content=\"{post.author[1]}\" />\n"
        f"<meta name=\"twitter:label2\" content=\"Est. reading time\" />\n<meta name=\"twitter:data2\" content=\"{4 + len(post.blocks) // 4} minutes\" />\n"
        f"<script type=\"application/ld+json\" class=\"yoast-schema-graph\">{ld}</script>\n"
    )


def _sidebar(recent: list[Post]) -> str:
    items = "".join(
        f"<li><a href=\"{permalink(p)}\">{p.title}</a><span class=\"post-date\">{shown_date(p.published)}</span></li>" for p in recent
    )
    return (
        "<aside id=\"secondary\" class=\"widget-area\" role=\"complementary\">"
        f"<section id=\"recent-posts-2\" class=\"widget widget_recent_entries\"><h2 class=\"widget-title\">Latest news</h2><ul>{items}</ul></section>"
        f"{sidebar_static()}</aside>"
    )


def _body_html(post: Post) -> str:
    url, out = permalink(post), []
    for kind, text in post.blocks:
        if kind == "figure":
            img = f"{UPLOADS}/{post.published:%Y/%m}/photo-{post.wp_id}"
            aid = post.wp_id + 1
            out.append(
                f"<figure id=\"attachment_{aid}\" aria-describedby=\"caption-attachment-{aid}\" style=\"width: 800px\" class=\"wp-caption aligncenter\">"
                f"<img decoding=\"async\" class=\"size-large wp-image-{aid}\" src=\"{img}-800x533.jpg\" alt=\"\" width=\"800\" height=\"533\" "
                f"srcset=\"{img}-800x533.jpg 800w, {img}-300x200.jpg 300w, {img}-768x512.jpg 768w, {img}.jpg 1200w\" sizes=\"(max-width: 800px) 100vw, 800px\" />"
                f"<figcaption id=\"caption-attachment-{aid}\" class=\"wp-caption-text\">{text}</figcaption></figure>"
            )
        elif kind == "blockquote":
            out.append(f"<blockquote class=\"wp-block-quote\"><p>{text}</p></blockquote>")
        else:
            out.append(f"<{kind}>{text}</{kind}>")
    title_q = html.escape(post.title)
    a2a = "".join(
        f"<a class=\"a2a_button_{svc}\" href=\"https://www.addtoany.com/add_to/{svc}?linkurl={url}&amp;linkname={title_q}\" "
        f"title=\"{svc.title()}\" rel=\"nofollow noopener\" target=\"_blank\"></a>"
        for svc in ("facebook", "twitter", "linkedin", "email")
    )
    shares = "".join(
        f"<li class=\"share-{svc}\"><a rel=\"nofollow noopener noreferrer\" data-shared=\"sharing-{svc}-{post.wp_id}\" "
        f"class=\"share-{svc} sd-button share-icon\" href=\"{url}?share={svc}\" target=\"_blank\" title=\"Click to share on {svc.title()}\"><span>{svc.title()}</span></a></li>"
        for svc in ("twitter", "facebook", "linkedin", "email", "print")
    )
    out.append(
        "<p class=\"ddn-moderation-notice\">We value your input. Please leave a comment, you do not need an account to do this "
        "but comments will be moderated before they are displayed...</p>"
        f"<div class=\"addtoany_share_save_container addtoany_content addtoany_content_bottom\"><div class=\"a2a_kit a2a_kit_size_32 addtoany_list\" "
        f"data-a2a-url=\"{url}\" data-a2a-title=\"{title_q}\">{a2a}<a class=\"a2a_dd addtoany_share_save addtoany_share\" href=\"https://www.addtoany.com/share\"></a></div></div>"
        "<div class=\"sharedaddy sd-sharing-enabled\"><div class=\"robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing\">"
        f"<h3 class=\"sd-title\">Share this:</h3><div class=\"sd-content\"><ul>{shares}<li class=\"share-end\"></li></ul></div></div></div>"
        "<div id='jp-relatedposts' class='jp-relatedposts' ><h3 class=\"jp-relatedposts-headline\"><em>Related</em></h3></div>"
    )
    return "".join(out)


def _comment_classes(c: Comment, counter: int) -> str:
    cls = ["comment"]
    if c.nicename:
        cls += ["byuser", f"comment-author-{c.nicename}", "bypostauthor"]
    cls += ["even"] if counter % 2 == 0 else ["odd", "alt"]
    return " ".join(cls)


def _comment_html(post: Post, c: Comment, state: dict[str, int]) -> str:
    url = permalink(post)
    cls = _comment_classes(c, state["n"])
    state["n"] += 1
    if c.depth == 1:
        cls += " thread-even" if state["t"] % 2 == 0 else " thread-odd thread-alt"
        state["t"] += 1
    cls += f" depth-{c.depth}" + (" parent" if c.children else "")
    name = html.escape(c.author)
    author = f"<a href=\"{c.author_url}\" class=\"url\" rel=\"ugc external nofollow\">{name}</a>" if c.author_url else name
    body = "".join(f"<p>{p}</p>\n" for p in c.paragraphs)
    children = "".join(_comment_html(post, k, state) for k in c.children)
    kids = f"<ol class=\"children\">\n{children}</ol><!-- .children -->\n" if c.children else ""
    return (
        f"<li id=\"comment-{c.wp_id}\" class=\"{cls}\">\n<article id=\"div-comment-{c.wp_id}\" class=\"comment-body\">\n"
        "<footer class=\"comment-meta\">\n<div class=\"comment-author vcard\">"
        f"<img alt='' src='https://secure.gravatar.com/avatar/{c.wp_id:032x}?s=60&#038;d=mm&#038;r=g' class='avatar avatar-60 photo' height='60' width='60' loading='lazy' decoding='async'/>"
        f"<b class=\"fn\">{author}</b> <span class=\"says\">says:</span></div><!-- .comment-author -->\n"
        f"<div class=\"comment-metadata\"><a href=\"{url}#comment-{c.wp_id}\"><time datetime=\"{c.at.replace(microsecond=0).isoformat()}\">"
        f"{shown_date(c.at)} at {shown_time(c.at)}</time></a></div><!-- .comment-metadata -->\n</footer><!-- .comment-meta -->\n"
        f"<div class=\"comment-content\">\n{body}</div><!-- .comment-content -->\n"
        f"<div class=\"reply\"><a rel=\"nofollow\" class=\"comment-reply-link\" href=\"{url}?replytocom={c.wp_id}#respond\" "
        f"data-commentid=\"{c.wp_id}\" data-postid=\"{post.wp_id}\" data-belowelement=\"div-comment-{c.wp_id}\" data-respondelement=\"respond\" "
        f"data-replyto=\"Reply to {name}\" aria-label=\"Reply to {name}\">Reply</a></div>\n</article><!-- .comment-body -->\n"
        f"{kids}</li><!-- #comment-## -->\n"
    )


def _comment_nav(post: Post, page: int) -> str:
    if post.pages == 1:
        return ""
    links = []
    if page > 1:
        links.append(f"<a class=\"prev page-numbers\" href=\"{comment_page_url(post, page - 1)}#comments\">Older comments</a>")
    for k in range(1, post.pages + 1):
        links.append(f"<span aria-current=\"page\" class=\"page-numbers current\">{k}</span>" if k == page
                     else f"<a class=\"page-numbers\" href=\"{comment_page_url(post, k)}#comments\">{k}</a>")
    if page < post.pages:
        links.append(f"<a class=\"next page-numbers\" href=\"{comment_page_url(post, page + 1)}#comments\">Newer comments</a>")
    return ("<nav class=\"navigation comments-pagination\" aria-label=\"Comments\"><h2 class=\"screen-reader-text\">Comments navigation</h2>"
            f"<div class=\"nav-links\">{' '.join(links)}</div></nav>")


def _comments_area(post: Post, page: int) -> str:
    url = permalink(post)
    threads = post.threads[(page - 1) * COMMENTS_PER_PAGE: page * COMMENTS_PER_PAGE]
    state = {"n": 0, "t": 0}
    listing = ""
    if post.comment_count:
        title = "One comment" if post.comment_count == 1 else f"{post.comment_count} comments"
        nav = _comment_nav(post, page)
        listing = (f"<h2 class=\"comments-title\">{title}</h2>{nav}\n<ol class=\"comment-list\">\n"
                   + "".join(_comment_html(post, c, state) for c in threads) + f"</ol><!-- .comment-list -->\n{nav}")
    return (
        f"<div id=\"comments\" class=\"comments-area default-max-width show-avatars\">{listing}"
        "<div id=\"respond\" class=\"comment-respond\"><h2 id=\"reply-title\" class=\"comment-reply-title\">Leave a comment "
        f"<small><a rel=\"nofollow\" id=\"cancel-comment-reply-link\" href=\"{url}#respond\" style=\"display:none;\">Cancel reply</a></small></h2>"
        f"<form action=\"{ORIGIN}/wp-comments-post.php\" method=\"post\" id=\"commentform\" class=\"comment-form\" novalidate>"
        "<p class=\"comment-notes\"><span id=\"email-notes\">Your email address will not be published.</span> "
        "<span class=\"required-field-message\">Required fields are marked <span class=\"required\">*</span></span></p>"
        "<p class=\"comment-form-comment\"><label for=\"comment\">Comment <span class=\"required\">*</span></label> "
        "<textarea id=\"comment\" name=\"comment\" cols=\"45\" rows=\"5\" maxlength=\"65525\" required></textarea></p>"
        "<p class=\"comment-form-author\"><label for=\"author\">Name</label> <input id=\"author\" name=\"author\" type=\"text\" value=\"\" size=\"30\" maxlength=\"245\" autocomplete=\"name\" /></p>"
        "<p class=\"comment-form-email\"><label for=\"email\">Email</label> <input id=\"email\" name=\"email\" type=\"email\" value=\"\" size=\"30\" maxlength=\"100\" autocomplete=\"email\" /></p>"
        "<p class=\"comment-form-cookies-consent\"><input id=\"wp-comment-cookies-consent\" name=\"wp-comment-cookies-consent\" type=\"checkbox\" value=\"yes\" />"
        " <label for=\"wp-comment-cookies-consent\">Save my name, email, and website in this browser for the next time I comment.</label></p>"
        "<p class=\"form-submit\"><input name=\"submit\" type=\"submit\" id=\"submit\" class=\"submit\" value=\"Post Comment\" />"
        f" <input type='hidden' name='comment_post_ID' value='{post.wp_id}' id='comment_post_ID' />"
        " <input type='hidden' name='comment_parent' id='comment_parent' value='0' /></p></form></div><!-- #respond -->\n</div><!-- #comments -->"
    )


def render_post(post: Post, page: int, recent: list[Post]) -> str:
    """One post page; `page` is the comment page shown (post.pages = the bare permalink)."""
    url = permalink(post)
    canonical = url if page == post.pages else f"{url}comment-page-{page}/#comments"
    cat_slug, cat_name = post.category
    classes = (f"post-{post.wp_id} post type-post status-publish format-standard has-post-thumbnail hentry "
               f"category-{cat_slug} " + " ".join(f"tag-{t}" for t in post.tags))
    tags = ", ".join(f"<a href=\"{ORIGIN}/tag/{t}/\" rel=\"tag\">{t.replace('-', ' ')}</a>" for t in post.tags)
    published_local = post.published.astimezone(LONDON).isoformat()
    modified_local = post.modified.astimezone(LONDON).isoformat()
    return (
        _head(post.title, canonical, _yoast(post, canonical))
        + f"<body class=\"post-template-default single single-post postid-{post.wp_id} single-format-standard wp-custom-logo td-standard-pack\">\n"
        + header_and_nav()
        + f"<article id=\"post-{post.wp_id}\" class=\"{classes}\">\n<header class=\"entry-header\">"
        f"<span class=\"cat-links\"><a href=\"{ORIGIN}/category/{cat_slug}/\" rel=\"category tag\">{cat_name}</a></span>"
        f"<h1 class=\"entry-title\">{post.title}</h1><p class=\"standfirst\">{post.standfirst}</p>"
        f"<div class=\"entry-meta\"><span class=\"posted-on\"><a href=\"{url}\" rel=\"bookmark\"><time class=\"entry-date published\" datetime=\"{published_local}\">"
        f"{shown_date(post.published)}</time><time class=\"updated\" datetime=\"{modified_local}\">{shown_date(post.modified)}</time></a></span> "
        f"<span class=\"byline\">by <span class=\"author vcard\"><a class=\"url fn n\" href=\"{ORIGIN}/author/{post.author[0]}/\">{post.author[1]}</a></span></span></div>"
        f"</header>\n<div class=\"post-thumbnail\"><img width=\"1200\" height=\"630\" src=\"{UPLOADS}/{post.published:%Y/%m}/feature-{post.wp_id}.jpg\" "
        f"class=\"attachment-post-thumbnail size-post-thumbnail wp-post-image\" alt=\"\" decoding=\"async\" fetchpriority=\"high\" /></div>\n"
        f"<div class=\"entry-content\">\n{_body_html(post)}\n</div><!-- .entry-content -->\n"
        f"<footer class=\"entry-footer\"><span class=\"tags-links\">Tagged {tags}</span></footer>\n</article><!-- #post-{post.wp_id} -->\n"
        + _comments_area(post, page)
        + "</main></div>"
        + _sidebar(recent)
        + footer()
        + "\n</body>\n</html>\n"
    )


def render_listing(posts_newest_first: list[Post], page: int, pages: int, recent: list[Post]) -> str:
    """Home page (page 1) or /page/N/: ten excerpts and numbered pagination."""
    chunk = posts_newest_first[(page - 1) * LISTING_PER_PAGE: page * LISTING_PER_PAGE]
    url = f"{ORIGIN}/" if page == 1 else f"{ORIGIN}/page/{page}/"
    items = "".join(
        f"<article id=\"post-{p.wp_id}\" class=\"post-{p.wp_id} post type-post status-publish format-standard hentry category-{p.category[0]}\">"
        f"<h2 class=\"entry-title\"><a href=\"{permalink(p)}\" rel=\"bookmark\">{p.title}</a></h2>"
        f"<div class=\"entry-meta\"><time class=\"entry-date published\" datetime=\"{p.published.astimezone(LONDON).isoformat()}\">{shown_date(p.published)}</time></div>"
        f"<div class=\"entry-summary\"><p>{p.standfirst}</p></div></article>"
        for p in chunk
    )
    nums = []
    if page > 1:
        nums.append(f"<a class=\"prev page-numbers\" href=\"{ORIGIN}/{'' if page == 2 else f'page/{page - 1}/'}\">Previous</a>")
    for k in sorted({1, page - 1, page, page + 1, pages} & set(range(1, pages + 1))):
        nums.append(f"<span aria-current=\"page\" class=\"page-numbers current\">{k}</span>" if k == page
                    else f"<a class=\"page-numbers\" href=\"{ORIGIN}/{'' if k == 1 else f'page/{k}/'}\">{k}</a>")
    if page < pages:
        nums.append(f"<a class=\"next page-numbers\" href=\"{ORIGIN}/page/{page + 1}/\">Next</a>")
    body_class = "home blog wp-custom-logo" + ("" if page == 1 else " paged paged-" + str(page))
    return (
        _head("Drink and drugs news", url, "")
        + f"<body class=\"{body_class}\">\n" + header_and_nav() + items
        + f"<nav class=\"navigation pagination\" aria-label=\"Posts\"><h2 class=\"screen-reader-text\">Posts navigation</h2><div class=\"nav-links\">{''.join(nums)}</div></nav>"
        + "</main></div>" + _sidebar(recent) + footer() + "\n</body>\n</html>\n"
    )


def render_feed(posts_newest_first: list[Post]) -> str:
    """RSS 2.0 of the latest ten posts, times in GMT as WordPress prints them."""
    items = "".join(
        f"<item>\n<title>{p.title}</title>\n<link>{permalink(p)}</link>\n<comments>{permalink(p)}#respond</comments>\n"
        f"<dc:creator><![CDATA[{p.author[1]}]]></dc:creator>\n<pubDate>{format_datetime(p.published, usegmt=True)}</pubDate>\n"
        f"<category><![CDATA[{p.category[1]}]]></category>\n<guid isPermaLink=\"false\">{ORIGIN}/?p={p.wp_id}</guid>\n"
        f"<description><![CDATA[{html.unescape(p.standfirst)}]]></description>\n"
        f"<wfw:commentRss>{permalink(p)}feed/</wfw:commentRss>\n<slash:comments>{p.comment_count}</slash:comments>\n</item>\n"
        for p in posts_newest_first[:10]
    )
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
        "xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\" "
        "xmlns:slash=\"http://purl.org/rss/1.0/modules/slash/\">\n<channel>\n"
        f"<title>{SITE_NAME}</title>\n<atom:link href=\"{ORIGIN}/feed/\" rel=\"self\" type=\"application/rss+xml\" />\n"
        f"<link>{ORIGIN}/</link>\n<description>Drink and drugs news</description>\n"
        f"<lastBuildDate>{format_datetime(posts_newest_first[0].modified, usegmt=True)}</lastBuildDate>\n"
        f"<language>en-GB</language>\n{items}</channel>\n</rss>\n"
    )


_RSS_OPEN = (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
    "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">\n<channel>\n"
)


def comment_link(post: Post, c: Comment) -> str:
    """`get_comment_link`: the comment page its thread is shown on, then `#comment-N`."""
    page = next(k // COMMENTS_PER_PAGE + 1 for k, top in enumerate(post.threads) if c in walk([top]))
    return f"{comment_page_url(post, page)}#comment-{c.wp_id}"


def _comment_item(post: Post, c: Comment, parents: dict[int, Comment], title: str) -> str:
    """One `<item>` as wp-includes/feed-rss2-comments.php prints it. Since WordPress 5.4 a reply's
    text opens with "In reply to <a href=PARENT_LINK>NAME</a>." (`get_comment_text` in a comment
    feed); `description` is that raw text through `esc_html`, `content:encoded` through `wpautop`."""
    paragraphs = list(c.paragraphs)
    raw = [html.unescape(p) for p in paragraphs]
    parent = parents.get(c.wp_id)
    if parent is not None:
        reply = f"In reply to <a href=\"{comment_link(post, parent)}\">{html.escape(parent.author)}</a>."
        paragraphs.insert(0, reply)
        raw.insert(0, reply)
    return (
        f"<item>\n<title>{html.escape(title)}</title>\n<link>{comment_link(post, c)}</link>\n"
        f"<dc:creator><![CDATA[{html.escape(c.author)}]]></dc:creator>\n"
        f"<pubDate>{format_datetime(c.at.astimezone(timezone.utc))}</pubDate>\n"
        f"<guid isPermaLink=\"false\">{ORIGIN}/?p={post.wp_id}#comment-{c.wp_id}</guid>\n"
        f"<description><![CDATA[{html.escape(chr(10).join(raw))}]]></description>\n"
        f"<content:encoded><![CDATA[{''.join(f'<p>{p}</p>' + chr(10) for p in paragraphs)}]]></content:encoded>\n</item>\n"
    )


def _parents(post: Post) -> dict[int, Comment]:
    return {k.wp_id: c for c in walk(post.threads) for k in c.children}


def render_comment_feed(post: Post) -> str:
    """`PERMALINK/feed/`: the post's newest `posts_per_rss` comments, newest first, times in GMT."""
    newest = sorted(walk(post.threads), key=lambda c: c.at, reverse=True)[:POSTS_PER_RSS]
    parents = _parents(post)
    items = "".join(_comment_item(post, c, parents, f"By: {c.author}") for c in newest)
    built = newest[0].at if newest else post.modified
    return (
        _RSS_OPEN + f"<title>Comments on: {html.escape(post.title)}</title>\n"
        f"<atom:link href=\"{permalink(post)}feed/\" rel=\"self\" type=\"application/rss+xml\" />\n"
        f"<link>{permalink(post)}</link>\n<description>Drink and drugs news</description>\n"
        f"<lastBuildDate>{format_datetime(built.astimezone(timezone.utc))}</lastBuildDate>\n"
        f"<sy:updatePeriod>hourly</sy:updatePeriod>\n<sy:updateFrequency>1</sy:updateFrequency>\n{items}</channel>\n</rss>\n"
    )


def render_site_comment_feed(posts: list[Post]) -> str:
    """`/comments/feed/`: the site's newest `posts_per_rss` comments across all posts."""
    newest = sorted(((c, p) for p in posts for c in walk(p.threads)), key=lambda cp: cp[0].at, reverse=True)[:POSTS_PER_RSS]
    items = "".join(_comment_item(p, c, _parents(p), f"Comment on {p.title} by {c.author}") for c, p in newest)
    built = newest[0][0].at if newest else posts[-1].modified
    return (
        _RSS_OPEN + f"<title>Comments for {SITE_NAME}</title>\n"
        f"<atom:link href=\"{ORIGIN}/comments/feed/\" rel=\"self\" type=\"application/rss+xml\" />\n"
        f"<link>{ORIGIN}/</link>\n<description>Drink and drugs news</description>\n"
        f"<lastBuildDate>{format_datetime(built.astimezone(timezone.utc))}</lastBuildDate>\n"
        f"<sy:updatePeriod>hourly</sy:updatePeriod>\n<sy:updateFrequency>1</sy:updateFrequency>\n{items}</channel>\n</rss>\n"
    )


def render_robots() -> str:
    return (f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {ORIGIN}/wp-sitemap.xml\n")


def render_sitemap_index(files: int) -> str:
    entries = "".join(f"<sitemap><loc>{ORIGIN}/wp-sitemap-posts-post-{k}.xml</loc></sitemap>" for k in range(1, files + 1))
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"{ORIGIN}/wp-sitemap-index.xsl\" ?>\n"
            f"<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{entries}</sitemapindex>\n")


def render_post_sitemap(posts: list[Post]) -> str:
    """One core post sitemap: ascending id, <lastmod> = post_modified_gmt."""
    entries = "".join(f"<url><loc>{permalink(p)}</loc><lastmod>{utc_iso(p.modified)}</lastmod></url>" for p in posts)
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"{ORIGIN}/wp-sitemap.xsl\" ?>\n"
            f"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{entries}</urlset>\n")
