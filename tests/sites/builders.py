"""Mirror generator for ``builders/``: one DDN-like post per theme or page builder.

Written from the public markup of each builder (class names and nesting as their templates print
them), abridged; the words are ours. Every post carries one reading hazard the crawler must get
right: the body's container, lazy images, Cloudflare e-mail obfuscation, emoji images, entities in
a JSON-LD title, a commenter's literal ``<script>``, and two pages whose bytes are not the UTF-8
their ``Content-Type`` claims. Crawled as the ``ddn`` spider with ``--base-url``.

``uv run python tests/sites/build.py`` rewrites the files; ``tests/test_articles.py`` checks
they match this generator and asserts the stored rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from wp import attr, core_index, core_urlset, iso_local, jfy, g_i_a, tx

ORIGIN = "https://www.drinkanddrugsnews.com"
UPLOADS = f"{ORIGIN}/wp-content/uploads"
SVG_PLACEHOLDER = ("data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20800%20450'"
                   "%3E%3C/svg%3E")
GIF_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
EMOJI = "https://s.w.org/images/core/emoji/15.0.3/svg"


def cf_hex(address: str, key: int) -> str:
    """Cloudflare's obfuscation: the key byte, then every byte of the address XOR the key."""
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode("utf-8"))


def cf_link(address: str, key: int) -> str:
    """A ``mailto:`` link whose text is the address, as Cloudflare rewrites it."""
    return (f'<a href="/cdn-cgi/l/email-protection#{cf_hex(address, key)}"><span class="__cf_email__" '
            f'data-cfemail="{cf_hex(address, key)}">[email&#160;protected]</span></a>')


def cf_bare(address: str, key: int) -> str:
    """A bare address in text, as Cloudflare rewrites it."""
    return (f'<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{cf_hex(address, key)}">'
            f'[email&#160;protected]</a>')


def emoji(char: str, code: str) -> str:
    return (f'<img draggable="false" role="img" class="emoji" alt="{char}" src="{EMOJI}/{code}.svg"'
            f' style="height: 1em; max-height: 1em;">')


def head(title: str, url: str, wp_id: int, published: str, json_ld: dict | None = None,
         charset: str = "UTF-8") -> str:
    ld = (f'<script type="application/ld+json" class="rank-math-schema">{json.dumps(json_ld, ensure_ascii=False)}</script>\n'
          if json_ld else "")
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{tx(title)} &#8211; DDN Magazine</title>
<link rel="canonical" href="{url}" />
<link rel='shortlink' href='{ORIGIN}/?p={wp_id}' />
<meta property="og:type" content="article" />
<meta property="og:title" content="{attr(title)}" />
<meta property="article:published_time" content="{published}" />
{ld}<script data-cfasync="false" src="/cdn-cgi/scripts/5c5dd728/cloudflare-static/email-decode.min.js"></script>
</head>
"""


def body_open(wp_id: int, extra: str) -> str:
    return f'<body class="post-template-default single single-post postid-{wp_id} single-format-standard {extra}">\n'


def html5_comments(url: str, wp_id: int, comments: list[tuple[int, str, str, str]]) -> str:
    """Core html5 walker (the theme's comments.php, printed by builders' comment widgets too):
    (id, author, local time, body markup exactly as the theme prints it)."""
    items = []
    for n, (cid, author, local, body) in enumerate(comments):
        parity = "even thread-even" if n % 2 == 0 else "odd alt thread-odd thread-alt"
        items.append(f"""<li id="comment-{cid}" class="comment {parity} depth-1">
<article id="div-comment-{cid}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{tx(author)}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{url}#comment-{cid}"><time datetime="{iso_local(local)}">{jfy(local)} at {g_i_a(local)}</time></a></div>
</footer>
<div class="comment-content">{body}</div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{url}?replytocom={cid}#respond" data-commentid="{cid}" data-postid="{wp_id}">Reply</a></div>
</article>
</li>
""")
    return (f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(comments)} thoughts on '
            f'&ldquo;Post&rdquo;</h2>\n<ol class="comment-list">\n{"".join(items)}</ol>\n</div>\n')


# -- 1. Block theme (Twenty Twenty-Four): no article, no post_class; core/post-content ----------

def block_theme() -> tuple[str, str]:
    wp_id, path = 9101, "/block-theme-recovery-cafe/"
    title = "Recovery café opens in Leeds"
    content = f"""<p>A recovery café run by people in recovery opened its doors in Leeds this week {emoji("👍", "1f44d")}</p>

<p>Bookings are handled by the café team at {cf_bare("cafe@example.org.uk", 0x5a)} during opening hours.</p>

<figure class="wp-block-image size-large"><img decoding="async" width="800" height="450" src="{UPLOADS}/2023/07/cafe.jpg" alt="The café counter" class="wp-image-77"/><figcaption class="wp-element-caption">The café counter on opening day</figcaption></figure>"""
    page = head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00") + body_open(wp_id, "wp-embed-responsive") + f"""<div class="wp-site-blocks">
<header class="wp-block-template-part"><nav class="wp-block-navigation"><ul class="wp-block-navigation__container"><li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="{ORIGIN}/category/news/">News</a></li></ul></nav></header>
<main class="wp-block-group is-layout-constrained">
<div class="wp-block-group"><h1 class="wp-block-post-title">{tx(title)}</h1>
<div class="wp-block-post-date"><time datetime="2023-07-05T08:00:00+01:00">5 July 2023</time></div></div>
<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained wp-block-post-content-is-layout-constrained">{content}</div>
<div class="wp-block-group"><div class="taxonomy-category wp-block-post-terms"><a href="{ORIGIN}/category/news/" rel="tag">News</a></div></div>
</main>
<footer class="wp-block-template-part"><p class="has-small-font-size">Designed with WordPress</p></footer>
</div>
</body>
</html>
"""
    return path, page


# -- 2. Elementor Pro single-post template: the body is the Post Content widget ---------------

def widget(name: str, node: str, inner: str) -> str:
    return (f'<div class="elementor-element elementor-element-{node} elementor-widget elementor-widget-{name}" '
            f'data-id="{node}" data-element_type="widget" data-widget_type="{name}.default">\n'
            f'<div class="elementor-widget-container">\n{inner}\n</div>\n</div>\n')


def section(node: str, widgets: str) -> str:
    return (f'<section class="elementor-section elementor-top-section elementor-element elementor-element-{node} '
            f'elementor-section-boxed elementor-section-height-default" data-id="{node}" data-element_type="section">\n'
            f'<div class="elementor-container elementor-column-gap-default">\n'
            f'<div class="elementor-column elementor-col-100 elementor-top-column elementor-element elementor-element-c{node}" '
            f'data-id="c{node}" data-element_type="column">\n<div class="elementor-widget-wrap elementor-element-populated">\n'
            f'{widgets}</div>\n</div>\n</div>\n</section>\n')


def related_card(wp_id: int, title: str, excerpt: str) -> str:
    return (f'<article class="elementor-post elementor-grid-item post-{wp_id} post type-post status-publish format-standard hentry category-news">\n'
            f'<div class="elementor-post__text"><h3 class="elementor-post__title"><a href="{ORIGIN}/other-{wp_id}/">{tx(title)}</a></h3>\n'
            f'<div class="elementor-post__excerpt"><p>{tx(excerpt)}</p></div></div>\n</article>\n')


ELEMENTOR_COMMENTS = [
    (7001, "Sam", "2023-07-06 09:15", "5 &lt; 6 &amp; I typed &lt;script&gt; as text"),
    (7002, "Priya", "2023-07-06 10:40",
     f'<p>Write to me at {cf_link("priya@example.org", 0x33)} {emoji("🎉", "1f389")}</p>'),
]


def elementor() -> tuple[str, str]:
    wp_id, path = 9102, "/elementor-naloxone-in-every-hostel/"
    title = "Naloxone in every hostel"
    content = f"""<p>Every hostel in the city will hold naloxone kits by the end of the year, the council has confirmed.</p>
<p><img decoding="async" width="800" height="450" class="aligncenter wp-image-81 lazyload" src="{GIF_PLACEHOLDER}" data-src="{UPLOADS}/2023/07/naloxone-kit.jpg" data-srcset="{UPLOADS}/2023/07/naloxone-kit.jpg 800w, {UPLOADS}/2023/07/naloxone-kit-300x169.jpg 300w" alt="A naloxone kit"></p>
<figure class="wp-block-image size-large"><img width="800" height="450" src="{SVG_PLACEHOLDER}" class="wp-image-80" alt="Hostel staff" data-lazy-srcset="{UPLOADS}/2023/07/hostel.jpg 800w, {UPLOADS}/2023/07/hostel-300x169.jpg 300w" data-lazy-src="{UPLOADS}/2023/07/hostel.jpg" /><noscript><img width="800" height="450" src="{UPLOADS}/2023/07/hostel.jpg" class="wp-image-80" alt="Hostel staff" /></noscript><figcaption>Hostel staff with a kit</figcaption></figure>
<p>Questions about training go to {cf_link("training@example.org.uk", 0x7c)}.</p>"""
    featured = (f'<img width="800" height="450" src="{UPLOADS}/2023/07/hostel-wide.jpg" class="attachment-large size-large wp-image-79" alt="" />')
    single = (section("a1", widget("theme-post-title", "t1", f'<h1 class="elementor-heading-title elementor-size-default">{tx(title)}</h1>')
                      + widget("post-info", "i1", '<ul class="elementor-inline-items elementor-icon-list-items elementor-post-info">'
                               '<li class="elementor-icon-list-item"><span class="elementor-post-info__item elementor-post-info__item--type-date">'
                               '<time>5 July 2023</time></span></li></ul>')
                      + widget("theme-post-featured-image", "f1", featured)
                      + widget("theme-post-content", "p1", content)
                      + widget("share-buttons", "s1", '<div class="elementor-grid"><div class="elementor-grid-item"><div class="elementor-share-btn elementor-share-btn_facebook" role="button" tabindex="0" aria-label="Share on facebook"><span class="elementor-share-btn__title">Facebook</span></div></div></div>')
                      + widget("post-comments", "c1", html5_comments(ORIGIN + path, wp_id, ELEMENTOR_COMMENTS)))
              + section("a2", widget("heading", "h2", '<h2 class="elementor-heading-title elementor-size-default">More news</h2>')
                        + widget("posts", "r1", '<div class="elementor-posts-container elementor-posts elementor-grid">\n'
                                 + related_card(9001, "Drug deaths reach a new high",
                                                "Figures published this week show another rise in drug-related deaths across England and Wales, with the North East worst affected again.")
                                 + related_card(9002, "Peer mentors win national award",
                                                "A peer mentoring scheme that pairs people in long-term recovery with those leaving prison has won a national award for its work.")
                                 + "</div>")))
    page = head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00", {
        "@context": "https://schema.org", "@type": "BlogPosting", "headline": "Naloxone in every hostel"}) \
        + body_open(wp_id, "elementor-default elementor-template-full-width elementor-kit-5 elementor-page-789") + f"""<div data-elementor-type="header" data-elementor-id="11" class="elementor elementor-11 elementor-location-header" data-elementor-post-type="elementor_library">
{section("h0", widget("nav-menu", "n1", f'<nav class="elementor-nav-menu--main"><ul class="elementor-nav-menu"><li class="menu-item"><a href="{ORIGIN}/category/news/" class="elementor-item">News</a></li></ul></nav>'))}</div>
<div data-elementor-type="single-post" data-elementor-id="789" class="elementor elementor-789 elementor-location-single post-{wp_id} post type-post status-publish format-standard has-post-thumbnail hentry category-news" data-elementor-post-type="elementor_library">
{single}</div>
<div data-elementor-type="footer" data-elementor-id="12" class="elementor elementor-12 elementor-location-footer" data-elementor-post-type="elementor_library">
{section("z0", widget("text-editor", "z1", "<p>DDN Magazine is published by CJ Wellings Ltd.</p>"))}</div>
</body>
</html>
"""
    return path, page


# -- 3. Divi Theme Builder body template: Post Title + Post Content modules, a Blog module grid --

def divi_card(wp_id: int, title: str, excerpt: str) -> str:
    return (f'<article id="post-{wp_id}" class="et_pb_post clearfix et_pb_blog_item_0_{wp_id % 10} post-{wp_id} post type-post status-publish format-standard hentry category-news">\n'
            f'<h2 class="entry-title"><a href="{ORIGIN}/other-{wp_id}/">{tx(title)}</a></h2>\n'
            f'<p class="post-meta"><span class="published">Jun 30, 2023</span></p>\n'
            f'<div class="post-content"><div class="post-content-inner"><p>{tx(excerpt)}</p></div></div>\n</article>\n')


def divi() -> tuple[str, str]:
    wp_id, path = 9103, "/divi-needle-exchange-extends-hours/"
    title = "Needle exchange extends its hours"
    text_module = f"""<div class="et_pb_module et_pb_text et_pb_text_0 et_pb_text_align_left et_pb_bg_layout_light">
<div class="et_pb_text_inner"><p>The needle exchange on Market Street will open until 9pm on weekdays from August.</p>
<p>Staff say the late opening reaches people who work during the day <img src="{EMOJI}/1f642.svg" alt="🙂" class="wp-smiley" style="height: 1em; max-height: 1em;" /></p></div>
</div>
<div class="et_pb_module et_pb_image et_pb_image_0"><span class="et_pb_image_wrap"><img decoding="async" width="800" height="450" src="{UPLOADS}/2023/07/exchange.jpg" alt="The exchange counter" class="wp-image-90" /></span></div>
<div class="et_pb_module et_pb_text et_pb_text_1 et_pb_text_align_left et_pb_bg_layout_light">
<div class="et_pb_text_inner"><p>A second van will cover the estates north of the river.</p></div>
</div>"""
    content = (f'<div class="et-l et-l--post"><div class="et_builder_inner_content et_pb_gutters3">'
               f'<div class="et_pb_section et_pb_section_0 et_section_regular"><div class="et_pb_row et_pb_row_0">'
               f'<div class="et_pb_column et_pb_column_4_4 et_pb_column_0 et-last-child">\n{text_module}\n</div></div></div></div></div>')
    body = f"""<div class="et_pb_module et_pb_post_title et_pb_post_title_0_tb_body et_pb_bg_layout_light et_pb_text_align_left">
<div class="et_pb_title_container"><h1 class="entry-title">{tx(title)}</h1>
<p class="et_pb_title_meta_container"> by <span class="author vcard"><a href="{ORIGIN}/author/ddn/" title="Posts by DDN" rel="author">DDN</a></span> | <span class="published">Jul 5, 2023</span> | <a href="{ORIGIN}/category/news/" rel="category tag">News</a></p></div>
</div>
<div class="et_pb_module et_pb_post_content et_pb_post_content_0_tb_body">
{content}
</div>
<div class="et_pb_module et_pb_blog_0_tb_body et_pb_posts et_pb_bg_layout_light"><div class="et_pb_ajax_pagination_container">
{divi_card(9011, "Hepatitis C testing goes mobile", "A testing van now visits hostels and day centres across the county every fortnight, offering results within the hour.")}{divi_card(9012, "Funding boost for recovery communities", "Recovery communities in the region will share a new fund to support their peer-led activities over the next three years.")}</div></div>"""
    page = head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00") + body_open(wp_id, "et_divi_theme et-tb-has-template et-tb-has-body") + f"""<div id="page-container">
<div id="et-boc" class="et-boc">
<header class="et-l et-l--header"><div class="et_builder_inner_content"><div class="et_pb_menu"><ul class="et-menu nav"><li class="menu-item"><a href="{ORIGIN}/category/news/">News</a></li></ul></div></div></header>
<div id="et-main-area">
<div class="et-l et-l--body">
<div class="et_builder_inner_content et_pb_gutters3">
<div class="et_pb_section et_pb_section_0_tb_body et_section_regular"><div class="et_pb_row et_pb_row_0_tb_body"><div class="et_pb_column et_pb_column_4_4 et_pb_column_0_tb_body et-last-child">
{body}
</div></div></div>
</div>
</div>
<footer class="et-l et-l--footer"><div class="et_builder_inner_content"><p>© DDN Magazine</p></div></footer>
</div>
</div>
</div>
</body>
</html>
"""
    return path, page


# -- 4. Newspaper (tagDiv): article > .td-post-content, footer with tags, author box, sidebar --

def newspaper() -> tuple[str, str]:
    wp_id, path = 9104, "/newspaper-alcohol-care-teams/"
    title = "Alcohol care teams for every hospital"
    content = f"""<div class="td-post-featured-image"><a href="{UPLOADS}/2023/07/ward.jpg" data-caption="" class="td-modal-image"><img class="entry-thumb td-modal-image lazyload" src="{GIF_PLACEHOLDER}" alt="A hospital ward" title="ward"/><noscript><img class="entry-thumb" src="{UPLOADS}/2023/07/ward.jpg" alt="A hospital ward" title="ward"/></noscript></a></div>
<p>Every acute hospital should have a seven-day alcohol care team, according to a new report.</p>
<p>The teams cut readmissions and free up beds, the report finds.</p>
<p><img class="alignnone lazyload" src="{GIF_PLACEHOLDER}" alt="" width="1" height="2"/></p>"""
    page = head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00") + body_open(wp_id, "td-standard-pack global-block-template-1 td-full-layout") + f"""<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-wrap td-header-style-1"><div class="td-header-menu-wrap-full"><div class="td-header-main-menu"><ul id="menu-main" class="sf-menu"><li class="menu-item"><a href="{ORIGIN}/category/news/">News</a></li></ul></div></div></div>
<div class="td-main-content-wrap td-container-wrap">
<div class="td-container td-post-template-default">
<div class="td-pb-row">
<div class="td-pb-span8 td-main-content" role="main">
<div class="td-ss-main-content">
<article id="post-{wp_id}" class="post-{wp_id} post type-post status-publish format-standard has-post-thumbnail hentry category-news" itemscope itemtype="https://schema.org/Article">
<div class="td-post-header">
<ul class="td-category"><li class="entry-category"><a href="{ORIGIN}/category/news/">News</a></li></ul>
<header class="td-post-title"><h1 class="entry-title">{tx(title)}</h1>
<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">By</div> <a href="{ORIGIN}/author/ddn/">DDN</a><div class="td-author-line"> - </div></div>
<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="2023-07-05T08:00:00+01:00">July 5, 2023</time></span>
<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-{wp_id}">1234</span></div></div>
</header>
</div>
<div class="td-post-sharing-top"><div class="td-post-sharing-visible"><a class="td-social-sharing-button td-social-facebook" href="https://www.facebook.com/sharer.php?u={ORIGIN}{path}"><span class="td-social-but-text">Facebook</span></a></div></div>
<div class="td-post-content tagdiv-type">
{content}
</div>
<footer>
<div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li><li><a href="{ORIGIN}/tag/hospitals/">hospitals</a></li></ul></div>
<div class="td-block-row td-post-next-prev"><div class="td-block-span6 td-post-prev-post"><div class="td-post-next-prev-content"><span>Previous article</span><a href="{ORIGIN}/other-9021/">Drug checking at festivals</a></div></div></div>
<div class="author-box-wrap"><div class="desc"><div class="td-author-name vcard author"><span class="fn"><a href="{ORIGIN}/author/ddn/">DDN</a></span></div><div class="td-author-description">DDN is the independent magazine for the drug and alcohol treatment field, published since 2004.</div></div></div>
</footer>
</article>
<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title"><a class="td-related-left td-cur-simple-item" href="#">RELATED ARTICLES</a></h4><div class="td_module_related_posts"><h3 class="entry-title td-module-title"><a href="{ORIGIN}/other-9022/">Liver units under pressure</a></h3></div></div>
</div>
</div>
<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar"><aside class="widget widget_text"><div class="textwidget"><p>Subscribe to the DDN newsletter for the latest news from the treatment field, every fortnight.</p></div></aside></div></div>
</div>
</div>
</div>
<div class="td-footer-wrapper"><p>Copyright DDN Magazine</p></div>
</div>
</body>
</html>
"""
    return path, page


# -- 5. Beaver Themer singular layout: heading, post info and the Post Content module ------------

def fl_module(kind: str, node: str, inner: str) -> str:
    return (f'<div class="fl-module fl-module-{kind} fl-node-{node}" data-node="{node}">\n'
            f'<div class="fl-module-content fl-node-content">\n{inner}\n</div>\n</div>\n')


def beaver() -> tuple[str, str]:
    wp_id, path = 9105, "/beaver-themer-peer-led-detox/"
    title = "Peer-led detox pilot reports back"
    content = """<p>A peer-led community detox pilot has reported its first year of results.</p>
<ul>
<li>Nine in ten people completed their detox.</li>
<li>Most were still in contact with services six months later.</li>
</ul>
<p>The pilot will now run in two more boroughs.</p>"""
    modules = (fl_module("heading", "5f1a", f'<h1 class="fl-heading"><span class="fl-heading-text">{tx(title)}</span></h1>')
               + fl_module("fl-post-info", "5f1b", '<div class="fl-post-info"><span class="fl-post-info-date">July 5, 2023</span>'
                           '<span class="fl-post-info-sep"> | </span><span class="fl-post-info-author"><a href="'
                           f'{ORIGIN}/author/ddn/">DDN</a></span></div>')
               + fl_module("fl-post-content", "5f1c", content)
               + fl_module("fl-author-bio", "5f1d", '<div class="fl-author-bio-content"><h3>About DDN</h3><p>News from the field.</p></div>'))
    page = head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00") + body_open(wp_id, "fl-builder fl-theme-builder-singular fl-theme-builder-singular-post") + f"""<div class="fl-page">
<header class="fl-page-header fl-page-header-primary" itemscope="itemscope" itemtype="https://schema.org/WPHeader"><div class="fl-page-nav-wrap"><nav class="fl-page-nav"><ul class="menu"><li class="menu-item"><a href="{ORIGIN}/category/news/">News</a></li></ul></nav></div></header>
<div id="fl-main-content" class="fl-page-content" itemprop="mainContentOfPage" role="main">
<div class="fl-builder-content fl-builder-content-321 fl-builder-global-templates-locked" data-post-id="321" data-type="singular">
<div class="fl-row fl-row-fixed-width fl-row-bg-none fl-node-5f10" data-node="5f10"><div class="fl-row-content-wrap"><div class="fl-row-content fl-row-fixed-width fl-node-content">
<div class="fl-col-group fl-node-5f11" data-node="5f11"><div class="fl-col fl-node-5f12" data-node="5f12"><div class="fl-col-content fl-node-content">
{modules}</div></div></div>
</div></div></div>
</div>
</div>
<footer class="fl-page-footer-wrap"><div class="fl-page-footer"><p>DDN Magazine</p></div></footer>
</div>
</body>
</html>
"""
    return path, page


# -- 6. A theme nobody wrote a rule for: the body is found by structure ------------------------

UNKNOWN_STORY = [
    "The city’s treatment services are to be brought under one provider from April, ending a decade of split contracts.",
    "Commissioners said the change would mean one assessment, one key worker and one set of records for each person.",
    "Service users who spoke at the consultation events asked for the needle exchange and the recovery café to stay where they are.",
    "The new contract runs for seven years, with a break clause after four.",
]


def unknown_theme() -> tuple[str, str]:
    wp_id, path = 9106, "/unknown-theme-one-provider/"
    title = "Treatment’s next chapter: one provider & one contract"
    story = "\n".join(f"<p>{tx(p)}</p>" for p in UNKNOWN_STORY[:2]) + (
        "\n<blockquote>We want one door, not five.</blockquote>\n"
        + "\n".join(f"<p>{tx(p)}</p>" for p in UNKNOWN_STORY[2:]))
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": "Treatment&#8217;s next chapter: one provider &amp; one contract",
          "author": {"@type": "Person", "name": "Ann O&#8217;Neill"}}
    page = head("Treatment’s next chapter", ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00", ld) + body_open(wp_id, "custom-theme") + f"""<div id="wrap">
<div id="top"><ul class="links"><li><a href="{ORIGIN}/">Home</a></li><li><a href="{ORIGIN}/category/news/">News</a></li><li><a href="{ORIGIN}/about/">About</a></li></ul></div>
<div id="middle">
<div class="story">
<h2 class="headline">{tx(title)}</h2>
<div class="byline">By Ann O&#8217;Neill | 5 July 2023</div>
<div class="story-text">
{story}
</div>
<div class="share-links"><a href="https://twitter.com/intent/tweet?url={ORIGIN}{path}">Twitter</a> <a href="https://www.facebook.com/sharer.php?u={ORIGIN}{path}">Facebook</a></div>
</div>
{html5_comments(ORIGIN + path, wp_id, [(7011, "Dev", "2023-07-07 18:20", "<p>One provider sounds tidy on paper, but the people who use these services have been through three re-tenders in ten years and every one of them cost us key workers we trusted.</p>")])}</div>
<div id="right"><div class="box"><h3>Latest</h3><p>Read DDN’s coverage of commissioning every month.</p></div></div>
<div id="bottom"><p>DDN Magazine</p></div>
</div>
</body>
</html>
"""
    return path, page


# -- 7 and 8. Bytes that are not the UTF-8 the server claims -----------------------------------

def simple_page(wp_id: int, path: str, title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return head(title, ORIGIN + path, wp_id, "2023-07-05T07:00:00+00:00") + body_open(wp_id, "wp-embed-responsive") + f"""<div id="page" class="site">
<main id="main" class="site-main">
<article id="post-{wp_id}" class="post-{wp_id} post type-post status-publish format-standard hentry category-news entry">
<header class="entry-header"><h1 class="entry-title">{title}</h1></header>
<div class="entry-content">
{body}
</div>
</article>
</main>
</div>
</body>
</html>
"""


CP1252_PARAGRAPHS = ["Café owners in Brixton say the “pay it forward” scheme raised £1,200 – and counting.",
                     "It’s the third year they’ve run it."]
MIXED_UTF8 = "Naïve optimism? Not here — the team’s plan is costed 👍"
MIXED_CP1252 = "Staff pasted this from Word: “smart quotes” and a café’s £5 – all Windows-1252."


def cp1252_page() -> tuple[str, bytes]:
    """An old WordPress database serving Windows-1252 bytes, labelled UTF-8 by server and page."""
    path = "/cp1252-pay-it-forward/"
    page = simple_page(9107, path, "Café scheme pays it forward", CP1252_PARAGRAPHS)
    return path, page.encode("cp1252")


def mixed_page() -> tuple[str, bytes]:
    """A UTF-8 page with one Windows-1252 paragraph pasted in (bs4's "twingled" document)."""
    path = "/mixed-encoding-costed-plan/"
    marker = "MIXED-CP1252"
    page = simple_page(9108, path, "A costed plan", [MIXED_UTF8, marker])
    before, after = page.split(marker)
    return path, before.encode("utf-8") + MIXED_CP1252.encode("cp1252") + after.encode("utf-8")


PAGES = (block_theme, elementor, divi, newspaper, beaver, unknown_theme, cp1252_page, mixed_page)


def build(root: Path) -> dict:
    """Write every file under ``root``; return the little ground truth the server needs."""
    files: dict[str, str | bytes] = {}
    for make in PAGES:
        path, page = make()
        files[path] = page
    post_paths = list(files)
    files["/wp-sitemap-posts-post-1.xml"] = core_urlset(ORIGIN, [(ORIGIN + p, None) for p in post_paths])
    files["/wp-sitemap.xml"] = core_index(ORIGIN, [f"{ORIGIN}/wp-sitemap-posts-post-1.xml"])
    files["/robots.txt"] = f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {ORIGIN}/wp-sitemap.xml\n"
    for path, content in files.items():
        target = root / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return {"site": "ddn", "origin": ORIGIN, "posts": [ORIGIN + p for p in post_paths]}
