"""Site-wide page furniture of the synthetic DDN mirror: head assets, header, nav, sidebar, footer.

Real DDN pages are ~60 KB, most of it furniture repeated on every page (inline CSS, scripts, a
large mega-menu, sidebar widgets). The crawler pays to parse all of it, so the mirror carries it
too. Everything here is built once per mirror and shared by every page.
"""

from __future__ import annotations

import random
from functools import lru_cache

ORIGIN = "https://www.drinkanddrugsnews.com"
SITE_NAME = "DDN Magazine"
UPLOADS = f"{ORIGIN}/wp-content/uploads"

CATEGORIES = (
    ("news", "News"),
    ("features", "Features"),
    ("comment", "Comment"),
    ("interviews", "Interviews"),
    ("recovery", "Recovery"),
    ("harm-reduction", "Harm reduction"),
    ("alcohol", "Alcohol"),
    ("policy", "Policy"),
)

TAGS = (
    "naloxone", "recovery-communities", "lived-experience", "commissioning", "workforce",
    "drug-deaths", "alcohol-policy", "prisons", "homelessness", "mental-health", "cannabis",
    "opioids", "hepatitis-c", "young-people", "families", "stigma", "peer-support", "funding",
    "scotland", "wales", "public-health", "treatment", "dame-carol-black", "nhs", "covid-19",
    "gambling", "chemsex", "ketamine", "nitazenes", "drug-checking", "heroin-assisted-treatment",
    "minimum-unit-pricing", "criminal-justice", "housing", "employment", "trauma",
)


def _css_blob(rng: random.Random, rules: int) -> str:
    """Inline block-library and theme CSS, the bulk of every WordPress <head>."""
    props = ("margin", "padding", "color", "background", "font-size", "line-height", "border",
             "display", "width", "max-width", "text-align", "font-weight", "letter-spacing")
    out = []
    for i in range(rules):
        sel = f".wp-block-{rng.choice(('group', 'columns', 'cover', 'image', 'button', 'quote', 'table', 'gallery'))}"
        sel += f"__{rng.choice(('inner', 'link', 'content', 'caption', 'item'))}-{i}"
        body = ";".join(f"{rng.choice(props)}:{rng.randint(0, 64)}px" for _ in range(rng.randint(2, 6)))
        out.append(f"{sel}{{{body}}}")
    return "".join(out)


@lru_cache(maxsize=1)
def head_assets() -> str:
    """Styles, emoji loader, analytics and preloads that precede </head> on every page."""
    rng = random.Random(20240601)
    emoji = ("window._wpemojiSettings = {\"baseUrl\":\"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/\","
             "\"ext\":\".png\",\"svgUrl\":\"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/\",\"svgExt\":\".svg\","
             "\"source\":{\"concatemoji\":\"https:\\/\\/www.drinkanddrugsnews.com\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.4.3\"}};\n"
             + "/*! This file is auto-generated */\n"
             + "".join(f"!function(i,n){{var o{k},s{k},e{k};function c{k}(e){{try{{var t={{supportTests:e,timestamp:(new Date).valueOf()}};"
                       f"sessionStorage.setItem(o{k},JSON.stringify(t))}}catch(e){{}}}}}}(window,document);" for k in range(8)))
    styles = [
        f"<link rel='stylesheet' id='{name}-css' href='{ORIGIN}/wp-content/{path}?ver=6.4.3' media='all' />"
        for name, path in (
            ("wp-block-library", "../wp-includes/css/dist/block-library/style.min.css"),
            ("td-theme", "themes/Newspaper/style.css"),
            ("addtoany", "plugins/add-to-any/addtoany.min.css"),
            ("jetpack_css", "plugins/jetpack/css/jetpack.css"),
            ("mailchimp-for-wp-checkbox", "plugins/mailchimp-for-wp/assets/css/checkbox.css"),
        )
    ]
    return "\n".join([
        f"<script type=\"text/javascript\">\n{emoji}\n</script>",
        "<style id='wp-emoji-styles-inline-css' type='text/css'>img.wp-smiley,img.emoji{display:inline!important;border:none!important;height:1em!important;width:1em!important}</style>",
        *styles,
        f"<style id='global-styles-inline-css' type='text/css'>\nbody{{--wp--preset--color--black:#000000;}}{_css_blob(rng, 55)}\n</style>",
        f"<style id='td-theme-inline-css' type='text/css'>{_css_blob(rng, 25)}</style>",
        f"<script type=\"text/javascript\" src=\"{ORIGIN}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1\" id=\"jquery-core-js\"></script>",
        "<script type=\"text/javascript\" id=\"addtoany-core-js-before\">\nwindow.a2a_config=window.a2a_config||{};a2a_config.callbacks=[];a2a_config.overlays=[];a2a_config.templates={};a2a_localize = {\n\tShare: \"Share\",\n\tSave: \"Save\",\n\tSubscribe: \"Subscribe\",\n\tEmail: \"Email\",\n\tBookmark: \"Bookmark\"\n};\n</script>",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DDN0000000\"></script>\n<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}gtag('js', new Date());gtag('config', 'G-DDN0000000');</script>",
    ])


@lru_cache(maxsize=1)
def header_and_nav() -> str:
    """Masthead with the custom logo, and a mega-menu of ~80 links."""
    rng = random.Random(7)
    items = []
    for slug, name in CATEGORIES:
        subs = "".join(
            f"<li id=\"menu-item-{rng.randint(1000, 99999)}\" class=\"menu-item menu-item-type-taxonomy menu-item-object-post_tag\">"
            f"<a href=\"{ORIGIN}/tag/{tag}/\">{tag.replace('-', ' ').title()}</a></li>"
            for tag in rng.sample(TAGS, 3)
        )
        items.append(
            f"<li id=\"menu-item-{rng.randint(1000, 99999)}\" class=\"menu-item menu-item-type-taxonomy menu-item-object-category menu-item-has-children\">"
            f"<a href=\"{ORIGIN}/category/{slug}/\">{name}</a><ul class=\"sub-menu\">{subs}</ul></li>"
        )
    for page in ("magazine", "about-us", "advertise", "subscribe", "jobs", "events", "contact"):
        items.append(f"<li class=\"menu-item menu-item-type-post_type menu-item-object-page\"><a href=\"{ORIGIN}/{page}/\">{page.replace('-', ' ').title()}</a></li>")
    return (
        "<div id=\"page\" class=\"site\"><a class=\"skip-link screen-reader-text\" href=\"#content\">Skip to content</a>"
        "<header id=\"masthead\" class=\"site-header\" role=\"banner\"><div class=\"site-branding\">"
        f"<a href=\"{ORIGIN}/\" class=\"custom-logo-link\" rel=\"home\"><img width=\"300\" height=\"90\" src=\"{UPLOADS}/2019/01/ddn-logo.png\" "
        f"class=\"custom-logo\" alt=\"{SITE_NAME}\" decoding=\"async\" /></a>"
        f"<p class=\"site-description\">Drink and drugs news for the treatment and recovery sector</p></div>"
        "<form role=\"search\" method=\"get\" class=\"search-form\" action=\"" + ORIGIN + "/\"><label><span class=\"screen-reader-text\">Search for:</span>"
        "<input type=\"search\" class=\"search-field\" placeholder=\"Search &hellip;\" value=\"\" name=\"s\" /></label><input type=\"submit\" class=\"search-submit\" value=\"Search\" /></form>"
        "<nav id=\"site-navigation\" class=\"main-navigation\" aria-label=\"Primary menu\"><button class=\"menu-toggle\" aria-controls=\"primary-menu\" aria-expanded=\"false\">Menu</button>"
        f"<ul id=\"primary-menu\" class=\"menu\">{''.join(items)}</ul></nav></header>"
        "<div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\"><main id=\"main\" class=\"site-main\">"
    )


@lru_cache(maxsize=1)
def sidebar_static() -> str:
    """Widgets that do not change between pages: magazine cover, ads, tag cloud, newsletter."""
    rng = random.Random(11)
    ads = "".join(
        f"<section id=\"media_image-{i}\" class=\"widget widget_media_image\"><a href=\"https://advertiser{i}.example/?utm_source=ddn\">"
        f"<img width=\"300\" height=\"250\" src=\"{UPLOADS}/2023/0{i}/advert-{i}-300x250.jpg\" class=\"image wp-image-{9000 + i} attachment-medium size-medium\" "
        f"alt=\"\" style=\"max-width: 100%; height: auto;\" decoding=\"async\" loading=\"lazy\" "
        f"srcset=\"{UPLOADS}/2023/0{i}/advert-{i}-300x250.jpg 300w, {UPLOADS}/2023/0{i}/advert-{i}-600x500.jpg 600w\" sizes=\"(max-width: 300px) 100vw, 300px\" /></a></section>"
        for i in range(1, 4)
    )
    cloud = "".join(
        f"<a href=\"{ORIGIN}/tag/{tag}/\" class=\"tag-cloud-link tag-link-{100 + i} tag-link-position-{i + 1}\" "
        f"style=\"font-size: {rng.uniform(8, 22):.3f}pt;\" aria-label=\"{tag} ({rng.randint(3, 400)} items)\">{tag.replace('-', ' ')}</a>\n"
        for i, tag in enumerate(TAGS[:20])
    )
    return (
        "<section id=\"custom_html-2\" class=\"widget_text widget widget_custom_html\"><h2 class=\"widget-title\">Latest issue</h2>"
        f"<div class=\"textwidget custom-html-widget\"><a href=\"{ORIGIN}/magazine/\"><img src=\"{UPLOADS}/2024/06/ddn-june-2024-cover.jpg\" alt=\"DDN June 2024\" width=\"300\" height=\"424\"/></a>"
        "<p>Download the latest issue of DDN magazine, free to everyone working in the sector.</p></div></section>"
        f"{ads}"
        f"<section id=\"tag_cloud-2\" class=\"widget widget_tag_cloud\"><h2 class=\"widget-title\">Tags</h2><div class=\"tagcloud\">{cloud}</div></section>"
        "<section id=\"mc4wp_form_widget-2\" class=\"widget widget_mc4wp_form_widget\"><h2 class=\"widget-title\">Newsletter</h2>"
        "<form id=\"mc4wp-form-1\" class=\"mc4wp-form mc4wp-form-27\" method=\"post\" data-id=\"27\" data-name=\"Newsletter\"><div class=\"mc4wp-form-fields\">"
        "<p><label>Email address: <input type=\"email\" name=\"EMAIL\" placeholder=\"Your email address\" required /></label></p>"
        "<p><input type=\"submit\" value=\"Sign up\" /></p></div><label style=\"display: none !important;\">Leave this field empty if you're human: "
        "<input type=\"text\" name=\"_mc4wp_honeypot\" value=\"\" tabindex=\"-1\" autocomplete=\"off\" /></label></form></section>"
    )


@lru_cache(maxsize=1)
def footer() -> str:
    """Footer menus, copyright and the scripts WordPress prints in wp_footer."""
    rng = random.Random(13)
    cols = "".join(
        f"<div class=\"footer-widget\"><h2 class=\"widget-title\">{name}</h2><ul>"
        + "".join(f"<li><a href=\"{ORIGIN}/category/{slug}/\">{name} {k}</a></li>" for k in range(5))
        + "</ul></div>"
        for slug, name in CATEGORIES[:4]
    )
    scripts = "".join(
        f"<script type=\"text/javascript\" src=\"{ORIGIN}/wp-content/plugins/{p}.js?ver={rng.randint(1, 9)}.{rng.randint(0, 9)}\" id=\"{p.split('/')[0]}-js\"></script>\n"
        for p in ("jetpack/_inc/build/photon/photon.min", "add-to-any/addtoany.min", "contact-form-7/includes/js/index",
                  "mailchimp-for-wp/assets/js/forms", "jetpack/_inc/build/sharedaddy/sharing.min")
    )
    sharing = ("<script type=\"text/javascript\" id=\"sharing-js-js-extra\">\n/* <![CDATA[ */\nvar sharing_js_options = "
               "{\"sharing_counts\":\"1\",\"counts\":\"1\",\"is_stats_active\":\"1\"};\n/* ]]> */\n</script>\n"
               "<script type=\"text/javascript\" id=\"sharing-js-js-after\">\nvar windowOpen;( function () { function matches( el, sel ) {"
               " return !! ( el.matches && el.matches( sel ) || el.msMatchesSelector && el.msMatchesSelector( sel ) ); }"
               + "".join(f" document.body.addEventListener( 'click', function ( event ) {{ if ( ! event.target ) {{ return; }} var el{k};"
                         f" if ( matches( event.target, 'a.share-svc{k}' ) ) {{ el{k} = event.target; }} }} );" for k in range(5))
               + " } )();\n</script>")
    return (
        "</div></div><footer id=\"colophon\" class=\"site-footer\" role=\"contentinfo\">"
        f"<div class=\"footer-widgets\">{cols}</div><div class=\"site-info\">&copy; CJ Wellings Ltd. All rights reserved. "
        f"<a href=\"{ORIGIN}/privacy-policy/\" class=\"privacy-policy-link\">Privacy Policy</a></div></footer></div>"
        f"{scripts}{sharing}"
        "<script type=\"text/javascript\" src=\"https://stats.wp.com/e-202426.js\" id=\"jetpack-stats-js\" defer=\"defer\" data-wp-strategy=\"defer\"></script>"
    )
