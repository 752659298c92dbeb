"""DDN mirror: WordPress core sitemaps, a Twenty Twenty-One style theme, one saved Genesis page.

Posts sit at ``/<slug>/`` beside WordPress pages (a magazine issue, /about/): only body and
article classes and the sitemaps tell them apart. Visible dates are ``j F Y at g:i a``; the html5
walkers also print ``<time datetime>`` with the local offset. UTC values were worked out by hand
and are re-checked by ``wp.expected_post``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from cv import write
from wp import (ClassCounter, Comment, FeedItem, Post, attr, body_html, comment_permalink,
                core_index, core_ping, core_urlset, expected_post, g_i_a, iso_local, iso_utc, jfy,
                pagination_nav, paras, reply_link, rss, tx, walk)

ORIGIN = "https://www.drinkanddrugsnews.com"
SITE = "DDN Magazine"
TAGLINE = "Drink and Drugs News: the magazine for the drug and alcohol treatment field"
UPLOADS = ORIGIN + "/wp-content/uploads"
NOTICE = ("We value your input. Please leave a comment, you do not need an account to do this but "
          "comments will be moderated before they are displayed...")
AUTHORS = {"claire-brown": "Claire Brown", "david-gilliver": "David Gilliver"}
CATEGORIES = {"features": ("Features", 5), "news": ("News", 2)}


def ddn_date(local: str) -> str:
    return f"{jfy(local)} at {g_i_a(local)}"


def caption(img: str, text: str, width: int, attachment: int) -> str:
    """Classic ``[caption]`` output: div.wp-caption > img + p.wp-caption-text."""
    return (f'<div id="attachment_{attachment}" style="width: {width + 10}px" class="wp-caption aligncenter">'
            f'<img aria-describedby="caption-attachment-{attachment}" loading="lazy" class="size-full wp-image-{attachment}" '
            f'src="{UPLOADS}/{img}" alt="" width="{width}" height="{width // 2}" />'
            f'<p id="caption-attachment-{attachment}" class="wp-caption-text">{tx(text)}</p></div>')


STANDFIRST = ("Through a highly interactive online event, the College of Lived Experience Recovery "
              "Organisations (CLERO) identified challenges, opportunities – and a call to action that "
              "involves us all. DDN reports.")

BIG_CONVERSATION = Post(
    path="/the-big-conversation/",
    wp_id=28417,
    title="The Big Conversation",
    author="Claire Brown", author_slug="claire-brown",
    published_local="2021-03-04 10:12", published_utc="2021-03-04T10:12:00Z",
    modified_local="2021-03-05 09:00", modified_utc="2021-03-05T09:00:00Z",
    categories=[("Features", "features")], tags=[("CLERO", "clero"), ("Lived experience", "lived-experience")],
    standfirst=STANDFIRST,
    excerpt="Dame Carol Black’s review had given us an ‘amazing opportunity’ said the government’s recovery champion, Ed Day.",
    content=paras([
        f'<p class="standfirst">{tx(STANDFIRST)}</p>',
        "Dame Carol Black’s review had given us an ‘amazing opportunity’ said the government’s recovery champion, Ed Day. We were at a pivotal moment, where ‘all the things we wanted’ had been identified in the report – more funding, a boost to workforce skills, better commissioning, and the will to reinvigorate all the different elements that should make up a treatment system.",
        "Furthermore, the invitation was there to fully involve the true experts – the people with lived experience whose peer support could do more to connect people with treatment than any learned method.",
        caption("2021/03/big-conversation.jpg", "‘Many things unite us, not least that we all want to make a difference’ – Danny Hames, chair of NHS APA", 600, 28419),
        "‘Many things unite us, not least that we all want to make a difference,’ said Danny Hames, who as chair of NHS APA represented 16 NHS trusts.",
        '<div class="ddn-newsletter"><h4>Get DDN in your inbox</h4><p>Subscribe to DDN’s free monthly magazine and news alerts.</p><p><a class="button" href="https://www.drinkanddrugsnews.com/subscribe/">Subscribe</a></p></div>',
        "<h2>Honesty and Unity</h2>",
        "First and foremost, we needed to be honest about what had gone before, suggested Michaela Jones of the Scottish Recovery Consortium. ‘Part of moving forward is recognising that hurt we’ve experienced from being locked out, even from our own recovery,’ she said – a sentiment that many others identified with.",
        "<h2>The future is ‘we’</h2>",
        "‘The future has to be a “we” project and not a “me” project,’ said Clare Kennedy. We needed to be asking ‘how can we help you flourish?’ and introducing people to treatment systems that worked for them.",
        "<h2>Stories not numbers</h2>",
        "He was dismissive of KPIs, focusing instead on budgets spent where they needed to be and results shown in the difference made to the individual, their friends, family and community. ‘I don’t want numbers, I want stories – and that’s how we do the monitoring,’ he said.",
        "‘These values were why we got into the field in the first place, because we have a passion, enabling people to change their lives,’ said Dave Higham of The Well Communities. ‘We need to go back to that. It’s about unity and togetherness and everyone having an equal voice as stakeholders.’",
    ]),
    must_contain=[
        "Dame Carol Black’s review had given us an ‘amazing opportunity’ said the government’s recovery champion, Ed Day.",
        "‘The future has to be a “we” project and not a “me” project,’ said Clare Kennedy.",
        "‘I don’t want numbers, I want stories – and that’s how we do the monitoring,’ he said.",
        "Honesty and Unity",
    ],
    captions=["‘Many things unite us, not least that we all want to make a difference’ – Danny Hames, chair of NHS APA"],
    comment_pages=[[
        Comment(41021, "Stephen Doyle", "2021-03-04 18:22", "2021-03-04T18:22:00Z",
                ["Inverting the pyramid is exactly right – put the resources where the recovery happens."],
                url="https://recoverycoach.example.org.uk/", children=[
            Comment(41025, "Claire Brown", "2021-03-05 09:03", "2021-03-05T09:03:00Z",
                    ["Thanks Stephen – CLERO will publish the full notes from the day."],
                    nicename="claire-brown", post_author=True, children=[
                Comment(41030, "Stephen Doyle", "2021-03-06 11:47", "2021-03-06T11:47:00Z",
                        ["Great, please link them here when they’re out."], url="https://recoverycoach.example.org.uk/"),
            ]),
        ]),
        Comment(41102, "Bev", "2021-06-12 09:15", "2021-06-12T08:15:00Z",
                ["Came back to this after our own community event. ‘Stories not numbers’ is on our wall now."]),
        Comment(41388, "Anon", "2021-11-02 19:40", "2021-11-02T19:40:00Z",
                ["Passion is not enough – but it’s where everything starts."], moderation=True),
    ]],
    comment_count=4,
    notes="Standfirst is p.standfirst, the first child of .entry-content. Comment 41388 is awaiting "
          "moderation (shown only to its author, so the heading says 4 while 5 items are listed); its "
          "link carries ?unapproved=…&moderation-hash=… but its canonical url has no query.",
)

NALOXONE = Post(
    path="/naloxone-every-service-should-be-handing-it-out/",
    wp_id=19544,
    title="Naloxone: ‘every service should be handing it out’",
    author="David Gilliver", author_slug="david-gilliver",
    published_local="2019-07-04 08:00", published_utc="2019-07-04T07:00:00Z",
    modified_local="2019-07-06 09:30", modified_utc="2019-07-06T08:30:00Z",
    categories=[("News", "news")], tags=[("Harm reduction", "harm-reduction"), ("Naloxone", "naloxone")],
    theme="genesis",
    excerpt="Every drug service in the country should be handing out take-home naloxone, a conference has heard.",
    content=paras([
        "Every drug service in the country should be handing out take-home naloxone, a conference has heard.",
        "Speakers told delegates that coverage was still patchy, with some areas supplying kits only through needle exchanges & pharmacies rather than at every point of contact.",
        caption("2019/07/naloxone-kit.jpg", "A take-home naloxone kit – ‘simple, cheap and it saves lives’", 580, 19546),
        "<blockquote><p>If you can give someone a sandwich, you can give them a naloxone kit.</p></blockquote>",
        "Peer-to-peer supply, where people who use drugs train and equip each other, was singled out as the most effective route to reach people not in contact with services.",
    ]),
    must_contain=[
        "Every drug service in the country should be handing out take-home naloxone, a conference has heard.",
        "If you can give someone a sandwich, you can give them a naloxone kit.",
        "Peer-to-peer supply, where people who use drugs train and equip each other",
    ],
    captions=["A take-home naloxone kit – ‘simple, cheap and it saves lives’"],
    comment_pages=[[
        Comment(20101, "Alice Hart", "2019-07-05 10:31", "2019-07-05T09:31:00Z",
                ["Long overdue. Our service started peer supply last year and it has transformed reach."],
                url="https://alicehart.example.co.uk/", children=[
            Comment(20102, "David Gilliver", "2019-07-05 11:02", "2019-07-05T10:02:00Z",
                    ["Thanks Alice – would you be willing to talk to us for a follow-up piece?"],
                    nicename="david-gilliver", post_author=True, children=[
                Comment(20108, "Carol Finch", "2019-07-13 08:05", "2019-07-13T07:05:00Z",
                        ["Count us in too – we’re in the same position in the North East."]),
            ]),
        ]),
        Comment(20240, "Bob Kerr", "2019-11-02 14:15", "2019-11-02T14:15:00Z",
                ["Pharmacies near us still say they can’t supply without a prescription."]),
        Comment(20115, "Harm Reduction Weekly – issue 27", None, None, [], kind="pingback",
                url="https://harmreductionweekly.example.org/issue-27/",
                snippet="Harm Reduction Weekly – issue 27"),
    ]],
    comment_count=5,
    notes="Saved from the site's earlier Genesis theme: html5 Genesis comment markup, ul.children; "
          "the pingback is listed separately under 'Trackbacks' (div#pings ol.ping-list) after the "
          "comments, so it is displayed last; the count '5 Comments' is in the entry meta.",
)

REPORT = Post(
    path="/services-need-long-term-funding-says-report/",
    wp_id=28512,
    title="Services ‘need long-term funding’, says report",
    author="David Gilliver", author_slug="david-gilliver",
    published_local="2021-03-29 12:00", published_utc="2021-03-29T11:00:00Z",
    modified_local="2021-03-29 12:45", modified_utc="2021-03-29T11:45:00Z",
    categories=[("News", "news")], tags=[("Funding", "funding")],
    excerpt="Treatment services need multi-year funding settlements if they are to rebuild",
    content=paras([
        "Treatment services need multi-year funding settlements if they are to rebuild after a decade of cuts, according to a new report.",
        "Short-term contracts made it difficult to recruit and retain staff, the authors found, with some commissioners re-tendering services every three years.",
        "The report calls for ring-fenced grants of at least five years and for a national workforce strategy.",
    ]),
    must_contain=[
        "Treatment services need multi-year funding settlements if they are to rebuild after a decade of cuts",
        "The report calls for ring-fenced grants of at least five years",
    ],
    comments_open=False,
    comment_count=0,
    notes="Comments are closed (p.no-comments); published the day after the 2021 clocks went forward.",
)

FUNDING_BOOST = Post(
    path="/funding-boost-for-recovery-communities/",
    wp_id=29103,
    title="Funding boost for recovery communities",
    author="Claire Brown", author_slug="claire-brown",
    published_local="2021-07-21 14:30", published_utc="2021-07-21T13:30:00Z",
    modified_local="2021-07-23 10:00", modified_utc="2021-07-23T09:00:00Z",
    categories=[("News", "news")], tags=[("Funding", "funding"), ("Recovery communities", "recovery-communities")],
    excerpt="Lived experience recovery organisations are to share a new grant fund",
    content=paras([
        "Lived experience recovery organisations are to share a new grant fund designed to help them grow their community work.",
        "Grants of up to £25,000 will be available for projects that connect people leaving treatment with mutual aid, employment and housing support.",
        "Applications open in September.",
    ]),
    must_contain=[
        "Lived experience recovery organisations are to share a new grant fund",
        "Grants of up to £25,000 will be available",
    ],
    comment_pages=[[
        Comment(42010, "Marie", "2021-07-21 17:05", "2021-07-21T16:05:00Z",
                ["Brilliant news for small groups like ours."]),
        Comment(42017, "Tony Adebayo", "2021-07-22 08:20", "2021-07-22T07:20:00Z",
                ["Will unconstituted groups be eligible, or only registered charities?"],
                url="https://tonyadebayo.example.com/"),
    ]],
    comment_count=2,
    notes="Listed in the posts sitemap; mirror_factory('ddn', faults=True) makes it answer 500 once "
          "(expected.json 'faults'). A crawler must retry it and still store it.",
)

POSTS = [NALOXONE, BIG_CONVERSATION, REPORT, FUNDING_BOOST]  # wp_id order, as core sitemaps sort
NEWEST = sorted(POSTS, key=lambda p: p.published_utc, reverse=True)
FLAKY = FUNDING_BOOST

MUST_NOT = ["We value your input", "Share this", "Like this", "Subscribe to DDN", "Get DDN in your inbox",
            "Leave a comment", "thoughts on", "Comments are closed", "DDN is published by", "Skip to content",
            "Click to share on Twitter", "Older posts"]
HTML_MUST_NOT = ["sharedaddy", "addtoany", "a2a_kit", "jp-relatedposts", "ddn-newsletter", "custom-logo",
                 "comment-list", "commentform", "ddn-moderation-notice", "<script"]


# -- furniture --------------------------------------------------------------------------------

def head(title: str, canonical: str, description: str, *, post: Post | None = None,
         page_id: int | None = None, og_type: str = "article", published: str | None = None,
         modified: str | None = None) -> str:
    meta = ""
    if published:
        meta += f'<meta property="article:published_time" content="{published}" />\n'
    if modified:
        meta += f'<meta property="article:modified_time" content="{modified}" />\n'
    obj = post.wp_id if post else page_id
    kind = "posts" if post else "pages"
    comments_feed = (f'<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; {tx(post.title)} Comments Feed" '
                     f'href="{canonical}feed/" />\n' if post else "")
    rest = (f'<link rel="alternate" type="application/json" href="{ORIGIN}/wp-json/wp/v2/{kind}/{obj}" />'
            f"<link rel='shortlink' href='{ORIGIN}/?p={obj}' />\n" if obj else "")
    return f"""<!doctype html>
<html lang="en-GB" >
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='max-image-preview:large' />
<title>{tx(title)}</title>
<link rel='dns-prefetch' href='//static.addtoany.com' />
<link rel='dns-prefetch' href='//stats.wp.com' />
<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; Feed" href="{ORIGIN}/feed/" />
<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; Comments Feed" href="{ORIGIN}/comments/feed/" />
{comments_feed}<script>
window._wpemojiSettings = {{"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/13.0.1\\/72x72\\/","ext":".png","source":{{"concatemoji":"https:\\/\\/www.drinkanddrugsnews.com\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=5.7.2"}}}};
</script>
<link rel='stylesheet' id='twenty-twenty-one-style-css'  href='{ORIGIN}/wp-content/themes/twentytwentyone/style.css?ver=1.3' media='all' />
<link rel='stylesheet' id='addtoany-css'  href='{ORIGIN}/wp-content/plugins/add-to-any/addtoany.min.css?ver=1.15' media='all' />
<script async src='https://static.addtoany.com/menu/page.js' id='addtoany-core-js'></script>
<link rel="https://api.w.org/" href="{ORIGIN}/wp-json/" />{rest}<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{ORIGIN}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 5.7.2" />
<link rel="canonical" href="{canonical}" />

<!-- Jetpack Open Graph Tags -->
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{attr(title.rsplit(' – ', 1)[0])}" />
<meta property="og:url" content="{canonical}" />
<meta property="og:description" content="{attr(description)}" />
{meta}<meta property="og:site_name" content="DDN Magazine" />
<meta property="og:image" content="{UPLOADS}/2020/01/ddn-card.png" />
<meta property="og:locale" content="en_GB" />
<meta name="twitter:site" content="@DDNMagazine" />

<!-- End Jetpack Open Graph Tags -->
<link rel="icon" href="{UPLOADS}/2019/05/ddn-icon-32x32.png" sizes="32x32" />
</head>
"""


MENU = [("News", "/category/news/", 101), ("Features", "/category/features/", 102),
        ("Magazine", "/ddn-magazine-march-2021/", 103), ("About", "/about/", 104)]
LOGO = (f'<a href="{ORIGIN}/" class="custom-logo-link" rel="home"><img width="400" height="120" '
        f'src="{UPLOADS}/2019/05/ddn-logo.png" class="custom-logo" alt="DDN &#8211; Drink and Drugs News" /></a>')


def menu_items() -> str:
    return "".join(f'<li id="menu-item-{mid}" class="menu-item menu-item-type-custom menu-item-object-custom menu-item-{mid}">'
                   f'<a href="{ORIGIN}{path}">{label}</a></li>' for label, path, mid in MENU)


def masthead() -> str:
    return f"""<div id="page" class="site">
	<a class="skip-link screen-reader-text" href="#content">Skip to content</a>

	<header id="masthead" class="site-header has-logo has-title-and-tagline has-menu" role="banner">
<div class="site-branding">
	<div class="site-logo">{LOGO}</div>
	<p class="site-title"><a href="{ORIGIN}/">DDN Magazine</a></p>
	<p class="site-description">{tx(TAGLINE)}</p>
</div><!-- .site-branding -->
	<nav id="site-navigation" class="primary-navigation" role="navigation" aria-label="Primary menu">
		<div class="primary-menu-container"><ul id="primary-menu-list" class="menu-wrapper">{menu_items()}</ul></div>	</nav><!-- #site-navigation -->
	</header><!-- #masthead -->

	<div id="content" class="site-content">
		<div id="primary" class="content-area">
			<main id="main" class="site-main" role="main">
"""


def widgets() -> str:
    recent = "".join(f'<li><a href="{ORIGIN}{p.path}">{tx(p.title)}</a></li>' for p in NEWEST[:3])
    return f"""
	<aside class="widget-area">
		<section id="recent-posts-3" class="widget widget_recent_entries"><h2 class="widget-title">Latest news</h2><nav role="navigation" aria-label="Latest news"><ul>{recent}</ul></nav></section>
		<section id="custom_html-2" class="widget_text widget widget_custom_html"><div class="textwidget custom-html-widget"><!-- DDN digital edition -->
<a href="https://www.drinkanddrugsnews.com/ddn-magazine-march-2021/"><img src="{UPLOADS}/2021/03/ddn-march-cover.jpg" alt="DDN March 2021 cover"></a></div></section>
	</aside><!-- .widget-area -->
"""


def footer() -> str:
    return f"""			</main><!-- #main -->
		</div><!-- #primary -->
	</div><!-- #content -->
{widgets()}
	<footer id="colophon" class="site-footer" role="contentinfo">
		<div class="site-info">
			<div class="site-name">{LOGO}</div>
			<div class="powered-by">DDN is published by CJ Wellings Ltd &middot; <a href="{ORIGIN}/about/">About DDN</a></div>
		</div><!-- .site-info -->
	</footer><!-- #colophon -->

</div><!-- #page -->

<script>document.body.classList.remove("no-js");</script>
<script src='{ORIGIN}/wp-includes/js/comment-reply.min.js?ver=5.7.2' id='comment-reply-js'></script>
<script src='https://stats.wp.com/e-202130.js' defer></script>
<script>
	_stq = window._stq || [];
	_stq.push([ 'view', {{v:'ext',j:'1:9.8.1',blog:'41553512',post:'0',tz:'0',srv:'www.drinkanddrugsnews.com'}} ]);
</script>
</body>
</html>
"""


def in_content_widgets(post: Post) -> str:
    url = ORIGIN + post.path
    a2a = (f'<div class="addtoany_share_save_container addtoany_content addtoany_content_bottom">'
           f'<div class="a2a_kit a2a_kit_size_32 addtoany_list" data-a2a-url="{url}" data-a2a-title="{attr(post.title)}">'
           + "".join(f'<a class="a2a_button_{s}" href="https://www.addtoany.com/add_to/{s}?linkurl={url}&amp;linkname={attr(post.title)}" '
                     f'title="{label}" rel="nofollow noopener" target="_blank"></a>'
                     for s, label in (("facebook", "Facebook"), ("twitter", "Twitter"), ("email", "Email")))
           + '<a class="a2a_dd addtoany_share_save addtoany_share" href="https://www.addtoany.com/share"></a></div></div>')
    share = "".join(
        f'<li class="share-{s}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{s}-{post.wp_id}" '
        f'class="share-{s} sd-button share-icon" href="{url}?share={s}" target="_blank" title="Click to share on {label}">'
        f'<span>{label}</span></a></li>' for s, label in (("twitter", "Twitter"), ("facebook", "Facebook")))
    return (f"{a2a}\n"
            f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
            f'<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{share}<li class="share-end"></li></ul></div></div></div>'
            f"<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded' id='like-post-wrapper-41553512-{post.wp_id}-60e1' "
            f"data-src='https://widgets.wp.com/likes/#blog_id=41553512&amp;post_id={post.wp_id}' data-name='like-post-frame-41553512-{post.wp_id}'>"
            "<h3 class=\"sd-title\">Like this:</h3><div class='likes-widget-placeholder post-likes-widget-placeholder' style='height: 55px;'>"
            "<span class='button'><span>Like</span></span> <span class=\"loading\">Loading...</span></div></div>\n"
            "<div id='jp-relatedposts' class='jp-relatedposts' >\n\t<h3 class=\"jp-relatedposts-headline\"><em>Related</em></h3>\n</div>")


def comment_form(wp_id: int, url: str) -> str:
    return f"""	<div id="respond" class="comment-respond">
		<h2 id="reply-title" class="comment-reply-title">Leave a comment <small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h2><form action="{ORIGIN}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p><p class="comment-form-comment"><label for="comment">Comment</label> <textarea id="comment" name="comment" cols="45" rows="5" maxlength="65525" required="required"></textarea></p><p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" required='required' /></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" required='required' /></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" /></p>
<p class="ddn-moderation-notice">{NOTICE}</p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='{wp_id}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' />
</p></form>	</div><!-- #respond -->
	"""


# -- comment walkers ---------------------------------------------------------------------------

def moderation_link(url: str, c: Comment) -> str:
    return f"{url}?unapproved={c.wp_id}&amp;moderation-hash=3f2a9c81b7d4e605#comment-{c.wp_id}"


def core_html5_comments(post: Post) -> str:
    """``Walker_Comment::html5_comment`` (Twenty Twenty-One): article.comment-body, ol.children."""
    counter = ClassCounter()
    url = ORIGIN + post.path

    def render(c: Comment, depth: int) -> str:
        classes = counter.classes(c, depth, with_parent=True)
        if c.kind == "pingback":
            return core_ping(c, classes)
        children = "".join(render(k, depth + 1) for k in c.children)
        kids = f'<ol class="children">\n{children}</ol><!-- .children -->\n' if c.children else ""
        fn = (f"<a href='{attr(c.url)}' rel='external nofollow ugc' class='url'>{tx(c.author)}</a>" if c.url else tx(c.author))
        link = moderation_link(url, c) if c.moderation else comment_permalink(ORIGIN, post, 1, c.wp_id)
        mod = ('\n\t\t\t\t\t<em class="comment-awaiting-moderation">Your comment is awaiting moderation. This is a preview; '
               'your comment will be visible after it has been approved.</em>') if c.moderation else ""
        reply = reply_link(url, c, post.wp_id, f"div-comment-{c.wp_id}", 5, depth)
        return f"""		<li id="comment-{c.wp_id}" class="{classes}">
			<article id="div-comment-{c.wp_id}" class="comment-body">
				<footer class="comment-meta">
					<div class="comment-author vcard">
						<img alt='' src='https://secure.gravatar.com/avatar/{c.wp_id:032x}?s=60&#038;d=mm&#038;r=g' class='avatar avatar-60 photo' height='60' width='60' loading='lazy'/>						<b class="fn">{fn}</b> <span class="says">says:</span>					</div><!-- .comment-author -->

					<div class="comment-metadata">
						<a href="{link}"><time datetime="{iso_local(c.local)}">{ddn_date(c.local)}</time></a>					</div><!-- .comment-metadata -->
{mod}
									</footer><!-- .comment-meta -->

				<div class="comment-content">
					{body_html(c)}
				</div><!-- .comment-content -->

				{f'<div class="reply">{reply}</div>' if reply else ''}			</article><!-- .comment-body -->
{kids}		</li><!-- #comment-## -->
"""

    return "".join(render(c, 1) for c in post.comment_pages[0])


def genesis_comments(post: Post) -> str:
    """Genesis html5 callback: article[itemprop=comment], header.comment-header, ul.children."""
    counter = ClassCounter()
    url = ORIGIN + post.path

    def render(c: Comment, depth: int) -> str:
        classes = counter.classes(c, depth, with_parent=False)
        children = "".join(render(k, depth + 1) for k in c.children)
        kids = f'<ul class="children">\n{children}</ul>\n' if c.children else ""
        name = (f'<a href="{attr(c.url)}" class="comment-author-link" rel="external nofollow" itemprop="url">{tx(c.author)}</a>'
                if c.url else tx(c.author))
        reply = reply_link(url, c, post.wp_id, f"article-comment-{c.wp_id}", 5, depth)
        return f"""	<li class="{classes}" id="comment-{c.wp_id}">
	<article id="article-comment-{c.wp_id}" itemprop="comment" itemscope itemtype="https://schema.org/Comment">

		<header class="comment-header">
			<p class="comment-author" itemprop="author" itemscope itemtype="https://schema.org/Person">
				<img alt='' src='https://secure.gravatar.com/avatar/{c.wp_id:032x}?s=48&#038;d=mm&#038;r=g' class='avatar avatar-48 photo' height='48' width='48' loading='lazy'/><span class="comment-author-name" itemprop="name">{name}</span> <span class="says">says</span>			</p>

			<p class="comment-meta"><time class="comment-time" datetime="{iso_local(c.local)}" itemprop="datePublished"><a class="comment-time-link" href="{comment_permalink(ORIGIN, post, 1, c.wp_id)}" itemprop="url">{ddn_date(c.local)}</a></time></p>		</header>

		<div class="comment-content" itemprop="text">
			{body_html(c)}
		</div>

		<div class="comment-reply">{reply}</div>
	</article>
	{kids}</li><!-- #comment-## -->
"""

    comments = [c for c in post.comment_pages[0] if c.kind == "comment"]
    pings = [c for c in post.comment_pages[0] if c.kind != "comment"]
    listing = "".join(render(c, 1) for c in comments)
    ping_counter = ClassCounter()
    ping_html = "".join(core_ping(c, ping_counter.classes(c, 1, with_parent=False)) for c in pings)
    out = (f'<div class="entry-comments" id="comments"><h3>Comments</h3><ol class="comment-list">\n{listing}</ol></div>')
    if pings:
        out += f'<div class="entry-pings" id="pings"><h3>Trackbacks</h3><ol class="ping-list">\n{ping_html}</ol></div>'
    return out


# -- pages ------------------------------------------------------------------------------------

def post_classes(post: Post, extra: str = "entry") -> str:
    return (f"post-{post.wp_id} post type-post status-publish format-standard"
            f"{' has-post-thumbnail' if post.captions else ''} hentry "
            + " ".join(f"category-{s}" for _, s in post.categories) + " "
            + " ".join(f"tag-{s}" for _, s in post.tags) + f" {extra}").strip()


def post_page(post: Post) -> str:
    if post.theme == "genesis":
        return genesis_page(post)
    url = ORIGIN + post.path
    cats = ", ".join(f'<a href="{ORIGIN}/category/{s}/" rel="category tag">{n}</a>' for n, s in post.categories)
    tags = ", ".join(f'<a href="{ORIGIN}/tag/{s}/" rel="tag">{tx(n)}</a>' for n, s in post.tags)
    out = [head(f"{post.title} – DDN Magazine", url, post.excerpt, post=post,
                published=iso_utc(post.published_utc), modified=iso_utc(post.modified_utc)),
           f'\n<body class="post-template-default single single-post postid-{post.wp_id} single-format-standard wp-custom-logo '
           'wp-embed-responsive is-light-theme no-js singular has-main-navigation">\n', masthead(),
           f"""
<article id="post-{post.wp_id}" class="{post_classes(post)}">

	<header class="entry-header alignwide">
		<h1 class="entry-title">{tx(post.title)}</h1>	</header><!-- .entry-header -->

	<div class="entry-content">
		{post.content}
{in_content_widgets(post)}
	</div><!-- .entry-content -->

	<footer class="entry-footer default-max-width">
		<div class="posted-by"><span class="posted-on">Published <time class="entry-date published updated" datetime="{iso_local(post.published_local)}">{jfy(post.published_local)}</time></span><span class="byline">By <a href="{ORIGIN}/author/{post.author_slug}/" rel="author">{tx(post.author)}</a></span></div><div class="post-taxonomies"><span class="cat-links">Categorized as {cats} </span><span class="tags-links">Tagged {tags}</span></div>	</footer><!-- .entry-footer -->

</article><!-- #post-{post.wp_id} -->
"""]
    out.append(tt1_comments_area(post))
    neighbours = [p for p in NEWEST if p is not post][:2]
    out.append('\n\t<nav class="navigation post-navigation" role="navigation" aria-label="Posts">\n\t\t<h2 class="screen-reader-text">Post navigation</h2>\n\t\t<div class="nav-links">'
               + "".join(f'<div class="nav-{side}"><a href="{ORIGIN}{p.path}" rel="{side}"><p class="meta-nav">{label}</p><p class="post-title">{tx(p.title)}</p></a></div>'
                         for (side, label), p in zip((("previous", "Previous post"), ("next", "Next post")), neighbours))
               + "</div>\n\t</nav>\n")
    out.append(footer())
    return "".join(out)


def tt1_comments_area(post: Post) -> str:
    url = ORIGIN + post.path
    if not post.comments_open:
        return '\n<div id="comments" class="comments-area default-max-width">\n\t<p class="no-comments">Comments are closed.</p>\n</div><!-- #comments -->\n'
    if not post.comment_pages:
        return f'\n<div id="comments" class="comments-area default-max-width">\n{comment_form(post.wp_id, url)}\n</div>\n'
    n = post.comment_count
    heading = "One thought on" if n == 1 else f"{n} thoughts on"
    return (f'\n<div id="comments" class="comments-area default-max-width show-avatars">\n\n'
            f'\t\t<h2 class="comments-title">\n\t\t\t{heading} &ldquo;<span>{tx(post.title)}</span>&rdquo;\t\t</h2><!-- .comments-title -->\n\n'
            f'\t\t<ol class="comment-list">\n{core_html5_comments(post)}\t\t</ol><!-- .comment-list -->\n\n'
            f'{comment_form(post.wp_id, url)}\n</div><!-- #comments -->\n')


def genesis_page(post: Post) -> str:
    url = ORIGIN + post.path
    cats = ", ".join(f'<a href="{ORIGIN}/category/{s}/" rel="category tag">{n}</a>' for n, s in post.categories)
    tags = ", ".join(f'<a href="{ORIGIN}/tag/{s}/" rel="tag">{tx(n)}</a>' for n, s in post.tags)
    return (head(f"{post.title} – DDN Magazine", url, post.excerpt, post=post,
                 published=iso_utc(post.published_utc), modified=iso_utc(post.modified_utc))
            + f"""
<body class="post-template-default single single-post postid-{post.wp_id} single-format-standard wp-custom-logo header-full-width content-sidebar genesis-breadcrumbs-hidden genesis-footer-widgets-visible" itemscope itemtype="https://schema.org/WebPage"><div class="site-container"><ul class="genesis-skip-link"><li><a href="#genesis-content" class="screen-reader-shortcut"> Skip to main content</a></li></ul><header class="site-header" itemscope itemtype="https://schema.org/WPHeader"><div class="wrap"><div class="title-area">{LOGO}<p class="site-title" itemprop="headline">DDN Magazine</p></div><nav class="nav-primary" aria-label="Main" itemscope itemtype="https://schema.org/SiteNavigationElement"><div class="wrap"><ul id="menu-main" class="menu genesis-nav-menu menu-primary">{menu_items()}</ul></div></nav></div></header><div class="site-inner"><div class="content-sidebar-wrap"><main class="content" id="genesis-content"><article class="{post_classes(post)}" aria-label="{attr(post.title)}" itemscope itemtype="https://schema.org/CreativeWork"><header class="entry-header"><h1 class="entry-title" itemprop="headline">{tx(post.title)}</h1>
<p class="entry-meta"><time class="entry-time" itemprop="datePublished" datetime="{iso_local(post.published_local)}">{jfy(post.published_local)}</time> by <span class="entry-author" itemprop="author" itemscope itemtype="https://schema.org/Person"><a href="{ORIGIN}/author/{post.author_slug}/" class="entry-author-link" itemprop="url" rel="author"><span class="entry-author-name" itemprop="name">{tx(post.author)}</span></a></span> <span class="entry-comments-link"><a href="{url}#comments">{post.comment_count} Comments</a></span> </p></header><div class="entry-content" itemprop="text">{post.content}
{in_content_widgets(post)}
</div><footer class="entry-footer"><p class="entry-meta"><span class="entry-categories">Filed Under: {cats}</span> <span class="entry-tags">Tagged With: {tags}</span></p></footer></article><h2 class="screen-reader-text">Reader Interactions</h2>{genesis_comments(post)}{comment_form(post.wp_id, url)}</main><aside class="sidebar sidebar-primary widget-area" role="complementary" aria-label="Primary Sidebar" itemscope itemtype="https://schema.org/WPSideBar"><section id="search-3" class="widget widget_search"><div class="widget-wrap"><form class="search-form" method="get" action="{ORIGIN}/" role="search"><input class="search-form-input" type="search" name="s" placeholder="Search this website"><input class="search-form-submit" type="submit" value="Search"></form></div></section></aside></div></div><footer class="site-footer" itemscope itemtype="https://schema.org/WPFooter"><div class="wrap"><p>DDN is published by CJ Wellings Ltd &#x000B7; Copyright &#x000A9; 2019</p></div></footer></div>
<script src='{ORIGIN}/wp-content/themes/genesis/lib/js/skip-links.min.js?ver=3.1.2' id='skip-links-js'></script>
</body></html>
""")


def listing(title: str, canonical: str, body_class: str, posts: list[Post], heading: str | None, nav: str) -> str:
    items = "".join(f"""
<article id="post-{p.wp_id}" class="{post_classes(p)}">
	<header class="entry-header">
		<h2 class="entry-title default-max-width"><a href="{ORIGIN}{p.path}">{tx(p.title)}</a></h2>	</header><!-- .entry-header -->
	<div class="entry-content">
		<p>{tx(p.excerpt)} <a class="more-link" href="{ORIGIN}{p.path}">Continue reading<span class="screen-reader-text">{tx(p.title)}</span></a></p>
	</div><!-- .entry-content -->
	<footer class="entry-footer default-max-width">
		<span class="posted-on">Published <time class="entry-date published updated" datetime="{iso_local(p.published_local)}">{jfy(p.published_local)}</time></span>	</footer><!-- .entry-footer -->
</article><!-- #post-{p.wp_id} -->
""" for p in posts)
    header = f'\n\t<header class="page-header alignwide">\n\t\t<h1 class="page-title">{tx(heading)}</h1>\n\t</header><!-- .page-header -->\n' if heading else ""
    return (head(title, canonical, TAGLINE, og_type="website") + f'\n<body class="{body_class}">\n' + masthead()
            + header + items + nav + footer())


def wp_page(page_id: int, path: str, title: str, content: str, modified_utc: str, with_form: bool = False) -> str:
    url = ORIGIN + path
    form = (f'\n<div id="comments" class="comments-area default-max-width">\n{comment_form(page_id, url)}\n</div>\n'
            if with_form else "")
    return (head(f"{title} – DDN Magazine", url, TAGLINE, page_id=page_id, published="2021-03-01T09:00:00+00:00",
                 modified=iso_utc(modified_utc))
            + f'\n<body class="page-template-default page page-id-{page_id} wp-custom-logo wp-embed-responsive is-light-theme no-js singular has-main-navigation">\n'
            + masthead()
            + f"""
<article id="post-{page_id}" class="post-{page_id} page type-page status-publish hentry entry">

	<header class="entry-header alignwide">
		<h1 class="entry-title">{tx(title)}</h1>	</header><!-- .entry-header -->

	<div class="entry-content">
		{content}
	</div><!-- .entry-content -->

</article><!-- #post-{page_id} -->
{form}"""
            + footer())


MAGAZINE = paras([
    "Welcome to the March 2021 issue of DDN. Read it online or download the PDF.",
    f'<ul>\n<li><a href="{ORIGIN}{BIG_CONVERSATION.path}">The Big Conversation</a> – CLERO’s call to action</li>\n'
    f'<li><a href="{ORIGIN}{REPORT.path}">Services ‘need long-term funding’, says report</a></li>\n</ul>',
    f'<p><a class="wp-block-file__button" href="{UPLOADS}/2021/03/DDN-March-2021.pdf">Download the PDF</a></p>',
])


def home_nav(page: int, pages: int) -> str:
    def href(n: int) -> str:
        return f"{ORIGIN}/" if n == 1 else f"{ORIGIN}/page/{n}/"
    links = [(str(n), None if n == page else href(n)) for n in range(1, pages + 1)]
    return pagination_nav(links, href(page + 1) if page < pages else None, href(page - 1) if page > 1 else None)


def build(root: Path) -> dict:
    """Write every file of the DDN mirror under ``root``; return ground truth."""
    files: dict[str, str] = {p.path: post_page(p) for p in POSTS}
    chunks = [NEWEST[i:i + 3] for i in range(0, len(NEWEST), 3)]
    for n, chunk in enumerate(chunks, start=1):
        path = "/" if n == 1 else f"/page/{n}/"
        body = "home blog wp-custom-logo wp-embed-responsive is-light-theme no-js hfeed has-main-navigation"
        if n > 1:
            body = f"home blog paged paged-{n} wp-custom-logo wp-embed-responsive is-light-theme no-js hfeed has-main-navigation"
        title = "DDN Magazine – Drink and Drugs News" + ("" if n == 1 else f" – Page {n}")
        files[path] = listing(title, ORIGIN + path, body, chunk, None, home_nav(n, len(chunks)))
    for slug, (name, term_id) in CATEGORIES.items():
        mine = [p for p in NEWEST if slug in [s for _, s in p.categories]]
        files[f"/category/{slug}/"] = listing(f"{name} Archives – DDN Magazine", f"{ORIGIN}/category/{slug}/",
                                              f"archive category category-{slug} category-{term_id} wp-custom-logo hfeed",
                                              mine, f"Category: {name}", "")
    for slug, name in AUTHORS.items():
        mine = [p for p in NEWEST if p.author_slug == slug]
        files[f"/author/{slug}/"] = listing(f"{name}, Author at DDN Magazine", f"{ORIGIN}/author/{slug}/",
                                            f"archive author author-{slug} wp-custom-logo hfeed", mine, f"Author: {name}", "")
    files["/ddn-magazine-march-2021/"] = wp_page(28380, "/ddn-magazine-march-2021/", "DDN Magazine March 2021",
                                                 MAGAZINE, "2021-03-02T16:20:00Z", with_form=True)
    files["/about/"] = wp_page(2, "/about/", "About", paras([
        "DDN (Drink and Drugs News) is the independent magazine for the drug and alcohol treatment field.",
        "Every issue is free to read online. Comments on our stories are moderated before they are displayed."]),
        "2020-01-15T10:00:00Z")

    post_entries = [(ORIGIN + p.path, iso_utc(p.modified_utc)) for p in sorted(POSTS, key=lambda p: p.wp_id)]
    files["/wp-sitemap-posts-post-1.xml"] = core_urlset(ORIGIN, post_entries)
    files["/wp-sitemap-posts-page-1.xml"] = core_urlset(ORIGIN, [
        (ORIGIN + "/", None), (ORIGIN + "/about/", "2020-01-15T10:00:00+00:00"),
        (ORIGIN + "/ddn-magazine-march-2021/", "2021-03-02T16:20:00+00:00")])
    files["/wp-sitemap-taxonomies-category-1.xml"] = core_urlset(
        ORIGIN, [(f"{ORIGIN}/category/{s}/", None) for s in CATEGORIES])
    files["/wp-sitemap-users-1.xml"] = core_urlset(ORIGIN, [(f"{ORIGIN}/author/{s}/", None) for s in AUTHORS])
    children = [f"{ORIGIN}/wp-sitemap-posts-post-1.xml", f"{ORIGIN}/wp-sitemap-posts-page-1.xml",
                f"{ORIGIN}/wp-sitemap-taxonomies-category-1.xml", f"{ORIGIN}/wp-sitemap-users-1.xml"]
    files["/wp-sitemap.xml"] = core_index(ORIGIN, children)
    files["/robots.txt"] = ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                            f"Sitemap: {ORIGIN}/wp-sitemap.xml\n")
    files["/feed/"] = rss(ORIGIN, SITE, TAGLINE, max(p.modified_utc for p in POSTS), [
        FeedItem(p.title, ORIGIN + p.path, p.wp_id, p.published_utc, p.author, [c for c, _ in p.categories],
                 tx(p.excerpt), p.content, p.comment_count) for p in NEWEST])
    write(root, files)
    for post in POSTS:  # furniture strings must not be part of the article itself
        article = re.sub(r'<div class="ddn-newsletter">.*?</div>', "", post.content)
        for needle in MUST_NOT:
            assert needle not in article, (post.path, needle)
    return {
        "site": "ddn",
        "origin": ORIGIN,
        "sitemaps": [f"{ORIGIN}/wp-sitemap.xml"] + children,
        "missing_urls": [],
        "faults": [{"path": FLAKY.path, "kind": "fail_once", "status": 500,
                    "note": "armed by mirror_factory('ddn', faults=True) or server.apply_expected_faults()"}],
        "posts": [expected_post(ORIGIN, p, ddn_date, MUST_NOT, HTML_MUST_NOT) for p in POSTS],
        "non_post_urls": non_posts(),
    }


def non_posts() -> list[dict]:
    out = [{"url": ORIGIN + "/", "kind": "listing"}, {"url": ORIGIN + "/page/2/", "kind": "listing"},
           {"url": ORIGIN + "/ddn-magazine-march-2021/", "kind": "page", "wp_id": 28380},
           {"url": ORIGIN + "/about/", "kind": "page", "wp_id": 2}, {"url": ORIGIN + "/feed/", "kind": "feed"}]
    out += [{"url": f"{ORIGIN}/category/{s}/", "kind": "archive"} for s in CATEGORIES]
    out += [{"url": f"{ORIGIN}/author/{s}/", "kind": "archive"} for s in AUTHORS]
    return out


if __name__ == "__main__":
    print(json.dumps(build(Path("/tmp/ddn-preview")), indent=1)[:400])
