"""Collective Voice mirror: Yoast sitemaps, the CV theme's own comment callback, one Twenty Ten page.

Comment times print as ``d/m/Y at g:i a`` in Europe/London. Every UTC value below was worked out
by hand (BST = UTC+1 from the last Sunday of March to the last Sunday of October) and
``wp.expected_post`` re-checks it with zoneinfo when the mirror is built.
"""

from __future__ import annotations

import json
from pathlib import Path

from wp import (ClassCounter, Comment, FeedItem, Post, attr, body_html, comment_page_url,
                comment_permalink, core_ping, dmy, expected_post, g_i_a, iso_local, iso_utc,
                pagination_nav, paras, reply_link, rss, tx, walk, yoast_index, yoast_urlset)

ORIGIN = "https://www.collectivevoice.org.uk"
SITE = "Collective Voice"
TAGLINE = "The national charity working to improve England’s drug and alcohol treatment and recovery systems"
UPLOADS = ORIGIN + "/wp-content/uploads"
MAX_DEPTH = 3  # thread_comments_depth on this site: no Reply link at depth 3


def cv_date(local: str) -> str:
    return f"{dmy(local)} at {g_i_a(local)}"


def caption(img: str, text: str, width: int, attachment: int) -> str:
    """html5 ``[caption]``: figure.wp-caption > img + figcaption.wp-caption-text."""
    return (f'<figure id="attachment_{attachment}" aria-describedby="caption-attachment-{attachment}" '
            f'style="width: {width}px" class="wp-caption aligncenter"><img loading="lazy" '
            f'class="size-large wp-image-{attachment}" src="{UPLOADS}/{img}" alt="" width="{width}" height="{width * 2 // 3}" '
            f'srcset="{UPLOADS}/{img} {width}w, {UPLOADS}/{img.replace(".jpg", "-300x200.jpg")} 300w" '
            f'sizes="(max-width: {width}px) 100vw, {width}px" />'
            f'<figcaption id="caption-attachment-{attachment}" class="wp-caption-text">{tx(text)}</figcaption></figure>')


# -- posts -----------------------------------------------------------------------------------

LONG_HAUL = Post(
    path="/blog/in-for-the-long-haul-collective-voice-the-next-three-years/",
    wp_id=1042,
    title="In for the Long Haul: Collective Voice & the Next Three Years",
    author="Collective Voice", author_slug="collective-voice",
    published_local="2016-02-24 09:30", published_utc="2016-02-24T09:30:00Z",
    modified_local="2016-02-25 11:04", modified_utc="2016-02-25T11:04:00Z",
    categories=[("Blog", "blog")], tags=[("Funding", "funding"), ("Strategy", "strategy")],
    theme="twentyten",
    excerpt="Collective Voice launched in August last year with a brief to influence local and national responses to drug and alcohol recovery",
    content=paras([
        "Collective Voice launched in August last year with a brief to influence local and national responses to drug and alcohol recovery to the benefit of service users and their communities. We have spent the last six months engaging with Whitehall, local government, service users, clinicians, academics and the media to promote the interests of the sector and those whose life chances are dependent on the continued provision of accessible, evidence-based interventions.",
        "Daunting challenges lie ahead. Investment in recovery is under threat as a result of cuts to the Public Health Grant to local authorities in the spending review. The link between the prison and community treatment systems is fractured, making relapse and reoffending on release more likely.",
        "Despite this there is much to celebrate: the successes of individuals in achieving their goals, the commitment of the entire sector to deliver evidence-based recovery interventions, declining drug use, dramatic reductions in drug-related crime, and low levels of HIV infection.",
        "Our experience of the last six months has therefore led the eight founding organisations to commit to continue to provide the core funding that enables Collective Voice to exist. Our current expectation is that this will initially be for a three-year period.",
        "However, Collective Voice’s purpose is not to represent its funders, but to advance the cause of service users by representing the whole treatment and recovery sector. To make this real we will be holding a series of “roundtables” targeted at particular segments of the sector i.e. NHS providers, commissioners, third sector providers and those providing services to young people.",
        "Coming together and making common cause to achieve our shared purpose won’t of itself solve the problems the current environment presents to those delivering and benefiting from services. However, to stay aloof from this effort is to abdicate responsibility.",
    ]),
    must_contain=[
        "Daunting challenges lie ahead.",
        "we will be holding a series of “roundtables” targeted at particular segments of the sector",
        "However, to stay aloof from this effort is to abdicate responsibility.",
    ],
    comment_pages=[[
        Comment(1223, "Annie Cole", "2019-07-05 10:31", "2019-07-05T09:31:00Z",
                ["Long overdue. Three years of core funding gives the sector room to plan properly."],
                url="https://anniecole.example.org/", children=[
            Comment(1224, "Collective Voice", "2019-07-05 11:02", "2019-07-05T10:02:00Z",
                    ["Thanks Annie – the roundtables start in the spring; do come along."],
                    nicename="collective-voice", post_author=True, children=[
                Comment(1231, "Dave Marsh", "2019-07-13 08:05", "2019-07-13T07:05:00Z",
                        ["Will the roundtables include people in recovery, not just providers?"]),
            ]),
        ]),
        Comment(1262, "Priya Shah", "2019-11-02 14:15", "2019-11-02T14:15:00Z",
                ["Reading this again after the election: the prison link is still the weakest part of the system."],
                url="https://priyashah.example.net/"),
    ]],
    comment_count=4,
    notes="Saved under the site's earlier Twenty Ten theme: classic comment markup (li#li-comment-N, "
          "div#comment-N, cite.fn, .comment-body is text only); Yoast og/article tags but no JSON-LD; "
          "no <time> element for the post date.",
)

FOUR_THREADS = Post(
    path="/blog/four-golden-threads/",
    wp_id=2718,
    title="Four golden threads — what the voluntary sector brings to treatment and recovery",
    author="Oliver Standing", author_slug="oliver-standing",
    published_local="2019-06-19 11:00", published_utc="2019-06-19T10:00:00Z",
    modified_local="2019-06-20 08:45", modified_utc="2019-06-20T07:45:00Z",
    categories=[("Blog", "blog")], tags=[("Recovery", "recovery"), ("Voluntary sector", "voluntary-sector")],
    excerpt="Since August last year I’ve visited many charities around the country hard at work supporting local people",
    content=paras([
        "Since August last year I’ve visited many charities around the country hard at work supporting local (and in a few cases not so local) people struggling with their drug or alcohol use, and, in some cases, their nearest and dearest too.",
        "I’ve been to Brighton in the sun and Leeds in the rain. I’ve witnessed lives in the process of profound change in the town centre of Rotherham and the beautiful countryside of Wiltshire. In Hertfordshire I heard how the roasting and brewing of coffee can be just as important a part of recovery as key-working or a medical intervention.",
        caption("2019/06/cranstoun-brighton.jpg", "With Cranstoun staff — and Caroline Lucas MP — at Pavillions in Brighton", 700, 2721),
        "None of this means I have a definitive understanding of exactly what’s happening in every area in England — no person or organisation can boast of that — but it does mean I’ve got a good feel for what these organisations are doing, and can do, for people struggling with some pretty serious life challenges.",
        "Having made these trips and reflected on the wisdom of the experts I spoke to — including of course those with a lived expertise in addiction and recovery —  I began to think about the essential characteristics of the voluntary sector in this context.",
        caption("2019/06/clouds-house.jpg", "With Michael and Rosie at Clouds House", 700, 2722),
        "<ol>\n<li>We are driven by values and want to change the world. Many charities were created in response to serious political, health or social injustices.</li>\n"
        "<li>Charities arise from the communities they serve — whether defined by geography or shared human experience.</li>\n"
        "<li>We have space to innovate. Our organisational and cultural DNA — as well as our legal status — means we can experiment and take risks in the way we approach things.</li>\n"
        "<li>We thrive through partnership. Not being big enough to do everything yourself means collaboration is essential.</li>\n</ol>",
        caption("2019/06/forward-leeds.jpg", "Meeting at Forward Leeds with NHS and commissioning partners", 700, 2723),
        "I believe these four golden threads run through the living tapestry of not just our story as a nation but many of our stories as citizens, family members and human beings. Do leave a comment below if you’d like to make suggestions.",
    ]),
    must_contain=[
        "I’ve been to Brighton in the sun and Leeds in the rain.",
        "We thrive through partnership.",
        "Do leave a comment below if you’d like to make suggestions.",
    ],
    captions=["With Cranstoun staff — and Caroline Lucas MP — at Pavillions in Brighton",
              "With Michael and Rosie at Clouds House",
              "Meeting at Forward Leeds with NHS and commissioning partners"],
    comment_pages=[[
        Comment(1201, "Mark Moody", "2019-06-21 00:19", "2019-06-20T23:19:00Z",
                ["Spot on about the ‘by us, for us’ feel – it’s what commissioners forget when they re-tender."],
                children=[
            Comment(1205, "Oliver Standing", "2019-06-21 09:02", "2019-06-21T08:02:00Z",
                    ["Thanks Mark. Re-tendering comes up in almost every visit; a fifth thread, perhaps?"],
                    url="https://www.collectivevoice.org.uk/", nicename="oliver-standing", post_author=True,
                    children=[
                Comment(1209, "Mark Moody", "2019-06-24 18:47", "2019-06-24T17:47:00Z",
                        ["Stability. Call it the fifth thread: stability of funding and of staff."]),
            ]),
        ]),
        Comment(1210, "Weekly recovery roundup – 28 June", None, None, [], kind="pingback",
                url="https://recoveryroundup.example.org/2019/06/28/weekly-roundup/",
                snippet="Weekly recovery roundup – 28 June"),
        Comment(1234, "Helen Ashworth", "2019-07-13 16:10", "2019-07-13T15:10:00Z",
                ["Innovation needs headroom, and headroom needs contracts longer than three years."],
                url="https://www.example-recovery.org.uk/"),
    ]],
    comment_count=5,
    notes="CV theme comment callback; a pingback with no date (posted_raw null); depth-3 reply has no Reply link.",
)

GOING_LOCAL = Post(
    path="/blog/going-local/",
    wp_id=3154,
    title="Going local",
    author="Oliver Standing", author_slug="oliver-standing",
    published_local="2019-12-17 10:00", published_utc="2019-12-17T10:00:00Z",
    modified_local="2019-12-18 14:20", modified_utc="2019-12-18T14:20:00Z",
    categories=[("Blog", "blog")], tags=[("Events", "events"), ("Localism", "localism")],
    excerpt="Over the past couple of months Collective Voice has held four ‘roadshow’ type events around the country.",
    content=paras([
        "Over the past couple of months Collective Voice has held four ‘roadshow’ type events around the country. The purpose of these was threefold:",
        "<ul>\n<li>bringing together local systems to explore how they are dealing with the long-term challenges of austerity, localism and changing client need</li>\n"
        "<li>sharing Collective Voice priorities for next year</li>\n"
        "<li>discussing issues of universal national relevance such as dis/investment, partnerships and political leadership.</li>\n</ul>",
        "These snapshots were fascinating. In Halifax we met at the impressive Basement Recovery Project (BRP) to discuss how Calderdale’s local system was coping. Admirably well it seems.",
        caption("2019/12/basement-house.jpg", "“Basement House” – a proud recovery portal on a Halifax high-street", 640, 3160),
        "There has been a real focus on place-based approaches in the last few years. <a href=\"https://lankellychase.org.uk/\">The Lankelly Chase Foundation</a> has adopted place as one of its ongoing action inquiries and published a historical review of place based approaches.",
        "<!-- wp:spacer -->\n<div style=\"height:20px\" aria-hidden=\"true\" class=\"wp-block-spacer\"></div>\n<!-- /wp:spacer -->",
        "In Nottingham the same sense of collaboration and systems thinking was apparent in the partnership response to the challenges posed by increasing need and decreasing resource.",
        "The three main challenges raised by attendees were:",
        "<ul>\n<li>dealing with disinvestment (an average of 27% has been lost to substance use budgets across England in the past four years)</li>\n"
        "<li>developing effective collaboration with other providers, recovery communities and health and social care structures</li>\n"
        "<li>adapting to the changing and growing need of the people our sector serves.</li>\n</ul>",
        "We’ll be publishing a brief report in the next month or so collating what was shared with us at the four events.",
    ]),
    must_contain=[
        "In Halifax we met at the impressive Basement Recovery Project (BRP)",
        "an average of 27% has been lost to substance use budgets across England",
        "We’ll be publishing a brief report in the next month or so",
    ],
    captions=["“Basement House” – a proud recovery portal on a Halifax high-street"],
    comment_pages=[
        [
            Comment(1340, "Gill Harper", "2019-12-17 15:41", "2019-12-17T15:41:00Z",
                    ["Calderdale really is a model – the front door at BRP is always open."], children=[
                Comment(1342, "Oliver Standing", "2019-12-18 09:15", "2019-12-18T09:15:00Z",
                        ["Agreed, Gill. We’ll be writing up Halifax in the report."],
                        nicename="oliver-standing", post_author=True),
            ]),
            Comment(1347, "Rob Ellis", "2019-12-19 23:58", "2019-12-19T23:58:00Z",
                    ["27% is a shocking figure & it’s worse in some boroughs."],
                    url="https://robellis.example.net/"),
        ],
        [
            Comment(1351, "Sam Okafor", "2020-01-03 08:30", "2020-01-03T08:30:00Z",
                    ["Will the report be shared with commissioners as well as providers?"], children=[
                Comment(1352, "Gill Harper", "2020-01-03 10:05", "2020-01-03T10:05:00Z",
                        ["I hope so – they were in the room in Halifax."], children=[
                    Comment(1355, "Sam Okafor", "2020-01-04 19:12", "2020-01-04T19:12:00Z",
                            ["Good to hear. Nottingham’s academy model deserves a wider audience too."]),
                ]),
            ]),
            Comment(1360, "Jess Turner", "2020-01-14 12:00", "2020-01-14T12:00:00Z",
                    ["Watching this space for the 2020 plans."]),
        ],
    ],
    comment_count=7,
    notes="Paginated comments (2 threads per page, newest page first): the bare permalink is page 2 "
          "with '« Older Comments' to comment-page-1; page-1 comment permalinks use /comment-page-1/.",
)

SPENDING_REVIEW = Post(
    path="/blog/spending-review-2021-a-welcome-boost/",
    wp_id=5402,
    title="Spending Review 2021: a welcome boost for treatment and recovery",
    author="Oliver Standing", author_slug="oliver-standing",
    published_local="2021-10-28 10:30", published_utc="2021-10-28T09:30:00Z",
    modified_local="2021-10-29 09:10", modified_utc="2021-10-29T08:10:00Z",
    categories=[("Blog", "blog")], tags=[("Funding", "funding"), ("Spending review", "spending-review")],
    excerpt="Yesterday’s Spending Review confirmed new money for drug and alcohol treatment",
    content=paras([
        "Yesterday’s Spending Review confirmed new money for drug and alcohol treatment – the first real-terms increase our members have seen in almost a decade.",
        "<h2>What the settlement means</h2>",
        "The money follows the second part of Dame Carol Black’s independent review, which called for investment in treatment to be restored and for recovery support to sit alongside clinical care.",
        "<blockquote class=\"wp-block-quote\"><p>Funding is the start, not the finish. The test is whether it reaches the front line.</p></blockquote>",
        "We will be working with members over the coming weeks to understand how allocations will be made, and we will publish a briefing before the end of November.",
    ]),
    must_contain=[
        "the first real-terms increase our members have seen in almost a decade",
        "Funding is the start, not the finish.",
        "we will publish a briefing before the end of November",
    ],
    comment_pages=[[
        Comment(1890, "Night Owl", "2021-10-31 01:30", "2021-10-31T00:30:00Z",
                ["Couldn’t sleep, so I read the whole Red Book. Treatment gets a paragraph; it deserves a chapter."],
                ambiguous=True),
        Comment(1893, "Chris from Bolton", None, None,
                ["Our service lost two keyworkers last year. Will any of this reach us?"],
                raw="a while back", children=[
            Comment(1894, "Oliver Standing", "2021-11-01 09:40", "2021-11-01T09:40:00Z",
                    ["It should, Chris – the grant is ring-fenced. We’ll say more in the briefing."],
                    nicename="oliver-standing", post_author=True),
        ]),
    ]],
    comment_count=3,
    notes="'31/10/2021 at 1:30 am' falls in the repeated hour: first (BST) occurrence chosen, flagged "
          "ambiguous. 'a while back' cannot be parsed: posted_at null, posted_raw kept.",
)

SENTENCING = Post(
    path="/blog/what-the-sentencing-bill-means-for-people-who-use-drugs-and-alcohol-and-services-that-support-them/",
    wp_id=9812,
    title="What the Sentencing Bill means for people who use drugs and alcohol and services that support them.",
    author="Collective Voice", author_slug="collective-voice",
    published_local="2025-10-08 11:00", published_utc="2025-10-08T10:00:00Z",
    modified_local="2025-10-09 16:30", modified_utc="2025-10-09T15:30:00Z",
    categories=[("Blog", "blog")], tags=[("Criminal justice", "criminal-justice")],
    excerpt="The Sentencing Bill is shortly due to enter Committee stage in Parliament.",
    content=paras([
        "The Sentencing Bill is shortly due to enter Committee stage in Parliament. It includes two clauses which would bring positive changes to sentencing by, if well implemented, reducing pressure on the prison system and ensuring that people whose contact with the criminal justice system is related to the way they use drugs and alcohol are able to get the treatment and support they need.",
        "<h3>Community sentences with treatment requirements</h3>",
        "Drug Rehabilitation Requirements and Alcohol Treatment Requirements work best when courts, probation and treatment services plan them together.",
        "We will brief members as the Bill progresses through Committee.",
    ]),
    must_contain=[
        "The Sentencing Bill is shortly due to enter Committee stage in Parliament.",
        "Drug Rehabilitation Requirements and Alcohol Treatment Requirements work best",
    ],
    comment_pages=[],
    comment_count=0,
    notes="No comments yet: comment form only.",
)

DRUG_STRATEGY = Post(
    path="/news/collective-voice-responds-to-the-drug-strategy/",
    wp_id=5530,
    title="Collective Voice responds to the Drug Strategy",
    author="Collective Voice", author_slug="collective-voice",
    published_local="2021-12-06 14:00", published_utc="2021-12-06T14:00:00Z",
    modified_local="2021-12-06 16:25", modified_utc="2021-12-06T16:25:00Z",
    categories=[("News", "news")], tags=[("Drug strategy", "drug-strategy")],
    excerpt="Collective Voice welcomes the Government’s ten-year drug strategy",
    content=paras([
        "Collective Voice welcomes the Government’s ten-year drug strategy, <em>From harm to hope</em>, published today.",
        "The strategy commits to rebuilding the treatment workforce and to a full treatment place for every offender with an addiction.",
        "Members can read our full briefing on the <a href=\"https://www.collectivevoice.org.uk/members/\">members’ area</a>.",
    ]),
    must_contain=[
        "Collective Voice welcomes the Government’s ten-year drug strategy, From harm to hope, published today.",
        "a full treatment place for every offender with an addiction",
    ],
    comments_open=False,
    comment_count=0,
    notes="News post under /news/; comments are closed (p.no-comments).",
)

POSTS = [LONG_HAUL, FOUR_THREADS, GOING_LOCAL, SPENDING_REVIEW, DRUG_STRATEGY, SENTENCING]
BLOG_POSTS = sorted([p for p in POSTS if p.path.startswith("/blog/")], key=lambda p: p.published_utc, reverse=True)
NEWS_POSTS = [p for p in POSTS if p.path.startswith("/news/")]
EXTRA_PAGES = [
    (14, "/members/", "Members", "Our members deliver the majority of drug and alcohol treatment in England."),
    (16, "/contact/", "Contact", "Email us at info@collectivevoice.org.uk."),
    (3, "/privacy-policy/", "Privacy policy", "We only keep the personal data we need to run this site."),
]
AUTHORS = {"oliver-standing": "Oliver Standing", "collective-voice": "Collective Voice"}

MUST_NOT = ["Share this", "Leave a Reply", "Related Content", "Collective Voice Logo",
            "Collective Voice is the national charity working to improve",
            "Click to share on Twitter", "Subscribe to our newsletter", "Skip to content",
            "Older Comments", "Read More"]
HTML_MUST_NOT = ["sharedaddy", "cv-share", "related-content", "custom-logo", "comment-list",
                 "commentlist", "commentform", "<script"]


# -- page furniture --------------------------------------------------------------------------

def head(title: str, canonical: str, description: str, *, post: Post | None = None,
         page_id: int | None = None, og_type: str = "article", jsonld: bool = True,
         robots: str = "index, follow") -> str:
    extra = ""
    if post is not None:
        extra += (f'\t<meta property="article:publisher" content="https://www.facebook.com/collectivevoiceuk" />\n'
                  f'\t<meta property="article:published_time" content="{iso_utc(post.published_utc)}" />\n'
                  f'\t<meta property="article:modified_time" content="{iso_utc(post.modified_utc)}" />\n'
                  f'\t<meta property="og:image" content="{UPLOADS}/2019/06/cv-share-card.png" />\n'
                  '\t<meta property="og:image:width" content="1200" />\n\t<meta property="og:image:height" content="630" />\n'
                  '\t<meta property="og:image:type" content="image/png" />\n'
                  f'\t<meta name="author" content="{attr(post.author)}" />\n'
                  '\t<meta name="twitter:card" content="summary_large_image" />\n'
                  '\t<meta name="twitter:creator" content="@CollectiveVoic1" />\n'
                  f'\t<meta name="twitter:label1" content="Written by" />\n\t<meta name="twitter:data1" content="{attr(post.author)}" />\n'
                  '\t<meta name="twitter:label2" content="Est. reading time" />\n\t<meta name="twitter:data2" content="4 minutes" />\n')
        if jsonld:
            extra += f'\t<script type="application/ld+json" class="yoast-schema-graph">{schema(post)}</script>\n'
    api = f"/wp/v2/posts/{post.wp_id}" if post else (f"/wp/v2/pages/{page_id}" if page_id else "")
    comments_feed = (f'<link rel="alternate" type="application/rss+xml" title="Collective Voice &raquo; {tx(post.title)} Comments Feed" '
                     f'href="{canonical}feed/" />\n' if post else "")
    shortlink = f"<link rel='shortlink' href='{ORIGIN}/?p={post.wp_id if post else page_id}' />\n" if (post or page_id) else ""
    return f"""<!doctype html>
<html lang="en-GB" class="no-js">
<head>
	<meta charset="UTF-8">
	<meta name="viewport" content="width=device-width, initial-scale=1">
	<link rel="profile" href="https://gmpg.org/xfn/11">
	<script>document.documentElement.className = document.documentElement.className.replace( 'no-js', 'js' );</script>

	<!-- This site is optimized with the Yoast SEO plugin v19.7.1 - https://yoast.com/wordpress/plugins/seo/ -->
	<title>{tx(title)}</title>
	<meta name="description" content="{attr(description)}" />
	<meta name="robots" content="{robots}, max-image-preview:large, max-snippet:-1, max-video-preview:-1" />
	<link rel="canonical" href="{canonical}" />
	<meta property="og:locale" content="en_GB" />
	<meta property="og:type" content="{og_type}" />
	<meta property="og:title" content="{attr(title)}" />
	<meta property="og:description" content="{attr(description)}" />
	<meta property="og:url" content="{canonical}" />
	<meta property="og:site_name" content="Collective Voice" />
{extra}	<!-- / Yoast SEO plugin. -->


<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel='dns-prefetch' href='//s.w.org' />
<link rel="alternate" type="application/rss+xml" title="Collective Voice &raquo; Feed" href="{ORIGIN}/feed/" />
<link rel="alternate" type="application/rss+xml" title="Collective Voice &raquo; Comments Feed" href="{ORIGIN}/comments/feed/" />
{comments_feed}<link rel='stylesheet' id='wp-block-library-css'  href='{ORIGIN}/wp-includes/css/dist/block-library/style.min.css?ver=6.0.2' media='all' />
<link rel='stylesheet' id='cv-style-css'  href='{ORIGIN}/wp-content/themes/collectivevoice/style.css?ver=1.4.2' media='all' />
<link rel='stylesheet' id='jetpack_css-css'  href='{ORIGIN}/wp-content/plugins/jetpack/css/jetpack.css?ver=11.3.1' media='all' />
<script src='{ORIGIN}/wp-includes/js/jquery/jquery.min.js?ver=3.6.0' id='jquery-core-js'></script>
<link rel="https://api.w.org/" href="{ORIGIN}/wp-json/" />{f'<link rel="alternate" type="application/json" href="{ORIGIN}/wp-json{api}" />' if api else ''}
{shortlink}<meta name="generator" content="WordPress 6.0.2" />
<!-- Global site tag (gtag.js) - Google Analytics -->
<script async src="https://www.googletagmanager.com/gtag/js?id=UA-74231805-1"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());
  gtag('config', 'UA-74231805-1');
</script>
<link rel="icon" href="{UPLOADS}/2018/03/cropped-cv-icon-32x32.png" sizes="32x32" />
</head>
"""


def schema(post: Post) -> str:
    url = ORIGIN + post.path
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
         "author": {"name": post.author, "@id": f"{ORIGIN}/#/schema/person/{post.author_slug}"},
         "headline": post.title, "datePublished": iso_utc(post.published_utc),
         "dateModified": iso_utc(post.modified_utc), "mainEntityOfPage": {"@id": url},
         "wordCount": 812, "commentCount": post.comment_count,
         "publisher": {"@id": f"{ORIGIN}/#organization"},
         "keywords": [t for t, _ in post.tags], "articleSection": [c for c, _ in post.categories],
         "inLanguage": "en-GB",
         "potentialAction": [{"@type": "CommentAction", "name": "Comment", "target": [f"{url}#respond"]}]},
        {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - Collective Voice",
         "isPartOf": {"@id": f"{ORIGIN}/#website"}, "datePublished": iso_utc(post.published_utc),
         "dateModified": iso_utc(post.modified_utc), "breadcrumb": {"@id": f"{url}#breadcrumb"},
         "inLanguage": "en-GB"},
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{ORIGIN}/"},
            {"@type": "ListItem", "position": 2, "name": post.title}]},
        {"@type": "WebSite", "@id": f"{ORIGIN}/#website", "url": f"{ORIGIN}/", "name": "Collective Voice",
         "publisher": {"@id": f"{ORIGIN}/#organization"}, "inLanguage": "en-GB"},
        {"@type": "Organization", "@id": f"{ORIGIN}/#organization", "name": "Collective Voice",
         "url": f"{ORIGIN}/", "logo": {"@type": "ImageObject", "url": f"{UPLOADS}/2018/03/cv-logo.png"}},
        {"@type": "Person", "@id": f"{ORIGIN}/#/schema/person/{post.author_slug}", "name": post.author,
         "url": f"{ORIGIN}/author/{post.author_slug}/"},
    ]}
    return json.dumps(graph, ensure_ascii=False, separators=(",", ":"))


MENU = [("About us", "/about-us/", 21), ("Blog", "/blog/", 22), ("News", "/news/", 23),
        ("Members", "/members/", 24), ("Contact", "/contact/", 25)]


def masthead(current: str | None = None) -> str:
    items = "".join(
        f'<li id="menu-item-{mid}" class="menu-item menu-item-type-post_type menu-item-object-page menu-item-{mid}'
        f'{" current-menu-item" if path == current else ""}"><a href="{ORIGIN}{path}">{label}</a></li>'
        for label, path, mid in MENU)
    return f"""<div id="page" class="site">
	<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>

	<header id="masthead" class="site-header">
		<div class="site-branding site-logo">
			<a href="{ORIGIN}/" class="custom-logo-link" rel="home"><img width="320" height="96" src="{UPLOADS}/2018/03/cv-logo.png" class="custom-logo" alt="Collective Voice Logo" decoding="async" /></a>					<p class="site-description screen-reader-text">{tx(TAGLINE)}</p>
		</div><!-- .site-branding -->

		<nav id="site-navigation" class="main-navigation">
			<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
			<div class="menu-main-menu-container"><ul id="primary-menu" class="menu">{items}</ul></div>		</nav><!-- #site-navigation -->
	</header><!-- #masthead -->
"""


def sidebar() -> str:
    recent = "".join(f'<li><a href="{ORIGIN}{p.path}">{tx(p.title)}</a></li>\n' for p in BLOG_POSTS[:3])
    return f"""
<aside id="secondary" class="widget-area">
	<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{ORIGIN}/">
				<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label>
				<input type="submit" class="search-submit" value="Search" /></form></section>
	<section id="recent-posts-2" class="widget widget_recent_entries">
		<h2 class="widget-title">Recent Posts</h2>
		<ul>
{recent}		</ul>
		</section>
	<section id="text-3" class="widget widget_text cv-newsletter"><h2 class="widget-title">Newsletter</h2><div class="textwidget"><p>Subscribe to our newsletter for sector news and member updates.</p>
<p><a class="button" href="https://collectivevoice.us17.list-manage.com/subscribe?u=abc&amp;id=def">Sign up</a></p>
</div></section>
</aside><!-- #secondary -->
"""


def footer() -> str:
    return f"""
	<footer id="colophon" class="site-footer">
		<div class="site-info">
			<p class="footer-mission">Collective Voice is the national charity working to improve England&#8217;s drug and alcohol treatment and recovery systems</p>
			<p>Registered charity number 1174281 &middot; <a href="{ORIGIN}/privacy-policy/">Privacy policy</a></p>
		</div><!-- .site-info -->
	</footer><!-- #colophon -->
</div><!-- #page -->

<script src='{ORIGIN}/wp-content/themes/collectivevoice/js/navigation.js?ver=1.4.2' id='cv-navigation-js'></script>
<script src='{ORIGIN}/wp-includes/js/comment-reply.min.js?ver=6.0.2' id='comment-reply-js'></script>
<script type='text/javascript'>
/* <![CDATA[ */
var sharing_js_options = {{"lang":"en","counts":"1","is_stats_active":"1"}};
/* ]]> */
</script>
</body>
</html>
"""


def theme_share(url: str, title: str) -> str:
    """The CV theme's own share block, printed between the header and the content."""
    return f"""
	<div class="cv-share">
		<h3 class="cv-share__title">Share this</h3>
		<ul class="cv-share__list">
			<li><a class="cv-share__twitter" href="https://twitter.com/intent/tweet?url={url}&amp;text={attr(title)}" target="_blank" rel="noopener">Twitter</a></li>
			<li><a class="cv-share__linkedin" href="https://www.linkedin.com/shareArticle?mini=true&amp;url={url}" target="_blank" rel="noopener">LinkedIn</a></li>
			<li><a class="cv-share__email" href="mailto:?subject={attr(title)}&amp;body={url}">Email</a></li>
		</ul>
	</div>
"""


def sharedaddy(url: str, wp_id: int) -> str:
    """Jetpack sharing, appended inside .entry-content by the_content."""
    buttons = "".join(
        f'<li class="share-{s}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{s}-{wp_id}" '
        f'class="share-{s} sd-button share-icon" href="{url}?share={s}" target="_blank" '
        f'title="Click to share on {label}"><span>{label}</span></a></li>'
        for s, label in (("twitter", "Twitter"), ("facebook", "Facebook"), ("linkedin", "LinkedIn")))
    return (f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
            f'<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{buttons}<li class="share-end"></li></ul></div></div></div>')


def related(exclude: Post) -> str:
    picks = [p for p in BLOG_POSTS if p is not exclude][:2]
    items = "".join(f"""
		<article class="related-item">
			<h3 class="related-item__title"><a href="{ORIGIN}{p.path}">{tx(p.title)}</a></h3>
			<p>{tx(p.excerpt)}</p>
			<a class="related-item__more" href="{ORIGIN}{p.path}">Read More</a>
		</article>""" for p in picks)
    return f"""
	<section class="related-content">
		<h2 class="related-content__title">Related Content</h2>{items}
	</section>
"""


def comment_form(post: Post) -> str:
    url = ORIGIN + post.path
    return f"""	<div id="respond" class="comment-respond">
		<h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h3><form action="{ORIGIN}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message" aria-hidden="true">Required fields are marked <span class="required" aria-hidden="true">*</span></span></p><p class="comment-form-comment"><label for="comment">Comment <span class="required" aria-hidden="true">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p><p class="comment-form-author"><label for="author">Name <span class="required" aria-hidden="true">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" required /></p>
<p class="comment-form-email"><label for="email">Email <span class="required" aria-hidden="true">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" required /></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='{post.wp_id}' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' />
</p></form>	</div><!-- #respond -->
"""


# -- comment walkers ---------------------------------------------------------------------------

def cv_comments(post: Post, page: int, permalink_page) -> str:
    """The CV theme callback: name, date text and a '#' permalink; ul.children for replies."""
    counter = ClassCounter()
    url = ORIGIN + post.path

    def render(c: Comment, depth: int) -> str:
        classes = counter.classes(c, depth, with_parent=True)
        children = "".join(render(k, depth + 1) for k in c.children)
        kids = f'\n\t\t<ul class="children">\n{children}\t\t</ul><!-- .children -->\n' if c.children else ""
        if c.kind == "pingback":
            return (f'\t<li class="{classes}" id="comment-{c.wp_id}">\n'
                    f'\t\t<div class="cv-comment cv-comment--ping"><p>Pingback: <a href="{attr(c.url or "")}" '
                    f'class="url" rel="ugc external nofollow">{tx(c.author)}</a></p></div>\n\t</li><!-- #comment-## -->\n')
        author = author_html(c)
        date = c.raw if c.raw is not None else cv_date(c.local)
        link = permalink_page(c.wp_id)
        mod = '\n\t\t\t<em class="comment-awaiting-moderation">Your comment is awaiting moderation.</em>' if c.moderation else ""
        reply = reply_link(url, c, post.wp_id, f"comment-{c.wp_id}", MAX_DEPTH, depth)
        return (f'\t<li class="{classes}" id="comment-{c.wp_id}">\n'
                f'\t\t<div class="cv-comment">\n'
                f'\t\t\t<div class="cv-comment__meta"><span class="cv-comment__author">{author}</span>\n'
                f'\t\t\t\t<span class="cv-comment__date">{tx(date)}</span>\n'
                f'\t\t\t\t<a class="cv-comment__link" href="{link}">#</a></div>{mod}\n'
                f'\t\t\t<div class="cv-comment__text">{body_html(c)}</div>\n'
                f'\t\t\t{reply}\n\t\t</div>{kids}\n\t</li><!-- #comment-## -->\n')

    return "".join(render(c, 1) for c in post.comment_pages[page - 1])


def author_html(c: Comment) -> str:
    if c.url:
        return f'<a href="{attr(c.url)}" rel="external nofollow ugc">{tx(c.author)}</a>'
    return tx(c.author)


def twentyten_comments(post: Post, page: int, permalink_page) -> str:
    """``twentyten_comment``: li#li-comment-N > div#comment-N; .comment-body holds text only."""
    counter = ClassCounter()
    url = ORIGIN + post.path

    def render(c: Comment, depth: int) -> str:
        classes = counter.classes(c, depth, with_parent=False)
        if c.kind == "pingback":
            return core_ping(c, classes)
        children = "".join(render(k, depth + 1) for k in c.children)
        kids = f'\n\t<ul class="children">\n{children}\t</ul>\n' if c.children else ""
        cite = (f'<a href="{attr(c.url)}" class="url" rel="ugc external nofollow">{tx(c.author)}</a>'
                if c.url else tx(c.author))
        reply = reply_link(url, c, post.wp_id, f"comment-{c.wp_id}", MAX_DEPTH, depth)
        return (f'\t<li class="{classes}" id="li-comment-{c.wp_id}">\n'
                f'\t\t<div id="comment-{c.wp_id}">\n'
                f'\t\t<div class="comment-author vcard">\n'
                f"\t\t\t<img alt='' src='https://secure.gravatar.com/avatar/{c.wp_id:032x}?s=40&#038;d=mm&#038;r=g' "
                f"class='avatar avatar-40 photo' height='40' width='40' loading='lazy'/>\t\t\t"
                f'<cite class="fn">{cite}</cite> <span class="says">says:</span>\t\t</div><!-- .comment-author .vcard -->\n\n'
                f'\t\t<div class="comment-meta commentmetadata"><a href="{permalink_page(c.wp_id)}">\n'
                f'\t\t\t{cv_date(c.local)}</a>\t\t</div><!-- .comment-meta .commentmetadata -->\n\n'
                f'\t\t<div class="comment-body">{body_html(c)}</div>\n\n'
                f'\t\t<div class="reply">\n\t\t\t{reply}\t\t</div><!-- .reply -->\n'
                f'\t</div><!-- #comment-##  -->\n{kids}\n\t</li>\n')

    return "".join(render(c, 1) for c in post.comment_pages[page - 1])


# -- pages ----------------------------------------------------------------------------------

def post_page(post: Post, page: int) -> str:
    url = ORIGIN + post.path
    n_pages = len(post.comment_pages)
    page_url = comment_page_url(ORIGIN, post, page) if n_pages else url
    classes = (f"post-{post.wp_id} post type-post status-publish format-standard"
               f"{' has-post-thumbnail' if post.captions else ''} hentry "
               + " ".join(f"category-{s}" for _, s in post.categories) + " "
               + " ".join(f"tag-{s}" for _, s in post.tags))
    cats = ", ".join(f'<a href="{ORIGIN}/{s}/" rel="category tag">{n}</a>' for n, s in post.categories)
    tags = ", ".join(f'<a href="{ORIGIN}/tag/{s}/" rel="tag">{tx(n)}</a>' for n, s in post.tags)
    content = post.content + "\n" + sharedaddy(url, post.wp_id)
    title = f"{post.title} - Collective Voice"
    if n_pages > 1 and page < n_pages:
        title = f"{post.title} - Page {page} - Collective Voice"
    classic = post.theme == "twentyten"
    body_class = (f"post-template-default single single-post postid-{post.wp_id} single-format-standard "
                  f"{'wp-custom-logo' if not classic else ''} {'cv-theme' if not classic else 'twentyten'}")
    out = [head(title, page_url, post.excerpt, post=post, jsonld=not classic),
           f'\n<body class="{body_class.strip()}">\n', masthead(),
           '\n\t<div id="content" class="site-content">\n\t<main id="primary" class="site-main">\n']
    if classic:
        out.append(f"""
			<div id="post-{post.wp_id}" class="{classes}">
					<h1 class="entry-title">{tx(post.title)}</h1>

					<div class="entry-meta">
						<span class="meta-prep meta-prep-author">Posted on</span> <a href="{url}" title="{g_i_a(post.published_local)}" rel="bookmark"><span class="entry-date">{dmy(post.published_local)}</span></a> <span class="meta-sep">by</span> <span class="author vcard"><a class="url fn n" href="{ORIGIN}/author/{post.author_slug}/" title="View all posts by {attr(post.author)}">{tx(post.author)}</a></span>					</div><!-- .entry-meta -->
{theme_share(url, post.title)}
					<div class="entry-content">
						{content}
											</div><!-- .entry-content -->

					<div class="entry-utility">
						This entry was posted in {cats} and tagged {tags}. Bookmark the <a href="{url}" title="Permalink to {attr(post.title)}" rel="bookmark">permalink</a>.											</div><!-- .entry-utility -->
				</div><!-- #post-## -->
""")
    else:
        out.append(f"""
<article id="post-{post.wp_id}" class="{classes}">
	<header class="entry-header">
		<h1 class="entry-title">{tx(post.title)}</h1>			<div class="entry-meta">
				<span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{iso_local(post.published_local)}">{dmy(post.published_local)}</time><time class="updated" datetime="{iso_local(post.modified_local)}">{dmy(post.modified_local)}</time></a></span><span class="byline"> by <span class="author vcard"><a class="url fn n" href="{ORIGIN}/author/{post.author_slug}/">{tx(post.author)}</a></span></span>			</div><!-- .entry-meta -->
			</header><!-- .entry-header -->
{theme_share(url, post.title)}
	<div class="entry-content">
		{content}
	</div><!-- .entry-content -->

	<footer class="entry-footer">
		<span class="cat-links">Posted in {cats}</span><span class="tags-links">Tagged {tags}</span>	</footer><!-- .entry-footer -->
</article><!-- #post-{post.wp_id} -->
""")
    out.append(comments_area(post, page, classic))
    out.append(related(post))
    out.append("\t</main><!-- #main -->\n" + sidebar() + "\t</div><!-- #content -->\n" + footer())
    return "".join(out)


def comments_area(post: Post, page: int, classic: bool) -> str:
    if not post.comments_open and not post.comment_pages:
        return '\n<div id="comments" class="comments-area">\n\t<p class="no-comments">Comments are closed.</p>\n</div><!-- #comments -->\n'
    n_pages = len(post.comment_pages)
    nav = ""
    if n_pages > 1:
        older = (f'<a href="{comment_page_url(ORIGIN, post, page - 1)}#comments">&laquo; Older Comments</a>'
                 if page > 1 else "")
        newer = (f'<a href="{comment_page_url(ORIGIN, post, page + 1)}#comments">Newer Comments &raquo;</a>'
                 if page < n_pages else "")
        nav = (f'\n\t<div class="navigation">\n\t\t<div class="nav-previous">{older}</div>\n'
               f'\t\t<div class="nav-next">{newer}</div>\n\t</div><!-- .navigation -->\n')

    def link(wp_id: int) -> str:
        return comment_permalink(ORIGIN, post, page, wp_id)

    if not post.comment_pages:
        return f'\n<div id="comments" class="comments-area">\n\n{comment_form(post)}\n</div><!-- #comments -->\n'
    if classic:
        listing = twentyten_comments(post, page, link)
        responses = "One Response" if post.comment_count == 1 else f"{post.comment_count} Responses"
        return (f'\n\t\t\t<div id="comments">\n\n\t\t\t<h3 id="comments-title">{responses} to <em>{tx(post.title)}</em></h3>\n'
                f'{nav}\n\t\t\t<ol class="commentlist">\n{listing}\t\t\t</ol>\n{nav}\n{comment_form(post)}\n</div><!-- #comments -->\n')
    listing = cv_comments(post, page, link)
    word = "Comment" if post.comment_count == 1 else "Comments"
    return (f'\n<div id="comments" class="comments-area">\n\n\t\t<h2 class="comments-title">{post.comment_count} {word}</h2>\n'
            f'{nav}\n\t\t<ol class="comment-list">\n{listing}\t\t</ol><!-- .comment-list -->\n{nav}\n'
            f'{comment_form(post)}\n</div><!-- #comments -->\n')


def listing_page(title: str, canonical: str, body_class: str, posts: list[Post], heading: str,
                 nav: str = "", current: str | None = None) -> str:
    items = []
    for p in posts:
        items.append(f"""
<article id="post-{p.wp_id}" class="post-{p.wp_id} post type-post status-publish format-standard hentry {' '.join('category-' + s for _, s in p.categories)}">
	<header class="entry-header">
		<h2 class="entry-title"><a href="{ORIGIN}{p.path}" rel="bookmark">{tx(p.title)}</a></h2>			<div class="entry-meta">
				<span class="posted-on">Posted on <a href="{ORIGIN}{p.path}" rel="bookmark"><time class="entry-date published" datetime="{iso_local(p.published_local)}">{dmy(p.published_local)}</time></a></span>			</div><!-- .entry-meta -->
			</header><!-- .entry-header -->
	<div class="entry-summary">
		<p>{tx(p.excerpt)} &hellip; <a class="more-link" href="{ORIGIN}{p.path}">Read More</a></p>
	</div><!-- .entry-summary -->
</article><!-- #post-{p.wp_id} -->
""")
    return (head(title, canonical, TAGLINE, og_type="website") + f'\n<body class="{body_class}">\n' + masthead(current)
            + '\n\t<div id="content" class="site-content">\n\t<main id="primary" class="site-main">\n'
            + f'\n\t\t\t<header class="page-header">\n\t\t\t\t<h1 class="page-title">{tx(heading)}</h1>\t\t\t</header><!-- .page-header -->\n'
            + "".join(items) + nav + "\n\t</main><!-- #main -->\n" + sidebar() + "\t</div><!-- #content -->\n" + footer())


def wp_page(page_id: int, path: str, title: str, content: str, body_extra: str = "") -> str:
    url = ORIGIN + path
    body = paras(content.split("\n\n"))
    return (head(f"{title} - Collective Voice", url, TAGLINE, page_id=page_id, og_type="website")
            + f'\n<body class="page-template-default page page-id-{page_id} wp-custom-logo cv-theme{body_extra}">\n'
            + masthead(path)
            + '\n\t<div id="content" class="site-content">\n\t<main id="primary" class="site-main">\n'
            + f"""
<article id="post-{page_id}" class="post-{page_id} page type-page status-publish hentry">
	<header class="entry-header">
		<h1 class="entry-title">{tx(title)}</h1>	</header><!-- .entry-header -->

	<div class="entry-content">
		{body}
	</div><!-- .entry-content -->
</article><!-- #post-{page_id} -->
"""
            + "\n\t</main><!-- #main -->\n" + sidebar() + "\t</div><!-- #content -->\n" + footer())


# -- build ----------------------------------------------------------------------------------

def listing_nav(base: str, page: int, pages: int) -> str:
    def href(n: int) -> str:
        return f"{ORIGIN}{base}" if n == 1 else f"{ORIGIN}{base}page/{n}/"
    links = [(str(n), None if n == page else href(n)) for n in range(1, pages + 1)]
    return pagination_nav(links, href(page + 1) if page < pages else None, href(page - 1) if page > 1 else None)


def build(root: Path) -> dict:
    """Write every file of the Collective Voice mirror under ``root``; return ground truth."""
    files: dict[str, str] = {}
    for post in POSTS:
        n_pages = len(post.comment_pages)
        if n_pages <= 1:
            files[post.path] = post_page(post, max(n_pages, 1))
        else:
            files[post.path] = post_page(post, n_pages)
            for n in range(1, n_pages):
                files[f"{post.path}comment-page-{n}/"] = post_page(post, n)

    per_page = 3
    chunks = [BLOG_POSTS[i:i + per_page] for i in range(0, len(BLOG_POSTS), per_page)]
    for n, chunk in enumerate(chunks, start=1):
        path = "/blog/" if n == 1 else f"/blog/page/{n}/"
        paged = "" if n == 1 else f" paged paged-{n} category-paged-{n}"
        files[path] = listing_page(f"Blog Archives{'' if n == 1 else f' - Page {n} of {len(chunks)}'} - Collective Voice",
                                   ORIGIN + path, f"archive category category-blog category-3{paged} wp-custom-logo cv-theme",
                                   chunk, "Blog", listing_nav("/blog/", n, len(chunks)), "/blog/")
    files["/news/"] = listing_page("News Archives - Collective Voice", ORIGIN + "/news/",
                                   "archive category category-news category-4 wp-custom-logo cv-theme",
                                   NEWS_POSTS, "News", "", "/news/")
    for slug, name in AUTHORS.items():
        mine = [p for p in sorted(POSTS, key=lambda p: p.published_utc, reverse=True) if p.author_slug == slug]
        files[f"/author/{slug}/"] = listing_page(f"{name}, Author at Collective Voice", f"{ORIGIN}/author/{slug}/",
                                                 f"archive author author-{slug} wp-custom-logo cv-theme", mine, name)
    files["/"] = wp_page(8, "/", "Home", "Collective Voice is the national charity working to improve England’s drug and alcohol treatment and recovery systems. Read our latest <a href=\"https://www.collectivevoice.org.uk/blog/\">blog posts</a>.",
                         body_extra=" home page-template-front")
    files["/about-us/"] = wp_page(12, "/about-us/", "About us",
                                  "Collective Voice was founded in 2015 by the leading voluntary sector providers of drug and alcohol treatment in England.\n\n"
                                  "We bring together members, people with lived experience and partners across health, justice and local government.")
    for page_id, path, title, text in EXTRA_PAGES:
        files[path] = wp_page(page_id, path, title, text)

    # sitemaps (Yoast); post-sitemap2.xml is listed but absent, so it answers 404
    post_entries = [(ORIGIN + p.path, iso_utc(p.modified_utc)) for p in sorted(POSTS, key=lambda p: p.modified_utc)]
    last_mod = max(m for _, m in post_entries)
    page_entries = [(ORIGIN + "/", "2022-03-01T10:00:00+00:00"), (ORIGIN + "/about-us/", "2021-01-12T15:32:10+00:00")]
    page_entries += [(ORIGIN + path, "2020-05-04T08:00:00+00:00") for _, path, _, _ in EXTRA_PAGES]
    cat_entries = [(ORIGIN + "/blog/", iso_utc(BLOG_POSTS[0].modified_utc)),
                   (ORIGIN + "/news/", iso_utc(NEWS_POSTS[0].modified_utc))]
    author_entries = [(f"{ORIGIN}/author/{s}/", last_mod) for s in AUTHORS]
    files["/post-sitemap.xml"] = yoast_urlset(post_entries)
    files["/page-sitemap.xml"] = yoast_urlset(page_entries)
    files["/category-sitemap.xml"] = yoast_urlset(cat_entries)
    files["/author-sitemap.xml"] = yoast_urlset(author_entries)
    index = [(f"{ORIGIN}/post-sitemap.xml", last_mod), (f"{ORIGIN}/post-sitemap2.xml", last_mod),
             (f"{ORIGIN}/page-sitemap.xml", page_entries[0][1]), (f"{ORIGIN}/category-sitemap.xml", cat_entries[0][1]),
             (f"{ORIGIN}/author-sitemap.xml", last_mod)]
    files["/sitemap_index.xml"] = yoast_index(index)
    files["/robots.txt"] = ("# START YOAST BLOCK\n# ---------------------------\nUser-agent: *\nDisallow:\n\n"
                            f"Sitemap: {ORIGIN}/sitemap_index.xml\n# ---------------------------\n# END YOAST BLOCK\n"
                            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n")
    newest = sorted(POSTS, key=lambda p: p.published_utc, reverse=True)
    files["/feed/"] = rss(ORIGIN, SITE, TAGLINE, max(p.modified_utc for p in POSTS), [
        FeedItem(p.title, ORIGIN + p.path, p.wp_id, p.published_utc, p.author, [c for c, _ in p.categories],
                 tx(p.excerpt), p.content, p.comment_count) for p in newest])

    write(root, files)
    for post in POSTS:  # furniture strings must not be part of the article itself
        for needle in MUST_NOT:
            assert needle not in post.content, (post.path, needle)
    return {
        "site": "collectivevoice",
        "origin": ORIGIN,
        "sitemaps": [u for u, _ in index] + [f"{ORIGIN}/sitemap_index.xml"],
        "missing_urls": [f"{ORIGIN}/post-sitemap2.xml"],
        "faults": [],
        "posts": [expected_post(ORIGIN, p, cv_date, MUST_NOT, HTML_MUST_NOT) for p in POSTS],
        "non_post_urls": non_posts(),
    }


def non_posts() -> list[dict]:
    out = [{"url": ORIGIN + "/", "kind": "page", "wp_id": 8}, {"url": ORIGIN + "/about-us/", "kind": "page", "wp_id": 12},
           {"url": ORIGIN + "/blog/", "kind": "listing"}, {"url": ORIGIN + "/blog/page/2/", "kind": "listing"},
           {"url": ORIGIN + "/news/", "kind": "listing"}, {"url": ORIGIN + "/feed/", "kind": "feed"}]
    out += [{"url": f"{ORIGIN}/author/{s}/", "kind": "archive"} for s in AUTHORS]
    out += [{"url": ORIGIN + path, "kind": "page", "wp_id": page_id} for page_id, path, _, _ in EXTRA_PAGES]
    for p in POSTS:
        for n in range(1, len(p.comment_pages)):
            out.append({"url": comment_page_url(ORIGIN, p, n), "kind": "comment-page", "post_wp_id": p.wp_id})
    return out


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        if path.endswith("/"):
            name = "index.xml" if path.endswith("/feed/") else "index.html"
            target = root / path.lstrip("/") / name
        else:
            target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
